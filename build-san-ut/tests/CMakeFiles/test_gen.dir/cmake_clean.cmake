file(REMOVE_RECURSE
  "CMakeFiles/test_gen.dir/unit/test_gen.c.o"
  "CMakeFiles/test_gen.dir/unit/test_gen.c.o.d"
  "test_gen"
  "test_gen.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_gen.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
