#!/usr/bin/env bash
# Installs the Debian packages Cairn needs to build, test and run its demo.
# Idempotent and fast when everything is present: it asks dpkg first and only
# calls apt-get for what is missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libsqlite3-dev sqlite3
  nlohmann-json3-dev
  catch2
  libcurl4-openssl-dev
  libsystemd-dev
  libboost-dev
  libssl-dev
  libzstd-dev
  zlib1g-dev
  libimgui-dev libglfw3-dev libstb-dev fonts-noto-core
  xvfb
  # Debian packages (make package) and their test: cpack's shlibdeps, lintian.
  dpkg-dev fakeroot lintian debconf-utils file curl
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "Installing missing packages: ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then
    sudo_cmd=(sudo)
  else
    echo "error: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
