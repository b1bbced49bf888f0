#include "cli.h"
const char kvpt_usage_show[] = "usage: kvpt show\n";
KVPT_CMD(show) { return KVPT_EXIT_USAGE; }
