# Empty compiler generated dependencies file for kvpt.
# This may be replaced when dependencies are built.
