"""The `mesoclinic` command: run the clinic, set it up, and do its main jobs from a terminal.

Bad input ends with exit code 2 and one line on stderr; `--help` works on every subcommand.
"""

import argparse
import getpass
import hashlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

DEFAULT_BIND = "127.0.0.1:8000"
PRODUCTION_SETTINGS = "mesoclinic.config.django.production"
LOCAL_SETTINGS = "mesoclinic.config.django.local"
# Beside the collected static files: the fingerprint of the sources they were collected from.
STATIC_SOURCES_STAMP = "sources.sha256"
DEMO_PATIENTS = 300


class CommandError(Exception):
    """A problem the user can fix; printed as one line, exit code 2."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    if getattr(arguments, "data_dir", None):
        os.environ["MESOCLINIC_DATA_DIR"] = arguments.data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", arguments.settings_module)
    handler: Callable[[argparse.Namespace], int] = arguments.handler
    try:
        return handler(arguments)
    except CommandError as error:
        sys.stderr.write(f"mesoclinic {arguments.command}: {error}\n")
        return 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mesoclinic", description="Run a mesotherapy clinic: web app, API and tools."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, handler, help_text: str, settings: str = PRODUCTION_SETTINGS):
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler, settings_module=settings)
        sub.add_argument(
            "--data-dir",
            help="folder for the SQLite database and secret key "
            "(default: $MESOCLINIC_DATA_DIR or ./mesoclinic-data)",
        )
        return sub

    demo = command(
        "demo",
        run_demo,
        "Build the demo clinic on SQLite (once) and serve it.",
        settings=LOCAL_SETTINGS,
    )
    demo.add_argument("--bind", default=DEFAULT_BIND, help=f"address:port (default {DEFAULT_BIND})")
    demo.add_argument(
        "--patients",
        type=positive_int,
        default=DEMO_PATIENTS,
        help=f"patients to generate (default {DEMO_PATIENTS})",
    )
    demo.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    demo.add_argument("--no-serve", action="store_true", help="build the data, do not serve")

    serve = command("serve", run_serve, "Serve the clinic with gunicorn (production settings).")
    serve.add_argument(
        "--bind", default=DEFAULT_BIND, help=f"address:port (default {DEFAULT_BIND})"
    )
    serve.add_argument(
        "--workers",
        type=positive_int,
        default=2,
        help="gunicorn sync workers (default 2, the measured best on 2 cores)",
    )

    migrate = command("migrate", run_migrate, "Create or upgrade the database tables.")
    migrate.add_argument("--check", action="store_true", help="only report unapplied migrations")

    seed = command("seed", run_seed, "Generate a demo clinic group into an empty database.")
    size = seed.add_mutually_exclusive_group(required=True)
    size.add_argument("--patients", type=positive_int, help="patients to generate")
    size.add_argument(
        "--sessions", type=positive_int, help="or: patients until this many sessions are done"
    )
    seed.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    seed.add_argument("--locations", type=positive_int, help="locations (default: by size)")
    seed.add_argument(
        "--workers",
        type=positive_int,
        default=1,
        help="processes building side by side, each for its share of the locations "
        "(PostgreSQL only; one per core is fastest)",
    )

    createuser = command(
        "createuser",
        run_createuser,
        "Create a login. The password is read from $MESOCLINIC_PASSWORD, "
        "else asked for (or read from standard input).",
    )
    createuser.add_argument(
        "--role", required=True, choices=["practitioner", "reception", "manager", "patient"]
    )
    createuser.add_argument("--username", required=True)
    createuser.add_argument(
        "--location",
        action="append",
        default=[],
        metavar="NAME",
        help="a location the staff member works at (repeatable)",
    )
    createuser.add_argument(
        "--patient",
        type=positive_int,
        metavar="ID",
        help="for --role patient: the patient record to link",
    )
    createuser.add_argument("--first-name", default="")
    createuser.add_argument("--last-name", default="")
    createuser.add_argument("--email", default="")

    token = command("token", run_token, "Issue an API bearer token for a user (shown once).")
    token.add_argument("--username", required=True)
    token.add_argument("--name", required=True, help="what the token is for")

    screen = command(
        "screen",
        run_screen,
        "Screen a case (JSON file, or - for standard input) and print the decision.",
    )
    screen.add_argument("case_file", metavar="CASE.json")
    screen.add_argument(
        "--policy",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a clinic policy over the rulebook default, e.g. minimum_age=16",
    )

    schedule = command(
        "schedule",
        run_schedule,
        "Lay many new courses at once (CP-SAT, greedy fallback) and book them.",
    )
    schedule.add_argument(
        "--plans",
        required=True,
        help="plan ids, comma-separated, or 'waiting': every accepted plan with nothing booked",
    )
    schedule.add_argument("--location", type=positive_int, help="location id (with 'waiting')")
    schedule.add_argument("--as", dest="username", required=True, help="who books (audited)")
    schedule.add_argument("--from", dest="start_from", help="first day, YYYY-MM-DD (default today)")
    schedule.add_argument(
        "--time-limit", type=float, default=10.0, help="seconds for the solver (default 10)"
    )
    schedule.add_argument("--dry-run", action="store_true", help="report only, book nothing")

    worker = command(
        "worker",
        run_worker,
        "Send reminders and other messages to patients, each at most once; runs until stopped.",
    )
    worker.add_argument("--once", action="store_true", help="one round, then exit")
    worker.add_argument(
        "--interval", type=positive_int, default=60, help="seconds between rounds (default 60)"
    )

    check = command("check", run_check, "Check the installation (settings, database, data files).")
    check.add_argument("--deploy", action="store_true", help="also check production hardening")

    manage = command("manage", run_manage, "Run any Django management command.")
    manage.add_argument("arguments", nargs=argparse.REMAINDER, help="the command and its options")
    return parser


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} must be 1 or more")
    return value


def setup_django() -> None:
    import django

    django.setup()


def call_django(*arguments: str) -> None:
    from django.core.management import call_command

    call_command(*arguments)


def run_demo(arguments: argparse.Namespace) -> int:
    setup_django()
    from mesoclinic.demo.generator import DEMO_PASSWORD, demo_data_exists

    call_django("migrate", "--verbosity", "0")
    if demo_data_exists():
        print_line("The demo clinic exists already in this data folder; serving it.")
        logins = demo_logins_on_file()
    else:
        summary = seed_with_progress(patients=arguments.patients, seed=arguments.seed)
        logins = [(login.username, login.description) for login in summary.logins]
    print_line(f"\nmesoclinic demo clinic: http://{arguments.bind}/")
    print_line(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for username, description in logins:
        print_line(f"  {username:<14} {description}")
    print_line(f"API docs: http://{arguments.bind}/api/docs\n")
    if arguments.no_serve:
        return 0
    return exec_gunicorn(bind=arguments.bind, workers=2)


def demo_logins_on_file() -> list[tuple[str, str]]:
    from mesoclinic.accounts.models import User

    users = User.objects.filter(username__in=["manager", "practitioner", "reception", "patient"])
    return [(user.username, user.get_role_display()) for user in users.order_by("id")]


def run_serve(arguments: argparse.Namespace) -> int:
    setup_django()
    collect_static()
    return exec_gunicorn(bind=arguments.bind, workers=arguments.workers)


def collect_static() -> bool:
    """Production serves hashed, compressed copies of the static files from the data
    folder. Compressing them all again takes half a minute of both cores, so it is done
    only when the sources changed since the last collection (after an upgrade); True if
    it was done."""
    from django.conf import settings

    if settings.STATIC_ROOT is None:
        raise CommandError("these settings serve the static files unchanged: nothing to collect")
    stamp = Path(settings.STATIC_ROOT) / STATIC_SOURCES_STAMP
    fingerprint = static_sources_fingerprint()
    collected = (Path(settings.STATIC_ROOT) / "staticfiles.json").is_file() and stamp.is_file()
    if collected and stamp.read_text() == fingerprint:
        return False
    call_django("collectstatic", "--noinput", "--verbosity", "0")
    stamp.write_text(fingerprint)
    return True


def static_sources_fingerprint() -> str:
    """Every static source file that collectstatic would collect, by name, size and time."""
    from django.apps import apps
    from django.contrib.staticfiles.finders import get_finders

    ignored = apps.get_app_config("staticfiles").ignore_patterns  # type: ignore[attr-defined]
    entries = []
    for finder in get_finders():
        for name, storage in finder.list(ignored):
            found = os.stat(storage.path(name))
            entries.append(f"{name}\t{found.st_size}\t{found.st_mtime_ns}")
    return hashlib.sha256("\n".join(sorted(entries)).encode()).hexdigest()


def exec_gunicorn(*, bind: str, workers: int) -> int:
    """Replace this process with gunicorn, keeping the environment (settings, data folder)."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "mesoclinic.config.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
    ]
    sys.stdout.flush()
    os.execv(sys.executable, command)  # noqa: S606  (our own interpreter, fixed arguments)
    return 0  # not reached


