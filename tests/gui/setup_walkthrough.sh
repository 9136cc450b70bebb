#!/usr/bin/env bash
# The client's first run under Xvfb: a classroom set up in the client with its
# teacher and the PIN she chose (no default), then her sign-in with it; the
# store is checked through cairnctl, the PIN file for the hash alone.
set -euo pipefail
cairn=$1 cairnctl=$2 png_check=$3 root=$4 work=$5

fresh_device=1
source "$root/tests/gui/walk_common.sh"

run setup || fail "the setup walk-through"
"$cairnctl" class list | grep -q "Room 12 .* 2 .*Ms Rivera" || { "$cairnctl" class list; fail "want Room 12 with 2 learners and Ms Rivera"; }
pins=$CAIRN_HOME/data/teacher-pins.json
[ "$(stat -c %a "$pins")" = 600 ] || fail "the PIN file is not 0600"
! grep -q 2468 "$pins" || fail "the PIN file holds the PIN itself"

check_screenshots 2
echo "setup walk-through passed; screenshots in $shots"
