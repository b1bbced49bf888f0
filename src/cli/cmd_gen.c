#include "cli.h"
const char kvpt_usage_gen[] = "usage: kvpt gen\n";
KVPT_CMD(gen) { return KVPT_EXIT_USAGE; }
