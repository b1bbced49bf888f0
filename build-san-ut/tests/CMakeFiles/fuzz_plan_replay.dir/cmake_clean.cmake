file(REMOVE_RECURSE
  "CMakeFiles/fuzz_plan_replay.dir/fuzz/fuzz_plan.c.o"
  "CMakeFiles/fuzz_plan_replay.dir/fuzz/fuzz_plan.c.o.d"
  "CMakeFiles/fuzz_plan_replay.dir/fuzz/replay_main.c.o"
  "CMakeFiles/fuzz_plan_replay.dir/fuzz/replay_main.c.o.d"
  "fuzz_plan_replay"
  "fuzz_plan_replay.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_plan_replay.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
