#!/usr/bin/env bash
# Job status for submit.sh: running | success | failed.
set -euo pipefail
f=".snakemake/local-cluster/$1.status"
if [ -f "$f" ]; then cat "$f"; else echo running; fi
