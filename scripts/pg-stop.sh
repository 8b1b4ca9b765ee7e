#!/usr/bin/env bash
# Stops a cluster started by scripts/pg-start.sh and removes its directory.
#
#   scripts/pg-stop.sh DIR
#
# Refuses a directory pg-start.sh did not make. Succeeds when DIR is already
# gone.
set -euo pipefail

log() { printf 'pg-stop: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ $# -eq 1 && -n "$1" ]] || die "usage: $0 DIR"
DIR=$1
if [[ ! -e "$DIR" ]]; then
	log "$DIR does not exist; nothing to do"
	exit 0
fi
[[ -e "$DIR/.liberp-pg" ]] || die "$DIR was not made by pg-start.sh; not touching it"

BINDIR=""
[[ -r "$DIR/bindir" ]] && BINDIR=$(<"$DIR/bindir")
if [[ -z "$BINDIR" || ! -x "$BINDIR/pg_ctl" ]]; then
	BINDIR=$(for d in /usr/lib/postgresql/*/bin; do
		[[ -x "$d/pg_ctl" ]] && printf '%s\n' "$d"
	done | sort -V | tail -n 1)
fi

if [[ -f "$DIR/data/postmaster.pid" ]]; then
	[[ -n "$BINDIR" ]] || die "pg_ctl not found; the server in $DIR is still running"
	if [[ $EUID -eq 0 ]]; then
		RUN=(runuser -u "$(stat -c %U "$DIR/data")" --)
	else
		RUN=()
	fi
	(cd / && "${RUN[@]}" "$BINDIR/pg_ctl" -D "$DIR/data" -m immediate -w -t 60 stop >&2) ||
		log "pg_ctl stop failed (server already gone?)"
fi
rm -rf -- "$DIR"
log "removed $DIR"
