"""Reads of the calendar, each scoped to what the user may see."""

from django.core.exceptions import ValidationError

from mesoclinic.accounts.models import User
from mesoclinic.plans.models import TreatmentPlan
from mesoclinic.scheduling.models import HOLDING_STATUSES
from mesoclinic.scheduling.services import BOOKABLE_PLAN_STATUSES


def plans_to_schedule(
    *, user: User, selection: str, location_id: int | None = None
) -> list[TreatmentPlan]:
    """Plans named by id ("12,15"), or "waiting": the location's plans accepted or active
    with no session booked. Only plans of the user's locations."""
    plans = TreatmentPlan.objects.select_related("patient__location").filter(
        patient__location__in=user.location_ids
    )
    if selection == "waiting":
        if location_id is None:
            raise ValidationError({"location": ["Say which location's waiting plans."]})
        chosen = list(
            plans.filter(patient__location_id=location_id, status__in=BOOKABLE_PLAN_STATUSES)
            .exclude(appointments__status__in=HOLDING_STATUSES)
            .order_by("pk")
        )
        if not chosen:
            raise ValidationError({"plans": ["No plan is waiting to be booked there."]})
        return chosen
    try:
        ids = [int(part) for part in selection.split(",") if part.strip()]
    except ValueError:
        ids = []
    if not ids:
        raise ValidationError({"plans": ["Give plan ids separated by commas, or 'waiting'."]})
    chosen = list(plans.filter(pk__in=ids).order_by("pk"))
    missing = sorted(set(ids) - {plan.pk for plan in chosen})
    if missing:
        raise ValidationError(
            {"plans": [f"No plan {', '.join(map(str, missing))} at your locations."]}
        )
    return chosen
