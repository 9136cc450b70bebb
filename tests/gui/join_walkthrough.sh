#!/usr/bin/env bash
# The client's first run on a school laptop under Xvfb: a student laptop joins
# the school's server with the join code IT gave, typed in the setup screen.
# First with a wrong address (the screen says the server cannot be reached and
# nothing is stored), then the right one: the class list arrives with the first
# sync, Ada signs in and finds the pack's lessons. Then a second laptop, whose
# image carries IT's enrollment token in /etc/cairn: it joins by itself at its
# first start. A real cairn-server over HTTPS.
set -euo pipefail
cairn=$1 cairnctl=$2 png_check=$3 root=$4 work=$5 server=$6

fresh_device=1
source "$root/tests/gui/walk_common.sh"

data=$work/server
srv() { "$server" "$@" --data "$data"; }
port=18543
while (: </dev/tcp/127.0.0.1/$port) 2>/dev/null; do port=$((port + 1)); done
url=https://127.0.0.1:$port
srv school create "Riverside Elementary" >/dev/null
srv class create "Room 12" --grade 3 >/dev/null
srv teacher add "Ms Rivera" --classes room-12 >/dev/null
srv learner add "Ada" --classes room-12 >/dev/null
srv learner add "Ben" --classes room-12 >/dev/null
srv pack publish "$root/content/math-fractions-place-value.en.json" >/dev/null
created=$(srv token create --role student-device --classes room-12 --url "$url")
code=$(sed -n 's/^Join code: \([A-Z0-9-]*\).*/\1/p' <<<"$created")
[ -n "$code" ] || fail "cairn-server token create printed no join code"
token=$(grep '^cairn1\.' <<<"$created")
"$server" serve --data "$data" --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do (: </dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done

# Nothing listens on port 1: the setup screen must say so and keep the device as it was.
cat >"$work/join.script" <<SCRIPT
expect-text "Welcome to Cairn"
click "Join code from IT (for example K7QM-2XPD)"
type "$code"
click "School server address (for example https://cairn.school.local:8443)"
type "https://127.0.0.1:1"
click "Join the school"
expect-text "cannot reach the server"
screenshot join-unreachable
click "School server address (for example https://cairn.school.local:8443)"
key Ctrl+A
type "$url"
click "Join the school"
expect-text "Tap your name"
expect-text "Ada"
screenshot join-sign-in
click "Ada"
expect-text "Hi, Ada!"
expect-text "One equal part"
screenshot join-student-home
SCRIPT
xvfb-run -a -e "$work/xvfb.log" -s "-screen 0 1280x800x24" \
  "$cairn" --script "$work/join.script" --screenshot-dir "$shots" || fail "the join walk-through"

"$cairnctl" status | grep -q "$url" || { "$cairnctl" status; fail "want the device enrolled with $url"; }
# The second laptop: nothing typed; IT's token is in /etc/cairn/enrollment-token.
mkdir -p "$CAIRN_CONFIG_ROOT/etc/cairn"
echo "$token" >"$CAIRN_ENROLLMENT_TOKEN_FILE"
cat >"$work/token.script" <<SCRIPT
expect-text "Tap your name"
expect-text "Ben"
screenshot token-sign-in
SCRIPT
CAIRN_HOME=$work/home2 xvfb-run -a -e "$work/xvfb.log" -s "-screen 0 1280x800x24" \
  "$cairn" --script "$work/token.script" --screenshot-dir "$shots" || fail "the token walk-through"
CAIRN_HOME=$work/home2 "$cairnctl" status | grep -q "$url" || fail "want the second laptop enrolled"

# The network goes: the first laptop keeps working, says it is offline and
# what waits; back on the network, its work reaches the server.
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true  # admin commands need it stopped
cat >"$work/offline.script" <<SCRIPT
click "Ada"
click "Start"
expect-text "Question 1 of 12"
click "1/5"
click "Check my answer"
expect-text "Well done!"
expect-text "Offline: saved on this device, will sync when the school network is back"
screenshot join-offline
SCRIPT
xvfb-run -a -e "$work/xvfb.log" -s "-screen 0 1280x800x24" \
  "$cairn" --script "$work/offline.script" --screenshot-dir "$shots" || fail "the offline walk-through"
"$server" serve --data "$data" --listen "127.0.0.1:$port" >>"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 50); do (: </dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
cat >"$work/online.script" <<SCRIPT
expect-text "Up to date as of"
screenshot join-back-online
SCRIPT
xvfb-run -a -e "$work/xvfb.log" -s "-screen 0 1280x800x24" \
  "$cairn" --script "$work/online.script" --screenshot-dir "$shots" || fail "the back-online walk-through"
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
srv devices | grep -q "student-device .* [1-9][0-9]* " || { srv devices; fail "want Ada's answer acknowledged"; }
srv devices 2>/dev/null | grep -c "student-device" | grep -qx 2 ||
  { srv devices; fail "want both laptops among the server's devices"; }
check_screenshots 6
echo "join walk-through passed; screenshots in $shots"
