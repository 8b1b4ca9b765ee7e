# shellcheck shell=bash
# Sourced by pg-start.sh and redis-start.sh: the directory a throwaway
# server lives in, claimed at the start and cleaned up if the start fails.
#
#   throwaway_dir_claim PREFIX [DIR]   sets DIR (absolute), OWN_DIR, CREATED_DIR
#   throwaway_dir_discard              on failure: removes what the claim made
#
# A DIR given by the caller must be absent or empty; without one a new
# directory /tmp/PREFIX.XXXXXX is made. The caller defines die().

CREATED_DIR=0
OWN_DIR="" # set once DIR is ours to clean: created here, or found empty

throwaway_dir_claim() {
	local prefix=$1
	if [[ $# -ge 2 ]]; then
		DIR=$2
		if [[ -e "$DIR" ]]; then
			[[ -d "$DIR" && -z "$(ls -A "$DIR")" ]] || die "$DIR exists and is not an empty directory"
		else
			CREATED_DIR=1
		fi
		mkdir -p "$DIR"
	else
		DIR=$(mktemp -d "/tmp/$prefix.XXXXXX")
		CREATED_DIR=1
	fi
	DIR=$(cd "$DIR" && pwd -P)
	OWN_DIR=$DIR
}

throwaway_dir_discard() {
	if [[ -z "$OWN_DIR" || ! -d "$OWN_DIR" ]]; then
		:
	elif (( CREATED_DIR )); then
		rm -rf -- "$OWN_DIR"
	else
		find "$OWN_DIR" -mindepth 1 -delete 2>/dev/null || true
	fi
}
