"""The treatment summary the patient takes home, as an A4 PDF: the plan, the sessions
done, the measures against the baseline with their charts, the photos of each view side
by side, and the aftercare of the last session."""

import base64
import datetime
from dataclasses import dataclass
from decimal import Decimal

import weasyprint
from django.template.loader import render_to_string
from django.utils import timezone

from mesoclinic.accounts.models import User
from mesoclinic.outcomes.charts import CHARTED_MEASURES, progress_chart
from mesoclinic.outcomes.measures import measure_catalog
from mesoclinic.outcomes.photos import photo_for_print
from mesoclinic.outcomes.selectors import PlanOutcomes, photo_comparison, plan_outcomes, plan_photos
from mesoclinic.plans.models import TreatmentPlan
from mesoclinic.treatments.aftercare import AftercareSheet, aftercare_sheet
from mesoclinic.treatments.models import SessionStatus


@dataclass(frozen=True)
class SessionLine:
    number: int | None
    day: datetime.date
    practitioner: str
    volume_ml: Decimal | None


@dataclass(frozen=True)
class PrintedPhoto:
    label: str  # "Baseline" or "Session 6"
    day: datetime.date
    image_uri: str | None  # a data: URI, so the renderer fetches nothing


@dataclass(frozen=True)
class PhotoRow:
    view_name: str
    photos: list[PrintedPhoto]


@dataclass(frozen=True)
class TreatmentSummary:
    outcomes: PlanOutcomes
    sessions: list[SessionLine]
    charts: list[str]  # data: URIs of SVG progress charts
    photo_rows: list[PhotoRow]
    aftercare: AftercareSheet | None
    made_on: datetime.date
    measures_version: str


def treatment_summary(*, user: User, plan: TreatmentPlan) -> TreatmentSummary:
    """Everything the summary shows, read with the same checks and audit as the screens."""
    outcomes = plan_outcomes(user=user, plan=plan)
    sessions = list(
        plan.treatment_sessions.filter(status=SessionStatus.COMPLETED)
        .select_related("appointment__location", "practitioner", "patient", "plan")
        .order_by("appointment__session_number", "completed_at")
    )
    return TreatmentSummary(
        outcomes=outcomes,
        sessions=[
            SessionLine(
                number=session.appointment.session_number,
                day=timezone.localdate(session.completed_at or session.created_at),
                practitioner=str(session.practitioner or ""),
                volume_ml=session.total_volume_ml,
            )
            for session in sessions
        ],
        charts=_charts(outcomes),
        photo_rows=_photo_rows(user, outcomes),
        aftercare=aftercare_sheet(sessions[-1]) if sessions else None,
        made_on=timezone.localdate(),
        measures_version=measure_catalog().version,
    )


def treatment_summary_pdf(summary: TreatmentSummary) -> bytes:
    html = render_to_string("outcomes/summary_print.html", {"summary": summary})
    # Images are inlined and there is no base URL: the renderer never fetches anything.
    return weasyprint.HTML(string=html).write_pdf()


def _charts(outcomes: PlanOutcomes) -> list[str]:
    """The charted measures that have at least one value; an empty chart helps nobody."""
    catalog = measure_catalog()
    return [
        _data_uri("image/svg+xml", progress_chart(outcomes, measure).encode())
        for measure_id in CHARTED_MEASURES
        if (measure := catalog.get(measure_id)) is not None
        and any(measure_id in row.values for row in outcomes.rows)
    ]


def _photo_rows(user: User, outcomes: PlanOutcomes) -> list[PhotoRow]:
    """Each view photographed, at the baseline and the latest visit that has it."""
    photos = plan_photos(user=user, plan=outcomes.plan)
    views = sorted({(photo.view_key, photo.view_name) for photo in photos})
    rows = []
    for view_key, view_name in views:
        columns = photo_comparison(outcomes, photos, view=view_key, chosen=[])
        rows.append(
            PhotoRow(
                view_name,
                [
                    PrintedPhoto(
                        column.label,
                        column.day,
                        _data_uri("image/jpeg", photo_for_print(column.photo.file_name))
                        if column.photo
                        else None,
                    )
                    for column in columns
                ],
            )
        )
    return rows


def _data_uri(media_type: str, content: bytes) -> str:
    return f"data:{media_type};base64,{base64.b64encode(content).decode('ascii')}"
