# CMAKE generated file: DO NOT EDIT!
# Timestamp file for compiler generated dependencies management for fuzz_plan_replay.
