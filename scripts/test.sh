#!/usr/bin/env bash
# Install mesoclinic with its test tools, then run every check and the whole test suite,
# first on SQLite and then on a throwaway PostgreSQL server. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

python_for_venv=${PYTHON:-$(command -v python3.11 || command -v python3)}
[ -x .venv/bin/python ] || "$python_for_venv" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
bash scripts/install-system-packages.sh

# Tests get their own data folder (secret key, uploads), removed at the end.
MESOCLINIC_DATA_DIR=$(mktemp -d)
export MESOCLINIC_DATA_DIR
source scripts/throwaway-postgres.sh
cleanup() {
    stop_throwaway_postgres
    rm -rf "$MESOCLINIC_DATA_DIR"
}
trap cleanup EXIT

echo "== lint and format"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== types"
.venv/bin/mypy src/mesoclinic
echo "== migrations match the models"
DJANGO_SETTINGS_MODULE=mesoclinic.config.django.test .venv/bin/mesoclinic manage makemigrations --check --dry-run

echo "== tests on SQLite"
.venv/bin/python -m pytest "$@"

if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    echo "== tests on PostgreSQL"
    # No autovacuum: the statistics it gathers on rows a test committed outlive the test's
    # flush, and later tests' queries were planned on them (nested loops minutes long).
    start_throwaway_postgres -c autovacuum=off
    .venv/bin/python -m pytest "$@"
else
    echo "!! PostgreSQL server binaries (initdb, pg_ctl) are not on PATH: the PostgreSQL run was not done." >&2
fi
