# Empty dependencies file for test_equeue.
# This may be replaced when dependencies are built.
