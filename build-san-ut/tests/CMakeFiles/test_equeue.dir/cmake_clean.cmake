file(REMOVE_RECURSE
  "CMakeFiles/test_equeue.dir/unit/test_equeue.c.o"
  "CMakeFiles/test_equeue.dir/unit/test_equeue.c.o.d"
  "test_equeue"
  "test_equeue.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_equeue.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
