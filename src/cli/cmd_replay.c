#include "cli.h"
const char kvpt_usage_replay[] = "usage: kvpt replay\n";
KVPT_CMD(replay) { return KVPT_EXIT_USAGE; }
