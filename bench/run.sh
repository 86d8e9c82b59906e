#!/usr/bin/env bash
# The pages benchmark on SQLite and on a throwaway PostgreSQL server, in one table.
# Arguments go to bench/pages.py: --small, --sessions N or --patients N, --locations N,
# --duration S.
set -euo pipefail
cd "$(dirname "$0")/.."
python_for_venv=${PYTHON:-$(command -v python3.11 || command -v python3)}
[ -x .venv/bin/python ] || "$python_for_venv" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
if ! command -v wrk >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
    else
        echo "The benchmark loads pages with wrk: sudo apt-get install wrk" >&2
        exit 1
    fi
fi
source scripts/throwaway-postgres.sh
trap stop_throwaway_postgres EXIT
start_throwaway_postgres
.venv/bin/python bench/pages.py --postgres-url "$DATABASE_URL" "$@"
