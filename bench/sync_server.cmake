# cairn-server ingest: push batches of 500 over loopback HTTP beside Store::ApplyRemote.
if(TARGET cairn::sync_server)
  add_executable(bench_sync_ingest bench_sync_ingest.cc)
  target_link_libraries(bench_sync_ingest PRIVATE cairn_bench_common cairn::sync_server)
endif()
