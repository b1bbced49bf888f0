file(REMOVE_RECURSE
  "CMakeFiles/test_extime.dir/unit/test_extime.c.o"
  "CMakeFiles/test_extime.dir/unit/test_extime.c.o.d"
  "test_extime"
  "test_extime.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_extime.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
