import pytest

from mesoclinic.audit.models import AuditEvent
from mesoclinic.formulary.models import Formulation

VITAMINS = [
    {"ingredient": "biotin", "concentration_percent": "0.1"},
    {"ingredient": "dexpanthenol", "concentration_percent": "2"},
]


def body(*ingredients, **changes):
    return {
        "name": "Vitamin cocktail",
        "indication": "hair_loss",
        "volume_ml_per_session": "3",
        "ingredients": list(ingredients) or VITAMINS,
        **changes,
    }


def test_a_template_is_listed_and_retired_through_the_api(api, manager, practitioner):
    created = api(manager, "post", "/formulary/templates", body())
    assert created.status_code == 201, created.json()
    template_id = created.json()["id"]

    listed = api(practitioner, "get", "/formulary/templates")
    assert [t["name"] for t in listed.json()] == ["Vitamin cocktail"]
    assert listed.json()[0]["ingredients"] == [
        {"ingredient": "biotin", "concentration_percent": "0.1000"},
        {"ingredient": "dexpanthenol", "concentration_percent": "2.0000"},
    ]

    assert api(practitioner, "post", "/formulary/templates", body(name="x")).status_code == 403
    stopped = api(manager, "post", f"/formulary/templates/{template_id}/stop", {"reason": "old"})
    assert stopped.json()["is_active"] is False
    assert api(practitioner, "get", "/formulary/templates").json() == []


def test_check_then_prescribe_through_the_api(api, practitioner, patient_a):
    path = f"/patients/{patient_a.pk}/formulations"

    checked = api(practitioner, "post", f"{path}/check", body())
    assert checked.status_code == 200, checked.json()
    assert checked.json()["can_save"] is True
    assert not Formulation.objects.exists()

    decision = checked.json()["decision"]
    saved = api(practitioner, "post", path, body(checked_decision=decision))
    assert saved.status_code == 201
    assert saved.json()["screening_decision"] == decision
    assert saved.json()["patient_id"] == patient_a.pk

    listed = api(practitioner, "get", path)
    assert [f["id"] for f in listed.json()] == [saved.json()["id"]]
    one = api(practitioner, "get", f"/formulations/{saved.json()['id']}")
    assert one.json()["screening_result"]["decision"] == decision


def test_a_contraindicated_formulation_is_refused_with_the_reason(api, practitioner, patient_a):
    lidocaine = {"ingredient": "lidocaine", "concentration_percent": "1"}
    path = f"/patients/{patient_a.pk}/formulations"

    checked = api(practitioner, "post", f"{path}/check", body(*VITAMINS, lidocaine))
    assert checked.json()["can_save"] is False
    assert [r["rule"] for r in checked.json()["blocking"]] == ["allergy_to_ingredient"]

    refused = api(practitioner, "post", path, body(*VITAMINS, lidocaine))
    assert refused.status_code == 422
    assert "lidocaine" in refused.json()["detail"][0]["msg"]
    assert not Formulation.objects.exists()


@pytest.mark.parametrize(
    ("change", "location"),
    [
        (
            {"ingredients": [{"ingredient": "unicorn dust"}]},
            ["body", "ingredients", "0", "ingredient"],
        ),
        ({"volume_ml_per_session": "-1"}, ["body", "payload", "volume_ml_per_session"]),
        ({"modality": "laser"}, ["body", "payload", "modality"]),
    ],
)
def test_bad_formulations_get_a_422_naming_the_field(
    api, practitioner, patient_a, change, location
):
    refused = api(practitioner, "post", f"/patients/{patient_a.pk}/formulations", body(**change))

    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == location
    assert not Formulation.objects.exists()


def test_another_locations_practitioner_gets_403_and_it_is_audited(api, practitioner_b, patient_a):
    refused = api(practitioner_b, "post", f"/patients/{patient_a.pk}/formulations/check", body())

    assert refused.status_code == 403
    assert AuditEvent.objects.filter(action="denied", patient_id=patient_a.pk).exists()
