#!/usr/bin/env bash
# Throughput / latency / memory benchmark: youyue's GET /api/v1/stations?limit=20
# against nginx serving the same JSON body as a static file, on this machine,
# with identical wrk settings.  See bench/README.md.
#
#   bench/run.sh            (or `make bench`)
#
# Env: YOUYUE_BIN (default build/youyue), BENCH_DURATION (s, default 10),
#      BENCH_CONNECTIONS (default 64), BENCH_THREADS (wrk threads, default 2),
#      BENCH_WARMUP (s, default 2), BENCH_SKIP_WRITE (leave out bench/write.sh:
#      durable concern submission), BENCH_BIG (also run bench/big.sh: lists and
#      stats on the data of `make benchdata`).
# Traffic goes to 127.0.0.1 only; every wrk run is bounded by its duration.
# Targets are reported (PASS/MISS), not asserted: exit status is non-zero only
# when something broke (a server did not start or died, wrk/nginx missing,
# a non-200 answer to the check request).
set -euo pipefail

cd "$(dirname "$0")/.."

YOUYUE_BIN=${YOUYUE_BIN:-build/youyue}
DURATION=${BENCH_DURATION:-10}
CONNS=${BENCH_CONNECTIONS:-64}
WRK_THREADS=${BENCH_THREADS:-2}
WARMUP=${BENCH_WARMUP:-2}
NGINX=${NGINX_BIN:-/usr/sbin/nginx}
PATH_Q='/api/v1/stations?limit=20'

die() { echo "bench: $*" >&2; exit 1; }
warn() { echo "bench: warning: $*" >&2; }

for v in DURATION CONNS WRK_THREADS WARMUP; do
  [[ ${!v} =~ ^[0-9]+$ && ${!v} -gt 0 ]] || die "$v must be a positive integer (got '${!v}')"
done
[ -x "$YOUYUE_BIN" ] || die "no youyue binary at $YOUYUE_BIN (run make build, or set YOUYUE_BIN)"
command -v wrk >/dev/null || die "wrk is missing (tools/deps.sh bench installs it)"
command -v curl >/dev/null || die "curl is missing"
[ -x "$NGINX" ] || die "nginx is missing at $NGINX (tools/deps.sh bench installs nginx-light)"

CORES=$(nproc)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/youyue-bench.XXXXXX")
yy_pid=""
ng_pid=""
pg_pid=""      # youyue on PostgreSQL
pg_cluster=""  # the throwaway cluster's folder

# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for p in "$yy_pid" "$ng_pid" "$pg_pid"; do
    if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
      kill -TERM "$p" 2>/dev/null || true
    fi
  done
  for p in "$yy_pid" "$ng_pid" "$pg_pid"; do
    [ -n "$p" ] || continue
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  [ -n "$pg_cluster" ] && tests/pg.sh stop "$pg_cluster" >/dev/null 2>&1
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- youyue -----------------------------------------------------------------
"$YOUYUE_BIN" init --db "$tmp/y.db" --demo >"$tmp/init.log" 2>&1 ||
  { cat "$tmp/init.log" >&2; die "youyue init failed"; }

"$YOUYUE_BIN" serve --db "$tmp/y.db" --listen 127.0.0.1:0 --quiet --anon-rate 0 --threads "$CORES" \
  >"$tmp/youyue.out" 2>"$tmp/youyue.err" &
yy_pid=$!

yy_port=""
for _ in $(seq 100); do
  line=$(head -n 1 "$tmp/youyue.out" 2>/dev/null || true)
  if [[ $line =~ ^listening\ on\ http://[^[:space:]]+:([0-9]+)$ ]]; then
    yy_port=${BASH_REMATCH[1]}
    break
  fi
  kill -0 "$yy_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$yy_port" ]; then
  cat "$tmp/youyue.err" >&2
  die "youyue serve did not start (no 'listening on' line within 10 s)"
fi
YY_URL="http://127.0.0.1:$yy_port$PATH_Q"

mkdir -p "$tmp/www"
code=$(curl -sS -o "$tmp/www/stations.json" -w '%{http_code} %{content_type}' --max-time 10 "$YY_URL") ||
  die "curl to youyue failed"
[[ $code == "200 application/json"* ]] || die "GET $PATH_Q answered '$code', want 200 application/json"
body_bytes=$(wc -c <"$tmp/www/stations.json")
head -c 1 "$tmp/www/stations.json" | grep -q '{' || die "GET $PATH_Q did not return a JSON object"
if command -v python3 >/dev/null; then
  python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/www/stations.json" ||
    die "GET $PATH_Q returned invalid JSON"
fi

# ---- nginx ------------------------------------------------------------------
free_port() {
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
  else
    echo $((20000 + RANDOM % 40000))
  fi
}

ng="$tmp/nginx"
mkdir -p "$ng/logs" "$ng/temp"
nginx_v=$("$NGINX" -V 2>&1 || true)
temp_paths="client_body_temp_path $ng/temp/body;"
for m in proxy fastcgi uwsgi scgi; do
  grep -q -- "--without-http_${m}_module" <<<"$nginx_v" ||
    temp_paths+=$'\n'"    ${m}_temp_path $ng/temp/$m;"
done
user_line=""
[ "$(id -u)" -eq 0 ] && user_line="user root;"

write_nginx_conf() {
  cat >"$ng/nginx.conf" <<EOF
$user_line
worker_processes $CORES;
pid $ng/nginx.pid;
error_log $ng/logs/error.log warn;
daemon off;
master_process on;
events {
    worker_connections 4096;
}
http {
    access_log off;
    $temp_paths
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$1;
        server_name localhost;
        location = /api/v1/stations {
            default_type application/json;
            alias $tmp/www/stations.json;
        }
        location / { return 404; }
    }
}
EOF
}

