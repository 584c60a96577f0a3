#!/usr/bin/env bash
# Local stand-in for a batch system's submit command: run the jobscript in the background,
# print a job id; status.sh reports on it.
set -euo pipefail
jobscript="$1"
dir=".snakemake/local-cluster"
mkdir -p "$dir"
id="job$$-$RANDOM"
(
  if bash "$jobscript" >"$dir/$id.log" 2>&1; then echo success >"$dir/$id.status"
  else echo failed >"$dir/$id.status"; fi
) </dev/null >/dev/null 2>&1 &
echo "$id"
