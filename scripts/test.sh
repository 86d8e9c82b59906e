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
postgres_dir=""
cleanup() {
    if [ -n "$postgres_dir" ]; then
        as_postgres_user pg_ctl -D "$postgres_dir/data" -m fast stop >/dev/null 2>&1 || true
        rm -rf "$postgres_dir"
    fi
    rm -rf "$MESOCLINIC_DATA_DIR"
}
trap cleanup EXIT

# initdb refuses to run as root: as root, run the server as an unprivileged user.
as_postgres_user() {
    if [ "$(id -u)" = 0 ]; then
        local owner
        owner=$(id -u postgres >/dev/null 2>&1 && echo postgres || echo nobody)
        runuser -u "$owner" -- "$@"
    else
        "$@"
    fi
}

start_throwaway_postgres() {
    postgres_dir=$(mktemp -d)
    chmod 755 "$postgres_dir"
    [ "$(id -u)" = 0 ] && chown "$(id -u postgres >/dev/null 2>&1 && echo postgres || echo nobody)" "$postgres_dir"
    local port
    port=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_postgres_user initdb --pgdata "$postgres_dir/data" --username mesoclinic --auth trust \
        --encoding UTF8 --no-locale >/dev/null
    # Durability is not needed for a database that lives for one test run.
    as_postgres_user pg_ctl -D "$postgres_dir/data" -l "$postgres_dir/server.log" -w start \
        -o "-p $port -k $postgres_dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
    export DATABASE_URL="postgres://mesoclinic@127.0.0.1:$port/postgres"
}

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
    start_throwaway_postgres
    .venv/bin/python -m pytest "$@"
else
    echo "!! PostgreSQL server binaries (initdb, pg_ctl) are not on PATH: the PostgreSQL run was not done." >&2
fi