ng_port=""
for _ in 1 2 3 4 5; do
  port=$(free_port)
  write_nginx_conf "$port"
  "$NGINX" -p "$ng" -c "$ng/nginx.conf" -e "$ng/logs/error.log" >"$ng/logs/stdout" 2>&1 &
  ng_pid=$!
  for _ in $(seq 50); do
    kill -0 "$ng_pid" 2>/dev/null || break
    if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port$PATH_Q" 2>/dev/null; then
      ng_port=$port
      break
    fi
    sleep 0.1
  done
  [ -n "$ng_port" ] && break
  kill -TERM "$ng_pid" 2>/dev/null || true
  wait "$ng_pid" 2>/dev/null || true
  ng_pid=""
done
if [ -z "$ng_port" ]; then
  cat "$ng/logs/error.log" "$ng/logs/stdout" >&2 2>/dev/null || true
  die "nginx did not start"
fi
NG_URL="http://127.0.0.1:$ng_port$PATH_Q"
code=$(curl -sS -o "$tmp/nginx-check.json" -w '%{http_code} %{content_type}' --max-time 10 "$NG_URL")
[[ $code == "200 application/json"* ]] || die "nginx answered '$code', want 200 application/json"
cmp -s "$tmp/nginx-check.json" "$tmp/www/stations.json" || die "nginx did not serve the same body"

# ---- wrk runs ---------------------------------------------------------------
alive() {
  kill -0 "$yy_pid" 2>/dev/null || { cat "$tmp/youyue.err" >&2; die "youyue died during the run"; }
  kill -0 "$ng_pid" 2>/dev/null || { cat "$ng/logs/error.log" >&2; die "nginx died during the run"; }
}

# to_ms VALUE_WITH_UNIT -> milliseconds
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "ms") n = n; else if (u == "s") n *= 1000;
    else if (u == "m") n *= 60000; else if (u == "h") n *= 3600000; else { print "NaN"; exit }
    printf "%.3f\n", n }'
}

warnings=()
# run_wrk NAME URL SECONDS OUTFILE
run_wrk() {
  wrk -t"$WRK_THREADS" -c"$CONNS" -d"$3"s --timeout 5s --latency "$2" >"$4" 2>&1 ||
    { cat "$4" >&2; die "wrk failed against $1"; }
  alive
}

# measure NAME URL ROUND -> sets RPS P99 for that run, records warnings
measure() {
  local out="$tmp/wrk-$1-$3.txt"
  run_wrk "$1" "$2" "$DURATION" "$out"
  RPS=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  local p99raw
  p99raw=$(awk '$1 == "99%" {print $2}' "$out")
  if [ -z "$RPS" ] || [ -z "$p99raw" ]; then
    cat "$out" >&2
    die "could not parse wrk output for $1"
  fi
  P99=$(to_ms "$p99raw")
  local non2xx sockerr
  non2xx=$(awk -F': *' '/Non-2xx or 3xx responses/ {print $2}' "$out")
  sockerr=$(grep -m1 'Socket errors' "$out" || true)
  [ -n "$non2xx" ] && warnings+=("$1 round $3: $non2xx non-2xx/3xx responses")
  [ -n "$sockerr" ] && warnings+=("$1 round $3:${sockerr#*Socket errors}" )
  printf '  round %s  %-7s %10.0f req/s   p99 %8.2f ms\n' "$3" "$1" "$RPS" "$P99"
  return 0
}

declare -A best_rps best_p99 best_round
keep_best() {
  if [ -z "${best_rps[$1]:-}" ] || awk -v a="$RPS" -v b="${best_rps[$1]}" 'BEGIN{exit !(a > b)}'; then
    best_rps[$1]=$RPS best_p99[$1]=$P99 best_round[$1]=$2
  fi
}

