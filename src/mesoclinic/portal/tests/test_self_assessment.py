import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mesoclinic.audit.models import AuditEvent
from mesoclinic.portal.forms import ContactRequestForm
from mesoclinic.portal.models import ContactRequest

TODAY = datetime.date(2026, 11, 22)


def answers(**changes):
    """A healthy 36-year-old man with early hair loss, as the form posts it."""
    data = {
        "indication": "hair_loss",
        "modality": "cocktail",
        "birth_date": "1990-04-01",
        "sex": "male",
        "conditions": ["none"],
        "medications": ["none"],
        "allergies": ["none"],
        "scalp_infection": "no",
        "follicles_present": "yes",
        "cause_investigated": "yes",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


WOMAN = {"sex": "female", "pregnant": "no", "breastfeeding": "no", "may_become_pregnant": "no"}


@pytest.mark.parametrize(
    ("changes", "outcome", "shown"),
    [
        ({}, "likely_suitable", "Mesotherapy is likely suitable: book a consultation"),
        ({**WOMAN, "pregnant": "yes"}, "not_suitable", "not given during pregnancy"),
        ({"follicles_present": "no"}, "see_a_doctor_first", "a hair transplant consultation"),
        (
            {"follicles_present": "unsure"},
            "see_a_doctor_first",
            "Is there still some hair, even fine, in the thinning area?",
        ),
        (
            {"conditions": ["thyroid"], "cause_investigated": "no"},
            "see_a_doctor_first",
            "blood tests to find the cause",
        ),
        ({"medications": ["blood_thinner"]}, "likely_suitable", "you may bruise more easily"),
        (
            {"modality": "prp", "medications": ["blood_thinner"]},
            "not_suitable",
            "PRP treatment is not possible",
        ),
        (
            {"allergies": ["local_anaesthetic"]},
            "likely_suitable",
            "Your allergy to lidocaine will be kept out of your treatment.",
        ),
        ({"birth_date": "2010-01-01"}, "see_a_doctor_first", "Patients under 18"),
        (
            {
                "indication": "cellulite",
                "scalp_infection": None,
                "follicles_present": None,
                "cause_investigated": None,
            },
            "likely_suitable",
            "book a consultation",
        ),
    ],
)
def test_the_visitor_gets_an_honest_answer(client, db, changes, outcome, shown):
    response = client.post("/check/", answers(**changes))
    assert response.status_code == 200
    assert response.context["answer"].outcome == outcome
    assert shown in response.content.decode()
    assert "This is not a diagnosis" in response.content.decode()


def test_checking_stores_nothing(client, db):
    with CaptureQueriesContext(connection) as queries:
        client.post("/check/", answers())
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"sex": "female"}, "pregnant", "this matters for your safety"),
        ({"conditions": ["none", "keloid"]}, "conditions", "cannot be ticked with another"),
        ({"conditions": None}, "conditions", "Tick what applies"),
        ({"scalp_infection": None}, "scalp_infection", "Please answer this question"),
        ({"birth_date": "2999-01-01"}, "birth_date", "cannot be in the future"),
    ],
)
def test_missing_or_contradictory_answers_are_marked(client, db, changes, field, message):
    response = client.post("/check/", answers(**changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors[field])


def test_asking_to_be_called_keeps_the_contact_and_the_outcome(client, location_a):
    token = ContactRequestForm.token_for("likely_suitable")
    response = client.post(
        "/check/contact/",
        {
            "name": "Elif",
            "phone": "+90 532 111 2233",
            "location": location_a.pk,
            "agreed_to_contact": "on",
            "outcome_token": token,
        },
    )
    assert response.status_code == 200
    contact = ContactRequest.objects.get()
    assert (contact.name, contact.outcome, contact.location) == (
        "Elif",
        "likely_suitable",
        location_a,
    )
    assert AuditEvent.objects.get().details == {"outcome": "likely_suitable"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"agreed_to_contact": None}, "agreed_to_contact"),
        ({"phone": ""}, "phone"),
        ({"outcome_token": "eligible"}, "outcome_token"),
    ],
)
def test_a_call_back_needs_consent_a_way_to_reach_and_a_real_outcome(
    client, location_a, changes, field
):
    data = {
        "name": "Elif",
        "phone": "+90 532 111 2233",
        "location": location_a.pk,
        "agreed_to_contact": "on",
        "outcome_token": ContactRequestForm.token_for("likely_suitable"),
        **changes,
    }
    response = client.post("/check/contact/", {k: v for k, v in data.items() if v is not None})
    assert field in response.context["contact_form"].errors
    assert ContactRequest.objects.count() == 0


def test_reception_sees_call_back_requests_for_its_location_only(
    client, reception, location_a, location_b
):
    ContactRequest.objects.create(
        name="Elif",
        phone="+90 1",
        location=location_a,
        outcome="likely_suitable",
        agreed_to_contact=True,
    )
    ContactRequest.objects.create(
        name="Burak",
        phone="+90 2",
        location=location_b,
        outcome="likely_suitable",
        agreed_to_contact=True,
    )
    client.force_login(reception)
    page = client.get("/").content.decode()
    assert "Call-back requests" in page
    assert "Elif" in page
    assert "Burak" not in page
