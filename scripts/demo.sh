#!/usr/bin/env bash
# The demo (`make demo`). Part 1, a standalone classroom: one teacher, one class of
# four learners, the sample math pack (fractions and place value), a morning's
# work, then each learner's profile. Part 2, a school server: cairn-server on
# loopback with the pack and a class, a student laptop and a teacher tablet
# enrolled with tokens, work recorded offline on each, synced, and seen arriving;
# then the desktop client opens as the teacher's tablet (where there is a
# display; elsewhere it runs a scripted walk-through under Xvfb and says where
# its screenshots are).
# Every step is a cairnctl command, printed before its output, so a teacher can
# follow along and type the same commands.
# Usage: scripts/demo.sh BUILD_DIR
set -euo pipefail

build=${1:?usage: scripts/demo.sh BUILD_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)
bin=$build/tools/cairnctl/cairnctl
[ -x "$bin" ] || { echo "no $bin; build first (make build)" >&2; exit 1; }

# A fixed demo home, reset on every run, so it can be explored afterwards.
export CAIRN_HOME=$build/demo-home
rm -rf "$CAIRN_HOME"

if [ -t 1 ]; then bold=$(printf "\033[1m") plain=$(printf "\033[0m"); else bold= plain=; fi
step() { printf "\n%s== %s%s\n" "$bold" "$*" "$plain"; }
# Shows a cairnctl command as typed, then its output, indented; keeps the output
# in $last for the steps that need an id from it.
last=
# `shown NAME ARGS`: the command line as a person would type it.
shown() {
  local line=$1 arg
  shift
  for arg in "$@"; do
    if [[ $arg =~ ^[A-Za-z0-9._/:,=-]+$ ]]; then line+=" $arg"; else line+=" \"$arg\""; fi
  done
  printf '\n$ %s\n' "$line"
}
cairnctl() {
  shown cairnctl "$@"
  last=$("$bin" "$@")
  printf '%s\n' "$last" | sed 's/^/  /'
}

echo "Cairn standalone classroom demo"
echo "The store for this demo lives in $CAIRN_HOME (reset on every run)."

step "Set up a classroom: a school, a teacher, a class, four learners"
cairnctl init --standalone --school "Riverside Elementary"
cairnctl teacher add "Ms Rivera"
cairnctl class add "Room 12" --grade 3 --teacher "Ms Rivera"
cairnctl learner add "Ada" --given Ada --family Okafor
cairnctl learner add "Ben" --given Ben --family Tran
cairnctl learner add "Chloé" --given Chloé --family Martin
cairnctl learner add "Dev" --given Dev --family Patel
cairnctl enroll Ada Ben Chloé Dev --class "Room 12"
cairnctl class list

step "Import the sample math pack (content/, written for Cairn, CC BY 4.0)"
cairnctl pack import "$root/content/math-fractions-place-value.en.json"
cairnctl pack list

step "A morning's work: learners answer items, each response judged against its item"
# Unit fractions, parts of a whole, equivalent fractions (grade 3).
cairnctl record attempt Ada math.frac.unit.01 --response 1/5 --seconds 14
cairnctl record attempt Ada math.frac.unit.03 --response 1/4 --seconds 9
cairnctl record attempt Ada math.frac.parts.01 --response 4/6 --seconds 31
cairnctl record attempt Ada math.frac.equivalent.01 --response 3 --seconds 40 --hints 1
cairnctl record attempt Ada math.frac.equivalent.01 --response 4 --seconds 22
cairnctl record attempt Ben math.frac.unit.01 --response 5/1 --seconds 20
cairnctl record attempt Ben math.frac.unit.01 --response 1/5 --seconds 12 --hints 1
cairnctl record attempt Ben math.frac.unit.02 --response 8 --seconds 8
cairnctl record attempt Ben math.frac.parts.02 --response 8/7 --seconds 25
cairnctl record attempt Chloé math.frac.unit.04 --response 1/8 --seconds 11
cairnctl record attempt Chloé math.frac.parts.03 --response 5 --seconds 19
cairnctl record attempt Chloé math.frac.equivalent.03 --response yes --seconds 15
cairnctl record attempt Chloé math.frac.equivalent.06 --response 2/6 --seconds 10
cairnctl record attempt Dev math.frac.unit.01 --response 1/5 --seconds 30
cairnctl record attempt Dev math.frac.unit.02 --response 1 --seconds 45 --hints 1
cairnctl record attempt Dev math.frac.unit.06 --response 1 --seconds 35

