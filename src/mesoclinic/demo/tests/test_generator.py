import pytest
from django.db import connection, transaction
from django.db.models import Count

from mesoclinic.accounts.models import User
from mesoclinic.audit.models import AuditEvent
from mesoclinic.demo.generator import DEMO_PASSWORD, REFERRAL_ANSWERS, seed_clinic
from mesoclinic.patients.models import Allergy, Condition, Patient
from mesoclinic.screening.models import ScreeningDecision


def seed_and_describe(seed: int) -> list[tuple]:
    """Seed inside a transaction that is rolled back, returning what was generated."""
    with transaction.atomic():
        seed_clinic(patient_count=60, seed=seed)
        described = list(
            Patient.objects.order_by("id").values_list(
                "given_name", "family_name", "birth_date", "sex", "location__name"
            )
        )
        transaction.set_rollback(True)
    return described


def test_the_same_seed_gives_the_same_clinic(db):
    assert seed_and_describe(7) == seed_and_describe(7)
    assert seed_and_describe(7) != seed_and_describe(8)


def test_the_demo_clinic_has_staff_logins_and_patients_with_histories(db):
    summary = seed_clinic(patient_count=400, seed=1)
    assert (summary.locations, summary.patients) == (3, 400)
    assert Patient.objects.count() == 400
    assert Condition.objects.count() == summary.conditions > 50
    assert Allergy.objects.filter(substance="lidocaine").exists()
    assert {login.username for login in summary.logins} == {
        "manager",
        "practitioner",
        "reception",
        "patient",
    }
    for login in summary.logins:
        assert User.objects.get(username=login.username).check_password(DEMO_PASSWORD)
    other_staff = User.objects.exclude(username__in=[login.username for login in summary.logins])
    assert other_staff.count() == summary.staff - 3
    assert all(user.check_password(DEMO_PASSWORD) for user in other_staff)
    assert User.objects.get(username="patient").patient_record is not None
    assert Patient.objects.filter(sex="female", is_pregnant=None).exists()  # some never asked
    assert AuditEvent.objects.filter(object_type="demo.seed").count() == 1


def test_larger_clinics_get_more_locations(db):
    assert seed_clinic(patient_count=10, seed=1, location_count=5).locations == 5


def test_demo_consultations_cover_every_decision_and_are_screened_by_the_engine(db):
    from collections import Counter

    from mesoclinic.assessments.models import Consultation
    from mesoclinic.screening.models import ScreeningDecision

    summary = seed_clinic(patient_count=600, seed=3)
    assert Consultation.objects.count() == summary.consultations > 450
    decisions = Counter(ScreeningDecision.objects.values_list("decision", flat=True))
    assert set(decisions) == {"eligible", "eligible_with_precautions", "refer", "contraindicated"}
    assert decisions["eligible"] > decisions["contraindicated"]
    pregnant = ScreeningDecision.objects.filter(consultation__patient__is_pregnant=True)
    assert pregnant.exists()
    assert set(pregnant.values_list("decision", flat=True)) == {"contraindicated"}
    staged = Consultation.objects.exclude(norwood_hamilton="").first()
    assert staged.basp.startswith(("M", "C"))


def test_demo_formulations_pass_the_check_and_stock_has_lots_near_expiry(db):
    from mesoclinic.formulary.composition import Composition
    from mesoclinic.formulary.models import Formulation
    from mesoclinic.formulary.selectors import formulation_check, stock_warnings_for_manager

    summary = seed_clinic(patient_count=300, seed=5)
    prescribed = Formulation.objects.filter(patient__isnull=False)
    assert prescribed.count() == summary.formulations > 50
    assert not prescribed.filter(screening_decision="contraindicated").exists()
    manager = User.objects.get(username="manager")
    for formulation in prescribed.order_by("id")[:25]:
        check, _ = formulation_check(
            user=manager,
            patient=formulation.patient,
            composition=Composition(
                name=formulation.name,
                indication=formulation.indication,
                modality=formulation.modality,
                volume_ml_per_session=formulation.volume_ml_per_session,
                ingredients=tuple(
                    (part.ingredient, part.concentration_percent)
                    for part in formulation.ingredients.all()
                ),
            ),
        )
        assert check.can_save
        assert check.decision == formulation.screening_decision
    warnings = stock_warnings_for_manager(user=manager)
    assert warnings
    assert all(line.days_to_expiry <= 30 for w in warnings for line in w.expiring)


