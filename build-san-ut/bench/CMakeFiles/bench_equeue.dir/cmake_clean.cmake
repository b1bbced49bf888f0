file(REMOVE_RECURSE
  "CMakeFiles/bench_equeue.dir/bench_equeue.c.o"
  "CMakeFiles/bench_equeue.dir/bench_equeue.c.o.d"
  "bench_equeue"
  "bench_equeue.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/bench_equeue.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
