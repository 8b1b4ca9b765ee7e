#!/usr/bin/env bash
# Stops a server started by scripts/redis-start.sh and removes its directory.
#
#   scripts/redis-stop.sh DIR
#
# Refuses a directory redis-start.sh did not make. Succeeds when DIR is
# already gone. Sends SIGTERM (nothing to save: no persistence), waits up
# to 10 s, then SIGKILL.
set -euo pipefail

log() { printf 'redis-stop: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ $# -eq 1 && -n "$1" ]] || die "usage: $0 DIR"
DIR=$1
if [[ ! -e "$DIR" ]]; then
	log "$DIR does not exist; nothing to do"
	exit 0
fi
[[ -e "$DIR/.liberp-redis" ]] || die "$DIR was not made by redis-start.sh; not touching it"

# The pid in the pidfile, if it is still a redis-server (the pid may have
# been reused by another process since).
pid=""
if [[ -s "$DIR/redis.pid" ]]; then
	pid=$(<"$DIR/redis.pid")
	[[ "$pid" =~ ^[0-9]+$ ]] || pid=""
fi
if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
	comm=$(ps -o comm= -p "$pid" 2>/dev/null || true)
	if [[ "$comm" == redis-server* || "$comm" == redis-check* ]]; then
		kill -TERM "$pid" 2>/dev/null || true
		for _ in $(seq 1 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			log "pid $pid did not stop on SIGTERM; sending SIGKILL"
			kill -KILL "$pid" 2>/dev/null || true
		fi
	else
		log "pid $pid is not a redis-server ($comm); not killing it"
	fi
fi
rm -rf -- "$DIR"
log "removed $DIR"
