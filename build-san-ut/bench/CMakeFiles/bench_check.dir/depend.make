# Empty dependencies file for bench_check.
# This may be replaced when dependencies are built.
