# Empty dependencies file for kvpt_core.
# This may be replaced when dependencies are built.
