#!/usr/bin/env bash
# A private PostgreSQL cluster for one test run (Debian's postgresql package, not on PATH).
#   scripts/pg_cluster.sh start DIR   creates DIR, starts a cluster in it on a free loopback port,
#                                     prints its admin URL (postgresql://paicha@127.0.0.1:PORT/postgres)
#   scripts/pg_cluster.sh stop DIR    stops it and removes DIR
# PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` user.
set -euo pipefail

cmd=${1:?用法：pg_cluster.sh start|stop DIR}
dir=${2:?用法：pg_cluster.sh start|stop DIR}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ] && command -v pg_ctl >/dev/null 2>&1; then
  bin=$(dirname "$(command -v pg_ctl)")
fi
[ -n "$bin" ] || { echo "找不到 PostgreSQL（请运行 scripts/setup.sh 安装 postgresql）" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

case "$cmd" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" = "0" ] && chown postgres: "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -A trust -U paicha -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    # a throwaway cluster: no durability needed, so no fsync (CREATE DATABASE per test stays cheap)
    for _ in 1 2 3; do
      port=$(free_port)
      if as_owner "$bin/pg_ctl" -D "$dir/data" -w -t 30 -l "$dir/log" \
           -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
           start >/dev/null; then
        echo "postgresql://paicha@127.0.0.1:$port/postgres"
        exit 0
      fi
    done
    cat "$dir/log" >&2
    exit 1
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "用法：pg_cluster.sh start|stop DIR" >&2
    exit 2
    ;;
esac
