#!/usr/bin/env bash
# Runs the index server on the shared store (the index in PostgreSQL) with one and with two ci-server instances, and
# PostgreSQL's own pgbench on the same cluster at the same client count, and prints each of our figures beside its
# anchor with the ratio:
#   LOOKUP c=64, 1 and 2 instances   beside pgbench -S (select-only: one indexed SELECT per transaction)
#   ADD c=64, 1 and 2 instances      beside pgbench -f insert.sql (the very upsert an ADD runs, into a table made by
#                                    the server's own schema: one row per transaction, autocommit)
# and, as a row without a target, LOOKUP beside pgbench -f lookup.sql, LOOKUP's own SELECT (a join of rfc_record and
# peer) on the same schema: what PostgreSQL alone can do of the work a LOOKUP asks of it.
# Every run of every scenario is repeated (3 times by default, interleaved) and the medians are reported.
#
#   bench/shared-store.sh [--runs N] [--seconds S] [--warmup S] [--clients C] [--quick] [--out DIR]
#
# One throwaway PostgreSQL cluster (bench/bench postgres: the one "bench --store shared" starts by itself, on
# 127.0.0.1 only) serves everything; each of our runs and each insert run gets a fresh database. pgbench runs with
# -c C -j 2 -T S -M prepared. Our runs measure S seconds after a --warmup (default 15, as side-by-side.sh) on fresh
# server JVMs. --quick is a check of the script itself (1 run of 2 s); its figures mean nothing.
# Needs PostgreSQL 13 or newer with pgbench and psql (Debian: postgresql); P2PCI_PG_BIN names its bin directory
# when it is not under /usr/lib/postgresql. Every process the script starts is stopped by its PID on exit.
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
clients=64
out=""
# pgbench -S's data: scale 1 is 100,000 accounts, 13 MB with its index, which fits in the cluster's 32 MB of shared
# buffers, as the server's few hundred records do: both read only from memory.
select_scale=1
# What each simulated peer ADDs before the load starts (bench -k, default 10); the insert anchor's table starts
# with as many rows.
records_each=10

while [[ $# -gt 0 ]]; do
    case $1 in
        --runs) runs=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --clients) clients=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --quick) runs=1; seconds=2; warmup=1; shift ;;
        -h|--help) sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "shared-store: unknown argument: $1" >&2; exit 2 ;;
    esac
