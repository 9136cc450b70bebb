# System tests: convergence of replicas, and crash safety of the store.

# Convergence: seeded simulations of devices and a server; replicas must agree.
cairn_test(convergence_test convergence_test.cc convergence_world.cc)

# Crash safety: a writer process killed with SIGKILL hundreds of times.
add_executable(crash_writer crash_writer.cc)
target_link_libraries(crash_writer PRIVATE cairn::agent cairn::platform)
cairn_test(crash_test crash_test.cc)
target_compile_definitions(crash_test PRIVATE CAIRN_CRASH_WRITER="$<TARGET_FILE:crash_writer>")
add_dependencies(crash_test crash_writer)