step "After lunch Ada keeps practising unit fractions, until the evidence shows mastery"
for answer in "02 8" "04 1/8" "06 2" "08 1/9" "10 12" "12 1/6"; do
  set -- $answer
  cairnctl record attempt Ada "math.frac.unit.$1" --response "$2" --seconds 12
done

step "A mistake, corrected: an answer recorded for Dev was really Ben's"
cairnctl record attempt Dev math.frac.parts.01 --response 6/4
mistake=$(sed -n 's/.*(op \([0-9a-f]*:[0-9]*\)).*/\1/p' <<<"$last")
cairnctl record retract "$mistake" --reason "entered for the wrong learner"
cairnctl record attempt Ben math.frac.parts.01 --response 6/4

step "Ms Rivera observes a small group folding paper strips"
cairnctl record observation Ada Ben --teacher "Ms Rivera" --competency "Equivalent fractions" \
  --level 3 --modality small_group --note "Folded strips to show 1/2 = 2/4 and explained it to Ben"

step "Goals and the learner profile"
cairnctl goal set Ben "Know my fourths and eighths" --target-date 2026-12-18 \
  --competencies math.frac.parts
goal=$(sed -n 's/^Set goal \([^ ]*\) .*/\1/p' <<<"$last")
cairnctl goal checkin "$goal" --rating 4 --progress 40 --reflection "Fourths are easy now, eighths not yet"
cairnctl profile set Ada --interests "football,drawing" --preferences "working with a partner"
cairnctl profile set Ben --interests "dinosaurs,building things" --languages "en,vi"
cairnctl profile set Chloé --interests "music,reading" --languages "fr,en"
cairnctl profile set Dev --interests "cricket,cooking" --about "I like puzzles"

step "Each learner's profile"
for who in Ada Ben Chloé Dev; do cairnctl learner show "$who"; done

step "The record that travels with a learner (first lines of the JSON export)"
printf '\n$ cairnctl export Ada | head -n 14\n'
# Through a file: head closing the pipe early must not fail the demo (pipefail).
"$bin" export Ada >"$CAIRN_HOME/ada-export.json"
head -n 14 "$CAIRN_HOME/ada-export.json" | sed 's/^/  /'

step "The device"
cairnctl status
cairnctl doctor

step "Learner profiles, a personal learning path, and the class at a glance"
cairnctl profile Ada
cairnctl next Ada
cairnctl profile Ben
cairnctl profile Chloé
cairnctl next Dev
cairnctl next Dev --choose 1
cairnctl class-report "Room 12" --group math.frac.parts,math.frac.equivalent --min 2 --max 3


# ---- Part 2: a school server --------------------------------------------------
server_bin=$build/sync/server/cairn-server
[ -x "$server_bin" ] || { echo "no $server_bin; build first (make build)" >&2; exit 1; }
server_data=$build/demo-server
student_home=$build/demo-student
teacher_home=$build/demo-teacher
rm -rf "$server_data" "$student_home" "$teacher_home"
# A free loopback port (bash's /dev/tcp connects only when something listens).
port=18443
while (: </dev/tcp/127.0.0.1/$port) 2>/dev/null; do port=$((port + 1)); done
url=https://127.0.0.1:$port

cairn_server() {
  shown cairn-server "$@"
  last=$("$server_bin" "$@" --data "$server_data")
  printf '%s\n' "$last" | sed 's/^/  /'
}
# `on HOME LABEL cairnctl ARGS`: a device's command, shown with its name.
on() {
  local home=$1 label=$2
  shift 2
  printf '\n[%s]' "$label"
  CAIRN_HOME=$home "$@"
}

printf '\n%sPart 2: a school server%s\n' "$bold" "$plain"
echo "Server data in $server_data; devices in $student_home and $teacher_home."

step "IT sets up the server: a school, a class, a teacher, two learners, the math pack"
cairn_server school create "Riverside Elementary"
cairn_server class create "Room 12" --grade 3
cairn_server teacher add "Ms Rivera" --classes room-12
cairn_server learner add "Ada" --classes room-12
cairn_server learner add "Ben" --classes room-12
cairn_server pack publish "$root/content/math-fractions-place-value.en.json"

