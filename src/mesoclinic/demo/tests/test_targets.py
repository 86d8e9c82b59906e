"""Every page and API read in the benchmark's table answers within its query bound, in a
demo clinic of two sizes: the bound holds whatever the number of rows."""

import pytest

from mesoclinic.demo.generator import seed_clinic
from mesoclinic.demo.targets import key_targets, query_counts


@pytest.mark.parametrize("patients", [300, 900])
def test_every_benchmarked_page_stays_within_its_query_bound(db, clinic_now, patients):
    clinic_now("2026-11-22T08:00")
    seed_clinic(patient_count=patients, seed=5)

    counted = query_counts(key_targets())

    assert len(counted) == 14
    assert [
        (row["name"], row["status"], row["queries"])
        for row in counted
        if row["status"] != 200 or row["queries"] > row["max_queries"]
    ] == []
