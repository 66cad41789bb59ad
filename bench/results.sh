# What the bench scripts (side-by-side.sh, shared-store.sh) share: logging, running bench/bench and keeping its
# figures, and reading them back as medians and ratios. Source it after setting root, out and runs.

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ours NAME RUN ARGS...: runs bench/bench ARGS and keeps its RESULT line's figures in $out/ours-NAME-RUN.txt
ours() {
    local name=$1 run=$2
    shift 2
    log "bench $*"
    if ! "$root/bench/bench" "$@" >"$out/ours-$name-$run.log" 2>&1; then
        log "bench $name failed its checks: see $out/ours-$name-$run.log"
    fi
    grep '^RESULT ' "$out/ours-$name-$run.log" | cut -d' ' -f3- | tr ' ' '\n' >"$out/ours-$name-$run.txt" || true
}

# figure FILE KEY: the value of KEY=... in FILE (one per line, or space-separated)
figure() { tr ' ' '\n' <"$1" 2>/dev/null | awk -F= -v k="$2" '$1 == k { print $2; exit }'; }

# median PREFIX KEY: the median of KEY over the runs' files PREFIX-1.txt, PREFIX-2.txt, ...
median() {
    local prefix=$1 key=$2 run values=()
    for ((run = 1; run <= runs; run++)); do
        local value
        value=$(figure "$prefix-$run.txt" "$key")
        [[ -n $value ]] && values+=("$value")
    done
    [[ ${#values[@]} -gt 0 ]] || { echo "-"; return; }
    printf '%s\n' "${values[@]}" | sort -g | awk '{ v[NR] = $1 } END {
        if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }'; }

# verdict VALUE OP TARGET: met, missed, or ? when there is no value
verdict() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { if (v == "-") print "?";
    else if ((op == ">=" && v + 0 >= t + 0) || (op == "<=" && v + 0 <= t + 0)) print "met"; else print "missed" }'; }