done
out=${out:-$root/bench/target/shared-store-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
scratch=$(mktemp -d /tmp/p2pci-shared-store.XXXXXX)

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

# The bin directory of the newest PostgreSQL here: P2PCI_PG_BIN, else /usr/lib/postgresql/N/bin, else the PATH's.
find_pg_bin() {
    local newest
    if [[ -n ${P2PCI_PG_BIN:-} ]]; then
        echo "$P2PCI_PG_BIN"
        return
    fi
    newest=$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
    if [[ -n $newest ]]; then
        echo "$newest"
    elif command -v pgbench >/dev/null; then
        dirname "$(command -v pgbench)"
    else
        echo "shared-store: no pgbench found (install PostgreSQL, or set P2PCI_PG_BIN)" >&2
        exit 1
    fi
}
pg_bin=$(find_pg_bin)
for program in pgbench psql createdb dropdb; do
    [[ -x $pg_bin/$program ]] || { echo "shared-store: no $program in $pg_bin" >&2; exit 1; }
done

# -------------------------------------------------------------------------------------------------- the cluster

# Starts the cluster every run uses and sets pg_port; it goes when the script exits.
start_cluster() {
    local tries=0
    "$root/bench/bench" postgres "$scratch/postgres.port" >"$out/postgres.log" 2>&1 &
    started_pids+=("$!")
    until [[ -s $scratch/postgres.port ]]; do
        tries=$((tries + 1))
        if [[ $tries -gt 1200 ]] || ! kill -0 "${started_pids[-1]}" 2>/dev/null; then
            log "PostgreSQL did not start: see $out/postgres.log"
            exit 1
        fi
        sleep 0.1
    done
    pg_port=$(cat "$scratch/postgres.port")
}

# Trust authentication on 127.0.0.1 (see PostgresCluster): no password. PG* of the caller's would point elsewhere.
pg_args() { echo "-h 127.0.0.1 -p $pg_port -U p2pci"; }
psql_run() {
    # shellcheck disable=SC2046 # pg_args is a list of options
    env -u PGDATABASE -u PGHOST -u PGPORT -u PGUSER "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 $(pg_args) "$@"
}

# fresh_database NAME: an empty database NAME, dropping one left by the run before (quietly when there is none).
fresh_database() {
    # shellcheck disable=SC2046
    PGOPTIONS='-c client_min_messages=warning' "$pg_bin/dropdb" $(pg_args) --if-exists "$1"
    # shellcheck disable=SC2046
    "$pg_bin/createdb" $(pg_args) "$1"
}

# ----------------------------------------------------------------------------------------------------- anchors

# The table an ADD writes, made by the server's own schema (so with its foreign key, unique key and LOOKUP index),
# with one peer row per client and the records each simulated peer ADDs before the load, as the bench has them.
# New RFC numbers come from one sequence, dense and rising, as the bench's shared counter gives them.
prepare_insert_database() {
    fresh_database pgbench_insert
    psql_run -d pgbench_insert -f "$root/sql/postgresql/V1__index.sql"
    psql_run -d pgbench_insert -v clients="$clients" -v records="$records_each" <<'SQL'
INSERT INTO server_instance (name, lease_until) VALUES ('pgbench', now() + INTERVAL '1 day');
INSERT INTO peer (instance_id, registration, host, port, source_address)
    SELECT 1, n, 'bench-peer-' || (n - 1), 10000 + n - 1, '127.0.0.1' FROM generate_series(1, :clients) AS n;
INSERT INTO rfc_record (peer_id, rfc_number, title)
    SELECT p.id, (p.id - 1) * :records + k, 'Benchmark RFC ' || ((p.id - 1) * :records + k)
        || ' -- a title of ordinary length'
    FROM peer AS p, generate_series(1, :records) AS k ORDER BY p.id, k;
SELECT (:clients * :records + 1) AS first_new \gset
CREATE SEQUENCE bench_rfc_number START WITH :first_new;
ANALYZE;
SQL
}

# One ADD as the shared store runs it (SharedStore.addRecord: one autocommit upsert), from pgbench client N as peer
# N+1. ON CONFLICT is kept because the server sends it; on a new RFC number it never fires, and costs what a plain
# INSERT does plus the speculative-insertion bookkeeping, which the server pays too.
cat >"$scratch/insert.sql" <<'SQL'
\set peer :client_id + 1
INSERT INTO rfc_record (peer_id, rfc_number, title)
    VALUES (:peer, nextval('bench_rfc_number'), 'Benchmark RFC 1000000 -- a title of ordinary length')
    ON CONFLICT (peer_id, rfc_number) DO UPDATE SET title = EXCLUDED.title;
SQL

# LOOKUP's own SELECT (SharedStore.lookup), of one of the records every peer ADDed first. It runs on the insert
# anchor's database before the inserts, with the tables analyzed, as autovacuum has them a few seconds into one of
# our runs: PostgreSQL then joins by hashing the peer table rather than by its primary key.
cat >"$scratch/lookup.sql" <<'SQL'
\set number random(1, :records_total)
SELECT r.rfc_number, r.title, p.host, p.port FROM rfc_record r JOIN peer p ON p.id = r.peer_id
    WHERE r.rfc_number = :number ORDER BY r.id;
SQL

# pgbench_anchor NAME RUN DATABASE ARGS...: transactions/s and average latency into $out/pgbench-NAME-RUN.txt.
# -M prepared: the server's JDBC driver (pgjdbc) turns a statement it has run 5 times on a connection into a named
# server-side prepared statement and from then on sends only Bind/Execute, which is what -M prepared does; -M
# simple or extended would have PostgreSQL parse and plan every statement, an anchor slower than what we ask of it.
pgbench_anchor() {
    local name=$1 run=$2 database=$3 text tps latency failed
    shift 3
    log "pgbench $name: -c $clients -j 2 -T $seconds -M prepared $*"
    # shellcheck disable=SC2046
    if ! text=$("$pg_bin/pgbench" $(pg_args) -c "$clients" -j 2 -T "$seconds" -M prepared "$@" "$database" 2>&1); then
        log "pgbench $name failed: see $out/pgbench-$name-$run.log"
    fi
    echo "$text" >"$out/pgbench-$name-$run.log"
    tps=$(awk '/^tps = / { printf "%.1f\n", $3; exit }' <<<"$text")
    latency=$(awk '/^latency average = / { print $4; exit }' <<<"$text")
    failed=$(awk '/^number of failed transactions: / { print $5; exit }' <<<"$text")
    echo "tps=${tps:-} latency_ms=${latency:-} failed=${failed:-}" >"$out/pgbench-$name-$run.txt"
    log "pgbench $name: $(cat "$out/pgbench-$name-$run.txt")"
}

# ------------------------------------------------------------------------------------------------------- ours

# shared NAME RUN INSTANCES SCENARIO: bench SCENARIO on a fresh database of the cluster, its RESULT line's figures
# in $out/ours-NAME-RUN.txt
shared() {
    local name=$1 run=$2 instances=$3 scenario=$4
    fresh_database ours
    log "load: $(cut -d' ' -f1-3 /proc/loadavg)"
    ours "$name" "$run" "$scenario" -c "$clients" -k "$records_each" -s "$seconds" -w "$warmup" \
        --store shared --instances "$instances" --db "jdbc:postgresql://127.0.0.1:$pg_port/ours" --db-user p2pci
}

# ---------------------------------------------------------------------------------------------------- the run

log "building the jars"
(cd "$root" && mvn -B -q -DskipTests -pl bench -am package) >&2
start_cluster
log "PostgreSQL on 127.0.0.1:$pg_port"
fresh_database pgbench_select
# shellcheck disable=SC2046
"$pg_bin/pgbench" $(pg_args) -i -q -s "$select_scale" pgbench_select >"$out/pgbench-init.log" 2>&1

{
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)," \
        "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
    echo "kernel: $(uname -r); java: $("$(find_java)" -version 2>&1 | grep -m 1 ' version ')"
    echo "postgresql: $("$pg_bin/postgres" --version | awk '{ print $3 }'); pgbench: $("$pg_bin/pgbench" --version \
        | awk '{ print $3 }')"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/machine.txt"

for ((run = 1; run <= runs; run++)); do
    log "=== run $run of $runs"
    echo "run $run: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/load.txt"
    pgbench_anchor select "$run" pgbench_select -S
    shared lookup-1 "$run" 1 lookup
    shared lookup-2 "$run" 2 lookup
    prepare_insert_database
    pgbench_anchor lookup-select "$run" pgbench_insert -n -f "$scratch/lookup.sql" \
        -D records_total=$((clients * records_each))
    pgbench_anchor insert "$run" pgbench_insert -n -f "$scratch/insert.sql"
    shared add-1 "$run" 1 add
    shared add-2 "$run" 2 add
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.txt"

# --------------------------------------------------------------------------------------------------- the table

row() { printf '| %-38s | %15s | %-28s | %9s | %5s | %-7s | %-6s |\n' "$@"; }

instances_label() { if [[ $1 == 1 ]]; then echo "1 instance"; else echo "$1 instances"; fi; }

report() {
    local o a r n label
    cat "$out/machine.txt"
    echo "load average at the start of each run: $(cut -d' ' -f2- "$out/load.txt" | paste -sd ';' - | sed 's/;/; /g')"
    echo "runs: $runs, medians; ours measured ${seconds} s after a ${warmup} s warm-up, pgbench for ${seconds} s;" \
        "$clients clients; results in $out"
    echo
    row "scenario" "ours" "anchor" "anchor" "ratio" "target" "status"
    row "---" "---" "---" "---" "---" "---" "---"
    a=$(median "$out/pgbench-select" tps)
    for n in 1 2; do
        label=$(instances_label "$n")
        o=$(median "$out/ours-lookup-$n" throughput); r=$(ratio "$o" "$a")
        row "LOOKUP c=$clients, $label, req/s" "$o" "pgbench -S c=$clients tps" "$a" "$r" ">= 0.5x" \
            "$(verdict "$r" '>=' 0.5)"
    done
    a=$(median "$out/pgbench-lookup-select" tps)
    for n in 1 2; do
        o=$(median "$out/ours-lookup-$n" throughput)
        row "LOOKUP c=$clients, $(instances_label "$n"), req/s" "$o" "pgbench LOOKUP's SELECT tps" "$a" \
            "$(ratio "$o" "$a")" "" ""
    done
    a=$(median "$out/pgbench-insert" tps)
    for n in 1 2; do
        label=$(instances_label "$n")
        o=$(median "$out/ours-add-$n" throughput); r=$(ratio "$o" "$a")
        row "ADD c=$clients, $label, req/s" "$o" "pgbench insert c=$clients tps" "$a" "$r" ">= 0.5x" \
            "$(verdict "$r" '>=' 0.5)"
    done
    for n in 1 2; do
        row "LOOKUP, $(instances_label "$n"), p50 / p99 ms" \
            "$(median "$out/ours-lookup-$n" p50_ms) / $(median "$out/ours-lookup-$n" p99_ms)" "" "" "" "" ""
    done
    for n in 1 2; do
        row "ADD, $(instances_label "$n"), p50 / p99 ms" \
            "$(median "$out/ours-add-$n" p50_ms) / $(median "$out/ours-add-$n" p99_ms)" "" "" "" "" ""
    done
    row "pgbench -S latency average ms" "" "" "$(median "$out/pgbench-select" latency_ms)" "" "" ""
    row "pgbench LOOKUP's SELECT latency avg ms" "" "" "$(median "$out/pgbench-lookup-select" latency_ms)" "" "" ""
    row "pgbench insert latency average ms" "" "" "$(median "$out/pgbench-insert" latency_ms)" "" "" ""
    echo
    echo "failed checks (a figure from a run that failed its checks is not to be trusted):"
    {
        grep -l 'checks FAILED' "$out"/ours-*.log 2>/dev/null || true
        for f in "$out"/pgbench-*-[0-9]*.txt; do
            [[ $(figure "$f" failed) == 0 ]] || echo "$f: pgbench reported failed transactions, or no figures"
        done
    } | sed 's/^/  /' | grep . || echo "  none"
}

report | tee "$out/report.md"
