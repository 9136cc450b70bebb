#!/usr/bin/env bash
# The Debian package test (issue #6): builds cairn and cairn-server with CPack
# from BUILD_DIR and repacks them as an older version (0.0.9); runs lintian
# (errors fail) in the background meanwhile; preseeds debconf, installs the older
# packages, starts their server (its data appears), changes cairn.conf locally,
# upgrades to the newer packages (the conffile and the data stay, postinst
# restarts the server), reinstalls, runs the installed programs, starts the
# server from its installed configuration as its service user, queries it,
# removes (configuration stays) and purges (nothing of ours left). It changes the machine while it runs and
# puts it back on every exit.
#
# usage: package_test.sh BUILD_DIR
# Exit 77 (skipped, reason printed) when not root, when a tool is missing, or when
# cairn is already installed here (the test would remove it).
set -euo pipefail

build=$(cd "$1" && pwd)
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "--- [${SECONDS}s] $*"; }

[ "$(id -u)" -eq 0 ] || skip "the package test installs packages: run it as root (CI does)"
for tool in dpkg dpkg-deb dpkg-shlibdeps cpack lintian runuser curl debconf-set-selections \
    debconf-show adduser unshare; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (scripts/install-deps.sh installs it)"
done
for p in cairn cairn-server; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$status" in
    "" | "unknown ok not-installed" | "deinstall ok not-installed" | "purge ok not-installed") ;;
    *) skip "package $p is on this machine ($status); the test would remove it" ;;
  esac
done
port=8443
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  skip "port $port is in use; the installed server's configuration listens there"
fi

work=$(mktemp -d /tmp/cairn-package-test.XXXXXX)
server_pid=""
lintian_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  if [ -n "$lintian_pid" ]; then kill "$lintian_pid" 2>/dev/null || true; fi
  for p in cairn cairn-server; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -qv "not-installed"; then
      dpkg --purge "$p" >/dev/null 2>&1 || true
    fi
  done
  echo PURGE | debconf-communicate cairn >/dev/null 2>&1 || true
  rm -rf "$work" "$work-backups"
}
trap cleanup EXIT

# What the packages may touch. Names only: contents of dpkg's and debconf's own
# databases change by design.
snapshot() {
  find /etc /usr /var/lib /opt -xdev \( -path /var/lib/dpkg -o -path /var/lib/apt \) -prune \
    -o -print 2>/dev/null | sort
  grep -h cairn /etc/passwd /etc/group /etc/shadow /etc/gshadow 2>/dev/null | sed 's/^/account: /' || true
  ls /var/lib/dpkg/info | grep cairn | sed 's/^/dpkg info: /' || true
}

step "building the packages with CPack from $build"
(cd "$build" && cpack -G DEB -B "$work/packages" >"$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log"; fail "cpack failed"; }
client_deb=$(ls "$work"/packages/cairn_*.deb)
server_deb=$(ls "$work"/packages/cairn-server_*.deb)
echo "$(basename "$client_deb") $(du -h "$client_deb" | cut -f1), $(basename "$server_deb") $(du -h "$server_deb" | cut -f1)"

# Lintian reads only the .deb files: it runs beside the install steps below
# (it took 43 s of the test's 195 s in a row), and the test waits for it at the end.
lintian --fail-on error --info "$client_deb" "$server_deb" >"$work/lintian.log" 2>&1 &
lintian_pid=$!

step "the same packages repacked as an older version (0.0.9) to upgrade from"
# Only the version differs from the new packages: what an upgrade tests (conffiles,
# maintainer scripts, the server's data) does not depend on the binaries' age.
# Building them with a second cpack run cost as much as the first.
mkdir -p "$work/old"
older() {
  local deb=$1 tree
  tree="$work/old/$(dpkg-deb -f "$deb" Package)"
  dpkg-deb -R "$deb" "$tree"
  sed -i 's/^Version: .*/Version: 0.0.9-1/' "$tree/DEBIAN/control"
  dpkg-deb -Zgzip -z1 --build "$tree" "$work/old" >/dev/null
  rm -rf "$tree"
}
older "$client_deb" &
older "$server_deb"
wait $!
old_client_deb=$(ls "$work"/old/cairn_0.0.9-*.deb)
old_server_deb=$(ls "$work"/old/cairn-server_0.0.9-*.deb)
dpkg --compare-versions "$(dpkg-deb -f "$client_deb" Version)" gt "$(dpkg-deb -f "$old_client_deb" Version)" ||
  fail "the old package is not older"

step "control fields"
for deb in "$client_deb" "$server_deb"; do
  dpkg-deb -f "$deb" Section | grep -qx education || fail "$deb: Section is not education"
  dpkg-deb -f "$deb" Depends | grep -q "libc6" || fail "$deb: Depends lacks libc6 (shlibdeps did not run)"
  dpkg-deb -f "$deb" Package Version Depends
