#!/usr/bin/env bash
# Starts a throwaway Redis server for liberp's tests.
#
#   scripts/redis-start.sh [DIR]
#
# DIR defaults to a new directory under /tmp; when given it must be absent
# or empty. The server listens on 127.0.0.1 only, on the first free port
# from 63790 up (REDIS_PORT_BASE overrides), with a random password
# (requirepass, so that the URL exercises AUTH), database 1 in the URL (so
# that it exercises SELECT), no persistence (no RDB, no AOF: --save '' and
# --appendonly no), daemonized, its pidfile, log and config in DIR.
#
# Prints exactly one line on stdout, the URL
#   redis://:PASSWORD@127.0.0.1:PORT/1
# and writes it to DIR/url, the port to DIR/port. Everything else goes to
# stderr. Stop and remove with scripts/redis-stop.sh DIR.
#
# Works as root or as an ordinary user (the server runs as the caller;
# Redis does not refuse root). Uses `redis-server` from PATH; REDIS_SERVER
# overrides.
set -euo pipefail

log() { printf 'redis-start: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
# shellcheck source=lib/throwaway-dir.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/throwaway-dir.sh"

port_in_use() {
	# Something answers on 127.0.0.1:$1 (also catches listeners on 0.0.0.0).
	timeout 2 bash -c "exec 9<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# ping PORT PASSWORD: the server on PORT answers AUTH + PING with PONG.
ping_redis() {
	# shellcheck disable=SC2016 # expanded by the inner bash, from its arguments
	timeout 2 bash -c '
		exec 9<>"/dev/tcp/127.0.0.1/$1" || exit 1
		printf "AUTH %s\r\nPING\r\n" "$2" >&9
		read -r auth <&9 && read -r pong <&9 || exit 1
		[[ $auth == +OK* && $pong == +PONG* ]]' _ "$1" "$2" 2>/dev/null
}

# Everything but the URL goes to stderr (the daemon closes its stdio, but
# keep the script's own output off the caller's pipe as pg-start.sh does).
{
SERVER=${REDIS_SERVER:-$(command -v redis-server || true)}
[[ -n "$SERVER" && -x "$SERVER" ]] || die "no redis-server found (apt-get install redis-server)"

STARTED_PID=""
cleanup() {
	local rc=$?
	if (( rc != 0 )); then
		if [[ -n "$STARTED_PID" ]]; then
			kill -KILL "$STARTED_PID" 2>/dev/null || true
		fi
		throwaway_dir_discard
		log "failed"
	fi
}
trap cleanup EXIT

throwaway_dir_claim erprd "$@"
chmod 700 "$DIR"
touch "$DIR/.liberp-redis" # redis-stop.sh removes only directories with this mark

password=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
[[ ${#password} -eq 36 ]] || die "cannot make a password from /dev/urandom"

port=${REDIS_PORT_BASE:-63790}
tries=0
while :; do
	while port_in_use "$port"; do
		port=$((port + 1))
	done
	# The password stays out of the command line (and so out of ps).
	(umask 077 && cat >"$DIR/redis.conf" <<CONF
# Written by liberp's scripts/redis-start.sh: a throwaway test server.
bind 127.0.0.1
port $port
protected-mode yes
requirepass $password
daemonize yes
pidfile $DIR/redis.pid
logfile $DIR/redis.log
dir $DIR
save ""
appendonly no
databases 16
CONF
	)
	rm -f "$DIR/redis.pid" "$DIR/redis.log"
	log "starting $SERVER on 127.0.0.1:$port"
	(cd "$DIR" && "$SERVER" "$DIR/redis.conf" </dev/null >/dev/null 2>&1) || die "redis-server failed to start"
	ready=0
	for _ in $(seq 1 100); do
		if [[ -z "$STARTED_PID" && -s "$DIR/redis.pid" ]]; then
			STARTED_PID=$(<"$DIR/redis.pid")
		fi
		if ping_redis "$port" "$password"; then
			ready=1
			break
		fi
		if [[ -n "$STARTED_PID" ]] && ! kill -0 "$STARTED_PID" 2>/dev/null; then
			break # it exited
		fi
		if grep -q "Address already in use\|Could not create server TCP listening socket" "$DIR/redis.log" 2>/dev/null; then
			break
		fi
		sleep 0.1
	done
	(( ready )) && break
	if [[ -n "$STARTED_PID" ]]; then
		kill -KILL "$STARTED_PID" 2>/dev/null || true
		STARTED_PID=""
	fi
	tries=$((tries + 1))
	# Another process may have taken the port between the check and the start.
	if (( tries < 20 )) && grep -q "Address already in use\|Could not create server TCP listening socket" "$DIR/redis.log" 2>/dev/null; then
		log "port $port was taken, trying the next one"
		port=$((port + 1))
		continue
	fi
	cat "$DIR/redis.log" >&2 2>/dev/null || true
	die "the server did not answer PING"
done
[[ -n "$STARTED_PID" ]] || STARTED_PID=$(<"$DIR/redis.pid")

url="redis://:$password@127.0.0.1:$port/1"
(umask 077 && printf '%s\n' "$url" >"$DIR/url")
printf '%s\n' "$port" >"$DIR/port"
log "ready in $DIR (pid $STARTED_PID)"
} >&2
printf '%s\n' "$url"
