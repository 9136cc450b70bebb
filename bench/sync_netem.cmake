# Sync over an emulated poor link (256 kbit/s, 300 ms round trip, 2% loss):
# a user-space link between two network namespaces (this kernel has no netem).
add_executable(link_emulator link_emulator.cc)
