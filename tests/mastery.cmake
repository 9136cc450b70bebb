# The mastery model (issue 3): BKT arithmetic, EM, corrections, states,
# explanations, parameters in the store, and order independence.
cairn_test(mastery_test
  mastery/mastery_test.cc
  mastery/mastery_fit_test.cc
  mastery/mastery_store_test.cc
)

# The commands, driven as a user drives them.
cairn_test(mastery_cli_test
  mastery/mastery_cli_test.cc
  LIBS cairn_cli_runner)
target_compile_definitions(mastery_cli_test PRIVATE CAIRNCTL_PATH="$<TARGET_FILE:cairnctl>")
add_dependencies(mastery_cli_test cairnctl)
