# The learning views (issue 3): learner profile, personal learning path, class
# report and grouping.
cairn_test(learning_test
  learning/grouping_test.cc
  learning/path_test.cc
  learning/profile_test.cc
)

# The same views through the real cairnctl, as teachers and students run them.
cairn_test(learning_cli_test
  learning/learning_cli_test.cc
  LIBS cairn_cli_runner)
target_compile_definitions(learning_cli_test PRIVATE
  CAIRNCTL_PATH="$<TARGET_FILE:cairnctl>"
  CAIRN_SOURCE_DIR_DEFAULT="${PROJECT_SOURCE_DIR}")
add_dependencies(learning_cli_test cairnctl)
