#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for liberp's tests.
#
#   scripts/pg-start.sh [DIR]
#
# DIR defaults to a new directory under /tmp (short, so that the Unix socket
# path stays well under the 107-byte limit). The cluster listens on
# 127.0.0.1 on the first free port from 54329 up (PG_PORT_BASE overrides),
# with its socket in DIR, fsync off (PG_DURABLE=1: fsync, synchronous_commit
# and full_page_writes on, as a production server runs). It has a superuser `postgres` (trust,
# socket only) and a login role `erp`, password `erp`, CREATEROLE and
# CREATEDB (tests make a database each) but not superuser, owning the
# database `erp_test` (SCRAM over TCP).
#
# Prints exactly one line on stdout, the URL
#   postgresql://erp:erp@127.0.0.1:PORT/erp_test
# and writes it to DIR/url, the port to DIR/port. Everything else goes to
# stderr. Stop and remove with scripts/pg-stop.sh DIR.
#
# Works as root (the server runs as the `postgres` account, as initdb
# refuses root) or as an ordinary user (the server runs as that user).
# Finds the newest /usr/lib/postgresql/*/bin; PG_BINDIR overrides.
set -euo pipefail

log() { printf 'pg-start: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
# shellcheck source=lib/throwaway-dir.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/throwaway-dir.sh"

find_bindir() {
	local d best=""
	if [[ -n "${PG_BINDIR:-}" ]]; then
		[[ -x "$PG_BINDIR/initdb" ]] || die "PG_BINDIR=$PG_BINDIR has no initdb"
		printf '%s\n' "$PG_BINDIR"
		return
	fi
	# Debian keeps the server binaries out of PATH, one directory per major version.
	best=$(for d in /usr/lib/postgresql/*/bin; do
		[[ -x "$d/initdb" && -x "$d/pg_ctl" ]] && printf '%s\n' "$d"
	done | sort -V | tail -n 1)
	if [[ -z "$best" ]] && command -v initdb >/dev/null 2>&1; then
		best=$(dirname "$(command -v initdb)")
	fi
	[[ -n "$best" ]] || die "no PostgreSQL server found (apt-get install postgresql)"
	printf '%s\n' "$best"
}

port_in_use() {
	# Something answers on 127.0.0.1:$1 (also catches listeners on 0.0.0.0).
	timeout 2 bash -c "exec 9<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# Everything but the URL goes to stderr. (Not `exec 3>&1`: the server
# would inherit the copy of stdout, and `URL=$(pg-start.sh)` would never end.)
{
BINDIR=$(find_bindir)
log "using $BINDIR"

# Who runs the server.
if [[ $EUID -eq 0 ]]; then
	getent passwd postgres >/dev/null || die "no 'postgres' account to run the server as"
	RUN=(runuser -u postgres --)
	OWNER=postgres
else
	RUN=()
	OWNER=$(id -un)
fi

STARTED=0
DIR=""
cleanup() {
	local rc=$?
	if (( rc != 0 )); then
		if (( STARTED )); then
			"${RUN[@]}" "$BINDIR/pg_ctl" -D "$OWN_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
		fi
		throwaway_dir_discard
		log "failed"
	fi
}
trap cleanup EXIT

throwaway_dir_claim erppg "$@"
# Socket: DIR/.s.PGSQL.NNNNN (+16 bytes) must fit in sun_path (107 usable).
(( ${#DIR} <= 80 )) || die "$DIR is too long for a Unix socket directory (max 80 bytes)"


chown "$OWNER" "$DIR"
chmod 700 "$DIR"
cd "$DIR" # the server account may not be able to read the caller's cwd
touch "$DIR/.liberp-pg" # pg-stop.sh removes only directories with this mark

log "initdb in $DIR/data"
"${RUN[@]}" "$BINDIR/initdb" -D "$DIR/data" -U postgres -A trust -E UTF8 --locale=C \
	--no-sync >"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; die "initdb failed"; }

cat >"$DIR/data/pg_hba.conf" <<HBA
# TYPE  DATABASE USER ADDRESS      METHOD
local   all      all               trust
host    all      all  127.0.0.1/32 scram-sha-256
host    all      all  ::1/128      scram-sha-256
HBA
chown "$OWNER" "$DIR/data/pg_hba.conf"

port=${PG_PORT_BASE:-54329}
durable=off
[[ ${PG_DURABLE:-0} == 1 ]] && durable=on
tries=0
while :; do
	while port_in_use "$port"; do
		port=$((port + 1))
	done
	cat >"$DIR/data/postgresql.auto.conf" <<CONF
# Written by liberp's scripts/pg-start.sh: a throwaway test cluster.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$DIR'
fsync = $durable
synchronous_commit = $durable
full_page_writes = $durable
max_connections = 200
password_encryption = 'scram-sha-256'
log_min_messages = warning
CONF
	chown "$OWNER" "$DIR/data/postgresql.auto.conf"
	log "starting on 127.0.0.1:$port"
	STARTED=1
	if "${RUN[@]}" "$BINDIR/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 start >/dev/null; then
		break
	fi
	STARTED=0
	tries=$((tries + 1))
	# Another process may have taken the port between the check and the start.
	if (( tries < 20 )) && grep -q "could not bind\|Address already in use\|could not create any TCP/IP sockets" "$DIR/server.log" 2>/dev/null; then
		log "port $port was taken, trying the next one"
		port=$((port + 1))
		continue
	fi
	cat "$DIR/server.log" >&2 || true
	die "the server did not start"
done

for _ in $(seq 1 60); do
	"$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$port" && break
	sleep 0.5
done
"$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$port" || die "the server does not accept connections"

"${RUN[@]}" "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR" -p "$port" -U postgres -d postgres <<'SQL'
CREATE ROLE erp LOGIN PASSWORD 'erp' CREATEROLE CREATEDB;
GRANT pg_signal_backend TO erp;
CREATE DATABASE erp_test OWNER erp;
SQL

url="postgresql://erp:erp@127.0.0.1:$port/erp_test"
printf '%s\n' "$url" >"$DIR/url"
printf '%s\n' "$port" >"$DIR/port"
printf '%s\n' "$BINDIR" >"$DIR/bindir"
log "ready in $DIR"
} >&2
printf '%s\n' "$url"
