#!/usr/bin/env bash
# Measures what the index server's web side (--http-port: dashboard, /metrics, /events) costs on the hot path:
# LOOKUP and ADD at 64 connections, as side-by-side.sh runs them, with the web side off and on, interleaved
# (off, on, off, on, ...), and prints the medians and the on/off ratios.
#
#   bench/web-overhead.sh [--runs N] [--seconds S] [--warmup S] [--out DIR]
#
# "On" is the web side as it is used: the server started with --http-port, a Prometheus-like scraper reading
# /metrics every second, and one dashboard following /events, for the whole run. Both sides are driven by the
# same bench/bench with the same settings; only the server's arguments differ. All traffic stays on 127.0.0.1.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly root
# shellcheck source=find-java.sh
source "$root/bench/find-java.sh"
runs=3
seconds=10
warmup=15
out=""

while [[ $# -gt 0 ]]; do
    case $1 in
        --runs) runs=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "web-overhead: unknown argument: $1" >&2; exit 2 ;;
    esac
done
out=${out:-$root/bench/target/web-overhead-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
# shellcheck source=results.sh
source "$root/bench/results.sh"
command -v curl >/dev/null || { echo "web-overhead: needs curl" >&2; exit 2; }

scratch=$(mktemp -d /tmp/p2pci-web-overhead.XXXXXX)
watchers=()
cleanup() {
    local pid
    for pid in "${watchers[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    rm -rf "$scratch"
}
trap cleanup EXIT

# A fixed port for the web side, free now (nothing answers on it); each "on" run's server takes it in turn.
http_port=27781
while (exec 3<>"/dev/tcp/127.0.0.1/$http_port") 2>/dev/null; do
    http_port=$((http_port + 1))
done
# The server's launcher with the web side on: bench/bench runs it as it runs bin/ci-server, with its arguments.
# bench/bench finds the server's jar two levels above the launcher (in ci-server/target/), hence the link.
mkdir -p "$scratch/bin"
ln -s "$root/ci-server" "$scratch/ci-server"
cat >"$scratch/bin/ci-server-web" <<EOF
#!/usr/bin/env bash
exec "$root/bin/ci-server" --http-port $http_port --http-bind 127.0.0.1 "\$@"
EOF
chmod +x "$scratch/bin/ci-server-web"

# The web side's users, for the whole script: they retry while no server listens.
(while true; do curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$http_port/metrics" || true; sleep 1; done) &
watchers+=($!)
(while true; do curl -s -N -o /dev/null "http://127.0.0.1:$http_port/events" || true; sleep 0.2; done) &
watchers+=($!)

log "building the jars"
(cd "$root" && mvn -B -q -DskipTests -pl bench -am package) >&2
echo "machine: $(nproc) cores; java: $("$(find_java)" -version 2>&1 | head -n 1); load before:" \
    "$(cut -d' ' -f1-3 /proc/loadavg)" >"$out/machine.txt"

common=(-c 64 -s "$seconds" -w "$warmup")
for ((run = 1; run <= runs; run++)); do
    log "=== run $run of $runs"
    ours lookup-off "$run" lookup "${common[@]}"
    ours lookup-on "$run" lookup "${common[@]}" --server-launcher "$scratch/bin/ci-server-web"
    ours add-off "$run" add "${common[@]}"
    ours add-on "$run" add "${common[@]}" --server-launcher "$scratch/bin/ci-server-web"
done

{
    cat "$out/machine.txt"
    printf '%-26s %12s %12s %8s\n' "figure (median of $runs)" "web off" "web on" "on/off"
    for scenario in lookup add; do
        for key in throughput p99_ms; do
            off=$(median "$out/ours-$scenario-off" "$key")
            on=$(median "$out/ours-$scenario-on" "$key")
            printf '%-26s %12s %12s %8s\n' "${scenario^^} c=64 $key" "$off" "$on" "$(ratio "$on" "$off")"
        done
    done
    echo "runs, off then on: $(for s in lookup add; do for ((r = 1; r <= runs; r++)); do
        printf '%s %s/%s; ' "$s" "$(figure "$out/ours-$s-off-$r.txt" throughput)" \
            "$(figure "$out/ours-$s-on-$r.txt" throughput)"; done; done)"
} | tee "$out/summary.txt"
