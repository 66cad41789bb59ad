#!/usr/bin/env bash
# Runs the P2P-CI benchmarks and their anchors side by side on this machine, in one go, and prints each of our
# figures beside its anchor with the ratio. The ratios that count are taken with one client, bench/bench, for both
# sides (same connections, threads and latency code, one request at a time per connection):
#   LOOKUP / ADD c=64  beside Redis GET / SET c=64 (bench redis-get / redis-set, Redis on a loopback port)
#   GET rfc2616 c=16   beside nginx serving the same file (bench http-get, "Connection: close")
# redis-benchmark and wrk (C clients) against the same servers are kept as extra rows, with
#   GET (1 stream)     beside nginx serving the same large file to one wrk connection
# Every figure has its server's CPU time per request beside it (user + system from /proc/PID/stat; nginx's master
# and workers summed).
# Every run of every scenario is repeated (3 times by default, interleaved) and the medians are reported.
#
#   bench/side-by-side.sh [--runs N] [--seconds S] [--warmup S] [--quick] [--out DIR]
#
# Each of our runs starts a fresh server JVM and measures after --warmup seconds (default 15): at 3 s the
# server still spent a third of its CPU compiling. --quick is a check of the script itself (1 run of 2 s, small
# sizes); its figures mean nothing.
# Needs root (or the packages already there) to install redis-server, redis-tools, nginx and wrk from Debian.
# All traffic stays on 127.0.0.1. Every process the script starts is stopped by its PID on exit.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly root
# shellcheck source=find-java.sh
source "$root/bench/find-java.sh"
# shellcheck source=results.sh
source "$root/bench/results.sh"
runs=3
seconds=10
warmup=15
held_peers=10000
large_size=1G
load_files=10000
redis_requests_per_second=100000   # redis-benchmark runs a request count, not a time: about --seconds at this rate
out=""

while [[ $# -gt 0 ]]; do
    case $1 in
        --runs) runs=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --quick) runs=1; seconds=2; warmup=1; held_peers=500; large_size=64M; load_files=500
                 redis_requests_per_second=500; shift ;;
        -h|--help) sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "side-by-side: unknown argument: $1" >&2; exit 2 ;;
    esac
