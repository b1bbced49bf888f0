# Empty dependencies file for bench_equeue.
# This may be replaced when dependencies are built.
