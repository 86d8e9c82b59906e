"""The session screen as a practitioner uses it: start the session from the plan, answer
the checklist, chart on the scalp map with the vials picked or scanned; then the
completed chart and the aftercare sheet, on screen and as a PDF."""

import io

import pypdf
import pytest
from django.urls import reverse

from mesoclinic.accounts.models import Role
from mesoclinic.accounts.tests.factories import make_user
from mesoclinic.formulary.selectors import stock_on_hand
from mesoclinic.formulary.tests.factories import make_product, receive
from mesoclinic.patients.services import patient_login_link
from mesoclinic.treatments.models import SessionStatus, TreatmentSession, VialUse
from mesoclinic.treatments.services import VialEntry, session_complete
from mesoclinic.treatments.tests.conftest import MONDAY, answer_checklist, chart

CHART = {
    "device": "needle",
    "needle_gauge": "32",
    "needle_length_mm": "4",
    "technique": "nappage",
    "depth_mm": "1.5",
    "started_at": "10:05",
    "ended_at": "10:35",
    "zone_vertex": "1.5",
    "zone_frontal": "1.0",
    "notes": "Tolerated well.",
}

CHECKLIST = {
    "history_reasked": "yes",
    "no_scalp_infection": "yes",
    "clean_hair": "yes",
    "light_meal": "no",
    "anaesthetic_cream": "09:30",
}


@pytest.fixture
def after_the_session(clinic_now):
    return clinic_now(f"{MONDAY}T10:40")


def test_a_practitioner_gives_a_session_from_the_plan_page(
    client, practitioner, visit, lots, location_a, clinic_now
):
    client.force_login(practitioner)
    clinic_now(f"{MONDAY}T10:05")
    plan_page = client.get(reverse("plans:detail", args=[visit.plan_id]))
    assert "Start the session" in plan_page.text

    opened = client.post(reverse("treatments:open", args=[visit.pk]))
    session = TreatmentSession.objects.get(appointment=visit)
    assert opened.url == reverse("treatments:session", args=[session.pk])
    client.post(reverse("treatments:checklist", args=[session.pk]), CHECKLIST)
    clinic_now(f"{MONDAY}T10:40")
    done = client.post(
        reverse("treatments:complete", args=[session.pk]),
        {**CHART, "vials": [f"lot:{lots['S1'].pk}", f"lot:{lots['M1'].pk}"]},
    )

    assert done.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.COMPLETED
    assert session.zone_volumes == {"vertex": "1.5", "frontal": "1.0"}
    assert stock_on_hand(location=location_a, lot=lots["S1"]) == 4
    page = client.get(done.url)
    assert 'data-volume="vertex" x="100" y="171" font-weight="700">1.5<' in page.text
    assert "lot <strong>S1</strong>" in page.text
    assert "Aftercare sheet" in page.text


def test_the_chart_waits_for_the_checklist_and_says_what_is_missing(
    client, practitioner, session, lots, location_a, after_the_session
):
    client.force_login(practitioner)
    client.post(reverse("treatments:checklist", args=[session.pk]), {"clean_hair": "yes"})

    response = client.post(
        reverse("treatments:complete", args=[session.pk]),
        {**CHART, "vials": [f"lot:{lots['S1'].pk}"]},
    )

    assert response.status_code == 400
    assert "Complete the checklist first: Allergies and medications asked again" in response.text
    assert stock_on_hand(location=location_a, lot=lots["S1"]) == 5
    assert TreatmentSession.objects.get().status == SessionStatus.PREPARING


def test_too_much_volume_is_refused_beside_the_map_and_nothing_is_written(
    client, practitioner, session, lots, location_a, after_the_session
):
    client.force_login(practitioner)
    answer_checklist(practitioner, session)

    response = client.post(
        reverse("treatments:complete", args=[session.pk]),
        {**CHART, "zone_occipital": "2.5", "vials": [f"lot:{lots['S1'].pk}"]},
    )

    assert response.status_code == 400
    assert "5.00 mL in all is more than this formulation" in response.text
    assert 'data-volume="occipital" x="100" y="217" font-weight="700">2.5<' in response.text
    assert not VialUse.objects.exists()
    assert stock_on_hand(location=location_a, lot=lots["S1"]) == 5


def test_a_scanned_label_finds_its_lot(
    client, practitioner, manager, session, location_a, after_the_session
):
    product = make_product(manager, gtin="07032069804988", name="Scanned cocktail")
    receive(manager, location_a, product, quantity=2, lot_number="LOT42A")
    client.force_login(practitioner)
    answer_checklist(practitioner, session)

    client.post(
        reverse("treatments:complete", args=[session.pk]),
        {**CHART, "scanned": "(01)07032069804988(17)291231(10)LOT42A"},
    )

    assert VialUse.objects.get().lot.lot_number == "LOT42A"


