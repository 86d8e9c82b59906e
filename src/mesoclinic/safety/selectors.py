"""Reads of adverse events, each scoped and audited: a patient's events, one event, the
alerts waiting for a user, and the clinic's safety report."""

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from mesoclinic import clock
from mesoclinic.accounts.models import Location, User
from mesoclinic.accounts.permissions import Permission, require_permission
from mesoclinic.audit.models import AuditAction
from mesoclinic.audit.services import audit_record
from mesoclinic.patients.models import Patient
from mesoclinic.safety.event_types import GRADES, event_catalog
from mesoclinic.safety.models import AdverseEvent, SafetyAlert
from mesoclinic.treatments.models import TreatmentSession, VialUse

EVENT_RELATIONS = ("patient__location", "plan__formulation", "session__appointment", "reported_by")


def adverse_events_for_patient(*, user: User, patient: Patient) -> list[AdverseEvent]:
    """A patient's events with the lots each names: what the patient record lists and the
    API returns. An event's own page reads its relations (adverse_event_get_for_user)."""
    require_permission(user=user, permission=Permission.MEDICAL_HISTORY_VIEW, patient=patient)
    events = list(patient.adverse_events.prefetch_related("lots"))
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        object_type="safety.adverseevent",
        patient_id=patient.pk,
        location_id=patient.location_id,
    )
    return events


def adverse_event_get_for_user(*, user: User, event_id: int) -> AdverseEvent:
    event = get_object_or_404(
        AdverseEvent.objects.select_related(*EVENT_RELATIONS, "cleared_by").prefetch_related(
            "lots__product"
        ),
        pk=event_id,
    )
    require_permission(user=user, permission=Permission.MEDICAL_HISTORY_VIEW, patient=event.patient)
    audit_record(
        actor=user,
        action=AuditAction.READ,
        object_type="safety.adverseevent",
        object_id=event.pk,
        patient_id=event.patient_id,
        location_id=event.patient.location_id,
    )
    return event


def unseen_alerts(*, user: User) -> QuerySet[SafetyAlert]:
    """The user's alerts not yet seen, newest first; names only, so not a patient read."""
    return SafetyAlert.objects.filter(recipient=user, seen_at__isnull=True).select_related(
        "event__patient", "event__plan"
    )


@dataclass(frozen=True)
class RateLine:
    label: str
    events: int
    sessions: int | None  # the sessions the rate is counted over, where it is known

    @property
    def rate_per_100(self) -> float | None:
        if not self.sessions:
            return None
        return round(100 * self.events / self.sessions, 1)


@dataclass(frozen=True)
class SafetyReport:
    location: Location
    since: datetime.date
    until: datetime.date
    sessions: int
    events: int
    holds: int
    by_type: list[RateLine]
    by_grade: list[RateLine]
    by_formulation: list[RateLine]
    by_lot: list[RateLine]

    @property
    def rate_per_100(self) -> float | None:
        return RateLine("all", self.events, self.sessions).rate_per_100


def safety_report(
    *,
    user: User,
    location: Location,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> SafetyReport:
    """Adverse events with onset in [since, until] at a location, against the sessions
    completed there in the same days: by type, grade, formulation and lot, with the rate
    per 100 sessions. A fixed number of queries, whatever the clinic's size. By default
    the last twelve months up to today."""
    since, until = clock.report_period(since, until)
    require_permission(user=user, permission=Permission.SAFETY_REPORT, location=location)
    sessions = TreatmentSession.objects.filter(
        appointment__location=location,
        completed_at__date__gte=since,
        completed_at__date__lte=until,
    )
    events = AdverseEvent.objects.filter(
        Q(session__appointment__location=location)
        | Q(session__isnull=True, patient__location=location),
        onset_on__gte=since,
        onset_on__lte=until,
    )
    rows = list(
        events.annotate(formulation=_formulation_name()).values(
            "event_type", "grade", "formulation", "holds_plan"
        )
    )
    sessions_by_formulation = dict(
        sessions.annotate(formulation=_formulation_name())
        .values_list("formulation")
        .annotate(n=Count("id"))
    )
    lot_events = Counter(
        events.filter(lots__isnull=False).values_list(
            "lots__lot_number", "lots__product__brand_name"
        )
    )
    lot_sessions = {
        (lot, product): count
        for lot, product, count in VialUse.objects.filter(
            session__in=sessions, lot__adverse_events__in=events
        )
        .values_list("lot__lot_number", "lot__product__brand_name")
        .annotate(n=Count("session", distinct=True))
    }
    total = sessions.count()
    labels = dict(event_catalog().choices())
    types = Counter(row["event_type"] for row in rows)
    grades = Counter(row["grade"] for row in rows)
    formulations = Counter(row["formulation"] or "—" for row in rows)
    report = SafetyReport(
        location=location,
        since=since,
        until=until,
        sessions=total,
        events=len(rows),
        holds=sum(row["holds_plan"] for row in rows),
        by_type=[RateLine(labels.get(kind, kind), count, total) for kind, count in _ranked(types)],
        by_grade=[RateLine(f"Grade {grade}", grades[grade], total) for grade in GRADES],
        by_formulation=[
            RateLine(name, count, sessions_by_formulation.get(name))
            for name, count in _ranked(formulations)
        ],
        by_lot=[
            RateLine(f"{product} · lot {lot}", count, lot_sessions.get((lot, product)))
            for (lot, product), count in _ranked(lot_events)
        ],
    )
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        object_type="safety.adverseevent",
        location_id=location.pk,
        details={"report": "safety", "since": since.isoformat(), "until": until.isoformat()},
    )
    return report


def _formulation_name() -> Coalesce:
    """A patient's cocktail counts under the template it was made from, if any: the
    clinic compares its cocktails, not each patient's copy."""
    return Coalesce(F("plan__formulation__template__name"), F("plan__formulation__name"))


def _ranked(counts: Counter) -> list[tuple[Any, int]]:
    """Most frequent first; ties by name, so the report reads the same every time."""
    return sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
