#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL cluster:
#   scripts/with-postgres.sh .venv/bin/pytest -q
# initdb into a temporary directory, start the server on a unix socket there and a free TCP port on
# 127.0.0.1, create a database, run the command with DATABASE_URL set, then stop the server and delete
# the directory, also when the command fails or is interrupted. The command's exit status is returned.
# PostgreSQL refuses to run as root: as root the cluster runs as the `postgres` user.
set -euo pipefail

if [ $# -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi

find_bindir() {
    local dir
    if command -v pg_config >/dev/null 2>&1; then
        dir="$(pg_config --bindir 2>/dev/null || true)"
        if [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
    fi
    # Debian: the server binaries live in /usr/lib/postgresql/<major>/bin; take the newest.
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
    done
    if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
    echo "anfang: PostgreSQL server binaries (initdb) not found; install the 'postgresql' package" >&2
    exit 1
}

BINDIR="$(find_bindir)"
PGTMP="$(mktemp -d "${TMPDIR:-/tmp}/anfang-pg.XXXXXX")"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
DB="anfang"

if [ "$(id -u)" -eq 0 ]; then
    PGUSER_OS="postgres"
    chown postgres: "$PGTMP"
    chmod 700 "$PGTMP"
    as_pg() { runuser -u postgres -- "$@"; }
else
    PGUSER_OS="$(id -un)"
    as_pg() { "$@"; }
fi

cleanup() {
    local status=$?
    if [ -f "$PGTMP/data/postmaster.pid" ]; then
        as_pg "$BINDIR/pg_ctl" -D "$PGTMP/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PGTMP"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

as_pg "$BINDIR/initdb" -D "$PGTMP/data" -U "$PGUSER_OS" --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    --no-sync >"$PGTMP/initdb.log" 2>&1 || { cat "$PGTMP/initdb.log" >&2; exit 1; }

# Durability is irrelevant for a cluster that is deleted afterwards: trade it for speed.
as_pg "$BINDIR/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $PGTMP -c fsync=off -c synchronous_commit=off \
-c full_page_writes=off -c max_connections=100" >/dev/null \
    || { cat "$PGTMP/server.log" >&2; exit 1; }

as_pg "$BINDIR/createdb" -h "$PGTMP" -p "$PORT" -U "$PGUSER_OS" "$DB"

export DATABASE_URL="postgresql://${PGUSER_OS}@/${DB}?host=${PGTMP}&port=${PORT}"
echo "anfang: PostgreSQL $("$BINDIR/postgres" --version | awk '{print $3}') at $PGTMP port $PORT" >&2

set +e
"$@"
status=$?
set -e
exit "$status"