def test_demo_courses_keep_their_windows_and_the_calendar_rules(db, clinic_now):
    from django.utils import timezone

    from mesoclinic.plans.models import PlanStatus, TreatmentPlan
    from mesoclinic.plans.windows import session_intervals
    from mesoclinic.scheduling.calendar import CalendarState

    clinic_now("2026-11-22T08:00")
    summary = seed_clinic(patient_count=400, seed=5)

    assert summary.plans > 50
    assert summary.visits > 6 * summary.plans * 0.8
    plans = TreatmentPlan.objects.prefetch_related("appointments")
    statuses = set(plans.values_list("status", flat=True))
    assert {PlanStatus.ACCEPTED, PlanStatus.ACTIVE, PlanStatus.COMPLETED} <= statuses
    # as plan_accept: every course rests on a screening that allows treatment
    screened = {plan.screening.effective_decision for plan in plans.select_related("screening")}
    assert screened <= {"eligible", "eligible_with_precautions"}
    assert ScreeningDecision.objects.exclude(decision__in=screened).exists()  # others exist
    # a course on an answered referral was planned after the answer, which is justified
    answered = plans.filter(screening__decision="refer")
    assert answered.exists()
    for plan in answered.select_related("screening"):
        offered = plan.screening.result["alternatives"]  # answered only as the rules point
        assert set(offered) <= REFERRAL_ANSWERS.keys()
        assert plan.screening.override_justification == REFERRAL_ANSWERS[offered[0]]
        assert plan.created_at >= plan.screening.overridden_at
    for plan in plans:
        visits = sorted(plan.appointments.all(), key=lambda v: v.session_number)
        days = [timezone.localdate(v.starts_at) for v in visits]
        for interval, previous, day in zip(
            session_intervals(plan.phase_list())[1:], days, days[1:], strict=False
        ):
            assert interval.days_min <= (day - previous).days <= interval.days_max
        if plan.status == PlanStatus.COMPLETED:
            assert len(visits) == plan.session_count
            assert {v.status for v in visits} == {"done"}
    visit = plans.filter(status=PlanStatus.ACTIVE).first().appointments.last()
    calendar = CalendarState.load(
        visit.location,
        timezone.localdate(visit.starts_at),
        timezone.localdate(visit.starts_at),
        ignoring=[visit.pk],
    )
    problems = calendar.problems(
        visit.starts_at, visit.ends_at, visit.practitioner_id, visit.room_id
    )
    assert [p for p in problems if "past" not in p] == []  # open, free, a working day


def test_demo_sessions_carry_a_chart_a_traceable_vial_and_mostly_mild_events(db, clinic_now):
    from django.db.models import Sum

    from mesoclinic.formulary.models import StockMovement
    from mesoclinic.safety.models import AdverseEvent
    from mesoclinic.scheduling.models import Appointment
    from mesoclinic.treatments.models import TreatmentSession, VialUse

    clinic_now("2026-11-22T08:00")
    summary = seed_clinic(patient_count=400, seed=5)

    assert summary.sessions == Appointment.objects.filter(status="done").count() > 100
    assert VialUse.objects.count() == summary.sessions  # one vial each, from a lot
    assert not TreatmentSession.objects.filter(status="preparing").exists()
    session = TreatmentSession.objects.first()
    assert session.total_volume_ml <= session.plan.formulation.volume_ml_per_session
    assert session.checklist_answers.count() >= 5
    # every session's lot was delivered to its location first: no stock below zero
    ledger = StockMovement.objects.values("location", "lot").annotate(on_hand=Sum("quantity"))
    assert min(row["on_hand"] for row in ledger) >= 0
    rate = summary.adverse_events / summary.sessions
    assert 0.03 < rate < 0.2
    assert AdverseEvent.objects.filter(grade=1).count() > summary.adverse_events * 0.8


