from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesoclinic.assessments.scales import (
    pull_test_is_positive,
    pull_test_pattern,
    salt,
    staging_scales,
    validate_basp,
)

loss = st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False)
VIEWS = ("top", "back", "right", "left")


@given(top=loss, back=loss, right=loss, left=loss)
def test_salt_stays_between_0_and_100(top, back, right, left):
    assert 0 <= salt(top=top, back=back, right=right, left=left).score <= 100


@given(losses=st.tuples(loss, loss, loss, loss), view=st.sampled_from(VIEWS), more=loss)
def test_salt_never_falls_when_one_view_loses_more(losses, view, more):
    before = dict(zip(VIEWS, losses, strict=True))
    after = {**before, view: min(Decimal(100), before[view] + more)}
    assert salt(**after).score >= salt(**before).score


@pytest.mark.parametrize(
    ("losses", "score", "band", "severity"),
    [
        ((0, 0, 0, 0), "0", "S0", "none"),
        ((2.5, 0, 0, 0), "1", "S1", "mild"),
        ((50, 0, 0, 0), "20", "S1", "mild"),
        ((50, 0, 5, 0), "20.9", "S1", "moderate"),
        ((60, 0, 0, 0), "24", "S1", "moderate"),
        ((62.5, 0, 0, 0), "25", "S2", "moderate"),
        ((100, 0, 0, 50), "49", "S2", "moderate"),
        ((100, 0, 0, 55.6), "50.008", "S3", "severe"),
        ((100, 0, 50, 50), "58", "S3", "severe"),
        ((100, 100, 25, 25), "73", "S3", "severe"),
        ((100, 100, 50, 0), "73", "S3", "severe"),
        ((100, 100, 0, 62.5), "75.25", "S4", "severe"),
        ((100, 100, 100, 99), "99.82", "S4", "severe"),
        ((100, 100, 100, 100), "100", "S5", "severe"),
    ],
)
def test_salt_bands_and_severity_at_their_edges(losses, score, band, severity):
    result = salt(**{view: Decimal(str(value)) for view, value in zip(VIEWS, losses, strict=True)})
    assert (result.score, result.band, result.severity) == (Decimal(score), band, severity)


@pytest.mark.parametrize("bad", [Decimal(-1), Decimal("100.1")])
def test_salt_refuses_a_percentage_outside_0_to_100(bad):
    with pytest.raises(ValueError, match="top: hair loss must be between 0 and 100"):
        salt(top=bad, back=Decimal(0), right=Decimal(0), left=Decimal(0))


@pytest.mark.parametrize(
    ("pulled", "grasped", "positive"),
    [(4, 50, False), (5, 50, False), (6, 50, True), (7, 60, True)],
)
def test_the_pull_test_is_positive_above_ten_percent(pulled, grasped, positive):
    assert pull_test_is_positive(hairs_pulled=pulled, hairs_grasped=grasped) is positive


def test_a_pull_test_cannot_pull_more_than_it_grasped():
    with pytest.raises(ValueError, match="hairs pulled must be between 0 and the number grasped"):
        pull_test_is_positive(hairs_pulled=61, hairs_grasped=60)


@pytest.mark.parametrize(
    ("sites", "pattern"),
    [([False, False], "negative"), ([True, False], "patchy"), ([True, True, False], "diffuse")],
)
def test_pull_test_sites_point_to_a_pattern(sites, pattern):
    assert pull_test_pattern(sites) == pattern


@pytest.mark.parametrize("code", ["L", "M2V1", "c1f2", "U3", "M0V3F1"])
def test_basp_codes_are_accepted(code):
    assert validate_basp(code) == code.upper()


@pytest.mark.parametrize("code", ["", "M4", "V1", "M2V4", "M2F1V1", "X1"])
def test_malformed_basp_codes_are_refused(code):
    with pytest.raises(ValueError, match="is not a BASP code"):
        validate_basp(code)


def test_the_staging_scales_carry_every_stage_of_clinical_md():
    scales = staging_scales()
    assert "III-vertex" in scales["norwood_hamilton"].stages
    assert scales["ludwig"].stages == ("I", "II", "III")
    assert all(scale.source for scale in scales.values())
