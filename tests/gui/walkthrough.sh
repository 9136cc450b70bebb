#!/usr/bin/env bash
# A student's walk-through of the real client under Xvfb: sign in, start the
# unit fractions lesson (hint, wrong answer, right answers), leave at question
# 4, come back, resume there, finish, see the skill mastered; then the store is
# checked through cairnctl and every screenshot is checked not to be blank.
set -euo pipefail
cairn=$1 cairnctl=$2 png_check=$3 root=$4 work=$5

source "$root/tests/gui/walk_common.sh"

run walk_part1 || fail "part 1 of the walk-through"
# Every answer is in the store as it is given: 4 attempts (one wrong), one sign-in.
"$cairnctl" status | grep -Eq "evidence +4 attempts," || { "$cairnctl" status; fail "want 4 attempts after part 1"; }
"$cairnctl" next Ada | grep -q "Unit fractions" || fail "unit fractions should still be on Ada's path"

run walk_part2 || fail "part 2 of the walk-through"
"$cairnctl" status | grep -Eq "evidence +13 attempts," || { "$cairnctl" status; fail "want 13 attempts after the lesson"; }
"$cairnctl" next Ada | grep -q "1 competency mastered" || { "$cairnctl" next Ada; fail "Ada should have mastered unit fractions"; }

# Goals and profile: a goal with a check-in, an interest.
run student_goals --lang en || fail "the goals walk-through"
"$cairnctl" profile Ada | grep -q "Get better at fractions" || { "$cairnctl" profile Ada; fail "Ada's goal should be stored"; }
"$cairnctl" profile Ada | grep -q "I can split a strip in 4" || { "$cairnctl" profile Ada; fail "Ada's check-in should be stored"; }
"$cairnctl" profile Ada | grep -q "football" || { "$cairnctl" profile Ada; fail "Ada's interest should be stored"; }

check_screenshots 13
echo "walk-through passed; screenshots in $shots"
