file(REMOVE_RECURSE
  "CMakeFiles/bench_engine.dir/bench_engine.c.o"
  "CMakeFiles/bench_engine.dir/bench_engine.c.o.d"
  "bench_engine"
  "bench_engine.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/bench_engine.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
