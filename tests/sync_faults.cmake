# Sync under network faults: a proxy that refuses, delays, cuts and duplicates
# connections between real clients and a real server.
if(TARGET cairn::sync_server)
  add_library(cairn_fault_proxy STATIC sync/faults/fault_proxy.cc)
  target_link_libraries(cairn_fault_proxy PUBLIC Threads::Threads)
  cairn_test(sync_fault_proxy_test
    sync/faults/fault_proxy_test.cc
    LIBS cairn_server_testing cairn::sync_server cairn_fault_proxy)
endif()

# Three devices syncing through the proxy at a 30% fault rate while the server
# restarts, over 40 seeds: converged, nothing lost, nothing duplicated.
if(TARGET cairn::sync_client AND TARGET cairn::sync_server)
  cairn_test(sync_faults_test
    sync/faults/sync_faults_test.cc
    LIBS cairn_server_testing cairn::sync_client cairn::sync_server cairn_fault_proxy)
endif()

# The poor-link benchmark once, so that it cannot rot: one device's day over a
# user-space emulated link (256 kbit/s, 300 ms round trip, 2% loss), TLS included.
# Fails if that sync does not finish with everything acknowledged; skips (and says
# why) where there is no root or no network namespaces. Figures: run it by hand.
if(TARGET bench_sync_netem)
  add_test(NAME "a student device's day syncs whole over an emulated poor link"
    COMMAND bench_sync_netem --runs 1)
  set_tests_properties("a student device's day syncs whole over an emulated poor link"
    PROPERTIES TIMEOUT 180)
endif()

# Files after ops: a photo up and down byte for byte, cuts mid-upload and
# mid-download resumed, a metered link that keeps files waiting.
if(TARGET cairn::sync_client AND TARGET cairn::sync_server)
  cairn_test(sync_blobs_test
    sync/faults/blob_sync_test.cc
    LIBS cairn_server_testing cairn::sync_client cairn::sync_server cairn_fault_proxy)
endif()