def test_an_unknown_scanned_lot_is_refused_by_name(
    client, practitioner, session, lots, after_the_session
):
    client.force_login(practitioner)
    answer_checklist(practitioner, session)

    response = client.post(
        reverse("treatments:complete", args=[session.pk]),
        {**CHART, "scanned": "(01)07032069804988(17)291231(10)NOPE"},
    )

    assert response.status_code == 400
    assert "No lot NOPE of product 07032069804988 was received here." in response.text
    assert not VialUse.objects.exists()


def test_the_aftercare_sheet_dates_each_restriction_from_the_session(
    client, practitioner, completed
):
    client.force_login(practitioner)

    page = client.get(reverse("treatments:aftercare", args=[completed.pk]))

    assert "you may wash it again from Tuesday 24 November at 10:35" in page.text
    assert "No hair dye, perm or other chemical treatment until Monday 30 November" in page.text
    assert "Call us at once" in page.text


def test_the_aftercare_pdf_reads_as_the_sheet(client, practitioner, completed):
    client.force_login(practitioner)

    response = client.get(reverse("treatments:aftercare", args=[completed.pk]), {"format": "pdf"})

    assert response["Content-Type"] == "application/pdf"
    text = " ".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages
    )
    text = " ".join(text.split())
    for heading in ("Your aftercare", "For the next few days", "What is normal", "Call us at once"):
        assert heading in text
    assert "No sauna, steam room or swimming pool until Thursday 26 November" in text


def test_a_patient_reads_their_own_aftercare_and_no_one_else_s(
    client, practitioner, completed, location_a, patient_a
):
    own = make_user(Role.PATIENT, [], username="owner")
    patient_login_link(actor=practitioner, patient=completed.patient, user=own)
    stranger = make_user(Role.PATIENT, [], username="stranger")
    patient_login_link(actor=practitioner, patient=patient_a, user=stranger)
    url = reverse("treatments:aftercare", args=[completed.pk])

    client.force_login(own)
    assert client.get(url).status_code == 200
    assert client.get(reverse("treatments:session", args=[completed.pk])).status_code == 403
    client.force_login(stranger)
    assert client.get(url).status_code == 403


def test_reception_does_not_open_the_chart(client, reception, session):
    client.force_login(reception)

    assert client.get(reverse("treatments:session", args=[session.pk])).status_code == 403


def test_the_completed_chart_takes_an_addendum_and_no_edit(client, practitioner, completed):
    client.force_login(practitioner)

    client.post(reverse("treatments:addendum", args=[completed.pk]), {"text": "Vertex 1.4 mL."})
    again = client.post(reverse("treatments:complete", args=[completed.pk]), CHART)

    assert again.status_code == 400
    assert "already completed" in again.text
    page = client.get(reverse("treatments:session", args=[completed.pk]))
    assert "Vertex 1.4 mL." in page.text


def test_the_session_page_stays_within_a_fixed_number_of_queries(
    client, practitioner, session, lots, django_assert_max_num_queries
):
    client.force_login(practitioner)
    answer_checklist(practitioner, session)

    with django_assert_max_num_queries(16):
        response = client.get(reverse("treatments:session", args=[session.pk]))

    assert response.status_code == 200


def test_a_manager_recalls_a_lot_from_the_stock_page(client, manager, completed, lots, location_a):
    client.force_login(manager)
    stock = client.get(reverse("formulary:stock"), {"location": location_a.pk})
    assert reverse("treatments:recall", args=[lots["S1"].pk]) in stock.text

    page = client.get(reverse("treatments:recall", args=[lots["S1"].pk]))

    assert completed.patient.full_name in page.text
    assert "1 vial given at your locations." in page.text


def test_the_worker_sends_each_aftercare_message_once_when_due(
    practitioner, session, lots, clinic_now
):
    from mesoclinic.messaging.models import Message
    from mesoclinic.messaging.services import messages_send_due
    from mesoclinic.patients.services import patient_update

    patient_update(
        actor=practitioner,
        patient=session.patient,
        fields={"may_contact": True, "email": "p@x.org"},
    )
    session.patient.refresh_from_db()
    clinic_now(f"{MONDAY}T10:40")
    answer_checklist(practitioner, session)
    session_complete(
        actor=practitioner, session=session, chart=chart(), vials=[VialEntry(lots["S1"])]
    )

    assert messages_send_due()["sent"] == 0  # due 2 hours after the session
    clinic_now(f"{MONDAY}T12:40")
    assert messages_send_due()["sent"] == 1
    assert messages_send_due()["sent"] == 0  # never twice
    clinic_now("2026-11-24T10:40")
    assert messages_send_due()["sent"] == 1
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
