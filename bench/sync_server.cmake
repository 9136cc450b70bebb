# cairn-server ingest: push batches of 500 over loopback HTTP beside Store::ApplyRemote.
if(TARGET cairn::sync_server)
  add_executable(bench_sync_ingest bench_sync_ingest.cc)
  target_link_libraries(bench_sync_ingest PRIVATE cairn_bench_common cairn::sync_server)
endif()
# The morning sync storm: a cairn-server process and 2,000 devices syncing within
# a minute, beside the same storm against a server that answers at once.
if(TARGET cairn::sync_server)
  add_executable(bench_sync_storm bench_sync_storm.cc storm_client.cc)
  target_link_libraries(bench_sync_storm PRIVATE cairn_bench_common cairn::sync_server)
  target_compile_definitions(bench_sync_storm PRIVATE CAIRN_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    CAIRN_SERVER_PATH="$<TARGET_FILE:cairn-server>")
  add_dependencies(bench_sync_storm cairn-server)
endif()
