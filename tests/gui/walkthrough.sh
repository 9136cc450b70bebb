#!/usr/bin/env bash
# A student's walk-through of the real client under Xvfb: sign in, start the
# unit fractions lesson (hint, wrong answer, right answers), leave at question
# 4, come back, resume there, finish, see the skill mastered; then the store is
# checked through cairnctl and every screenshot is checked not to be blank.
set -euo pipefail
cairn=$1 cairnctl=$2 png_check=$3 root=$4 work=$5

if ! command -v xvfb-run >/dev/null; then
  echo "WARN: xvfb-run is missing (apt-get install xvfb): the GUI walk-through is skipped" >&2
  exit 77
fi

rm -rf "$work"
mkdir -p "$work"
export CAIRN_HOME=$work/home
shots=$work/screenshots
ctl() { "$cairnctl" "$@" >/dev/null; }
ctl init --standalone --school "Riverside Elementary"
ctl class add "Room 12" --grade 3
for n in Ada Ben Chloé Dev "Nguyễn Thị Lan"; do ctl learner add "$n"; done
ctl enroll Ada Ben Chloé Dev "Nguyễn Thị Lan" --class "Room 12"
ctl pack import "$root/content/math-fractions-place-value.en.json"

run() {
  # -s: a screen the size of the window; -e: Xvfb's own errors where we see them.
  xvfb-run -a -e "$work/xvfb.log" -s "-screen 0 1280x800x24" \
    "$cairn" --script "$root/tests/gui/$1.script" --screenshot-dir "$shots"
}
fail() { echo "FAIL: $*" >&2; exit 1; }

run walk_part1 || fail "part 1 of the walk-through"
# Every answer is in the store as it is given: 4 attempts (one wrong), one sign-in.
"$cairnctl" status | grep -Eq "evidence +4 attempts," || { "$cairnctl" status; fail "want 4 attempts after part 1"; }
"$cairnctl" next Ada | grep -q "Unit fractions" || fail "unit fractions should still be on Ada's path"

run walk_part2 || fail "part 2 of the walk-through"
"$cairnctl" status | grep -Eq "evidence +13 attempts," || { "$cairnctl" status; fail "want 13 attempts after the lesson"; }
"$cairnctl" next Ada | grep -q "1 competency mastered" || { "$cairnctl" next Ada; fail "Ada should have mastered unit fractions"; }

shopt -s nullglob
pngs=("$shots"/*.png)
[ ${#pngs[@]} -ge 10 ] || fail "expected at least 10 screenshots, got ${#pngs[@]}"
"$png_check" 40 "${pngs[@]}" || fail "a screenshot is blank"
echo "walk-through passed; screenshots in $shots"
