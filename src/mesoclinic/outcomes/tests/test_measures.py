"""Change from baseline and the response flag, on exact figures (no database)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from mesoclinic.outcomes.measures import Threshold, measure_catalog, parse_measures, response_of

D = Decimal


def judge(baseline, latest, thresholds=None):
    return response_of(
        catalog=measure_catalog(), baseline=baseline, latest=latest, thresholds=thresholds
    )


def test_density_up_12_percent_is_a_response():
    response = judge({"density_per_cm2": D("150")}, {"density_per_cm2": D("168")})

    change = response.changes[0]
    assert (change.difference, change.percent, change.has_responded) == (D("18"), D("12.0"), True)
    assert response.is_responding is True


def test_every_judged_measure_short_of_its_threshold_is_no_response():
    response = judge(
        {"density_per_cm2": D("150"), "pull_test_count": D("10")},
        {"density_per_cm2": D("156"), "pull_test_count": D("8")},  # +4 %, −20 %
    )

    assert [(c.measure.id, c.percent, c.has_responded) for c in response.changes] == [
        ("density_per_cm2", D("4.0"), False),
        ("pull_test_count", D("-20.0"), False),
    ]
    assert response.is_responding is False


def test_a_measure_where_lower_is_better_responds_when_it_falls():
    response = judge({"shedding_per_day": D("200")}, {"shedding_per_day": D("120")})

    assert response.changes[0].improvement == D("40.0")
    assert response.is_responding is True


def test_the_photographic_assessment_counts_from_zero():
    response = judge({}, {"gpa_practitioner": D("1")})

    assert (response.changes[0].baseline, response.is_responding) == (D("0"), True)


def test_a_clinic_threshold_replaces_the_default():
    strict = {"density_per_cm2": Threshold("percent", D("15"))}

    response = judge({"density_per_cm2": D("150")}, {"density_per_cm2": D("168")}, strict)

    assert response.is_responding is False


def test_nothing_to_judge_says_so_rather_than_no_response():
    response = judge({"density_per_cm2": D("150")}, {"satisfaction": D("8")})

    assert response.is_responding is None


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("better: up", "better is higher or lower"),
        ("threshold: {kind: ratio, value: 2}", "threshold is none"),
        ("threshold: {kind: percent, value: 0}", "above 0"),
        ("baseline: guess", "baseline is one of"),
    ],
)
def test_a_broken_measure_stops_start_up_naming_it(line, reason):
    fields = {
        "id": "density",
        "label": "Density",
        "unit": "/cm²",
        "min": 0,
        "max": 600,
        "better": "higher",
        "baseline": "recorded",
        "threshold": "{kind: percent, value: 10}",
        "source": "s",
    }
    key, value = line.split(": ", 1)
    fields[key] = value
    body = ", ".join(f"{name}: {text}" for name, text in fields.items())
    text = f"version: '1'\nreview_source: s\nmeasures:\n  - {{{body}}}\n"

    with pytest.raises(ImproperlyConfigured, match=f"measures.yaml: measure density.*{reason}"):
        parse_measures(text, origin="measures.yaml")
