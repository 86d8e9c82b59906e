"""The treatment summary PDF: the sections a patient reads, with their figures, and only
for who may see the record."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from mesoclinic.accounts.models import Role
from mesoclinic.accounts.tests.factories import make_user
from mesoclinic.audit.models import AuditEvent
from mesoclinic.outcomes.services import measurement_record, photo_upload
from mesoclinic.outcomes.tests.test_photos import jpeg
from mesoclinic.patients.services import patient_login_link


@pytest.fixture(autouse=True)
def photo_dir(settings, tmp_path):
    settings.MESOCLINIC_PHOTO_DIR = tmp_path / "photos"


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_summary_has_the_plan_sessions_measures_photos_and_aftercare(
    client, practitioner, completed
):
    plan = completed.plan
    measurement_record(
        actor=practitioner,
        consultation=plan.consultation,
        values={"density_per_cm2": Decimal("150"), "shedding_per_day": Decimal("120")},
    )
    measurement_record(
        actor=practitioner,
        session=completed,
        values={"density_per_cm2": Decimal("168"), "shedding_per_day": Decimal("80")},
    )
    photo_upload(actor=practitioner, upload=jpeg(), view="vertex", consultation=plan.consultation)
    photo_upload(
        actor=practitioner, upload=jpeg(colour=(90, 60, 50)), view="vertex", session=completed
    )
    client.force_login(practitioner)

    response = client.get(reverse("outcomes:summary_pdf", args=[plan.pk]))

    text = pdf_text(response)
    for section in (
        "Your treatment summary",
        "Your plan",
        "Sessions done",
        "Your measures",
        "Photos side by side",
        "Aftercare after your last session",
    ):
        assert section in text
    assert "Your measures show a response to the treatment." in text
    assert "Sessions 1 of 8 done" in text
    assert "Density hairs/cm² 150.00 168.00 18.00 (12.0 %)" in text
    assert f"Baseline · {plan.consultation.held_on:%d %b %Y}" in text
    assert "Session 1 · 23 Nov 2026" in text
    assert "Call us at once" in text
    reader = PdfReader(io.BytesIO(response.content))
    images = {image.name for page in reader.pages for image in page.images}
    assert len(images) == 2  # the two vertex photos; the charts stay vector


def test_without_measures_the_summary_says_so(client, practitioner, completed):
    client.force_login(practitioner)

    text = pdf_text(client.get(reverse("outcomes:summary_pdf", args=[completed.plan_id])))

    assert "There are not enough measures yet to judge the response." in text
    assert "Photos side by side" not in text


def test_the_patient_gets_their_own_summary_and_no_one_else_s(
    client, practitioner, completed, patient_b
):
    plan = completed.plan
    owner = make_user(Role.PATIENT, [], username="owner")
    patient_login_link(actor=practitioner, patient=plan.patient, user=owner)
    stranger = make_user(Role.PATIENT, [], username="stranger")
    patient_login_link(actor=practitioner, patient=patient_b, user=stranger)
    url = reverse("outcomes:summary_pdf", args=[plan.pk])

    client.force_login(owner)
    assert client.get(url).status_code == 200
    client.force_login(stranger)
    assert client.get(url).status_code == 403
    assert AuditEvent.objects.filter(actor=stranger, action="denied").exists()
