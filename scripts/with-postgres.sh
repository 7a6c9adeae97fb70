#!/usr/bin/env bash
# Runs a command against a throwaway local PostgreSQL:
#   scripts/with-postgres.sh [--durable] COMMAND [ARGS...]
# Durability is off for speed (the tests), unless --durable (the benchmark: every commit flushed to
# disk, as in production).
# The command sees CLAVE_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:PORT/postgres; the server
# and its data are removed when it ends. When CLAVE_TEST_POSTGRES_URL is already set (your own
# disposable database), the command simply runs against it.
# The server binaries come from Debian's `postgresql` package (scripts/ensure-tools.sh test).
set -euo pipefail

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

durable=""
if [ "${1:-}" = "--durable" ]; then
  durable=yes
  shift
fi
if [ $# -eq 0 ]; then
  echo "usage: $0 [--durable] COMMAND [ARGS...]" >&2
  exit 2
fi
if [ -n "${CLAVE_TEST_POSTGRES_URL:-}" ]; then
  exec "$@"
fi

# The server binaries: initdb on PATH, else the newest /usr/lib/postgresql/*/bin.
bindir=""
if command -v initdb >/dev/null 2>&1; then
  bindir=$(dirname "$(readlink -f "$(command -v initdb)")")
else
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
    [ -x "$dir/initdb" ] && bindir=$dir
  done
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/pg_ctl" ] || [ ! -x "$bindir/postgres" ]; then
  echo "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found: run scripts/ensure-tools.sh test" >&2
  echo "(it installs the Debian package postgresql), or set CLAVE_TEST_POSTGRES_URL to a disposable database." >&2
  exit 1
fi
version=$("$bindir/postgres" --version | awk '{print $3}')

# initdb and postgres refuse to run as root: as root they run as the postgres system user, in a
# directory under /tmp (which that user can reach, unlike a TMPDIR under /root).
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  sbin_path="$PATH:/usr/sbin:/sbin"   # runuser and useradd, even when PATH lacks sbin
  if ! id -u postgres >/dev/null 2>&1; then
    PATH=$sbin_path useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  fi
  as_owner=("$(PATH=$sbin_path command -v runuser)" -u postgres --)
  tmp=$(mktemp -d /tmp/clave-pg.XXXXXX)
  chown postgres: "$tmp"
else
  tmp=$(mktemp -d -t clave-pg.XXXXXX)
fi
data="$tmp/data"

# Runs a server binary as the owner of the data, from a directory that owner can read.
pg() {
  local tool=$1
  shift
  (cd "$tmp" && "${as_owner[@]}" "$bindir/$tool" "$@")
}

cleanup() {
  set +e
  if [ -f "$data/postmaster.pid" ]; then
    pg pg_ctl -D "$data" -m immediate stop >/dev/null 2>&1
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pg initdb -D "$data" --auth=trust -U postgres --encoding=UTF8 --locale=C >"$tmp/initdb.log" 2>&1 || {
  cat "$tmp/initdb.log" >&2
  exit 1
}
# Only TCP on 127.0.0.1, and a socket inside $tmp.
cat >>"$data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$tmp'
max_connections = 300
EOF
if [ -z "$durable" ]; then
  # Throwaway data: durability off for speed.
  cat >>"$data/postgresql.conf" <<EOF
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
fi

# A random free port below the ephemeral range (32768+); another process may take it before the
# server binds it, so retry a few times.
started=""
for _ in 1 2 3 4 5; do
  port=$((20000 + RANDOM % 12000))
  # A successful connection means something listens there already.
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    continue
  fi
  rm -f "$tmp/log"
  if pg pg_ctl -w -D "$data" -l "$tmp/log" -o "-p $port" start >/dev/null 2>&1; then
    started=yes
    break
  fi
  grep -q "could not bind" "$tmp/log" 2>/dev/null || break
done
if [ -z "$started" ] && [ -f "$tmp/log" ]; then
  echo "PostgreSQL $version did not start; its log:" >&2
  cat "$tmp/log" >&2
  exit 1
elif [ -z "$started" ]; then
  echo "PostgreSQL $version did not start: no free port found" >&2
  exit 1
fi

say "PostgreSQL $version on 127.0.0.1:$port (throwaway, removed at exit)"
export CLAVE_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
status=0
"$@" || status=$?
exit "$status"
