"""The outcomes page as the practitioner and the patient see it."""

from decimal import Decimal

from django.urls import reverse

from mesoclinic.accounts.models import Role
from mesoclinic.accounts.tests.factories import make_user
from mesoclinic.outcomes.models import Measurement, ResponseReview
from mesoclinic.outcomes.services import measurement_record
from mesoclinic.patients.services import patient_login_link
from mesoclinic.plans.models import PlanStatus


def test_a_practitioner_records_the_baseline_and_a_session(client, practitioner, completed):
    client.force_login(practitioner)
    url = reverse("outcomes:plan", args=[completed.plan_id])

    client.post(url, {"visit": "baseline", "measured_on": "2026-11-23", "density_per_cm2": "150"})
    client.post(
        url,
        {"visit": str(completed.pk), "measured_on": "2026-11-23", "density_per_cm2": "168"},
    )
    page = client.get(url)

    assert list(Measurement.objects.order_by("id").values_list("value", flat=True)) == [
        Decimal("150.00"),
        Decimal("168.00"),
    ]
    assert "responding" in page.text
    assert "12.0" in page.text  # +12 % density
    assert reverse("outcomes:chart", args=[completed.plan_id, "density_per_cm2"]) in page.text


def test_an_impossible_value_is_shown_beside_its_field(client, practitioner, completed):
    client.force_login(practitioner)

    response = client.post(
        reverse("outcomes:plan", args=[completed.plan_id]),
        {"visit": "baseline", "measured_on": "2026-11-23", "density_per_cm2": "900"},
    )

    assert response.status_code == 400
    assert "Density is 0–600 hairs/cm²." in response.text
    assert not Measurement.objects.exists()


def test_the_chart_is_an_svg_with_the_baseline_and_the_sessions(client, practitioner, completed):
    measurement_record(
        actor=practitioner,
        consultation=completed.plan.consultation,
        values={"shedding_per_day": Decimal("120")},
    )
    measurement_record(
        actor=practitioner, session=completed, values={"shedding_per_day": Decimal("80")}
    )
    client.force_login(practitioner)

    response = client.get(reverse("outcomes:chart", args=[completed.plan_id, "shedding_per_day"]))

    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.startswith("<?xml")
    assert "Shedding (hairs/day (patient-reported))" in svg
    assert "baseline" in svg


def test_stopping_at_the_review_from_the_page(client, practitioner, completed):
    client.force_login(practitioner)

    response = client.post(
        reverse("outcomes:review", args=[completed.plan_id]),
        {"decision": "stop", "note": "Patient wishes to stop."},
    )
    assert response.status_code == 302

    completed.plan.refresh_from_db()
    assert completed.plan.status == PlanStatus.STOPPED
    assert ResponseReview.objects.get().decision == "stop"


def test_the_patient_reads_their_outcomes_but_records_nothing(client, practitioner, completed):
    user = make_user(Role.PATIENT, [], username="self")
    patient_login_link(actor=practitioner, patient=completed.patient, user=user)
    client.force_login(user)
    url = reverse("outcomes:plan", args=[completed.plan_id])

    page = client.get(url)
    posted = client.post(url, {"visit": "baseline", "measured_on": "2026-11-23", "salt": "10"})

    assert page.status_code == 200
    assert "Record measures" not in page.text
    assert posted.status_code == 403
    assert not Measurement.objects.exists()


def test_reception_does_not_see_outcomes(client, reception, completed):
    client.force_login(reception)

    assert client.get(reverse("outcomes:plan", args=[completed.plan_id])).status_code == 403


def test_the_outcomes_page_stays_within_fixed_queries(
    client, practitioner, completed, django_assert_max_num_queries
):
    client.force_login(practitioner)

    with django_assert_max_num_queries(14):
        assert client.get(reverse("outcomes:plan", args=[completed.plan_id])).status_code == 200