def run_migrate(arguments: argparse.Namespace) -> int:
    setup_django()
    if arguments.check:
        call_django("migrate", "--check")
    else:
        call_django("migrate")
    return 0


def run_seed(arguments: argparse.Namespace) -> int:
    setup_django()
    from django.db import connection

    from mesoclinic.demo.generator import demo_data_exists

    call_django("migrate", "--verbosity", "0")
    if demo_data_exists():
        raise CommandError("the database is not empty; seed into a new data folder or database")
    if arguments.workers > 1 and connection.vendor != "postgresql":
        raise CommandError("--workers needs PostgreSQL: SQLite takes one writer at a time")
    summary = seed_with_progress(
        patients=arguments.patients,
        sessions=arguments.sessions,
        seed=arguments.seed,
        locations=arguments.locations,
        workers=arguments.workers,
    )
    print_line(
        f"{summary.locations} locations, {summary.staff} staff, {summary.patients} patients, "
        f"{summary.conditions} conditions, {summary.medications} medications, "
        f"{summary.allergies} allergies, {summary.consultations} consultations, "
        f"{summary.formulations} formulations, {summary.plans} plans, {summary.visits} visits, "
        f"{summary.sessions} sessions done, {summary.products} products in {summary.lots} lots"
    )
    return 0


