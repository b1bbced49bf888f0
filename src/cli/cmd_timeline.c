#include "cli.h"
const char kvpt_usage_timeline[] = "usage: kvpt timeline\n";
KVPT_CMD(timeline) { return KVPT_EXIT_USAGE; }
