#!/usr/bin/env bash
# The standalone classroom demo (`make demo`): one teacher, one class of four
# learners, the sample math pack (fractions and place value), a morning's work, then
# each learner's profile.
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
cairnctl() {
  local shown=cairnctl arg
  for arg in "$@"; do
    if [[ $arg =~ ^[A-Za-z0-9._/:,=-]+$ ]]; then shown+=" $arg"; else shown+=" \"$arg\""; fi
  done
  printf '\n$ %s\n' "$shown"
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

printf '\nDone. Explore further with, for example:\n'
printf '  CAIRN_HOME=%s %s ops --limit 10\n' "$CAIRN_HOME" "$bin"
printf '  CAIRN_HOME=%s %s --help\n' "$CAIRN_HOME" "$bin"
