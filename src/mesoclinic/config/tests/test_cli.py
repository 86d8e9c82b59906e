"""The `mesoclinic` command as a terminal user runs it: a fresh process on a fresh data folder."""

import contextlib
import http.cookiejar
import os
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest


def terminal_environment(data_dir, **environment: str) -> dict[str, str]:
    """A terminal user's environment: no Django or database settings left over from the tests."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "DATABASE_URL"
    }
    env.update(MESOCLINIC_DATA_DIR=str(data_dir), **environment)
    return env


def run(*arguments: str, data_dir, stdin: str = "", **environment: str):
    env = terminal_environment(data_dir, **environment)
    return subprocess.run(
        [sys.executable, "-m", "mesoclinic", *arguments],
        capture_output=True,
        text=True,
        input=stdin,
        env=env,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def seeded_data_dir(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("clinic")
    result = run("demo", "--no-serve", "--patients", "40", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    return data_dir, result.stdout


def test_demo_builds_a_wal_sqlite_clinic_and_prints_url_and_logins(seeded_data_dir):
    data_dir, output = seeded_data_dir
    assert "http://127.0.0.1:8000/" in output
    for username in ("manager", "practitioner", "reception", "patient"):
        assert f"  {username} " in output
    database = sqlite3.connect(data_dir / "mesoclinic.sqlite3")
    assert database.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert database.execute("SELECT COUNT(*) FROM patients_patient").fetchone() == (40,)
    assert (data_dir / "secret_key").stat().st_mode & 0o077 == 0  # readable by the owner only


def test_demo_run_again_keeps_the_data_and_prints_the_logins(seeded_data_dir):
    data_dir, _ = seeded_data_dir
    again = run("demo", "--no-serve", data_dir=data_dir)
    assert again.returncode == 0
    assert "exists already" in again.stdout
    assert "  manager " in again.stdout


def test_createuser_makes_a_login_with_a_password_from_stdin(seeded_data_dir):
    data_dir, _ = seeded_data_dir
    result = run(
        "createuser",
        "--role",
        "reception",
        "--username",
        "front-desk",
        "--location",
        "Istanbul Nişantaşı",
        data_dir=data_dir,
        stdin="a-long-enough-passphrase\n",
    )
    assert (result.returncode, result.stdout) == (0, "Created reception front-desk.\n")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["createuser", "--role", "reception", "--username", "x", "--location", "Mars"],
            "mesoclinic createuser: there is no location named 'Mars'\n",
        ),
        (
            ["createuser", "--role", "manager", "--username", "y"],
            "mesoclinic createuser: locations: Staff must work at one location at least.\n",
        ),
        (
            ["createuser", "--role", "patient", "--username", "z"],
            "mesoclinic createuser: --role patient needs --patient ID, the record to link\n",
        ),
        (
            ["seed", "--patients", "5"],
            "mesoclinic seed: the database is not empty; seed into a new data folder or database\n",
        ),
        (
            ["token", "--username", "nobody", "--name", "x"],
            "mesoclinic token: there is no active user 'nobody'\n",
        ),
        (
            ["schedule", "--plans", "waiting", "--as", "reception"],
            "mesoclinic schedule: location: Say which location's waiting plans.\n",
        ),
        (
            ["schedule", "--plans", "1,x", "--as", "reception", "--location", "1"],
            "mesoclinic schedule: plans: Give plan ids separated by commas, or 'waiting'.\n",
        ),
        (
            ["schedule", "--plans", "waiting", "--as", "reception", "--from", "tomorrow"],
            "mesoclinic schedule: --from takes YYYY-MM-DD, not 'tomorrow'\n",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(seeded_data_dir, arguments, message):
    data_dir, _ = seeded_data_dir
    result = run(*arguments, data_dir=data_dir, MESOCLINIC_PASSWORD="a-long-enough-passphrase")
    assert (result.returncode, result.stderr) == (2, message)


def test_schedule_lays_the_waiting_plans_and_reports_objective_bound_and_gap(seeded_data_dir):
    data_dir, _ = seeded_data_dir
    arguments = ["schedule", "--plans", "waiting", "--location", "1", "--as", "reception"]

    dry = run(*arguments, "--time-limit", "5", "--dry-run", data_dir=data_dir)
    booked = run(*arguments, "--time-limit", "5", data_dir=data_dir)
    again = run(*arguments, "--time-limit", "5", data_dir=data_dir)

    assert dry.returncode == 0, dry.stderr
    lines = dict(line.split(None, 1) for line in dry.stdout.splitlines() if " " in line)
    assert lines["method"].startswith(("cp-sat", "greedy"))
    assert {"objective", "bound", "gap", "sessions"} <= set(lines)
    assert "would book" in dry.stdout
    assert booked.returncode == 0, booked.stderr
    assert booked.stdout.replace("would book", "booked    ").splitlines()[-1] in booked.stdout
    assert again.returncode == 2
    assert again.stderr == "mesoclinic schedule: plans: No plan is waiting to be booked there.\n"


def test_the_worker_runs_one_round_and_says_what_it_did(seeded_data_dir):
    data_dir, _ = seeded_data_dir
    result = run(
        "worker",
        "--once",
        data_dir=data_dir,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("queued ")


def test_argument_errors_exit_2(tmp_path):
    result = run("seed", "--patients", "-3", data_dir=tmp_path)
    assert result.returncode == 2
    assert "must be 1 or more" in result.stderr


def test_seed_takes_patients_or_sessions_not_both(tmp_path):
    result = run("seed", "--patients", "5", "--sessions", "5", data_dir=tmp_path)
    assert result.returncode == 2
    assert "argument --sessions: not allowed with argument --patients" in result.stderr


def test_seed_side_by_side_needs_postgresql(tmp_path):
    result = run("seed", "--patients", "5", "--workers", "2", data_dir=tmp_path)

    assert (result.returncode, result.stderr) == (
        2,
        "mesoclinic seed: --workers needs PostgreSQL: SQLite takes one writer at a time\n",
    )
    database = sqlite3.connect(tmp_path / "mesoclinic.sqlite3")
    assert database.execute("SELECT COUNT(*) FROM patients_patient").fetchone() == (0,)


def test_seed_by_sessions_builds_until_that_many_are_done(tmp_path):
    result = run("seed", "--sessions", "40", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    done = re.search(r"(\d+) sessions done", result.stdout)
    assert done is not None, result.stdout
    assert 40 <= int(done.group(1)) < 60


@pytest.mark.parametrize(
    "command",
    [
        "demo",
        "serve",
        "migrate",
        "seed",
        "createuser",
        "token",
        "schedule",
        "worker",
        "check",
        "manage",
    ],
)
def test_every_subcommand_has_help(tmp_path, command):
    result = run(command, "--help", data_dir=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: mesoclinic {command}")


def test_production_settings_pass_the_deploy_check(seeded_data_dir):
    data_dir, _ = seeded_data_dir
    strong_key = secrets.token_urlsafe(50)
    result = run(
        "check",
        "--deploy",
        data_dir=data_dir,
        SECRET_KEY=strong_key,
        ALLOWED_HOSTS="clinic.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr


def test_an_insecure_deployment_fails_the_deploy_check(seeded_data_dir):
    data_dir, _ = seeded_data_dir
    result = run("check", "--deploy", data_dir=data_dir, SECRET_KEY="x" * 60, DEBUG="true")
    assert result.returncode == 2
    assert result.stderr.startswith("mesoclinic check: ")


def test_a_token_from_the_cli_opens_the_api(seeded_data_dir):
    data_dir, _ = seeded_data_dir
    result = run("token", "--username", "practitioner", "--name", "lab", data_dir=data_dir)
    assert result.returncode == 0
    assert len(result.stdout.strip()) >= 40


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serving(*arguments: str, data_dir, **environment: str):
    """Start the command as a server in the background; yield its base URL once it answers."""
    port = free_port()
    env = terminal_environment(data_dir, **environment)
    server = subprocess.Popen(
        [sys.executable, "-m", "mesoclinic", *arguments, "--bind", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_the_served_demo_answers_and_its_printed_login_works(seeded_data_dir):
    data_dir, _ = seeded_data_dir
    with serving("demo", data_dir=data_dir) as base_url:
        cookies = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
        login_page = browser.open(f"{base_url}/accounts/login/").read().decode()
        assert "Log in" in login_page
        css = browser.open(f"{base_url}/static/mesoclinic/css/app.css")
        assert css.status == 200
        token = next(cookie.value for cookie in cookies if cookie.name == "csrftoken")
        form = urllib.parse.urlencode(
            {"username": "reception", "password": "demo-clinic-2026", "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(
            f"{base_url}/accounts/login/",
            data=form,
            headers={"Referer": f"{base_url}/accounts/login/"},
        )
        dashboard = browser.open(request).read().decode()
        assert "Good day, Zeynep" in dashboard


def test_serve_runs_production_settings_that_send_plain_http_to_https(seeded_data_dir):
    data_dir, _ = seeded_data_dir
    with serving("serve", data_dir=data_dir, SECRET_KEY=secrets.token_urlsafe(50)) as base_url:
        opener = urllib.request.build_opener(NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as redirected:
            opener.open(f"{base_url}/accounts/login/")
        assert redirected.value.code == 301
        assert redirected.value.headers["Location"].startswith("https://127.0.0.1:")


def test_serve_collects_the_static_files_again_only_when_a_source_changed(settings, tmp_path):
    from mesoclinic.cli import collect_static

    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "clinic.css").write_text("body { color: navy; }")
    settings.STATICFILES_DIRS = [sources]
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }

    def served_name() -> str:
        manifest = (settings.STATIC_ROOT / "staticfiles.json").read_text()
        return re.search(r'"clinic.css": "([^"]+)"', manifest).group(1)

    assert collect_static()  # the first start collects
    first = served_name()
    assert not collect_static()  # a restart with nothing changed does not
    (sources / "clinic.css").write_text("body { color: darkcyan; }")
    assert collect_static()  # an upgrade that changed a file does
    assert served_name() != first
