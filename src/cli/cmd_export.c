#include "cli.h"
const char kvpt_usage_export[] = "usage: kvpt export\n";
KVPT_CMD(export) { return KVPT_EXIT_USAGE; }
