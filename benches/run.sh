#!/usr/bin/env bash
# Whole-process figures for BENCHMARKS.md: generates rule bases of 1,000 and
# 10,000 codes, builds triage in release mode, times each command with
# hyperfine, measures peak memory with GNU time, and prints a Markdown table.
#
#   bash benches/run.sh            # from the repository root
#   RUNS=20 bash benches/run.sh    # more runs per figure (default 10)
#
# Needs: cargo, hyperfine and GNU time (Debian: apt-get install -y hyperfine
# time), python3 for reading hyperfine's JSON; PyYAML and Jinja2 only for the
# Python baseline, which is skipped without them.
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS="${RUNS:-10}"

need() {
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "benches/run.sh: $1 not found; $2" >&2
        exit 2
    fi
}
need cargo "install Rust (rustup)"
need hyperfine "install it: apt-get install -y hyperfine"
need python3 "install it: apt-get install -y python3"
if [ ! -x /usr/bin/time ]; then
    echo "benches/run.sh: /usr/bin/time not found; install it: apt-get install -y time" >&2
    exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet --bin triage --example corpus
bin="$PWD/target/release/triage"
for n in 1000 10000; do
    target/release/examples/corpus --codes "$n" --out "$work/c$n" 2>/dev/null
done

# median of a hyperfine JSON export, in milliseconds
median_ms() {
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.1f" % (r["median"]*1000))' "$1"
}

# time NAME RUNS WARMUP COMMAND... -> prints the median in ms
time_it() {
    local name="$1" runs="$2" warmup="$3"
    shift 3
    hyperfine --shell=none --style none --warmup "$warmup" --runs "$runs" \
        --export-json "$work/$name.json" "$(printf '%q ' "$@")" >/dev/null 2>&1 \
        || { echo "benches/run.sh: '$*' failed" >&2; exit 1; }
    median_ms "$work/$name.json"
}

# time_prepared NAME RUNS PREPARE COMMAND... -> the median in ms, PREPARE run before each run
time_prepared() {
    local name="$1" runs="$2" prepare="$3"
    shift 3
    hyperfine --shell=none --style none --runs "$runs" --prepare "$prepare" \
        --export-json "$work/$name.json" "$(printf '%q ' "$@")" >/dev/null 2>&1 \
        || { echo "benches/run.sh: '$*' failed" >&2; exit 1; }
    median_ms "$work/$name.json"
}

# CPU (user + system, mean) of the last timing of NAME, in milliseconds
cpu_ms() {
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.0f" % ((r["user"]+r["system"])*1000))' "$work/$1.json"
}

# peak resident memory in MB of one run
peak_mb() {
    /usr/bin/time -f "%M" -o "$work/rss" "$@" >/dev/null 2>&1 \
        || { echo "benches/run.sh: '$*' failed" >&2; exit 1; }
    awk '{ printf "%.0f", $1 / 1024 }' "$work/rss"
}

ratio() { python3 -c 'import sys; print("%.1f" % (float(sys.argv[2]) / float(sys.argv[1])))' "$1" "$2"; }

diagnose=(diagnose NS0109 --yes token_revoked --format json)
# From a folder with no rules/ above it, so the rules are the embedded ones
# (in the checkout, ./rules would be found and read from disk).
d=$(cd "$work" && time_it diagnose 300 30 "$bin" "${diagnose[@]}")
v=$(cd "$work" && time_it version 300 30 "$bin" --version)
py="n/a"
if python3 -c 'import yaml, jinja2' 2>/dev/null; then
    py=$(time_it python 50 5 python3 -c "import yaml, jinja2")
fi

