"""Progress charts as SVG, drawn on the server with matplotlib: one measure over time
against its baseline, with the session dates marked."""

import datetime
import io

from matplotlib import rc_context
from matplotlib.dates import AutoDateLocator, DateFormatter, date2num
from matplotlib.figure import Figure

from mesoclinic.outcomes.measures import Measure
from mesoclinic.outcomes.selectors import PlanOutcomes

INK, ACCENT, MUTED = "#1d2733", "#0b6e69", "#9aa5b1"
# The measures drawn over time, on the outcomes page and in the treatment summary.
CHARTED_MEASURES = ("density_per_cm2", "shedding_per_day")


def progress_chart(outcomes: PlanOutcomes, measure: Measure) -> str:
    """The SVG text; a chart with no value yet says so rather than drawing empty axes."""
    points = [
        (row.day, float(row.values[measure.id]))
        for row in outcomes.rows
        if measure.id in row.values
    ]
    baseline = outcomes.baseline.values.get(measure.id)
    figure = Figure(figsize=(6.4, 2.8), dpi=100)
    axes = figure.add_subplot()
    for row in outcomes.rows[1:]:
        axes.axvline(date2num(row.day), color=MUTED, linewidth=0.6, zorder=0)
        axes.annotate(
            str(row.number),
            (row.day, 1),
            xycoords=("data", "axes fraction"),
            xytext=(2, -10),
            textcoords="offset points",
            fontsize=7,
            color=MUTED,
        )
    if baseline is not None:
        axes.axhline(float(baseline), color=INK, linestyle="--", linewidth=1, label="baseline")
    if points:
        days, values = zip(*points, strict=True)
        axes.plot(days, values, marker="o", color=ACCENT, linewidth=2, label=measure.label)
    else:
        axes.text(
            0.5, 0.5, "No measurement yet", transform=axes.transAxes, ha="center", color=MUTED
        )
    axes.set_title(f"{measure.label} ({measure.unit})", fontsize=10, loc="left", color=INK)
    axes.tick_params(labelsize=8, colors=INK)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    _date_axis(axes, [row.day for row in outcomes.rows])
    figure.autofmt_xdate()
    figure.tight_layout()
    if baseline is not None or points:
        axes.legend(fontsize=7, frameon=False, loc="best")
    buffer = io.StringIO()
    # Text stays text (not outlines): smaller, selectable, and read by screen readers.
    with rc_context({"svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _date_axis(axes, days: list[datetime.date]) -> None:
    """Whole days only: a course a week long would otherwise be ticked in hours."""
    margin = datetime.timedelta(days=3)
    axes.set_xlim(date2num(min(days) - margin), date2num(max(days) + margin))
    axes.xaxis.set_major_locator(AutoDateLocator(minticks=3, maxticks=8))
    axes.xaxis.set_major_formatter(DateFormatter("%d %b %Y"))
