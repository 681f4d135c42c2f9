#!/bin/sh
# The official postgres image's contract, for the tier-3 stand-in image: POSTGRES_PASSWORD (required),
# POSTGRES_USER (default postgres), POSTGRES_DB (default the user), and /docker-entrypoint-initdb.d/*.sql|*.sh run
# once, on the first start with an empty PGDATA, against a server that listens on its socket only.
set -eu
: "${PGDATA:=/var/lib/postgresql/data}"
PSQL=/usr/lib/postgresql/15/bin/psql
SOCKETS=/var/run/postgresql

if [ "${1:-postgres}" = postgres ] && [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" "$SOCKETS"
  chown -R postgres:postgres "$PGDATA" "$SOCKETS"
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [ "${1:-postgres}" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  user=${POSTGRES_USER:-postgres}
  db=${POSTGRES_DB:-$user}
  if [ -z "${POSTGRES_PASSWORD:-}" ]; then
    echo "Error: the database is uninitialized and POSTGRES_PASSWORD is not set" >&2
    exit 1
  fi
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb -D "$PGDATA" -U "$user" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c unix_socket_directories=$SOCKETS" -w start
  if [ "$db" != postgres ]; then
    "$PSQL" -v ON_ERROR_STOP=1 -h "$SOCKETS" -U "$user" -d postgres -c "CREATE DATABASE \"$db\""
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sql) echo "running $f"; "$PSQL" -v ON_ERROR_STOP=1 -h "$SOCKETS" -U "$user" -d "$db" -f "$f" ;;
      *.sh) echo "running $f"; . "$f" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop
  echo "PostgreSQL init process complete; ready for start up."
fi

if [ "${1:-postgres}" = postgres ]; then
  [ "$#" -gt 0 ] && shift
  exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories="$SOCKETS" "$@"
fi
exec "$@"
