#include "cli.h"
const char kvpt_usage_simulate[] = "usage: kvpt simulate\n";
KVPT_CMD(simulate) { return KVPT_EXIT_USAGE; }
