# Installers and imaging (issue 6): configuration layers, the machine fingerprint,
# prepare-image, and the Debian package test (root only; skipped elsewhere).
cairn_test(installers_config
  installers/config_test.cc
)

cairn_test(installers_fingerprint
  installers/fingerprint_test.cc
)

# cairnctl config / prepare-image / doctor through the built binary.
cairn_test(installers_cli
  installers/cli_image_test.cc
  LIBS cairn_cli_runner cairn::sync_protocol)
target_compile_definitions(installers_cli PRIVATE CAIRNCTL_PATH="$<TARGET_FILE:cairnctl>")
add_dependencies(installers_cli cairnctl)

# The Debian packages, end to end. Root only (CI); exit 77 = skipped, reason printed.
# Bounded: cpack, lintian (beside the rest) and dpkg took 51 s here at load 4.5
# on 2 cores; the limit is generous.
add_test(NAME installers_package
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/installers/package_test.sh ${PROJECT_BINARY_DIR})
set_tests_properties(installers_package PROPERTIES
  SKIP_RETURN_CODE 77 TIMEOUT 600 RUN_SERIAL TRUE)

# The clone test: a real cairn-server process and two cairnctl devices, one a copy
# of the other's store on a machine with another fingerprint.
if(TARGET cairn::sync_client)
  cairn_school_test(installers_clone_test installers/clone_test.cc)
endif()

# doctor's sync checks and sync's configuration keys (rate caps, sync window,
# metered default, server URL) against an in-process cairn-server.
if(TARGET cairn::sync_client)
  cairn_test(installers_sync_settings
    installers/doctor_sync_test.cc
    installers/sync_settings_test.cc
    LIBS cairn_cli_runner cairn_server_testing cairn::sync_client cairn::sync_server
      cairn::platform_network)
  add_dependencies(installers_sync_settings cairnctl)
  target_compile_definitions(installers_sync_settings PRIVATE CAIRNCTL_PATH="$<TARGET_FILE:cairnctl>")
endif()