def test_demo_outcomes_have_responders_non_responders_and_reviews(db, clinic_now):
    from mesoclinic.accounts.models import Location
    from mesoclinic.outcomes.models import Measurement, ResponseReview
    from mesoclinic.outcomes.selectors import outcome_report, outcomes_of

    clinic_now("2026-11-22T08:00")
    summary = seed_clinic(patient_count=400, seed=5)

    assert summary.measurements == Measurement.objects.count() > summary.sessions
    assert summary.response_reviews == ResponseReview.objects.count() > 10
    decisions = set(ResponseReview.objects.values_list("decision", flat=True))
    assert decisions == {"continue", "adjust"}
    # each review agrees with the response the app computes from the demo's measures
    review = ResponseReview.objects.select_related("plan__consultation").first()
    assert review.is_responding == (review.decision == "continue")
    assert outcomes_of(review.plan).rows[review.sessions_done].values["density_per_cm2"]
    manager = User.objects.get(username="manager")
    overall = outcome_report(user=manager, location=Location.objects.first()).overall
    assert overall.responding > 0
    assert overall.not_responding > 0


def test_done_courses_are_followed_by_lighter_courses_on_the_same_formulation(db, clinic_now):
    from mesoclinic.outcomes.models import Measurement
    from mesoclinic.plans.models import TreatmentPlan

    clinic_now("2026-11-22T08:00")
    seed_clinic(patient_count=400, seed=5)

    follow_ons = TreatmentPlan.objects.filter(protocol__code="maintenance")
    assert follow_ons.count() > 20
    for follow_on in follow_ons.prefetch_related("appointments"):
        earlier = (
            TreatmentPlan.objects.filter(
                formulation=follow_on.formulation, created_at__lt=follow_on.created_at
            )
            .prefetch_related("appointments")
            .latest("created_at")
        )
        assert earlier.status == "completed"
        last_visit = max(visit.ends_at for visit in earlier.appointments.all())
        assert 14 <= (follow_on.created_at - last_visit).days <= 42
        assert follow_on.consultation_id == earlier.consultation_id
    # one baseline per consultation, however many courses rest on it
    baselines = Measurement.objects.filter(consultation__isnull=False)
    assert baselines.count() == baselines.values("consultation", "measure").distinct().count()


def test_a_build_asked_for_in_sessions_stops_once_that_many_are_done(db):
    from mesoclinic.treatments.models import TreatmentSession

    summary = seed_clinic(session_count=300, seed=2)

    assert TreatmentSession.objects.count() == summary.sessions
    assert 300 <= summary.sessions < 330
    assert Patient.objects.count() == summary.patients


def test_a_build_is_asked_for_in_patients_or_in_sessions_not_both(db):
    with pytest.raises(ValueError, match="either a number of patients or a number of sessions"):
        seed_clinic(patient_count=10, session_count=10)
    assert not Patient.objects.exists()


def test_busy_locations_get_more_practitioners_and_rooms(db, monkeypatch):
    from mesoclinic.demo import generator
    from mesoclinic.scheduling.models import Appointment, Room

    assert generator.practitioners_per_location(5_000, 5) == 2
    assert generator.practitioners_per_location(1_000_000, 50) == 4
    assert generator.practitioners_per_location(1_000_001, 50) == 5
    monkeypatch.setattr(generator, "SESSIONS_PER_PRACTITIONER", 40)  # busy at 100 patients

    summary = seed_clinic(patient_count=100, seed=1, location_count=1)

    assert User.objects.filter(role="practitioner").count() == 5  # 190 sessions expected
    assert User.objects.filter(role="reception").count() == 3
    assert Room.objects.count() == 5
    assert summary.staff == 9
    assert Appointment.objects.values("practitioner").distinct().count() == 5


def test_postgresql_builds_side_by_side_sqlite_refuses(transactional_db):
    from mesoclinic.treatments.models import TreatmentSession, VialUse

    if connection.vendor != "postgresql":
        with pytest.raises(ValueError, match="Several workers need PostgreSQL"):
            seed_clinic(patient_count=100, seed=3, workers=2)
        assert not Patient.objects.exists()
        return

    summary = seed_clinic(patient_count=300, seed=3, location_count=4, workers=2)

    assert summary.patients == Patient.objects.count() == 300  # the two shares add up
    by_location = Patient.objects.values("location").annotate(count=Count("id"))
    assert len(by_location) == 4
    assert all(row["count"] > 40 for row in by_location)
    assert summary.sessions == TreatmentSession.objects.count() > 0
    assert VialUse.objects.count() == summary.sessions
    assert VialUse.objects.values("lot").distinct().count() > 1  # the month's shared lots
    assert User.objects.get(username="patient").patient_record.location.name == "Istanbul Nişantaşı"
