# The wire encoding of op batches on the school day of ../shared/data/school-day,
# beside plain JSON compressed the same ways.
add_executable(bench_sync_wire bench_sync_wire.cc)
target_link_libraries(bench_sync_wire PRIVATE cairn_bench_common cairn::sync_protocol)
target_compile_definitions(bench_sync_wire PRIVATE CAIRN_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
