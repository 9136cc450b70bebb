# System tests: convergence of replicas, and crash safety of the store.

# Convergence: seeded simulations of devices and a server; replicas must agree.
cairn_test(convergence_test convergence_test.cc convergence_world.cc)
