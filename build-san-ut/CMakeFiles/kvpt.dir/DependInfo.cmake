
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/src/cli/cmd_check.c" "CMakeFiles/kvpt.dir/src/cli/cmd_check.c.o" "gcc" "CMakeFiles/kvpt.dir/src/cli/cmd_check.c.o.d"
  "/work/main/src/cli/cmd_export.c" "CMakeFiles/kvpt.dir/src/cli/cmd_export.c.o" "gcc" "CMakeFiles/kvpt.dir/src/cli/cmd_export.c.o.d"
  "/work/main/src/cli/cmd_gen.c" "CMakeFiles/kvpt.dir/src/cli/cmd_gen.c.o" "gcc" "CMakeFiles/kvpt.dir/src/cli/cmd_gen.c.o.d"
  "/work/main/src/cli/cmd_replay.c" "CMakeFiles/kvpt.dir/src/cli/cmd_replay.c.o" "gcc" "CMakeFiles/kvpt.dir/src/cli/cmd_replay.c.o.d"
  "/work/main/src/cli/cmd_show.c" "CMakeFiles/kvpt.dir/src/cli/cmd_show.c.o" "gcc" "CMakeFiles/kvpt.dir/src/cli/cmd_show.c.o.d"
  "/work/main/src/cli/cmd_simulate.c" "CMakeFiles/kvpt.dir/src/cli/cmd_simulate.c.o" "gcc" "CMakeFiles/kvpt.dir/src/cli/cmd_simulate.c.o.d"
  "/work/main/src/cli/cmd_timeline.c" "CMakeFiles/kvpt.dir/src/cli/cmd_timeline.c.o" "gcc" "CMakeFiles/kvpt.dir/src/cli/cmd_timeline.c.o.d"
  "/work/main/src/cli/main.c" "CMakeFiles/kvpt.dir/src/cli/main.c.o" "gcc" "CMakeFiles/kvpt.dir/src/cli/main.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/build-san-ut/CMakeFiles/kvpt_core.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
