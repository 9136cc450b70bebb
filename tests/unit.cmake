# Unit tests per module (issue 2): platform/ and agent/, including migrations from
# the previous schema's real file and bad input.
cairn_test(unit_platform
  platform/clock_test.cc
  platform/lock_file_test.cc
  platform/origin_test.cc
  platform/paths_test.cc
  platform/status_test.cc
)
