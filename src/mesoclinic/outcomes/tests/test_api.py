"""The outcomes API: record, read the response, review, thresholds, the clinic report;
field-level 422s and role checks."""

from mesoclinic.outcomes.models import Measurement, ResponseThreshold
from mesoclinic.plans.models import PlanStatus


def record(api, user, plan_id, visit, **values):
    return api(
        user,
        "post",
        f"/plans/{plan_id}/measurements",
        {"visit": visit, "values": {k: str(v) for k, v in values.items()}},
    )


def test_measures_recorded_over_the_api_give_the_response(api, practitioner, completed):
    plan_id = completed.plan_id

    assert record(api, practitioner, plan_id, "baseline", density_per_cm2=150).status_code == 201
    created = record(api, practitioner, plan_id, str(completed.pk), density_per_cm2=168)
    outcomes = api(practitioner, "get", f"/plans/{plan_id}/outcomes")

    assert created.status_code == 201
    assert created.json()[0]["session_id"] == completed.pk
    body = outcomes.json()
    assert body["is_responding"] is True
    assert body["sessions_done"] == 1
    assert [visit["number"] for visit in body["visits"]] == [0, 1]
    density = next(c for c in body["changes"] if c["measure"] == "density_per_cm2")
    assert (density["baseline"], density["latest"], density["percent"]) == (
        "150.00",
        "168.00",
        "12.0",
    )


def test_an_impossible_value_answers_422_with_the_measure(api, practitioner, completed):
    response = record(api, practitioner, completed.plan_id, "baseline", density_per_cm2=900)

    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "density_per_cm2"]
    assert detail["msg"] == "Density is 0–600 hairs/cm²."
    assert not Measurement.objects.exists()


def test_a_visit_that_is_neither_baseline_nor_a_session_answers_422(api, practitioner, completed):
    response = record(api, practitioner, completed.plan_id, "first", density_per_cm2=150)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "visit"]


def test_reception_neither_records_nor_reads_outcomes(api, reception, completed):
    assert record(api, reception, completed.plan_id, "baseline", salt=10).status_code == 403
    assert api(reception, "get", f"/plans/{completed.plan_id}/outcomes").status_code == 403


def test_stop_at_review_stops_the_plan(api, practitioner, completed):
    response = api(
        practitioner,
        "post",
        f"/plans/{completed.plan_id}/response-reviews",
        {"decision": "stop", "note": "No change after the course."},
    )

    assert response.status_code == 201
    assert response.json()["decision"] == "stop"
    completed.plan.refresh_from_db()
    assert completed.plan.status == PlanStatus.STOPPED


def test_a_clinic_threshold_is_set_and_read_back(api, manager, practitioner):
    put = api(
        manager, "put", "/response-thresholds/density_per_cm2", {"kind": "percent", "value": "15"}
    )
    measures = api(practitioner, "get", "/measures").json()

    assert put.status_code == 200
    density = next(m for m in measures if m["id"] == "density_per_cm2")
    assert density["threshold"] == {"kind": "percent", "value": "15.00"}
    assert density["is_clinic_threshold"] is True
    assert (
        api(
            practitioner, "put", "/response-thresholds/salt", {"kind": "percent", "value": "5"}
        ).status_code
        == 403
    )
    assert api(manager, "delete", "/response-thresholds/density_per_cm2").status_code == 204
    assert not ResponseThreshold.objects.exists()


def test_the_outcome_report_over_the_api(api, manager, practitioner, completed, location_a):
    record(api, practitioner, completed.plan_id, "baseline", density_per_cm2=150)
    record(api, practitioner, completed.plan_id, str(completed.pk), density_per_cm2=168)

    response = api(manager, "get", f"/locations/{location_a.pk}/outcome-report")

    assert response.status_code == 200
    overall = response.json()["overall"]
    assert (overall["plans"], overall["judged"], overall["responding"]) == (1, 1, 1)
    assert overall["rate_percent"] == 100.0
    assert api(practitioner, "get", f"/locations/{location_a.pk}/outcome-report").status_code == 403
