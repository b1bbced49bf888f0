file(REMOVE_RECURSE
  "CMakeFiles/bench_check.dir/bench_check.c.o"
  "CMakeFiles/bench_check.dir/bench_check.c.o.d"
  "bench_check"
  "bench_check.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/bench_check.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
