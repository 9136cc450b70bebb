# Installers and imaging (issue 6): configuration layers, the machine fingerprint,
# prepare-image, and the Debian package test (root only; skipped elsewhere).
cairn_test(installers_config
  installers/config_test.cc
)

# The Debian packages, end to end. Root only (CI); exit 77 = skipped, reason printed.
# Bounded: cpack + lintian + dpkg take about a minute here; the limit is generous.
add_test(NAME installers_package
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/installers/package_test.sh ${PROJECT_BINARY_DIR})
set_tests_properties(installers_package PROPERTIES
  SKIP_RETURN_CODE 77 TIMEOUT 600 RUN_SERIAL TRUE)
