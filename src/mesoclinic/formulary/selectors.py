import datetime
from dataclasses import dataclass

from django.db.models import Sum
from django.utils import timezone

from mesoclinic.accounts.models import Location, User
from mesoclinic.accounts.permissions import Permission, require_permission
from mesoclinic.formulary.models import Lot, OpenedVial, StockMovement

EXPIRY_WARNING_DAYS = 30
OPENED_VIAL_WARNING_HOURS = 24


@dataclass(frozen=True)
class StockLine:
    lot: Lot
    on_hand: int
    days_to_expiry: int


def stock_on_hand(*, location: Location, lot: Lot) -> int:
    """Sealed vials of a lot at a location: the sum of its ledger."""
    total = StockMovement.objects.filter(location=location, lot=lot).aggregate(n=Sum("quantity"))
    return total["n"] or 0


def stock_levels(*, user: User, location: Location) -> list[StockLine]:
    """Every lot with vials on hand at a location, soonest expiry first, in two queries."""
    require_permission(user=user, permission=Permission.STOCK_USE, location=location)
    sums = (
        StockMovement.objects.filter(location=location)
        .values("lot_id")
        .annotate(on_hand=Sum("quantity"))
        .filter(on_hand__gt=0)
    )
    on_hand = {row["lot_id"]: row["on_hand"] for row in sums}
    today = timezone.localdate()
    lots = Lot.objects.filter(pk__in=on_hand).select_related("product")
    return [
        StockLine(lot=lot, on_hand=on_hand[lot.pk], days_to_expiry=(lot.expiry_date - today).days)
        for lot in lots.order_by("expiry_date", "lot_number")
    ]


@dataclass(frozen=True)
class StockWarnings:
    expiring: list[StockLine]
    opened_vials_ending: list[OpenedVial]


def stock_warnings(
    *,
    user: User,
    location: Location,
    within_days: int = EXPIRY_WARNING_DAYS,
) -> StockWarnings:
    """Lots on hand that expire soon (or have), and opened vials near their limit."""
    lines = stock_levels(user=user, location=location)
    soon = timezone.now() + datetime.timedelta(hours=OPENED_VIAL_WARNING_HOURS)
    vials = OpenedVial.objects.filter(
        location=location, is_finished=False, usable_until__lte=soon
    ).select_related("lot__product")
    return StockWarnings(
        expiring=[line for line in lines if line.days_to_expiry <= within_days],
        opened_vials_ending=list(vials),
    )
