# Sourced by the walk-throughs: a classroom of five in Room 12 with the math
# pack and a teacher (PIN 2468), unless fresh_device is set, and how to run
# the client on a script.
# Expects: cairn cairnctl png_check root work set.
if ! command -v xvfb-run >/dev/null; then
  echo "WARN: xvfb-run is missing (apt-get install xvfb): the GUI walk-through is skipped" >&2
  exit 77
fi

rm -rf "$work"
mkdir -p "$work"
export CAIRN_HOME=$work/home
# This machine's /etc/cairn (an enrollment token IT left there) is not the test's.
export CAIRN_CONFIG_ROOT=$work/root
export CAIRN_ENROLLMENT_TOKEN_FILE=$CAIRN_CONFIG_ROOT/etc/cairn/enrollment-token
shots=$work/screenshots
ctl() { "$cairnctl" "$@" >/dev/null; }
# fresh_device=1: a device with nothing on it, as the client's first run finds it.
if [ -z "${fresh_device:-}" ]; then
  ctl init --standalone --school "Riverside Elementary"
  ctl teacher add "Ms Rivera"
  ctl class add "Room 12" --grade 3 --teacher "Ms Rivera"
  for n in Ada Ben Chloé Dev "Nguyễn Thị Lan"; do ctl learner add "$n"; done
  ctl enroll Ada Ben Chloé Dev "Nguyễn Thị Lan" --class "Room 12"
  ctl pack import "$root/content/${pack:-math-fractions-place-value.en.json}"
  echo 2468 | ctl teacher pin "Ms Rivera"
fi

run() {
  # -s: a screen the size of the window; -e: Xvfb's own errors where we see them.
  local script=$1
  shift
  xvfb-run -a -e "$work/xvfb.log" -s "-screen 0 1280x800x24" \
    "$cairn" --script "$root/tests/gui/$script.script" --screenshot-dir "$shots" "$@"
}
fail() { echo "FAIL: $*" >&2; exit 1; }

# Every screenshot is there and none is blank.
check_screenshots() {
  shopt -s nullglob
  local pngs=("$shots"/*.png)
  [ ${#pngs[@]} -ge "$1" ] || fail "expected at least $1 screenshots, got ${#pngs[@]}"
  "$png_check" 40 "${pngs[@]}" || fail "a screenshot is blank"
}
