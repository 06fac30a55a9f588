#!/bin/sh
# Regenerates the shell's first screen in README.md: runs `gru4rec shell` on the demo model at
# 120x40 with an empty script (what `make run` opens on, as text) and replaces the block between
# the marker comments `<!-- first-screen:begin ... -->` and `<!-- first-screen:end -->`.
# EndToEndTests/ReadmeScreenTests fails when the README's block differs from what the build prints.
#
#   scripts/readme-screen.sh                                   # the release build (make readme-screen)
#   GRU4REC=.build/debug/gru4rec scripts/readme-screen.sh      # another build
set -eu
cd "$(dirname "$0")/.."
bin=${GRU4REC:-.build/release/gru4rec}
if [ ! -x "$bin" ]; then
  echo "readme-screen: $bin is not built; run: swift build -c release --product gru4rec (or make readme-screen)" >&2
  exit 1
fi
tmp=$(mktemp)
out=$(mktemp)
trap 'rm -f "$tmp" "$out"' EXIT
# An empty script: no transcript, two newlines, then the screen.
"$bin" shell --width 120 --height 40 --script "$tmp" > "$out"
awk -v screen="$out" '
  /^<!-- first-screen:begin/ {
    print; print "```"
    while ((getline line < screen) > 0) { if (started || line != "") { started = 1; print line } }
    print "```"; inside = 1; found = 1; next
  }
  /^<!-- first-screen:end -->/ { inside = 0 }
  !inside { print }
  END { if (!found) { print "readme-screen: no <!-- first-screen:begin --> marker in README.md" > "/dev/stderr"; exit 1 } }
' README.md > README.md.new
mv README.md.new README.md
echo "README.md: first screen regenerated with $bin"
