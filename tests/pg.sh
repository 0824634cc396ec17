#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: no system service, no port
# clash, gone when stopped.
#   tests/pg.sh start DIR   initdb in DIR, start on a Unix socket in DIR and a
#                           free loopback port; prints the base URL
#   tests/pg.sh stop DIR    stops it and removes DIR
#   tests/pg.sh start-replica PRIMARY_DIR REPLICA_DIR
#                           a hot standby of the cluster in PRIMARY_DIR
#                           (pg_basebackup -R), on its own socket and port;
#                           the primary then replicates synchronously to it
#                           (remote_apply), so readers never see lag.  Prints
#                           the standby's base URL.  Stop the standby before
#                           the primary: with it gone, commits wait for it.
# As root the server runs as the postgres user (PostgreSQL refuses root).
set -euo pipefail
cmd=${1:-} dir=${2:-}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "tests/pg.sh: PostgreSQL server not installed" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = on
max_connections = 200
wal_level = replica
max_wal_senders = 5
hot_standby = on
log_min_messages = warning
CONF
  echo "host replication postgres 127.0.0.1/32 trust" >>"$dir/data/pg_hba.conf"
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null
  echo "postgresql://postgres@127.0.0.1:$port"
  ;;
start-replica)
  primary=$dir replica=${3:?usage: tests/pg.sh start-replica PRIMARY_DIR REPLICA_DIR}
  pport=$(sed -n 's/^port = \([0-9]*\)$/\1/p' "$primary/data/postgresql.conf" | tail -1)
  [ -n "$pport" ] || { echo "tests/pg.sh: no cluster in $primary" >&2; exit 1; }
  purl="postgresql://postgres@127.0.0.1:$pport/postgres"
  mkdir -p "$replica"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$replica"
  as_owner "$bin/pg_basebackup" -h 127.0.0.1 -p "$pport" -U postgres -D "$replica/data" \
    -R -X stream --checkpoint=fast >"$replica/basebackup.log" 2>&1
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat >>"$replica/data/postgresql.conf" <<CONF
port = $port
unix_socket_directories = '$replica'
hot_standby = on
hot_standby_feedback = on
CONF
  as_owner "$bin/pg_ctl" -D "$replica/data" -l "$replica/server.log" -w -t 60 start >/dev/null
  # synchronous from now on: a commit returns once the standby has applied it
  psql "$purl" -qAt -v ON_ERROR_STOP=1 \
    -c "ALTER SYSTEM SET synchronous_standby_names = '*'" \
    -c "ALTER SYSTEM SET synchronous_commit = 'remote_apply'" \
    -c "SELECT pg_reload_conf()" >/dev/null
  for _ in $(seq 1 100); do
    sync=$(psql "$purl" -qAt -c "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND sync_state = 'sync'")
    [ "$sync" = 1 ] && break
    sleep 0.1
  done
  [ "$sync" = 1 ] || { echo "tests/pg.sh: the standby does not replicate synchronously" >&2; exit 1; }
  echo "postgresql://postgres@127.0.0.1:$port"
  ;;
stop)
  if [ -d "$dir/data" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*) echo "usage: tests/pg.sh start|stop DIR | start-replica PRIMARY_DIR REPLICA_DIR" >&2; exit 2 ;;
esac