echo "youyue bench: $CORES cores; youyue --threads $CORES, nginx worker_processes $CORES;"
echo "  wrk -t$WRK_THREADS -c$CONNS -d${DURATION}s --latency (warm-up ${WARMUP}s each), body $body_bytes bytes"
echo "  GET $PATH_Q  youyue :$yy_port  nginx :$ng_port  (wrk shares the machine's cores)"

run_wrk youyue "$YY_URL" "$WARMUP" "$tmp/warm-youyue.txt"
for round in 1 2; do
  measure youyue "$YY_URL" "$round"; keep_best youyue "$round"
  [ "$round" = 1 ] && run_wrk nginx "$NG_URL" "$WARMUP" "$tmp/warm-nginx.txt"
  measure nginx "$NG_URL" "$round"; keep_best nginx "$round"
done

hwm_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$yy_pid/status")
rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$yy_pid/status")

# ---- report -----------------------------------------------------------------
echo
echo "better round of two per target (the one with the higher req/s):"
printf '%-8s | %10s | %9s | %s\n' target req/s "p99 ms" round
printf '%-8s-+-%10s-+-%9s-+-%s\n' -------- ---------- --------- -----
for t in youyue nginx; do
  printf '%-8s | %10.0f | %9.2f | %s\n' "$t" "${best_rps[$t]}" "${best_p99[$t]}" "${best_round[$t]}"
done
echo
awk -v yr="${best_rps[youyue]}" -v nr="${best_rps[nginx]}" \
    -v yp="${best_p99[youyue]}" -v np="${best_p99[nginx]}" \
    -v hwm="$hwm_kb" -v rss="$rss_kb" 'BEGIN {
  tr = (nr > 0) ? yr / nr : 0
  pr = (np > 0) ? yp / np : 999
  mb = hwm / 1024
  printf "throughput youyue/nginx  %6.2f   target >= 0.50   %s\n", tr, (tr >= 0.5 ? "PASS" : "MISS")
  printf "p99 youyue/nginx         %6.2f   target <= 2.00   %s\n", pr, (pr <= 2.0 ? "PASS" : "MISS")
  printf "youyue peak RSS (VmHWM)  %6.1f MB target < 64 MB  %s   (RSS now %.1f MB)\n", mb, (mb < 64 ? "PASS" : "MISS"), rss / 1024
}'

# ---- the residents' pages (docs/WEB.md), as ratios to the JSON endpoint ------------
# The home page and a station page rendered by the server (anonymous: the page
# cache serves them as the response cache serves the JSON list), each within
# 2x the JSON stations endpoint's throughput, each under 50 KB with its assets.
echo
echo "pages (anonymous) against GET $PATH_Q on the same youyue:"
for pg_path in / /stations/1; do
  code=$(curl -sS -o "$tmp/page.html" -w '%{http_code} %{content_type}' --max-time 10 \
    "http://127.0.0.1:$yy_port$pg_path") || die "curl $pg_path failed"
  [[ $code == "200 text/html"* ]] || die "GET $pg_path answered '$code', want 200 text/html"
  # the page's own assets, as it links them (stylesheet, script, images)
  assets=0
  for a in $(grep -oE '(href|src)="/static/[^"]*"' "$tmp/page.html" | sed -E 's/^[a-z]+="//; s/"$//; s/&amp;/\&/g' | sort -u); do
    n=$(curl -sS --max-time 10 "http://127.0.0.1:$yy_port$a" | wc -c) || die "GET $a failed"
    assets=$((assets + n))
  done
  [ "$assets" -gt 0 ] || die "GET $pg_path links no stylesheet or script under /static/"
  bytes=$(( $(wc -c <"$tmp/page.html") + assets ))
  run_wrk page "http://127.0.0.1:$yy_port$pg_path" "$WARMUP" "$tmp/warm-page.txt"
  measure page "http://127.0.0.1:$yy_port$pg_path" web >/dev/null
  awk -v p="$pg_path" -v r="$RPS" -v q="$P99" -v j="${best_rps[youyue]}" -v b="$bytes" 'BEGIN {
    ratio = (j > 0) ? r / j : 0
    printf "  %-12s %9.0f req/s  p99 %7.2f ms  page/json %5.2f  target >= 0.50  %s   %6.1f KB with assets  target < 50 KB  %s\n",
      p, r, q, ratio, (ratio >= 0.5 ? "PASS" : "MISS"), b / 1024, (b < 50 * 1024 ? "PASS" : "MISS") }'
done

