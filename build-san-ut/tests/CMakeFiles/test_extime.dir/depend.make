# Empty dependencies file for test_extime.
# This may be replaced when dependencies are built.