done
out=${out:-$root/bench/target/side-by-side-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
scratch=$(mktemp -d /tmp/p2pci-side-by-side.XXXXXX)
chmod 755 "$scratch"   # nginx's workers run as an unprivileged user and must reach the web root

started_pids=()
cleanup() {
    local pid
    for pid in "${started_pids[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    rm -rf "$scratch"
}
trap cleanup EXIT


# ------------------------------------------------------------------------------------------------ prerequisites

install_anchors() {
    local missing=()
    command -v redis-server >/dev/null || missing+=(redis-server)
    command -v redis-benchmark >/dev/null || missing+=(redis-tools)
    command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
    command -v wrk >/dev/null || missing+=(wrk)
    if [[ ${#missing[@]} -gt 0 ]]; then
        log "installing ${missing[*]} from Debian's packages"
        local sudo=()
        [[ $(id -u) -eq 0 ]] || sudo=(sudo)
        "${sudo[@]}" apt-get update -q >&2
        DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q "${missing[@]}" >&2
    fi
}

nginx_bin() { command -v nginx || echo /usr/sbin/nginx; }

# A TCP port nothing listens on, from /proc (no extra tools needed).
free_port() {
    local port listening
    listening=$(awk 'NR > 1 && $4 == "0A" { split($2, a, ":"); print strtonum("0x" a[2]) }' \
        /proc/net/tcp /proc/net/tcp6 2>/dev/null | sort -u)
    while true; do
        port=$((20000 + RANDOM % 20000))
        grep -qx "$port" <<<"$listening" || { echo "$port"; return; }
    done
}

wait_for_port() {
    local port=$1 tries=0
    until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        tries=$((tries + 1))
        [[ $tries -lt 100 ]] || { log "nothing listens on 127.0.0.1:$port"; return 1; }
        sleep 0.1
    done
}

# ----------------------------------------------------------------------------------------------------- anchors

# cpu_ticks PID: clock ticks of CPU (user + system) used so far by PID and its descendants, from /proc
cpu_ticks() {
    local pid=$1 total=0 child
    total=$(awk '{ sub(/^.*\) /, ""); split($0, f, " "); print f[12] + f[13] }' "/proc/$pid/stat" 2>/dev/null || echo 0)
    for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
        total=$((total + $(cpu_ticks "$child")))
    done
    echo "$total"
}

# cpu_per_request TICKS REQUESTS: µs of CPU per request
cpu_per_request() {
    awk -v t="$1" -v n="$2" -v hz="$clock_ticks" 'BEGIN { if (n > 0) printf "%.2f", t * 1e6 / hz / n; else print "-" }'
}

redis_start() {
    redis_port=$(free_port)
    redis-server --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no --daemonize no \
        >>"$out/redis-server.log" 2>&1 &
    redis_pid=$!
    started_pids+=("$redis_pid")
    wait_for_port "$redis_port"
}

redis_stop() {
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
}

# redis-benchmark TEST CONNECTIONS REQUESTS RUN: requests per second, p99 (ms) and Redis's CPU per request into
# $out/redis-*.txt
redis_anchor() {
    local test=$1 connections=$2 requests=$3 run=$4 csv before after
    before=$(cpu_ticks "$redis_pid")
    csv=$(redis-benchmark -h 127.0.0.1 -p "$redis_port" -c "$connections" -n "$requests" -t "$test" --csv \
        2>/dev/null | grep -i "^\"$test\"" | tail -n 1)
    after=$(cpu_ticks "$redis_pid")
    # "GET","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
    awk -F'"' -v cpu="$(cpu_per_request $((after - before)) "$requests")" \
        '{ printf "rps=%s p99_ms=%s server_cpu_us_per_req=%s\n", $4, $14, cpu }' <<<"$csv" \
        >"$out/redis-${test,,}-c$connections-$run.txt"
    log "redis-benchmark $test c=$connections: $(cat "$out/redis-${test,,}-c$connections-$run.txt")"
}

nginx_start() {
    local port=$1 dir=$scratch/nginx
    mkdir -p "$dir/logs" "$dir/tmp"
    cat >"$dir/nginx.conf" <<EOF
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    default_type text/plain;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    server {
        listen 127.0.0.1:$port;
        root $scratch/www;
    }
}
EOF
    "$(nginx_bin)" -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' >"$dir/logs/stdout.log" 2>&1 &
    nginx_pid=$!
    started_pids+=("$nginx_pid")
    wait_for_port "$port"
}

nginx_stop() {
    kill -QUIT "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
}

# Converts wrk's "2.35GB" (1024-based) to MB/s in 10^6 bytes, as the bench tool reports it.
wrk_megabytes() {
    awk '{ v = $1; u = $1; sub(/[0-9.]+/, "", u); sub(/[A-Za-z]+$/, "", v);
           f = (u == "GB") ? 1073741824 : (u == "MB") ? 1048576 : (u == "KB") ? 1024 : 1;
           printf "%.1f\n", v * f / 1e6 }' <<<"$1"
}

# wrk CONNECTIONS THREADS PATH NAME RUN: requests/s, MB/s, p99 with "Connection: close" and nginx's CPU per
# request (master and workers) into $out/nginx-*.txt
wrk_anchor() {
    local connections=$1 threads=$2 path=$3 name=$4 run=$5 text rps transfer p99 before after requests
    before=$(cpu_ticks "$nginx_pid")
    text=$(wrk -t "$threads" -c "$connections" -d "${seconds}s" --latency -H 'Connection: close' \
        "http://127.0.0.1:$nginx_port/$path")
    after=$(cpu_ticks "$nginx_pid")
    requests=$(awk '/requests in/ { print $1 }' <<<"$text")
    echo "$text" >"$out/wrk-$name-$run.log"
    rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$text")
    transfer=$(wrk_megabytes "$(awk '/^Transfer\/sec:/ { print $2 }' <<<"$text")")
    p99=$(awk '$1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
                              printf "%.3f", (u == "us") ? v / 1000 : (u == "s") ? v * 1000 : v }' <<<"$text")
    echo "files_per_s=$rps mb_per_s=$transfer p99_ms=$p99" \
        "server_cpu_us_per_req=$(cpu_per_request $((after - before)) "${requests:-0}")" >"$out/nginx-$name-$run.txt"
    log "nginx $name: $(cat "$out/nginx-$name-$run.txt")"
}

# ------------------------------------------------------------------------------------------------------- ours


# ---------------------------------------------------------------------------------------------------- the run

install_anchors
ulimit -n 20000 2>/dev/null || log "could not raise the open-file limit to 20000 (hold needs it): $(ulimit -n)"
log "building the jars"
(cd "$root" && mvn -B -q -DskipTests -pl bench -am package) >&2

mkdir -p "$scratch/www"
cp "$root/sample-rfcs/rfc2616.txt" "$scratch/www/rfc2616.txt"
log "writing the large file ($large_size)"
large_bytes=$(numfmt --from=iec "$large_size")
yes "   Filler text of a large RFC, the same bytes for nginx and for the peer.   " | head -c "$large_bytes" \
    >"$scratch/www/large.txt" || true
chmod 644 "$scratch/www/"*
chmod 755 "$scratch/www"

{
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)," \
        "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
    echo "kernel: $(uname -r); java: $("$(find_java)" -version 2>&1 | head -n 1)"
    echo "redis: $(redis-server --version | awk '{ print $3 }'); nginx: $("$(nginx_bin)" -v 2>&1 | cut -d/ -f2);" \
        "wrk: $(wrk --version 2>&1 | head -n 1 | awk '{ print $2 }')"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/machine.txt"

common=(-s "$seconds" -w "$warmup")
clock_ticks=$(getconf CLK_TCK)
one_carrier=-Djdk.virtualThreadScheduler.parallelism=1
for ((run = 1; run <= runs; run++)); do
    log "=== run $run of $runs"
    redis_start
    redis=(--server "127.0.0.1:$redis_port" --server-pid "$redis_pid")
    ours redis-get-c64 "$run" redis-get -c 64 "${redis[@]}" "${common[@]}"
    redis_anchor GET 64 $((seconds * redis_requests_per_second)) "$run"
    ours redis-set-c64 "$run" redis-set -c 64 "${redis[@]}" "${common[@]}"
    redis_anchor SET 64 $((seconds * redis_requests_per_second)) "$run"
    ours redis-get-c1 "$run" redis-get -c 1 "${redis[@]}" "${common[@]}"
    redis_anchor GET 1 $((seconds * redis_requests_per_second * 2 / 5)) "$run"
    redis_stop
    ours lookup-c64 "$run" lookup -c 64 "${common[@]}"
    # The same, with one virtual-thread carrier in each JVM, as Redis and redis-benchmark have one thread each.
    BENCH_JAVA_OPTS="$one_carrier" ours lookup-c64-1carrier "$run" lookup -c 64 "${common[@]}" \
        --server-jvm="$one_carrier"
    ours add-c64 "$run" add -c 64 "${common[@]}"
    ours lookup-c1 "$run" lookup -c 1 "${common[@]}"
    ours mixed-c64 "$run" mixed -c 64 "${common[@]}"
    ours list-c64 "$run" list -c 64 "${common[@]}"
    ours hold "$run" hold -c 64 -n "$held_peers" "${common[@]}"
    ours churn "$run" churn -c 16 -k 10 "${common[@]}"

    nginx_port=$(free_port)
    nginx_start "$nginx_port"
    ours http-get-c16 "$run" http-get -c 16 --server "127.0.0.1:$nginx_port" --server-pid "$nginx_pid" \
        --path /rfc2616.txt --rfc-file "$scratch/www/rfc2616.txt" "${common[@]}"
    wrk_anchor 16 2 rfc2616.txt get-c16 "$run"
    wrk_anchor 1 1 large.txt get-large "$run"
    nginx_stop
    ours get-c16 "$run" get -c 16 "${common[@]}"
    ours get-large "$run" get-large --large-file "$scratch/www/large.txt" -s "$seconds"
    ours load-dir "$run" load-dir --files "$load_files"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.txt"

# --------------------------------------------------------------------------------------------------- the table

row() { printf '| %-36s | %10s | %9s | %-30s | %10s | %9s | %6s | %-8s | %-6s |\n' "$@"; }

# pair LABEL OURS ANCHOR ANCHOR_LABEL KEY [OP TARGET]: a row of ours beside an anchor, each with its server's CPU
# per request, the ratio and the verdict on it
pair() {
    local label=$1 ours_prefix=$2 anchor_prefix=$3 anchor_label=$4 key=$5 op=${6:-} target=${7:-} o a r
    o=$(median "$out/$ours_prefix" "$key"); a=$(median "$out/$anchor_prefix" "${anchor_key:-$key}")
    r=$(ratio "$o" "$a")
    row "$label" "$o" "$(median "$out/$ours_prefix" server_cpu_us_per_req)" "$anchor_label" "$a" \
        "$(median "$out/$anchor_prefix" server_cpu_us_per_req)" "$r" "${op:+$op ${target}x}" \
        "$([[ -n $op ]] && verdict "$r" "$op" "$target")"
}

report() {
    local o a r
    cat "$out/machine.txt"
    echo "runs: $runs, medians; measured ${seconds} s after a ${warmup} s warm-up; results in $out"
    echo "CPU: µs of the server's CPU time (user + system, /proc/PID/stat) per request, in the measured phase"
    echo
    echo "Same client (bench/bench) for both sides:"
    echo
    row "scenario" "ours" "CPU µs/req" "anchor" "anchor" "CPU µs/req" "ratio" "target" "status"
    row "---" "---" "---" "---" "---" "---" "---" "---" "---"
    pair "LOOKUP c=64 req/s" ours-lookup-c64 ours-redis-get-c64 "Redis GET c=64 req/s" throughput '>=' 0.9
    o=$(median "$out/ours-lookup-c64" p99_ms); a=$(median "$out/ours-redis-get-c64" p99_ms)
    row "LOOKUP c=64 p99 ms" "$o" "" "Redis GET c=64 p99 ms" "$a" "" "$(ratio "$o" "$a")" "<= 2 ms" \
        "$(verdict "$o" '<=' 2)"
    pair "ADD c=64 req/s" ours-add-c64 ours-redis-set-c64 "Redis SET c=64 req/s" throughput '>=' 0.6
    pair "LOOKUP c=1 req/s" ours-lookup-c1 ours-redis-get-c1 "Redis GET c=1 req/s" throughput
    pair "GET rfc2616 c=16 files/s" ours-get-c16 ours-http-get-c16 "nginx c=16 files/s" files_per_s '>=' 0.9
    o=$(median "$out/ours-lookup-c64" server_cpu_us_per_req)
    a=$(median "$out/ours-redis-get-c64" server_cpu_us_per_req)
    r=$(ratio "$o" "$a")
    row "server CPU per LOOKUP / per GET" "$o" "" "Redis CPU µs per GET" "$a" "" "$r" "<= 1.5x" \
        "$(verdict "$r" '<=' 1.5)"
    echo
    echo "Other clients for the anchors (redis-benchmark, wrk; both C), and the rest:"
    echo
    row "scenario" "ours" "CPU µs/req" "anchor" "anchor" "CPU µs/req" "ratio" "target" "status"
    row "---" "---" "---" "---" "---" "---" "---" "---" "---"
    anchor_key=rps pair "LOOKUP c=64 req/s" ours-lookup-c64 redis-get-c64 "redis-benchmark GET c=64 req/s" throughput
    o=$(median "$out/ours-lookup-c64" p99_ms); a=$(median "$out/redis-get-c64" p99_ms)
    row "LOOKUP c=64 p99 ms" "$o" "" "redis-benchmark GET p99 ms" "$a" "" "$(ratio "$o" "$a")" "" ""
    anchor_key=rps pair "LOOKUP c=64, 1 carrier each, req/s" ours-lookup-c64-1carrier redis-get-c64 \
        "redis-benchmark GET c=64 req/s" throughput
    anchor_key=rps pair "ADD c=64 req/s" ours-add-c64 redis-set-c64 "redis-benchmark SET c=64 req/s" throughput
    anchor_key=rps pair "LOOKUP c=1 req/s" ours-lookup-c1 redis-get-c1 "redis-benchmark GET c=1 req/s" throughput
    pair "GET rfc2616 c=16 files/s" ours-get-c16 nginx-get-c16 "wrk c=16 req/s" files_per_s
    pair "GET $large_size single stream MB/s" ours-get-large nginx-get-large "wrk 1 stream MB/s" mb_per_s '>=' 0.8
    o=$(median "$out/ours-hold" held_registered)
    row "hold: peers registered" "$o" "" "" "" "" "" ">= $held_peers" "$(verdict "$o" '>=' "$held_peers")"
    o=$(median "$out/ours-hold" heap_per_peer_kb)
    row "hold: live heap per peer KiB" "$o" "" "" "" "" "" "<= 10" "$(verdict "$o" '<=' 10)"
    o=$(median "$out/ours-hold" rss_per_peer_kb)
    row "hold: RSS per peer KiB" "$o" "" "" "" "" "" "" ""
    o=$(median "$out/ours-hold" p99_ratio)
    row "hold: LOOKUP p99 held/idle" "$o" "" "idle p99 ms" "$(median "$out/ours-hold" idle_p99_ms)" "" "" "<= 2x" \
        "$(verdict "$o" '<=' 2)"
    o=$(median "$out/ours-churn" cycles_per_s)
    row "churn K=10 c=16 cycles/s" "$o" "" "" "" "" "" ">= 3000" "$(verdict "$o" '>=' 3000)"
    o=$(median "$out/ours-churn" stale_records)
    row "churn: stale records" "$o" "" "" "" "" "" "0" "$(verdict "$o" '<=' 0)"
    o=$(median "$out/ours-load-dir" seconds)
    row "load-dir $load_files files, s" "$o" "" "" "" "" "" "<= 3 s" "$(verdict "$o" '<=' 3)"
    row "mixed c=64 req/s (no anchor)" "$(median "$out/ours-mixed-c64" throughput)" \
        "$(median "$out/ours-mixed-c64" server_cpu_us_per_req)" "" "" "" "" "" ""
    row "LIST c=64 req/s (640 records)" "$(median "$out/ours-list-c64" throughput)" \
        "$(median "$out/ours-list-c64" server_cpu_us_per_req)" "" "" "" "" "" ""
    echo
    echo "failed checks (a figure from a run that failed its checks is not to be trusted):"
    grep -l 'checks FAILED' "$out"/ours-*.log 2>/dev/null | sed 's/^/  /' || echo "  none"
}

report | tee "$out/report.md"
