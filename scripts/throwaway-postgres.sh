# A PostgreSQL server that lives for one run, on a free loopback port, with no
# durability; sourced by the test command and the benchmark. It sets DATABASE_URL.
postgres_dir=""

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

# Arguments are more server settings, e.g. -c autovacuum=off.
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
        -o "-p $port -k $postgres_dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off $*" >/dev/null
    export DATABASE_URL="postgres://mesoclinic@127.0.0.1:$port/postgres"
}

stop_throwaway_postgres() {
    if [ -n "$postgres_dir" ]; then
        as_postgres_user pg_ctl -D "$postgres_dir/data" -m fast stop >/dev/null 2>&1 || true
        rm -rf "$postgres_dir"
        postgres_dir=""
    fi
}
