# Content packs (issue 3): the format's checks rule by rule, importing and new
# versions, the answer checker, the shipped sample content, and the pack commands.
cairn_test(packs_test
  packs/answer_test.cc
  packs/pack_import_test.cc
  packs/pack_rules_test.cc
  packs/sample_content_test.cc
)
target_compile_definitions(packs_test PRIVATE CAIRN_SOURCE_DIR_DEFAULT="${PROJECT_SOURCE_DIR}")

cairn_test(packs_cli_test
  packs/pack_cli_test.cc
  LIBS cairn_cli_runner)
target_compile_definitions(packs_cli_test PRIVATE
  CAIRNCTL_PATH="$<TARGET_FILE:cairnctl>"
  CAIRN_SOURCE_DIR_DEFAULT="${PROJECT_SOURCE_DIR}")
add_dependencies(packs_cli_test cairnctl)
