"""The key pages and API reads of a demo clinic, each at a typical row, with the most
queries it may take. The benchmark loads them (bench/pages.py) and the test suite guards
their query counts at two sizes of clinic: one list serves both, so every page in the
benchmark's table is guarded."""

import datetime
from dataclasses import dataclass
from urllib.parse import quote

from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mesoclinic.accounts.models import Location, User
from mesoclinic.outcomes.models import ResponseReview
from mesoclinic.treatments.models import VialUse

MANAGER = "manager"  # the demo's manager of every location


@dataclass(frozen=True)
class Target:
    name: str
    kind: str  # "html" or "json"
    path: str
    max_queries: int  # whatever the clinic's size


def key_targets() -> list[Target]:
    """At the first location: the latest plan that reached its response review (a full
    record: consultation, sessions, measures), its patient, and the latest lot used."""
    location = Location.objects.order_by("id").first()
    review = (
        ResponseReview.objects.filter(plan__patient__location=location)
        .select_related("plan__patient", "plan__consultation")
        .order_by("-id")
        .first()
    )
    lot_use = VialUse.objects.filter(session__appointment__location=location).order_by("-id")
    if location is None or review is None or not lot_use.exists():
        raise LookupError("No demo clinic with treated plans: run `mesoclinic seed` first.")
    plan, lot_id = review.plan, lot_use.values_list("lot_id", flat=True).first()
    # The patient's names, as reception types them to find one patient (a few letters
    # match more patients than a search lists); quoted: a URL is ASCII, and a name may
    # hold "İ".
    patient = plan.patient
    search = quote(f"{patient.family_name} {patient.given_name}")
    last_visit = plan.appointments.order_by("-starts_at").first()
    day = timezone.localdate(last_visit.starts_at) if last_visit else review.decided_at.date()
    monday = day - datetime.timedelta(days=day.weekday())
    return [
        Target("home page", "html", "/", 6),
        Target("patient list, search", "html", f"/patients/?q={search}", 3),
        Target("patient record", "html", f"/patients/{patient.pk}/", 13),
        Target("consultation", "html", f"/consultations/{plan.consultation_id}/", 3),
        Target("plan with sessions", "html", f"/plans/{plan.pk}/", 7),
        Target("calendar week", "html", f"/calendar/?location={location.pk}&day={day}", 7),
        Target("outcome report", "html", f"/outcomes/report/?location={location.pk}", 8),
        Target("lot recall", "html", f"/sessions/lots/{lot_id}/recipients/", 4),
        Target("API patient search", "json", f"/api/v1/patients?search={search}", 3),
        Target("API patient record", "json", f"/api/v1/patients/{patient.pk}", 5),
        Target("API plan sessions", "json", f"/api/v1/plans/{plan.pk}/sessions", 8),
        Target(
            "API calendar week",
            "json",
            f"/api/v1/calendar?location={location.pk}&from={monday}&days=7",
            5,
        ),
        Target("API outcome report", "json", f"/api/v1/locations/{location.pk}/outcome-report", 8),
        Target("API lot recall", "json", f"/api/v1/formulary/lots/{lot_id}/recipients", 4),
    ]


def query_counts(targets: list[Target]) -> list[dict]:
    """Each target fetched once as the manager, the first time (nothing of it cached yet,
    only the signed-in user): its status and the queries it took."""
    client = _manager_client()
    client.get("/")  # the dashboard, so the signed-in user is cached as on any later page
    counted = []
    for target in targets:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(target.path)
        counted.append({**target.__dict__, "status": response.status_code, "queries": len(queries)})
    return counted


def manager_session() -> str:
    """A signed-in session of the demo's manager, for a load generator's cookie."""
    return _manager_client().cookies["sessionid"].value


def _manager_client() -> Client:
    client = Client(SERVER_NAME="localhost")  # a host every deployment allows
    client.force_login(User.objects.get(username=MANAGER))
    return client


def row_counts() -> dict[str, int]:
    """Rows in every table of the project's apps."""
    return {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_models()
        if model.__module__.startswith("mesoclinic.")
    }