declare -A t m c
have_peer=no
if python3 -c 'import yaml, jinja2, markdown' 2>/dev/null; then have_peer=yes; fi
for n in 1000 10000; do
    t[check$n]=$(time_it "check$n" "$RUNS" 1 "$bin" --rules "$work/c$n" check)
    c[check$n]=$(cpu_ms "check$n")
    m[check$n]=$(peak_mb "$bin" --rules "$work/c$n" check)
    # A build into a folder holding a previous build is incremental: a full
    # build starts from no folder.
    t[build$n]=$(time_prepared "build$n" "$RUNS" "rm -rf $work/site$n" "$bin" --rules "$work/c$n" build --out "$work/site$n")
    c[build$n]=$(cpu_ms "build$n")
    if [ "$have_peer" = yes ]; then
        # The Python peer on the same rule base, in the same run (benches/peer.py).
        t[peer$n]=$(time_prepared "peer$n" 3 "rm -rf $work/peer$n" python3 benches/peer.py "$work/c$n" "$work/peer$n")
        rm -rf "$work/peer$n"
    fi
    rm -rf "$work/site$n"
    m[build$n]=$(peak_mb "$bin" --rules "$work/c$n" build --out "$work/site$n")
    # Then one code file edited before each rebuild (a comment with a new number).
    codes_of=("$work/c$n"/netsuite/NS*.yaml)
    edited="${codes_of[0]}"
    t[rebuild$n]=$(time_prepared "rebuild$n" "$RUNS" "sh -c 'echo \"# edit \$(date +%s%N)\" >> $edited'" "$bin" --rules "$work/c$n" build --out "$work/site$n")
    t[codes$n]=$(time_it "codes$n" "$RUNS" 1 "$bin" --rules "$work/c$n" codes)
    c[codes$n]=$(cpu_ms "codes$n")
    # The corpus as a help center's Markdown, then imported back (issue 15).
    "$bin" --rules "$work/c$n" build --format md --out "$work/md$n" >/dev/null 2>&1
    t[import$n]=$(time_it "import$n" "$RUNS" 1 "$bin" import --check --out "$work/imported$n" "$work/md$n")
    m[import$n]=$(peak_mb "$bin" import --check --out "$work/imported$n" "$work/md$n")
done

echo "| figure | target | measured (median) | 10k/1k |"
echo "| --- | --- | --- | --- |"
echo "| \`diagnose NS0109 --yes token_revoked --format json\` (embedded rules) | ≤ 3 ms, ≤ 2 × \`--version\` | ${d} ms (\`--version\` ${v} ms: $(ratio "$v" "$d") ×) | |"
if [ "$py" != "n/a" ]; then
    echo "| \`python3 -c \"import yaml, jinja2\"\` (baseline) | ≥ 20 × diagnose | ${py} ms ($(ratio "$d" "$py") × diagnose) | |"
fi
echo "| \`codes\` (load + validate), 1,000 / 10,000 codes | | ${t[codes1000]} / ${t[codes10000]} ms (CPU ${c[codes1000]} / ${c[codes10000]} ms) | $(ratio "${t[codes1000]}" "${t[codes10000]}") |"
echo "| \`check\`, 1,000 / 10,000 codes | < 800 ms at 10k | ${t[check1000]} / ${t[check10000]} ms (CPU ${c[check1000]} / ${c[check10000]} ms) | $(ratio "${t[check1000]}" "${t[check10000]}") |"
echo "| \`build\` (md + html), 1,000 / 10,000 codes | < 1,000 ms at 10k | ${t[build1000]} / ${t[build10000]} ms (CPU ${c[build1000]} / ${c[build10000]} ms) | $(ratio "${t[build1000]}" "${t[build10000]}") |"
if [ "$have_peer" = yes ]; then
    echo "| Python peer (\`benches/peer.py\`: PyYAML C loader, Jinja2, python-markdown), 1,000 / 10,000 codes | \`build\` ≥ 20 × its throughput | ${t[peer1000]} / ${t[peer10000]} ms (\`build\`: $(ratio "${t[build1000]}" "${t[peer1000]}") / $(ratio "${t[build10000]}" "${t[peer10000]}") ×) | $(ratio "${t[peer1000]}" "${t[peer10000]}") |"
fi
echo "| peak memory, \`check\` 1,000 / 10,000 codes | < 100 MB at 10k | ${m[check1000]} / ${m[check10000]} MB | |"
echo "| incremental \`build\` after one code file changed, 1,000 / 10,000 codes | ≥ 20 × faster than full at 10k | ${t[rebuild1000]} / ${t[rebuild10000]} ms ($(ratio "${t[rebuild10000]}" "${t[build10000]}") × faster at 10k) | |"
echo "| peak memory, \`build\` 1,000 / 10,000 codes | < 100 MB at 10k | ${m[build1000]} / ${m[build10000]} MB | |"
echo "| \`import --check\` of the built Markdown, 1,000 / 10,000 articles | < 3,000 ms at 10k | ${t[import1000]} / ${t[import10000]} ms | $(ratio "${t[import1000]}" "${t[import10000]}") |"
echo "| peak memory, \`import --check\` 1,000 / 10,000 articles | | ${m[import1000]} / ${m[import10000]} MB | |"
echo
echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
