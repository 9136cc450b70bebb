# The mastery model (issue 3): BKT arithmetic, EM, corrections, states,
# explanations, parameters in the store, and order independence.
cairn_test(mastery_test
  mastery/mastery_test.cc
  mastery/mastery_fit_test.cc
  mastery/mastery_store_test.cc
)
