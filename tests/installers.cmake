# Installers and imaging (issue 6): configuration layers, the machine fingerprint,
# prepare-image, and the Debian package test (root only; skipped elsewhere).
cairn_test(installers_config
  installers/config_test.cc
)