done
dpkg-deb -I "$client_deb" conffiles | grep -qx /etc/cairn/cairn.conf || fail "cairn.conf is not a conffile"
dpkg-deb -I "$server_deb" conffiles | grep -qx /etc/cairn-server/cairn-server.conf ||
  fail "cairn-server.conf is not a conffile"
for bin in usr/bin/cairn usr/bin/cairnctl; do
  dpkg-deb --fsys-tarfile "$client_deb" | tar -xO "./$bin" >"$work/bin"
  file "$work/bin" | grep -q ", stripped" || fail "$bin is not stripped"
done

snapshot >"$work/before"

# Starts the installed server as systemd would (ExecStart of the installed unit,
# as its user, with its EnvironmentFile) and waits until it answers.
start_server() {
  unit=/lib/systemd/system/cairn-server.service
  exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
  env_file=$(sed -n 's/^EnvironmentFile=-\{0,1\}//p' "$unit")
  user=$(sed -n 's/^User=//p' "$unit")
  # EnvironmentFile: VAR=value lines. In ExecStart systemd splits an unbraced $VAR
  # into words and keeps ${VAR} as one.
  local -A vars
  local env_args=() cmd=() words=() parts=() line w answer=""
  while IFS= read -r line; do
    case "$line" in '' | '#'*) continue ;; esac
    vars[${line%%=*}]=${line#*=}
    env_args+=("$line")
  done <"$env_file"
  read -ra words <<<"$exec_start"
  for w in "${words[@]}"; do
    if [[ $w =~ ^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$ ]]; then
      cmd+=("${vars[${BASH_REMATCH[1]}]}")
    elif [[ $w =~ ^\$([A-Za-z_][A-Za-z0-9_]*)$ ]]; then
      read -ra parts <<<"${vars[${BASH_REMATCH[1]}]}"
      cmd+=("${parts[@]}")
    else
      cmd+=("$w")
    fi
  done
  echo "as $user: ${env_args[*]} ${cmd[*]}"
  runuser -u "$user" -- env -i "${env_args[@]}" "${cmd[@]}" >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 50); do
    answer=$(curl -sk --max-time 2 "https://127.0.0.1:$port/v1/clock" || true)
    [ -n "$answer" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; fail "the server exited"; }
    sleep 0.2
  done
  echo "GET /v1/clock without a credential: $answer"
  echo "$answer" | grep -q '"unauthenticated"' || { cat "$work/server.log"; fail "the server did not answer"; }
}
stop_server() {
  kill -TERM "$server_pid"
  wait "$server_pid" || true
  server_pid=""
}

step "preseeding debconf and installing the older packages"
url="https://cairn.test.example:8443"
token="cairn1.dGVzdA.cGlu.secret-for-the-package-test"
debconf-set-selections <<EOF
cairn cairn/server_url string $url
cairn cairn/enrollment_token password $token
EOF
export DEBIAN_FRONTEND=noninteractive
dpkg -i "$old_client_deb" "$old_server_deb" >"$work/dpkg-old.log" 2>&1 ||
  { cat "$work/dpkg-old.log"; fail "dpkg -i of the old version failed"; }
