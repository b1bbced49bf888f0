
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/src/base/arena.c" "CMakeFiles/kvpt_core.dir/src/base/arena.c.o" "gcc" "CMakeFiles/kvpt_core.dir/src/base/arena.c.o.d"
  "/work/main/src/base/buf.c" "CMakeFiles/kvpt_core.dir/src/base/buf.c.o" "gcc" "CMakeFiles/kvpt_core.dir/src/base/buf.c.o.d"
  "/work/main/src/base/strmap.c" "CMakeFiles/kvpt_core.dir/src/base/strmap.c.o" "gcc" "CMakeFiles/kvpt_core.dir/src/base/strmap.c.o.d"
  "/work/main/src/base/utf8.c" "CMakeFiles/kvpt_core.dir/src/base/utf8.c.o" "gcc" "CMakeFiles/kvpt_core.dir/src/base/utf8.c.o.d"
  "/work/main/src/base/xalloc.c" "CMakeFiles/kvpt_core.dir/src/base/xalloc.c.o" "gcc" "CMakeFiles/kvpt_core.dir/src/base/xalloc.c.o.d"
  "/work/main/src/check/check.c" "CMakeFiles/kvpt_core.dir/src/check/check.c.o" "gcc" "CMakeFiles/kvpt_core.dir/src/check/check.c.o.d"
  "/work/main/src/engine/clock.c" "CMakeFiles/kvpt_core.dir/src/engine/clock.c.o" "gcc" "CMakeFiles/kvpt_core.dir/src/engine/clock.c.o.d"
  "/work/main/src/engine/engine.c" "CMakeFiles/kvpt_core.dir/src/engine/engine.c.o" "gcc" "CMakeFiles/kvpt_core.dir/src/engine/engine.c.o.d"
  "/work/main/src/engine/equeue.c" "CMakeFiles/kvpt_core.dir/src/engine/equeue.c.o" "gcc" "CMakeFiles/kvpt_core.dir/src/engine/equeue.c.o.d"
  "/work/main/src/engine/evlog.c" "CMakeFiles/kvpt_core.dir/src/engine/evlog.c.o" "gcc" "CMakeFiles/kvpt_core.dir/src/engine/evlog.c.o.d"
  "/work/main/src/export/ics.c" "CMakeFiles/kvpt_core.dir/src/export/ics.c.o" "gcc" "CMakeFiles/kvpt_core.dir/src/export/ics.c.o.d"
  "/work/main/src/export/outline.c" "CMakeFiles/kvpt_core.dir/src/export/outline.c.o" "gcc" "CMakeFiles/kvpt_core.dir/src/export/outline.c.o.d"
  "/work/main/src/export/plan_json.c" "CMakeFiles/kvpt_core.dir/src/export/plan_json.c.o" "gcc" "CMakeFiles/kvpt_core.dir/src/export/plan_json.c.o.d"
  "/work/main/src/export/text.c" "CMakeFiles/kvpt_core.dir/src/export/text.c.o" "gcc" "CMakeFiles/kvpt_core.dir/src/export/text.c.o.d"
  "/work/main/src/export/timeline.c" "CMakeFiles/kvpt_core.dir/src/export/timeline.c.o" "gcc" "CMakeFiles/kvpt_core.dir/src/export/timeline.c.o.d"
  "/work/main/src/model/diag.c" "CMakeFiles/kvpt_core.dir/src/model/diag.c.o" "gcc" "CMakeFiles/kvpt_core.dir/src/model/diag.c.o.d"
  "/work/main/src/model/doctrine.c" "CMakeFiles/kvpt_core.dir/src/model/doctrine.c.o" "gcc" "CMakeFiles/kvpt_core.dir/src/model/doctrine.c.o.d"
  "/work/main/src/model/extime.c" "CMakeFiles/kvpt_core.dir/src/model/extime.c.o" "gcc" "CMakeFiles/kvpt_core.dir/src/model/extime.c.o.d"
  "/work/main/src/model/model.c" "CMakeFiles/kvpt_core.dir/src/model/model.c.o" "gcc" "CMakeFiles/kvpt_core.dir/src/model/model.c.o.d"
  "/work/main/src/plan/gen.c" "CMakeFiles/kvpt_core.dir/src/plan/gen.c.o" "gcc" "CMakeFiles/kvpt_core.dir/src/plan/gen.c.o.d"
  "/work/main/src/plan/plan_load.c" "CMakeFiles/kvpt_core.dir/src/plan/plan_load.c.o" "gcc" "CMakeFiles/kvpt_core.dir/src/plan/plan_load.c.o.d"
  "/work/main/src/plan/yaml.c" "CMakeFiles/kvpt_core.dir/src/plan/yaml.c.o" "gcc" "CMakeFiles/kvpt_core.dir/src/plan/yaml.c.o.d"
  "/work/main/src/sim/rng.c" "CMakeFiles/kvpt_core.dir/src/sim/rng.c.o" "gcc" "CMakeFiles/kvpt_core.dir/src/sim/rng.c.o.d"
  "/work/main/src/sim/sim.c" "CMakeFiles/kvpt_core.dir/src/sim/sim.c.o" "gcc" "CMakeFiles/kvpt_core.dir/src/sim/sim.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