def seed_with_progress(
    *,
    patients: int | None,
    sessions: int | None = None,
    seed: int,
    locations: int | None = None,
    workers: int = 1,
):
    """The demo generator with a progress bar, counting patients or sessions, whichever
    the build is asked for."""
    from django.db import connection
    from tqdm import tqdm

    from mesoclinic.demo.generator import seed_clinic

    total, unit = (patients, "patient") if patients else (sessions or 0, "session")
    with tqdm(total=total, unit=unit, desc="Generating", disable=total < 1000) as bar:
        summary = seed_clinic(
            patient_count=patients,
            session_count=sessions,
            seed=seed,
            location_count=locations,
            workers=workers,
            progress=bar.update,
        )
    # The database's planner knows nothing yet of the rows just loaded: the first pages
    # would be planned as for empty tables.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return summary


def run_createuser(arguments: argparse.Namespace) -> int:
    setup_django()
    from django.core.exceptions import ValidationError

    from mesoclinic.accounts.models import Location
    from mesoclinic.accounts.services import user_create
    from mesoclinic.patients.models import Patient
    from mesoclinic.patients.services import patient_login_link

    locations = []
    for name in arguments.location:
        location = Location.objects.filter(name=name).first()
        if location is None:
            raise CommandError(f"there is no location named {name!r}")
        locations.append(location)
    patient = None
    if arguments.role == "patient":
        if arguments.patient is None:
            raise CommandError("--role patient needs --patient ID, the record to link")
        patient = Patient.objects.filter(pk=arguments.patient).first()
        if patient is None:
            raise CommandError(f"there is no patient {arguments.patient}")
    password = read_password()
    try:
        user = user_create(
            username=arguments.username,
            role=arguments.role,
            password=password,
            locations=locations,
            first_name=arguments.first_name,
            last_name=arguments.last_name,
            email=arguments.email,
        )
    except ValidationError as error:
        raise CommandError(one_line(error)) from None
    if patient is not None:
        patient_login_link(actor=None, patient=patient, user=user)
    print_line(f"Created {user.role} {user.username}.")
    return 0


def read_password() -> str:
    password = os.environ.get("MESOCLINIC_PASSWORD")
    if password:
        return password
    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password again: "):
            raise CommandError("the two passwords differ")
        return password
    password = sys.stdin.readline().rstrip("\n")
    if not password:
        raise CommandError("no password given on standard input or in $MESOCLINIC_PASSWORD")
    return password


def run_token(arguments: argparse.Namespace) -> int:
    setup_django()
    from mesoclinic.accounts.models import User
    from mesoclinic.accounts.services import api_token_create

    user = User.objects.filter(username=arguments.username, is_active=True).first()
    if user is None:
        raise CommandError(f"there is no active user {arguments.username!r}")
    print_line(api_token_create(user=user, name=arguments.name))
    return 0


def run_screen(arguments: argparse.Namespace) -> int:
    """Print the decision as JSON; exit 0 for any decision, 2 for a malformed case."""
    import json

    from mesoclinic.screening.case import CaseError, parse_case
    from mesoclinic.screening.engine import screen

    try:
        if arguments.case_file == "-":
            text = sys.stdin.read()
        else:
            with open(arguments.case_file, encoding="utf-8") as case_file:
                text = case_file.read()
    except OSError as error:
        raise CommandError(f"cannot read {arguments.case_file}: {error.strerror}") from None
    try:
        result = screen(parse_case(text), policies=parse_policies(arguments.policy))
    except (CaseError, ValueError) as error:
        raise CommandError(str(error)) from None
    print_line(json.dumps(result.as_contract(), indent=2, ensure_ascii=False))
    return 0


