"""A session given through the JSON API: consent, checklist, completion, recall."""

from mesoclinic.formulary.selectors import stock_on_hand
from mesoclinic.treatments.models import TreatmentSession
from mesoclinic.treatments.session_rules import session_rules
from mesoclinic.treatments.tests.conftest import MONDAY

COMPLETION = {
    "device": "needle",
    "needle_gauge": 32,
    "needle_length_mm": "4",
    "technique": "point_by_point",
    "depth_mm": "2",
    "zone_volumes": {"vertex": "2.0"},
    "started_at": f"{MONDAY}T10:05:00+03:00",
    "ended_at": f"{MONDAY}T10:30:00+03:00",
}


def test_a_session_is_prepared_checked_and_completed_over_the_api(
    api, practitioner, manager, visit, lots, location_a, clinic_now
):
    clinic_now(f"{MONDAY}T10:02")
    opened = api(practitioner, "post", f"/visits/{visit.pk}/session")
    session_id = opened.json()["id"]
    assert opened.status_code == 200
    assert [line["item"] for line in opened.json()["checklist"]][:2] == [
        "consent",
        "history_reasked",
    ]
    assert opened.json()["checklist"][0]["is_yes"] is True  # the consent on file

    clinic_now(f"{MONDAY}T10:40")
    early = api(
        practitioner,
        "post",
        f"/sessions/{session_id}/complete",
        {**COMPLETION, "vials": [{"lot_id": lots["S1"].pk}]},
    )
    assert early.status_code == 422
    assert early.json()["detail"][0]["loc"] == ["body", "checklist"]

    for item in session_rules().checklist_for("cocktail"):
        if item.kind == "confirm":
            body = {"is_yes": True}
        elif item.kind == "time":
            body = {"done_at": f"{MONDAY}T09:30:00+03:00"}
        else:
            continue
        answered = api(practitioner, "put", f"/sessions/{session_id}/checklist/{item.id}", body)
        assert answered.status_code == 200
    assert answered.json()["checklist_complete"] is True

    done = api(
        practitioner,
        "post",
        f"/sessions/{session_id}/complete",
        {**COMPLETION, "vials": [{"lot_id": lots["S1"].pk}]},
    )

    assert done.status_code == 200
    assert (done.json()["status"], done.json()["total_volume_ml"]) == ("completed", "2.00")
    assert [vial["lot_number"] for vial in done.json()["vials"]] == ["S1"]
    assert stock_on_hand(location=location_a, lot=lots["S1"]) == 4
    recall = api(manager, "get", f"/formulary/lots/{lots['S1'].pk}/recipients")
    assert recall.json()["total"] == 1
    assert [row["patient_id"] for row in recall.json()["items"]] == [visit.patient_id]
    beyond = api(manager, "get", f"/formulary/lots/{lots['S1'].pk}/recipients?offset=1")
    assert (beyond.json()["total"], beyond.json()["items"]) == (1, [])
    bad = api(manager, "get", f"/formulary/lots/{lots['S1'].pk}/recipients?limit=0")
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"][-1] == "limit"


def test_a_bad_answer_or_a_stranger_is_refused(
    api, practitioner, reception, visit, lots, clinic_now
):
    clinic_now(f"{MONDAY}T10:02")
    session_id = api(practitioner, "post", f"/visits/{visit.pk}/session").json()["id"]

    no_answer = api(practitioner, "put", f"/sessions/{session_id}/checklist/clean_hair", {})
    unknown = api(
        practitioner, "put", f"/sessions/{session_id}/checklist/no_nsaid_48h", {"is_yes": True}
    )
    stranger = api(reception, "get", f"/sessions/{session_id}")

    assert (no_answer.status_code, no_answer.json()["detail"][0]["loc"]) == (
        422,
        ["body", "is_yes"],
    )
    assert "is not asked for a cocktail session" in unknown.json()["detail"][0]["msg"]
    assert stranger.status_code == 403
    assert not TreatmentSession.objects.get(pk=session_id).checklist_answers.exists()