# ---- the same endpoints on PostgreSQL ------------------------------------------
# A throwaway cluster (tests/pg.sh), the same demo data, the same wrk settings.
# The stations list is served from the response cache on SQLite and is never
# cached on PostgreSQL (see docs/ARCHITECTURE.md), so a station's detail page,
# which neither caches, is measured too: that ratio is the databases' own.
echo
if [ -n "${BENCH_SKIP_PG:-}" ] || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "PostgreSQL column skipped (${BENCH_SKIP_PG:+BENCH_SKIP_PG set}${BENCH_SKIP_PG:-no PostgreSQL server installed})"
else
  mkdir -p "$tmp/pg" && chmod 755 "$tmp" "$tmp/pg"
  pg_cluster="$tmp/pg/cluster"
  pg_base=$(tests/pg.sh start "$pg_cluster") || die "could not start PostgreSQL (tests/pg.sh)"
  psql "$pg_base/postgres" -qAt -c 'CREATE DATABASE youyue_bench' >/dev/null
  pg_url="$pg_base/youyue_bench"
  "$YOUYUE_BIN" init --db "$pg_url" --demo >"$tmp/pg-init.log" 2>&1 ||
    { cat "$tmp/pg-init.log" >&2; die "youyue init on PostgreSQL failed"; }
  "$YOUYUE_BIN" serve --db "$pg_url" --listen 127.0.0.1:0 --quiet --anon-rate 0 --threads "$CORES" \
    >"$tmp/youyue-pg.out" 2>"$tmp/youyue-pg.err" &
  pg_pid=$!
  pg_port=""
  for _ in $(seq 100); do
    line=$(head -n 1 "$tmp/youyue-pg.out" 2>/dev/null || true)
    if [[ $line =~ ^listening\ on\ http://[^[:space:]]+:([0-9]+)$ ]]; then
      pg_port=${BASH_REMATCH[1]}
      break
    fi
    kill -0 "$pg_pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$pg_port" ] || { cat "$tmp/youyue-pg.err" >&2; die "youyue on PostgreSQL did not start"; }
  DETAIL_Q='/api/v1/stations/5'
  cmp -s <(curl -sS "http://127.0.0.1:$yy_port$DETAIL_Q") <(curl -sS "http://127.0.0.1:$pg_port$DETAIL_Q") ||
    warn "the station detail differs between SQLite and PostgreSQL"
  echo "PostgreSQL column: the same requests, one round of ${DURATION}s each after a warm-up:"
  printf '%-26s | %10s | %10s | %9s | %s\n' endpoint "sqlite r/s" "pg r/s" "pg/sqlite" "p99 ms sqlite / pg"
  for q in "$PATH_Q" "$DETAIL_Q"; do
    run_wrk sqlite "http://127.0.0.1:$yy_port$q" "$WARMUP" "$tmp/warm-s.txt"
    measure sqlite "http://127.0.0.1:$yy_port$q" pg >/dev/null; s_rps=$RPS s_p99=$P99
    run_wrk postgresql "http://127.0.0.1:$pg_port$q" "$WARMUP" "$tmp/warm-p.txt"
    kill -0 "$pg_pid" 2>/dev/null || die "youyue on PostgreSQL died during the run"
    measure postgresql "http://127.0.0.1:$pg_port$q" pg >/dev/null; p_rps=$RPS p_p99=$P99
    awk -v q="$q" -v s="$s_rps" -v p="$p_rps" -v sp="$s_p99" -v pp="$p_p99" 'BEGIN {
      printf "%-26s | %10.0f | %10.0f | %9.2f | %.2f / %.2f\n", q, s, p, (s > 0 ? p / s : 0), sp, pp }'
  done
fi

if [ ${#warnings[@]} -gt 0 ]; then
  echo
  for w in "${warnings[@]}"; do warn "$w"; done
fi

# ---- durable concern submission, and big data (bench/README.md) ------------------
# Separate scripts with their own servers; the servers above are stopped first.
cleanup_servers() {
  for p in "$yy_pid" "$ng_pid" "$pg_pid"; do
    if [ -n "$p" ]; then kill -TERM "$p" 2>/dev/null || true; fi
  done
  for p in "$yy_pid" "$ng_pid" "$pg_pid"; do
    [ -n "$p" ] || continue
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  done
  if [ -n "$pg_cluster" ]; then
    tests/pg.sh stop "$pg_cluster" >/dev/null 2>&1 || true
    pg_cluster=""
  fi
}
if [ -z "${BENCH_SKIP_WRITE:-}" ] || [ -n "${BENCH_BIG:-}" ]; then
  cleanup_servers
fi
if [ -z "${BENCH_SKIP_WRITE:-}" ]; then
  YOUYUE_BIN="$YOUYUE_BIN" bench/write.sh || die "bench/write.sh failed"
fi
if [ -n "${BENCH_BIG:-}" ]; then
  YOUYUE_BIN="$YOUYUE_BIN" bench/big.sh || die "bench/big.sh failed"
fi
exit 0
