# cairnctl driven as a user drives it: the real binary in a temporary CAIRN_HOME.
cairn_test(cli_test
  cli/cli_flow_test.cc
  cli/cli_schema_doc_test.cc
  cli/cli_store_test.cc
  cli/cli_usage_test.cc
  cli/pack_parse_test.cc
  LIBS cairn_cli_runner)
target_compile_definitions(cli_test PRIVATE
  CAIRNCTL_PATH="$<TARGET_FILE:cairnctl>"
  CAIRN_SOURCE_DIR_DEFAULT="${PROJECT_SOURCE_DIR}")
add_dependencies(cli_test cairnctl)
