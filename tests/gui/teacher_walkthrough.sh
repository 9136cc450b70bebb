#!/usr/bin/env bash
# A teacher's walk-through of the real client under Xvfb: PIN sign-in, the
# class grid, a quick observation of two students (and one more), the grid
# changed; the store is checked through cairnctl, the screenshots not blank.
set -euo pipefail
cairn=$1 cairnctl=$2 png_check=$3 root=$4 work=$5

source "$root/tests/gui/walk_common.sh"

# Some evidence first, so the grid has more than blanks: Ada answered one item.
ctl record attempt Ada math.frac.unit.01 --response 1/5

run teacher || fail "the teacher's walk-through"
"$cairnctl" status | grep -Eq "evidence.* 2 observations" || { "$cairnctl" status; fail "want 2 observations"; }
"$cairnctl" profile Ben | grep -q "proficient" || { "$cairnctl" profile Ben; fail "Ben's profile should show the observation"; }
"$cairnctl" profile Chloé | grep -q "Folded strips" || { "$cairnctl" profile Chloé; fail "Chloé's profile should show the note"; }
"$cairnctl" profile Dev | grep -q "developing" || { "$cairnctl" profile Dev; fail "Dev's profile should show the second observation"; }

check_screenshots 5
echo "teacher walk-through passed; screenshots in $shots"