def run_schedule(arguments: argparse.Namespace) -> int:
    setup_django()
    import datetime

    from django.core.exceptions import PermissionDenied, ValidationError

    from mesoclinic import clock
    from mesoclinic.accounts.models import User
    from mesoclinic.scheduling.selectors import plans_to_schedule
    from mesoclinic.scheduling.services import courses_schedule

    actor = User.objects.filter(username=arguments.username, is_active=True).first()
    if actor is None:
        raise CommandError(f"there is no active user {arguments.username!r}")
    try:
        start_from = (
            datetime.date.fromisoformat(arguments.start_from)
            if arguments.start_from
            else clock.today()
        )
    except ValueError:
        raise CommandError(f"--from takes YYYY-MM-DD, not {arguments.start_from!r}") from None
    if arguments.time_limit <= 0:
        raise CommandError("--time-limit takes a number of seconds above 0")
    try:
        plans = plans_to_schedule(
            user=actor, selection=arguments.plans, location_id=arguments.location
        )
        result = courses_schedule(
            actor=actor,
            plans=plans,
            start_from=start_from,
            time_limit=arguments.time_limit,
            book=not arguments.dry_run,
        )
    except ValidationError as error:
        raise CommandError(one_line(error)) from None
    except PermissionDenied as error:
        raise CommandError(str(error) or "not allowed") from None
    for line in schedule_report(result, dry_run=arguments.dry_run):
        print_line(line)
    return 0


def run_worker(arguments: argparse.Namespace) -> int:
    setup_django()
    import signal
    import time

    from mesoclinic.messaging.services import (
        messages_recover,
        messages_send_due,
        reminders_queue,
    )

    stopping = False

    def stop(_signal, _frame) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while True:
        interrupted = messages_recover()
        queued = reminders_queue()
        sent = messages_send_due()
        print_line(
            f"queued {queued}, sent {sent['sent']}, not sent {sent['skipped']}, "
            f"failed {sent['failed']}, interrupted earlier {interrupted}"
        )
        if arguments.once:
            return 0
        for _ in range(arguments.interval):
            if stopping:
                return 0
            time.sleep(1)


def schedule_report(result, *, dry_run: bool) -> list[str]:
    problem, answer = result.problem, result.answer
    gap = answer.gap(problem)
    lines = [
        f"plans            {len(problem.courses)}",
        f"method           {answer.method}",
        f"sessions placed  {answer.sessions_placed()} of {problem.sessions_requested}",
        f"preference score {answer.preference_score(problem)}",
        f"objective        {answer.objective(problem)}",
        f"bound            {answer.bound if answer.bound is not None else '-'}",
        f"gap              {'-' if gap is None else f'{gap:.4%}'}",
        f"seconds          {answer.seconds:.2f}",
        f"{'would book' if dry_run else 'booked'}{len(result.booked):>11} visits",
    ]
    lines += [f"plan {plan_id}: {why}" for plan_id, why in sorted(result.short.items())]
    return lines


def parse_policies(assignments: list[str]) -> dict[str, object]:
    policies: dict[str, object] = {}
    for assignment in assignments:
        name, equals, value = assignment.partition("=")
        if not equals:
            raise CommandError(f"--policy takes NAME=VALUE, not {assignment!r}")
        policies[name] = int(value) if value.isdigit() else value
    return policies


def run_check(arguments: argparse.Namespace) -> int:
    setup_django()
    from django.core.management.base import SystemCheckError

    try:
        if arguments.deploy:
            # A production site must not start with a security warning outstanding.
            call_django("check", "--deploy", "--fail-level", "WARNING")
        else:
            call_django("check")
        call_django("migrate", "--check", "--verbosity", "0")
    except SystemCheckError as error:
        # The first issue names the setting to fix; the full list is in `mesoclinic manage check`.
        issues = [line for line in str(error).splitlines() if line.startswith("?: (")]
        raise CommandError(issues[0] if issues else str(error).strip()) from None
    except SystemExit:
        raise CommandError(
            "the database has unapplied migrations: run `mesoclinic migrate`"
        ) from None
    print_line("mesoclinic: settings, database and clinical data files are in order.")
    return 0


def run_manage(arguments: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["mesoclinic manage", *arguments.arguments])
    return 0


def one_line(error) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def print_line(text: str) -> None:
    sys.stdout.write(text + "\n")
