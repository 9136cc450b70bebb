#!/usr/bin/env bash
# The Spanish UI under Xvfb: Spanish chosen in the top bar, on the Spanish math
# pack, renders its strings (expect-text on each screen, screenshots not
# blank), records the answer given, and the device remembers the language.
set -euo pipefail
cairn=$1 cairnctl=$2 png_check=$3 root=$4 work=$5
pack=math-fractions-place-value.es.json

source "$root/tests/gui/walk_common.sh"

run spanish || fail "the Spanish walk-through"
"$cairnctl" status | grep -Eq "evidence +1 attempt," || { "$cairnctl" status; fail "want the one answer given"; }
grep -q '"language": "es"' "$CAIRN_HOME/config/client.json" || fail "the language should be remembered on the device"
check_screenshots 4
echo "Spanish walk-through passed; screenshots in $shots"
