# Unit tests per module (issue 2): platform/ and agent/, including migrations from
# the previous schema's real file and bad input.
cairn_test(unit_platform
  platform/clock_test.cc
  platform/lock_file_test.cc
  platform/origin_test.cc
  platform/paths_test.cc
  platform/status_test.cc
)

cairn_test(unit_agent_model
  agent/codec_test.cc
  agent/hlc_test.cc
  agent/kinds_test.cc
  agent/op_test.cc
  agent/sqlite_test.cc
  LIBS PkgConfig::SQLITE3
)

cairn_test(unit_agent_store
  agent/store_merge_test.cc
  agent/store_test.cc
)

# Not a test: writes tests/data/store-v1.sqlite (see the file). Built so it stays
# compilable; run by hand.
add_executable(make_v1_fixture data/make_v1_fixture.cc)
target_link_libraries(make_v1_fixture PRIVATE cairn::agent cairn::platform)

cairn_test(unit_agent_files
  agent/bad_input_test.cc
  agent/migration_test.cc
)
target_compile_definitions(unit_agent_files PRIVATE
  CAIRN_TEST_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
