# The learning views (issue 3): learner profile, personal learning path, class
# report and grouping.
cairn_test(learning_test
  learning/grouping_test.cc
  learning/path_test.cc
  learning/profile_test.cc
)
