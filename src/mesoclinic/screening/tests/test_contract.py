"""The screening contract from outside: the CLI and the HTTP endpoint, good and malformed cases."""

import json
import os
import subprocess
import sys

import pytest

from mesoclinic.screening.tests.vignettes import MISSING, as_json, vignette

MALFORMED = [
    ("unknown indication", vignette({"indication": "baldness"}), ["indication"]),
    ("impossible date", vignette({"patient.birth_date": "1990-02-30"}), ["patient", "birth_date"]),
    (
        "birth after the screening date",
        vignette({"patient.birth_date": "2027-01-01"}),
        ["patient", "birth_date"],
    ),
    ("yes/no as text", vignette({"patient.pregnant": "no"}), ["patient", "pregnant"]),
    (
        "number as text",
        vignette({"assessment.platelets_10e9_per_l": "150"}),
        ["assessment", "platelets_10e9_per_l"],
    ),
    (
        "negative count",
        vignette({"assessment.platelets_10e9_per_l": -5}),
        ["assessment", "platelets_10e9_per_l"],
    ),
    ("misspelt field", vignette({"patient.pregant": True}), ["patient", "pregant"]),
    (
        "condition not in ICD-10 format",
        vignette({"patient.conditions": [{"code": "diabetes"}]}),
        ["patient", "conditions", 0, "code"],
    ),
    (
        "diagnosis not in ICD-10 format",
        vignette({"assessment.diagnoses": ["AGA"]}),
        ["assessment", "diagnoses", 0],
    ),
    ("no sex", vignette({"patient.sex": MISSING}), ["patient", "sex"]),
    ("list where a mapping belongs", vignette({"formulation": ["biotin"]}), ["formulation"]),
    (
        "empty formulation",
        vignette({"formulation.ingredients": []}),
        ["formulation", "ingredients"],
    ),
]


def run_screen(case_text: str):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "-m", "mesoclinic", "screen", "-"],
        input=case_text,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_the_cli_prints_the_decision_and_exits_0_for_any_decision():
    result = run_screen(as_json(vignette({"patient.pregnant": True})))
    assert (result.returncode, result.stderr) == (0, "")
    output = json.loads(result.stdout)
    assert output["decision"] == "contraindicated"
    assert output["reasons"][0]["rule"] == "pregnancy"


@pytest.mark.parametrize(
    ("case", "location"), [pytest.param(c, loc, id=name) for name, c, loc in MALFORMED]
)
def test_the_cli_refuses_a_malformed_case_with_exit_2_and_one_line(case, location):
    result = run_screen(as_json(case))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(
        "mesoclinic screen: " + ".".join(str(part) for part in location) + ": "
    )


@pytest.mark.parametrize("text", ["", "not json", "[1, 2]", '{"indication": "hair_loss"}'])
def test_the_cli_refuses_what_is_not_a_case(text):
    result = run_screen(text)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1


def test_the_cli_reports_a_missing_file_in_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "-m", "mesoclinic", "screen", str(tmp_path / "nope.json")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("mesoclinic screen: cannot read ")


def post(client, body: str):
    return client.post("/api/v1/screening", data=body, content_type="application/json")


def test_the_api_answers_anyone_and_stores_nothing(db, client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = post(client, as_json(vignette({"patient.medications": ["warfarin"]})))
    assert response.status_code == 200
    body = response.json()
    assert body["decision"] == "eligible_with_precautions"
    assert body["rulebook_version"]


def test_the_api_and_the_cli_give_the_same_answer(client):
    case = as_json(
        vignette(
            {"patient.may_become_pregnant": MISSING, "formulation.ingredients": ["dutasteride"]}
        )
    )
    assert post(client, case).json() == json.loads(run_screen(case).stdout)


@pytest.mark.parametrize(
    ("case", "location"), [pytest.param(c, loc, id=name) for name, c, loc in MALFORMED]
)
def test_the_api_refuses_a_malformed_case_with_422_naming_the_field(client, case, location):
    response = post(client, as_json(case))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", *location]


def test_the_api_refuses_broken_json_with_422(client):
    response = post(client, "{not json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]


def test_the_case_schema_is_in_the_openapi_document(client):
    schema = client.get("/api/v1/openapi.json").json()
    body = schema["paths"]["/api/v1/screening"]["post"]["requestBody"]
    assert "indication" in body["content"]["application/json"]["schema"]["properties"]
