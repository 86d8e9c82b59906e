"""Key pages and API reads at clinic-group scale, under load.

    bash bench/run.sh [--small] [--sessions N | --patients N] [--locations N] [--duration S]

For each database (SQLite, then PostgreSQL when bench/run.sh started one), this builds a
clinic group with the demo generator and times it (rows/s), serves it as a deployment
does (`mesoclinic serve`: gunicorn, 2 sync workers, production settings, but plain HTTP),
counts each endpoint's queries once, then loads each from wrk in a separate process on
loopback for a bounded time: median and p99 latency and throughput, beside the same
server's /healthz as the ceiling. One table is printed, and kept as Markdown and JSON
under bench/results/.

`python bench/pages.py probe` is the part that runs inside Django, once per database:
it picks typical rows to ask for, counts the queries of each endpoint and logs in.
"""

import argparse
import json
import os
import pathlib
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from results_table import publish

ROOT = pathlib.Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
# A clinic group with a million sessions done (about 525,000 patients, at the
# generator's 1.9 sessions each), or a quick look at 2,000 patients.
FULL = {"size": ("sessions", 1_000_000), "locations": 50}
SMALL = {"size": ("patients", 2_000), "locations": 5}
WRK_CONNECTIONS = 8  # enough to keep both workers busy; each waits its turn


def main() -> int:
    if sys.argv[1:2] == ["probe"]:
        return probe()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="2,000 patients at 5 locations")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--sessions", type=int, help="sessions done (default 1,000,000)")
    size.add_argument("--patients", type=int, help="or patients")
    parser.add_argument("--locations", type=int)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per endpoint")
    parser.add_argument("--postgres-url", help="also on this (empty) PostgreSQL database")
    arguments = parser.parse_args()
    scale = SMALL if arguments.small else FULL
    unit, count = scale["size"]
    if arguments.sessions or arguments.patients:
        unit = "sessions" if arguments.sessions else "patients"
        count = arguments.sessions or arguments.patients
    locations = arguments.locations or scale["locations"]
    databases = {"sqlite": None}
    if arguments.postgres_url:
        databases["postgresql"] = arguments.postgres_url
    rows, settings = [], {unit: count, "locations": locations}
    for name, url in databases.items():
        with tempfile.TemporaryDirectory() as data_dir:
            env = _environment(data_dir, url)
            seconds = _build(env, unit, count, locations)
            probed = _probe(env)
            settings[f"{name}_generation"] = _generation(seconds, probed["rows"])
            rows += _load(env, name, probed, arguments.duration)
    publish("pages", "Pages under load", rows, duration_s=arguments.duration, **settings)
    return 0


def _environment(data_dir: str, database_url: str | None) -> dict[str, str]:
    env = {
        **os.environ,
        "MESOCLINIC_DATA_DIR": data_dir,
        # What `mesoclinic serve` runs in production, but over plain HTTP on loopback.
        "DJANGO_SETTINGS_MODULE": "mesoclinic.config.django.production",
        "SECURE_SSL_REDIRECT": "false",
    }
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _build(env: dict[str, str], unit: str, count: int, locations: int) -> float:
    """The demo generator at this scale (so many sessions or patients): its seconds,
    with the statistics it gathers for the database's planner at the end."""
    started = time.perf_counter()
    seed = ["seed", f"--{unit}", str(count), "--locations", str(locations)]
    if "DATABASE_URL" in env:  # PostgreSQL takes a builder per core side by side
        seed += ["--workers", str(os.cpu_count() or 1)]
    _mesoclinic(env, *seed)
    return time.perf_counter() - started


def _generation(seconds: float, counts: dict[str, int]) -> dict:
    """The build's rate over the rows of every table."""
    total = sum(counts.values())
    sys.stderr.write(f"built {total:,} rows in {seconds:.0f} s\n")
    return {
        "seconds": round(seconds, 1),
        "rows": total,
        "rows_per_s": round(total / seconds),
        "sessions": counts.get("treatments.treatmentsession", 0),
        "patients": counts.get("patients.patient", 0),
    }


