# sync/protocol: the wire encoding of op batches, bounded JSON, compression.
cairn_test(sync_protocol_test
  sync/protocol/batch_test.cc
  sync/protocol/bad_input_test.cc
  sync/protocol/compression_test.cc
  sync/protocol/wire_testing.cc
  LIBS cairn::sync_protocol)
