# Empty dependencies file for test_gen.
# This may be replaced when dependencies are built.