step "the old version's server makes its data; a local change to cairn.conf"
start_server
stop_server
key_before=$(sha256sum /var/lib/cairn-server/tls/* | sort)
printf '\n[network]\nmax_send_rate = 32k\n' >>/etc/cairn/cairn.conf
conf_before=$(sha256sum /etc/cairn/cairn.conf)

step "upgrading to the new version (as if systemd ran: postinst must restart the server)"
# dpkg runs postinst in a mount namespace where /run/systemd/system exists and
# deb-systemd-invoke and systemctl only write down what they were asked.
mkdir -p "$work/fakebin"
for tool in deb-systemd-invoke systemctl; do
  printf '#!/bin/sh\necho "%s $*" >>%s\n' "$tool" "$work/systemd-calls" >"$work/fakebin/$tool"
  chmod +x "$work/fakebin/$tool"
done
unshare --mount sh -c 'mount -t tmpfs tmpfs /run && mkdir -p /run/systemd/system &&
  PATH="$1:$PATH" dpkg -i "$2" "$3"' upgrade "$work/fakebin" "$client_deb" "$server_deb" \
  >"$work/dpkg-upgrade.log" 2>&1 || { cat "$work/dpkg-upgrade.log"; fail "the upgrade failed"; }
cat "$work/systemd-calls" 2>/dev/null || true
[ "$(dpkg-query -W -f='${Version}' cairn-server)" = "$(dpkg-deb -f "$server_deb" Version)" ] ||
  fail "cairn-server was not upgraded"
grep -qx "deb-systemd-invoke restart cairn-server.service" "$work/systemd-calls" ||
  fail "the upgrade did not restart cairn-server"
grep -q "stop cairn-server" "$work/systemd-calls" && fail "the upgrade stopped the server instead"
[ "$(sha256sum /etc/cairn/cairn.conf)" = "$conf_before" ] || fail "the upgrade changed the local cairn.conf"
[ -z "$(ls /etc/cairn/*.dpkg-* 2>/dev/null)" ] || fail "dpkg left a .dpkg-new/.dpkg-old beside cairn.conf"
[ "$(sha256sum /var/lib/cairn-server/tls/* | sort)" = "$key_before" ] || fail "the upgrade changed the server's key"
grep -qx "$token" /etc/cairn/enrollment-token || fail "the upgrade lost the enrollment token"

step "installing again (the same version: the maintainer scripts are idempotent)"
dpkg -i "$client_deb" "$server_deb" >"$work/dpkg2.log" 2>&1 ||
  { cat "$work/dpkg2.log"; fail "a second dpkg -i failed"; }

step "installed programs"
/usr/bin/cairnctl --version | grep -qx "cairnctl [0-9.]*" || fail "cairnctl --version"
/usr/bin/cairn-server --version | grep -qx "cairn-server [0-9.]*" || fail "cairn-server --version"
/usr/bin/cairnctl --version
/usr/bin/cairn-server --version
/usr/bin/cairn --help | grep -q "usage: cairn" || fail "cairn --help"
[ -d /usr/share/cairn/i18n ] || fail "the client's catalogs are not installed"

step "debconf answers reach the configuration"
grep -qx "$token" /etc/cairn/enrollment-token || fail "the preseeded token is not in /etc/cairn/enrollment-token"
if grep -qs -- "$token" /var/cache/debconf/passwords.dat /var/cache/debconf/config.dat; then
  fail "the token stayed in debconf's database"
fi
env -u CAIRN_HOME HOME="$work/home" /usr/bin/cairnctl config >"$work/config.out"
cat "$work/config.out"
grep -A1 "server_url = $url" "$work/config.out" | grep -q "from /etc/cairn/conf.d/50-debconf.conf:3" ||
  fail "cairnctl config does not show the preseeded server_url from 50-debconf.conf:3"
[ -L /etc/systemd/user/timers.target.wants/cairn-sync.timer ] ||
  fail "the sync timer is not enabled for users"
getent passwd cairn-server >/dev/null || fail "no cairn-server user"
[ "$(stat -c %U /var/lib/cairn-server)" = cairn-server ] || fail "/var/lib/cairn-server is not the service user's"

step "the first school from the installed sample pack (SERVER.md), as the service user"
cs() { runuser -u cairn-server -- /usr/bin/cairn-server "$@" --data /var/lib/cairn-server; }
cs school create "Riverside Elementary" || fail "school create"
cs class create "Room 12" --grade 3 || fail "class create"
cs pack publish /usr/share/cairn-server/content/math-fractions-place-value.en.json ||
  fail "the installed sample pack does not publish"

step "the new version's server on the data the old one made; devices and a backup beside it"
start_server
[ "$(stat -c %U /var/lib/cairn-server/tls)" = cairn-server ] || fail "tls/ is not the service user's"
cs devices | grep -q "No devices enrolled yet" || fail "cairn-server devices beside the running server"
# Beside $work (mode 0700, root's): the service user writes the backup.
install -d -o cairn-server -g cairn-server -m 0700 "$work-backups"
cs backup "$work-backups/today" || fail "cairn-server backup beside the running server"
[ -n "$(find "$work-backups/today/blobs" -type f)" ] || fail "the backup has no blobs/ (the pack's file)"
[ "$(stat -c %U "$work-backups/today/ops.db")" = cairn-server ] || fail "the backup is not the service user's"
stop_server

step "remove: programs go, configuration and the school's data stay"
dpkg -r cairn cairn-server >"$work/remove.log" 2>&1 || { cat "$work/remove.log"; fail "dpkg -r failed"; }
[ ! -e /usr/bin/cairnctl ] || fail "/usr/bin/cairnctl is still there after remove"
[ -f /etc/cairn/cairn.conf ] || fail "remove deleted the conffile /etc/cairn/cairn.conf"
[ -d /var/lib/cairn-server/tls ] || fail "remove deleted the server's data"

step "purge: nothing of ours is left"
dpkg -P cairn cairn-server >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "dpkg -P failed"; }
cat "$work/purge.log"
snapshot >"$work/after"
left=$(diff "$work/before" "$work/after" || true)
if echo "$left" | grep -qi cairn; then
  echo "$left"
  fail "files, accounts or dpkg records of cairn differ from before the install"
fi
if [ -n "$left" ]; then
  echo "(other changes meanwhile, not ours:)"
  echo "$left" | head -20
fi
if debconf-show cairn 2>/dev/null | grep -q .; then fail "debconf still holds cairn's answers"; fi
step "lintian (errors fail; warnings are explained in installers/README.md)"
lintian_rc=0
wait "$lintian_pid" || lintian_rc=$?
lintian_pid=""
cat "$work/lintian.log"
[ "$lintian_rc" -eq 0 ] || fail "lintian found errors (exit $lintian_rc)"

echo "PASS: built, linted, installed, upgraded, ran, removed and purged both packages (${SECONDS}s)"
