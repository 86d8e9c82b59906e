"""Demo outcomes: the measures that make the progress charts and the clinic's outcome
report say something. Each treated plan is drawn once as a responder or not, more often
for some causes than others; its density, shedding and photographic assessment then move
session by session as such a patient's would. The figures are invented for the demo and
claim nothing clinical. At the review session the practitioner decides by the response
the app computes. Bulk inserts, so the same code feeds the benchmarks."""

import datetime
import random
from collections import defaultdict
from decimal import Decimal
from itertools import groupby

from mesoclinic.demo.bulk import insert_rows, new
from mesoclinic.outcomes.measures import measure_catalog, response_of
from mesoclinic.outcomes.models import Measurement, ResponseReview, ReviewDecision
from mesoclinic.outcomes.selectors import baseline_of, latest_of
from mesoclinic.plans.models import TreatmentPlan
from mesoclinic.treatments.models import TreatmentSession

OUTCOME_COUNTS = ("measurements", "response_reviews")
# The demo's share of responders by ICD-10 category of the first diagnosis.
RESPONDER_SHARE = {"L64": 0.65, "L65": 0.75, "L63": 0.45}
OTHER_RESPONDER_SHARE = 0.55
DENSITY_EVERY = 3  # density is measured at every third session and at the review
TWO_PLACES = Decimal("0.01")


def demo_outcomes(
    sessions: list[TreatmentSession], plan_of: dict[int, TreatmentPlan]
) -> dict[str, int]:
    """The measures of each consultation's courses, a follow-on course carrying on from the
    one before: one baseline, then each session's. Each draws from its own generator,
    seeded by its first plan's id: the rest of the demo draws the same numbers whether or
    not outcomes are made."""
    by_consultation: dict[int, list[TreatmentSession]] = defaultdict(list)
    for session in sessions:
        by_consultation[plan_of[session.plan_id].consultation_id].append(session)
    measurements: list[Measurement] = []
    reviews: list[ResponseReview] = []
    for courses in by_consultation.values():
        courses.sort(key=lambda session: session.appointment.starts_at)
        first_plan = plan_of[courses[0].plan_id]
        course = _Course(random.Random(first_plan.pk), first_plan)  # noqa: S311 (demo figures)
        measurements += course.baseline()
        for plan_id, plan_sessions in groupby(courses, key=lambda session: session.plan_id):
            plan = plan_of[plan_id]
            measured = [course.session(session, plan) for session in plan_sessions]
            measurements += [row for rows in measured for row in rows]
            if (review := course.review(plan, len(measured))) is not None:
                reviews.append(review)
    insert_rows(Measurement, measurements)
    insert_rows(ResponseReview, reviews)
    return {"measurements": len(measurements), "response_reviews": len(reviews)}


class _Course:
    """One consultation's measures as its courses unfold: the baseline, then each session's."""

    def __init__(self, rng: random.Random, plan: TreatmentPlan) -> None:
        self.rng, self.plan = rng, plan
        consultation = plan.consultation
        category = (consultation.diagnoses or [""])[0][:3]
        self.is_responder = rng.random() < RESPONDER_SHARE.get(category, OTHER_RESPONDER_SHARE)
        self.density = consultation.density_per_cm2 or Decimal(rng.randint(110, 190))
        self.shedding = Decimal(rng.randint(80, 220))
        self.recorded: dict[str, Decimal] = {}  # measured at the consultation
        self.by_session: list[dict[str, Decimal]] = []
        self.sessions: list[TreatmentSession] = []

    def baseline(self) -> list[Measurement]:
        consultation = self.plan.consultation
        self.recorded = {"shedding_per_day": self.shedding}
        if consultation.density_per_cm2 is None:
            self.recorded["density_per_cm2"] = self.density
        return [
            new(
                Measurement,
                patient_id=self.plan.patient_id,
                consultation_id=consultation.pk,
                measure=measure,
                value=value,
                measured_on=consultation.held_on,
                recorded_by_id=consultation.practitioner_id,
                recorded_at=self.plan.created_at,
            )
            for measure, value in self.recorded.items()
        ]

    def session(self, session: TreatmentSession, plan: TreatmentPlan) -> list[Measurement]:
        number = len(self.by_session) + 1  # counted on from the courses before
        is_review = session.appointment.session_number == plan.review_at_session
        values = {"shedding_per_day": self._shedding(number)}
        if number % DENSITY_EVERY == 0 or is_review:
            values["density_per_cm2"] = self._density(number)
        if is_review:
            values.update(self._assessments())
        self.by_session.append(values)
        self.sessions.append(session)
        ended = session.ended_at or session.created_at
        return [
            new(
                Measurement,
                patient_id=session.patient_id,
                session_id=session.pk,
                measure=measure,
                value=value,
                measured_on=ended.date(),
                recorded_by_id=session.appointment.practitioner_id,
                recorded_at=ended,
            )
            for measure, value in values.items()
        ]

    def review(self, plan: TreatmentPlan, sessions_done: int) -> ResponseReview | None:
        """The decision at the review session of the plan just measured, if it got there."""
        review_at = plan.review_at_session
        if review_at is None or sessions_done < review_at:
            return None
        first = len(self.by_session) - sessions_done  # the plan's first session
        response = response_of(
            catalog=measure_catalog(),
            baseline=baseline_of(plan.consultation, self.recorded),
            latest=latest_of(self.by_session[first : first + review_at]),
        )
        responding = response.is_responding
        at = self.sessions[first + review_at - 1]
        return new(
            ResponseReview,
            plan_id=plan.pk,
            sessions_done=review_at,
            changes=[change.as_json() for change in response.changes],
            is_responding=responding,
            decision=ReviewDecision.CONTINUE if responding else ReviewDecision.ADJUST,
            note=""
            if responding
            else "Little change so far: talked it through; the cocktail will be reviewed.",
            decided_by_id=at.appointment.practitioner_id,
            decided_at=(at.ended_at or at.created_at) + datetime.timedelta(minutes=5),
        )

    def _shedding(self, number: int) -> Decimal:
        fall = min(0.6, 0.07 * number) if self.is_responder else self.rng.uniform(-0.1, 0.15)
        noise = self.rng.uniform(-0.05, 0.05)
        return _places(self.shedding * Decimal(1 - fall + noise))

    def _density(self, number: int) -> Decimal:
        gain = min(0.25, 0.025 * number) if self.is_responder else self.rng.uniform(-0.03, 0.04)
        noise = self.rng.uniform(-0.01, 0.01)
        return _places(self.density * Decimal(1 + gain + noise))

    def _assessments(self) -> dict[str, Decimal]:
        if self.is_responder:
            practitioner, patient, satisfaction = (
                self.rng.choice([1, 2]),
                self.rng.choice([1, 2]),
                self.rng.randint(7, 10),
            )
        else:
            practitioner, patient, satisfaction = (
                self.rng.choice([-1, 0, 0]),
                self.rng.choice([-1, 0, 1]),
                self.rng.randint(3, 6),
            )
        return {
            "gpa_practitioner": Decimal(practitioner),
            "gpa_patient": Decimal(patient),
            "satisfaction": Decimal(satisfaction),
        }


def _places(value: Decimal) -> Decimal:
    return max(value, Decimal(0)).quantize(TWO_PLACES)
