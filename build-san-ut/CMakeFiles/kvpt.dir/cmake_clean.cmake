file(REMOVE_RECURSE
  "CMakeFiles/kvpt.dir/src/cli/cmd_check.c.o"
  "CMakeFiles/kvpt.dir/src/cli/cmd_check.c.o.d"
  "CMakeFiles/kvpt.dir/src/cli/cmd_export.c.o"
  "CMakeFiles/kvpt.dir/src/cli/cmd_export.c.o.d"
  "CMakeFiles/kvpt.dir/src/cli/cmd_gen.c.o"
  "CMakeFiles/kvpt.dir/src/cli/cmd_gen.c.o.d"
  "CMakeFiles/kvpt.dir/src/cli/cmd_replay.c.o"
  "CMakeFiles/kvpt.dir/src/cli/cmd_replay.c.o.d"
  "CMakeFiles/kvpt.dir/src/cli/cmd_show.c.o"
  "CMakeFiles/kvpt.dir/src/cli/cmd_show.c.o.d"
  "CMakeFiles/kvpt.dir/src/cli/cmd_simulate.c.o"
  "CMakeFiles/kvpt.dir/src/cli/cmd_simulate.c.o.d"
  "CMakeFiles/kvpt.dir/src/cli/cmd_timeline.c.o"
  "CMakeFiles/kvpt.dir/src/cli/cmd_timeline.c.o.d"
  "CMakeFiles/kvpt.dir/src/cli/main.c.o"
  "CMakeFiles/kvpt.dir/src/cli/main.c.o.d"
  "kvpt"
  "kvpt.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/kvpt.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