step "Enrollment tokens: one for student laptops, one for teacher devices"
cairn_server token create --role student-device --classes room-12 --url "$url"
student_token=$(grep '^cairn1\.' <<<"$last")
cairn_server token create --role teacher-device --classes room-12 --url "$url"
teacher_token=$(grep '^cairn1\.' <<<"$last")

step "The server starts (HTTPS, a certificate it made itself; the tokens carry its pin)"
"$server_bin" serve --data "$server_data" --listen "127.0.0.1:$port" >"$server_data.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do (: </dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.05; done
echo "cairn-server serving on $url (pid $server_pid, log $server_data.log)"

step "Each device enrolls with its token and fetches the roster and the pack"
on "$student_home" "student laptop" cairnctl enroll "$student_token" --name "room12-laptop-01"
on "$student_home" "student laptop" cairnctl sync
on "$teacher_home" "teacher tablet" cairnctl enroll "$teacher_token" --name "rivera-tablet"
on "$teacher_home" "teacher tablet" cairnctl sync

step "Offline: Ada works on the laptop, Ms Rivera observes on her tablet"
on "$student_home" "student laptop" cairnctl record attempt Ada math.frac.unit.01 --response 1/5
on "$student_home" "student laptop" cairnctl record attempt Ada math.frac.unit.03 --response 1/4
on "$student_home" "student laptop" cairnctl record attempt Ada math.frac.equivalent.01 --response 4
on "$student_home" "student laptop" cairnctl goal set Ada "Compare fractions by myself"
on "$teacher_home" "teacher tablet" cairnctl record observation Ada --teacher "Ms Rivera" \
  --competency "Equivalent fractions" --level 3 --modality small_group --note "Explained 1/2 = 2/4"
on "$student_home" "student laptop" cairnctl status

step "Back on the school network: both sync (the laptop twice, to fetch the observation)"
on "$student_home" "student laptop" cairnctl sync
on "$teacher_home" "teacher tablet" cairnctl sync
on "$student_home" "student laptop" cairnctl sync

step "Ada's profile on the teacher's tablet: her answers from the laptop are there"
on "$teacher_home" "teacher tablet" cairnctl profile Ada

step "The desktop client on the teacher's tablet, syncing in the background while it is open"
cairn_bin=$build/gui/cairn
shots=$build/demo-screenshots
walk=(--script "$root/scripts/demo-teacher.script" --screenshot-dir "$shots")
if [ ! -x "$cairn_bin" ]; then
  echo "no $cairn_bin (the client was not built); skipping it"
elif [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "Cairn opens as Ms Rivera's tablet (CAIRN_HOME=$teacher_home), synced with $url."
  echo "Tap \"I'm a teacher\": the first time on a device, she chooses her PIN."
  echo "Close the window to end the demo."
  CAIRN_HOME=$teacher_home "$cairn_bin" || echo "(the client ended with status $?)"
else
  echo "No display here (neither DISPLAY nor WAYLAND_DISPLAY is set), so nothing can open a"
  echo "window. Instead the client runs its scripted walk-through on a virtual screen:"
  echo "Ms Rivera chooses her PIN (2468), sees the class grid and Ada's evidence."
  printf '\n$ CAIRN_HOME=%s xvfb-run -a -s "-screen 0 1280x800x24" %s %s\n' \
    "$teacher_home" "$cairn_bin" "${walk[*]}"
  if command -v xvfb-run >/dev/null; then
    rm -rf "$shots"
    if CAIRN_HOME=$teacher_home timeout 180 xvfb-run -a -s "-screen 0 1280x800x24" \
      "$cairn_bin" "${walk[@]}"; then
      echo "The screenshots, to open with any image viewer:"
      ls "$shots"/*.png | sed 's/^/  /'
    else
      echo "  (the walk-through did not finish; its message is above)"
    fi
  else
    echo "  xvfb-run is not installed: apt-get install xvfb, then run make demo again."
  fi
  echo "On a machine with a display, make demo opens the window itself."
fi

step "The server stops; its devices, and how many ops each has sent"
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
trap - EXIT
cairn_server devices

printf '\nDone. Explore further with, for example:\n'
printf '  CAIRN_HOME=%s %s ops --limit 10\n' "$CAIRN_HOME" "$bin"
printf '  CAIRN_HOME=%s %s status\n' "$teacher_home" "$bin"
printf '  %s --help\n' "$server_bin"
