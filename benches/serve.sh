#!/usr/bin/env bash
# How long `triage serve` takes to show one edit (BENCHMARKS.md, issue 18):
# from a code file's write to the rebuilt page's new text, at N codes.
#
#   bash benches/serve.sh            # 10,000 codes, 5 edits
#   CODES=1000 EDITS=10 bash benches/serve.sh
#
# Each edit changes the summary sentence of one code, so its pages differ;
# the figure includes how long serve takes to notice the change (inotify on
# Linux, else a poll every 500 ms), as a writer waits for it too.
set -euo pipefail

cd "$(dirname "$0")/.."
CODES="${CODES:-10000}"
EDITS="${EDITS:-5}"

work="$(mktemp -d)"
pid=""
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

cargo build --release --quiet --bin triage --example corpus
target/release/examples/corpus --codes "$CODES" --out "$work/rules" 2>/dev/null
file="$(find "$work/rules/netsuite" -name 'NS*.yaml' -print -quit)"
code="$(basename "$file" .yaml)"

target/release/triage serve --rules "$work/rules" --out "$work/site" --port 0 \
    2>"$work/serve.log" &
pid=$!

# The first build: wait for its page.
for _ in $(seq 600); do
    page="$(find "$work/site/html" -name "*$code*.html" -print -quit 2>/dev/null || true)"
    [ -n "$page" ] && break
    sleep 0.1
done
if [ -z "$page" ]; then
    echo "benches/serve.sh: no page for $code after 60 s" >&2
    cat "$work/serve.log" >&2
    exit 1
fi
sleep 1

mtime() { stat -c %.9Y "$1" 2>/dev/null || echo 0; }

# The page's own time cannot say when it was written: an update in place
# dates what it writes when it began (so that a hand edit made meanwhile
# shows). The figure is when the new text is first seen at the page's path,
# polled every 5 ms, from the edited file's time: on the integration's index
# page, which lists the summary and is written in the same update as the
# code's article.
index="$(find "$work/site/html/netsuite" -name 'Common-*-Errors.html' -print -quit)"
for i in $(seq "$EDITS"); do
    sed -i "s/^summary: .*/summary: Check the settings, then sync again (edit $i)./" "$file"
    written="$(mtime "$file")"
    seen=""
    for _ in $(seq 2400); do
        if grep -q "(edit $i)" "$index" 2>/dev/null; then
            seen="$(date +%s.%N)"
            break
        fi
        sleep 0.005
    done
    if [ -z "$seen" ]; then
        echo "benches/serve.sh: edit $i not seen after 12 s" >&2
        exit 1
    fi
    python3 -c "import sys; print('edit %s: %.0f ms' % (sys.argv[1], (float(sys.argv[3]) - float(sys.argv[2])) * 1000))" \
        "$i" "$written" "$seen"
    sleep 1
done