def _mesoclinic(env: dict[str, str], *arguments: str) -> None:
    command = [str(VENV_BIN / "mesoclinic"), *arguments]
    subprocess.run(command, env=env, check=True, stdout=sys.stderr)  # noqa: S603 (ours)


def _probe(env: dict[str, str]) -> dict:
    output = subprocess.run(  # noqa: S603 (our own command)
        [VENV_BIN / "python", __file__, "probe"], env=env, check=True, capture_output=True
    ).stdout
    return json.loads(output)


def _load(env: dict[str, str], database: str, probed: dict, duration: int) -> list[dict]:
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 (our own command)
        [VENV_BIN / "mesoclinic", "serve", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(f"{base}/healthz")
        cookie = f"sessionid={probed['session']}"
        ceiling = _wrk(f"{base}/healthz", cookie, duration)
        rows = [_row(database, "healthz (ceiling)", "json", 0, ceiling, ceiling)]
        for endpoint in probed["endpoints"]:
            _warm(base + endpoint["path"], cookie)
            measured = _wrk(base + endpoint["path"], cookie, duration)
            rows.append(
                _row(
                    database,
                    endpoint["name"],
                    endpoint["kind"],
                    endpoint["queries"],
                    measured,
                    ceiling,
                )
            )
            sys.stderr.write(f"{database} {endpoint['name']}: {measured}\n")
        return rows
    finally:
        server.terminate()
        server.wait(timeout=30)


def _row(database, name, kind, queries, measured, ceiling) -> dict:
    return {
        "database": database,
        "endpoint": name,
        "kind": kind,
        "queries": queries,
        "median_ms": measured["median_ms"],
        "p99_ms": measured["p99_ms"],
        "req_per_s": measured["req_per_s"],
        "errors": measured["errors"],
        "vs_ceiling_pct": round(100 * measured["req_per_s"] / ceiling["req_per_s"], 1),
    }


def _warm(url: str, cookie: str) -> None:
    """One request first, so that a cold cache is not what is measured."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310 (loopback)
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 (loopback)
        response.read()


def _wrk(url: str, cookie: str, duration: int) -> dict:
    """wrk's closed loop on loopback, bounded in time; its latency distribution parsed."""
    output = subprocess.run(  # noqa: S603 (wrk on loopback)
        ["wrk", "--threads", "1", "--connections", str(WRK_CONNECTIONS)]
        + ["--duration", f"{duration}s", "--timeout", "5s", "--latency"]
        + ["--header", f"Cookie: {cookie}", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    # Seconds are printed with a trailing space. No latency when no request finished
    # within the timeout: then only errors count.
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)\s*$", output, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: .*?timeout (\d+)", output)
    return {
        "median_ms": _milliseconds(percentiles.get("50")),
        "p99_ms": _milliseconds(percentiles.get("99")),
        "req_per_s": round(float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))),
        "errors": int(errors.group(1) if errors else 0)
        + int(socket_errors.group(1) if socket_errors else 0),
    }


def _milliseconds(text: str | None) -> float | None:
    if text is None:
        return None
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return round(float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit], 2)


def _free_port() -> int:
    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        return probe_socket.getsockname()[1]


def _wait_until_up(url: str) -> None:
    """`mesoclinic serve` collects the static files first: allow it two minutes."""
    for _ in range(600):
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback only)
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer at {url}")


def probe() -> int:
    """Inside Django: rows per table, the endpoints with their query counts, a session."""
    import django

    django.setup()
    from django.conf import settings
    from django.test import override_settings

    from mesoclinic.demo.targets import key_targets, manager_session, query_counts, row_counts

    # Before `mesoclinic serve` has collected the static files: pages name them unhashed.
    storage = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    pathlib.Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # or whitenoise warns
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": storage}):
        endpoints = query_counts(key_targets())
    json.dump(
        {"rows": row_counts(), "endpoints": endpoints, "session": manager_session()}, sys.stdout
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
