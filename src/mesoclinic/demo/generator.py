"""A believable clinic group for the demo and the benchmarks, the same for the same seed.

Turkish hair-and-skin clinics (where the product's seeds come from) with English-speaking
patients too; histories follow plausible rates for a hair-loss clinic's patients.
"""

import contextlib
import datetime
import math
import multiprocessing
import queue
import random
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.db import connection, connections, transaction
from django.utils import timezone
from faker import Faker

from mesoclinic import clock
from mesoclinic.accounts.models import ClinicGroup, Location, Role, User
from mesoclinic.accounts.services import location_create, user_create
from mesoclinic.assessments.models import Consultation
from mesoclinic.audit.models import AuditAction
from mesoclinic.audit.services import audit_record
from mesoclinic.demo.bulk import insert_rows, new
from mesoclinic.demo.calendar import (
    ROOMS_PER_LOCATION,
    DemoCalendar,
    demo_plans_and_visits,
    seed_rooms_and_hours,
)
from mesoclinic.demo.consultations import demo_consultation
from mesoclinic.demo.formulary import (
    demo_formulations,
    seed_products_and_stock,
    seed_templates,
    template_compositions,
)
from mesoclinic.demo.sessions import (
    SESSION_COUNTS,
    SESSION_PRODUCT,
    demo_sessions,
    seed_session_lots,
)
from mesoclinic.formulary.composition import Composition
from mesoclinic.formulary.models import Lot, Product
from mesoclinic.patients.icd10 import icd10_title
from mesoclinic.patients.models import Allergy, Condition, Medication, Patient, search_folded
from mesoclinic.patients.services import patient_login_link
from mesoclinic.plans.models import Protocol
from mesoclinic.plans.services import protocol_defaults_install
from mesoclinic.screening.engine import screen
from mesoclinic.screening.models import Decision, ScreeningDecision
from mesoclinic.screening.services import case_from_record

DEMO_PASSWORD = "demo-clinic-2026"  # noqa: S105  (demo data only; printed by `mesoclinic demo`)
BATCH_SIZE = 2000
HISTORY_SPAN_DAYS = 730
# What the generator makes, measured: about 1.9 sessions done per patient (a quarter of
# patients start a course, on a screening that allows it; most come back for a lighter
# one). It sizes a build asked for in sessions, and each location's staff.
SESSIONS_PER_PATIENT = 1.9
# A practitioner's share of two years of sessions: about 8 a working day of 18 half hours,
# so the busiest months still find free times.
SESSIONS_PER_PRACTITIONER = 5000
# Referrals that were answered and judged safe to treat with precautions, by what the
# screening offered instead (its alternatives), with the answer written as the override's
# justification. A referral for anything else (a dermatologist's diagnosis, a hair
# transplant, a psychiatrist) is never answered "treat" in the demo; nor is the rest.
REFERRALS_ANSWERED = 0.7
REFERRAL_ANSWERS = {
    "lab_workup": "Blood results back: thyroid, ferritin and blood count in range or treated.",
    "endocrinology_referral": "Endocrinology letter on file: the condition is treated and stable.",
    "general_practitioner_referral": "The treating physician's letter is on file: no objection.",
    "haematology_referral": "Haematology letter on file: blood values allow injections.",
    "oncology_referral": "The oncologist's letter is on file: no objection to treatment now.",
}
# The rows a builder of patients makes, by name (as in SeedSummary).
BUILT_COUNTS = (
    "patients",
    "conditions",
    "medications",
    "allergies",
    "consultations",
    "formulations",
    "plans",
    "visits",
    *SESSION_COUNTS,
)

CITIES = [
    ("Istanbul", ["Nişantaşı", "Kadıköy", "Bakırköy", "Ataşehir", "Beşiktaş", "Şişli"]),
    ("Ankara", ["Çankaya", "Kızılay", "Ümitköy"]),
    ("Izmir", ["Alsancak", "Karşıyaka", "Bornova"]),
    ("Antalya", ["Lara", "Konyaaltı"]),
    ("Bursa", ["Nilüfer", "Osmangazi"]),
]

# (ICD-10 code, probability, sex it applies to or None, medication it brings or None)
CONDITION_RATES = [
    ("E03.9", 0.07, "female", "levothyroxine"),
    ("E11.9", 0.04, None, "metformin"),
    ("D50.9", 0.06, "female", "ferrous sulfate"),
    ("E28.2", 0.08, "female", None),
    ("I10", 0.05, None, "amlodipine"),
    ("L21.0", 0.06, None, None),
    ("E55.9", 0.10, None, "cholecalciferol"),
    ("L91.0", 0.01, None, None),
    ("D68.9", 0.005, None, None),
    ("M32.9", 0.005, "female", "hydroxychloroquine"),
]
OTHER_MEDICATIONS = [
    ("finasteride", 0.10, "male"),
    ("minoxidil", 0.12, None),
    ("warfarin", 0.01, None),
    ("apixaban", 0.01, None),
    ("ibuprofen", 0.05, None),
    ("ethinylestradiol", 0.10, "female"),
    ("isotretinoin", 0.01, None),
]
ALLERGY_RATES = [
    ("penicillin", 0.06, "rash"),
    ("lidocaine", 0.03, "swelling at the injection site"),
    ("nickel", 0.04, "contact dermatitis"),
    ("latex", 0.01, "hives"),
    ("biotin", 0.005, "itching"),
]


@dataclass(frozen=True)
class NamePool:
    """Names and street addresses drawn from Faker once; patients pick from them with the
    generator's own random numbers. A Faker call costs far more than a pick from a list,
    which counts at a few hundred thousand patients."""

    male: list[str]
    female: list[str]
    family: list[str]
    streets: list[str]

    @classmethod
    def drawn(cls, fake: Faker, size: int = 1000) -> "NamePool":
        return cls(
            male=[fake.first_name_male() for _ in range(size)],
            female=[fake.first_name_female() for _ in range(size)],
            family=[fake.last_name() for _ in range(size)],
            streets=[fake.street_address() for _ in range(size)],
        )


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    description: str


@dataclass(frozen=True)
class SeedSummary:
    locations: int
    staff: int
    patients: int
    conditions: int
    medications: int
    allergies: int
    consultations: int
    formulations: int
    plans: int
    visits: int
    products: int
    lots: int
    stock_movements: int
    sessions: int
    adverse_events: int
    aftercare_messages: int
    measurements: int
    response_reviews: int
    logins: list[DemoLogin]


def default_location_count(patient_count: int) -> int:
    return min(50, max(3, patient_count // 2000))


def practitioners_per_location(session_count: int, location_count: int) -> int:
    """For so many sessions in all: a practitioner per SESSIONS_PER_PRACTITIONER at each
    location, at least two."""
    return max(2, math.ceil(session_count / location_count / SESSIONS_PER_PRACTITIONER))


@dataclass(frozen=True)
class _Clinic:
    """What every builder of patients shares: made once, before any patient."""

    group: ClinicGroup
    manager_id: int
    compositions: list[Composition]
    protocols: dict[str, Protocol]
    session_lots: dict[datetime.date, Lot]
    names: NamePool


@dataclass(frozen=True)
class _Share:
    """One builder's part of the patients: its locations, how many patients or sessions
    to make there, and its own random numbers."""

    locations: list[Location]
    patient_count: int | None
    session_count: int | None
    seed: str


def seed_clinic(
    *,
    patient_count: int | None = None,
    session_count: int | None = None,
    seed: int = 2026,
    location_count: int | None = None,
    workers: int = 1,
    progress: Callable[[int], None] = lambda done: None,
) -> SeedSummary:
    """Build a clinic group with staff, demo logins and patients with medical histories:
    this many patients, or patients until this many sessions are done (a few more, as the
    last patient's course ends). `progress` is told each batch's patients or sessions.

    With several workers (PostgreSQL only), each builds the patients of its share of the
    locations in a process of its own, so that one builds rows while the database writes
    another's: the clinic is as big, with other random draws."""
    expected_patients = _expected_patients(patient_count, session_count)
    if workers > 1 and connection.vendor != "postgresql":
        raise ValueError("Several workers need PostgreSQL: SQLite takes one writer at a time.")
    location_count = location_count or default_location_count(expected_patients)
    practitioners = practitioners_per_location(
        session_count or round(expected_patients * SESSIONS_PER_PATIENT), location_count
    )
    rng = random.Random(seed)  # noqa: S311  (reproducible demo data, not security)
    fake = Faker(["tr_TR", "en_GB"])
    fake.seed_instance(seed)
    with transaction.atomic():
        group = ClinicGroup.objects.create(
            name="Mezo Hair & Skin Clinics", country="TR", currency="TRY"
        )
        locations = _create_locations(group, location_count)
        staff_count, logins = _create_staff(locations, fake, practitioners)
        manager = User.objects.get(username="manager")
        counts = Counter(seed_products_and_stock(rng, locations, manager))
        compositions = template_compositions(seed_templates(group, manager))
        protocols = {p.code: p for p in protocol_defaults_install(group=group)}
        seed_rooms_and_hours(locations, rooms=max(ROOMS_PER_LOCATION, practitioners))
        today = clock.today()
        session_lots = seed_session_lots(
            Product.objects.get(brand_name=SESSION_PRODUCT),
            today - datetime.timedelta(days=HISTORY_SPAN_DAYS),
            today,
        )
    counts["lots"] += len(session_lots)
    clinic = _Clinic(group, manager.pk, compositions, protocols, session_lots, NamePool.drawn(fake))
    shares = _shares(locations, patient_count, session_count, seed, workers)
    if workers > 1:
        built = _build_side_by_side(clinic, shares, progress)
    else:
        built = [_build_share(clinic, shares[0], progress)]
    for share_counts in built:
        counts.update(share_counts)  # adds
    patient_login = _link_demo_patient(locations[0])
    if patient_login:
        logins.append(patient_login)
    audit_record(
        actor=None,
        action=AuditAction.CREATE,
        object_type="demo.seed",
        details={"seed": seed, **counts},
    )
    return SeedSummary(locations=len(locations), staff=staff_count, logins=logins, **counts)


def _shares(
    locations: list[Location],
    patient_count: int | None,
    session_count: int | None,
    seed: int,
    workers: int,
) -> list[_Share]:
    """The locations dealt out to the workers, each with its part of the patients or
    sessions in proportion."""
    dealt = [locations[index::workers] for index in range(min(workers, len(locations)))]
    sizes = [len(share_locations) for share_locations in dealt]
    return [
        _Share(share_locations, patients, sessions, f"{seed}/{index}")
        for index, (share_locations, patients, sessions) in enumerate(
            zip(dealt, _split(patient_count, sizes), _split(session_count, sizes), strict=True)
        )
    ]


def _split(total: int | None, sizes: list[int]) -> list[int | None]:
    """The total in parts proportional to the sizes, adding up to it exactly."""
    if total is None:
        return [None] * len(sizes)
    parts = [round(total * size / sum(sizes)) for size in sizes[:-1]]
    return [*parts, total - sum(parts)]


def _build_share(clinic: _Clinic, share: _Share, report: Callable[[int], None]) -> Counter:
    """Patients at the share's locations, a batch at a time, each batch in one transaction;
    returns the rows made by name."""
    rng = random.Random(share.seed)  # noqa: S311  (reproducible demo data, not security)
    calendar = DemoCalendar.load(share.locations, clock.today())
    practitioner_ids = _practitioners_by_location(share.locations)
    counts: Counter = Counter(dict.fromkeys(BUILT_COUNTS, 0))
    while (size := _next_batch_size(counts, share.patient_count, share.session_count)) > 0:
        batch = _patient_batch(rng, clinic.names, share.locations, size, practitioner_ids)
        with transaction.atomic():
            saved, screened = _save_batch(rng, batch)
            formulations = demo_formulations(rng, screened, clinic.compositions, clinic.group.pk)
            saved["formulations"] = len(formulations)
            plans, visits = demo_plans_and_visits(
                rng, formulations, clinic.protocols, calendar, _locations_of(screened)
            )
            saved["plans"], saved["visits"] = len(plans), len(visits)
            saved.update(
                demo_sessions(
                    rng,
                    plans,
                    visits,
                    clinic.session_lots,
                    clock.now(),
                    receiver_id=clinic.manager_id,
                )
            )
        counts.update(saved)
        report(saved["patients"] if share.patient_count is not None else saved["sessions"])
    return counts


def _build_side_by_side(
    clinic: _Clinic, shares: list[_Share], progress: Callable[[int], None]
) -> list[Counter]:
    """Each share built by a process of its own, forked from this one with the clinic in
    memory; each reports its batches on a queue. A worker's error is raised here."""
    context = multiprocessing.get_context("fork")
    reports = context.Queue()
    connections.close_all()  # each process opens its own connection
    with ProcessPoolExecutor(
        max_workers=len(shares),
        mp_context=context,
        initializer=_remember_reports,
        initargs=(reports,),
    ) as pool:
        futures = [pool.submit(_build_share_in_worker, clinic, share) for share in shares]
        while not all(future.done() for future in futures):
            with contextlib.suppress(queue.Empty):
                progress(reports.get(timeout=0.5))
    # The workers have exited, and a process flushes what it put on a queue before it
    # exits: only now is an empty queue sure to hold no report still on its way.
    with contextlib.suppress(queue.Empty):
        while True:
            progress(reports.get_nowait())
    return [future.result() for future in futures]


_reports: Any = None  # a worker's queue back to the process that started it


def _remember_reports(reports: Any) -> None:
    global _reports  # noqa: PLW0603  (set once per worker process, when it starts)
    _reports = reports


def _build_share_in_worker(clinic: _Clinic, share: _Share) -> Counter:
    return _build_share(clinic, share, _reports.put)


def _expected_patients(patient_count: int | None, session_count: int | None) -> int:
    if patient_count is not None and session_count is None:
        return patient_count
    if session_count is not None and patient_count is None:
        return math.ceil(session_count / SESSIONS_PER_PATIENT)
    raise ValueError("Give either a number of patients or a number of sessions.")


def _next_batch_size(counts: Counter, patient_count: int | None, session_count: int | None) -> int:
    """Patients to make next: a full batch, fewer near the end (0: done). Towards a number
    of sessions, a batch is sized for half of those still to go, so that the build
    closes in on the number instead of overshooting it by a batch's chance."""
    if patient_count is not None:
        return min(BATCH_SIZE, patient_count - counts["patients"])
    sessions_to_go = session_count - counts["sessions"] if session_count else 0
    if sessions_to_go <= 0:
        return 0
    return min(BATCH_SIZE, math.ceil(sessions_to_go / SESSIONS_PER_PATIENT / 2))


def _locations_of(screened: list[tuple]) -> dict[int, int]:
    return {
        consultation.patient_id: consultation.patient.location_id for consultation, *_ in screened
    }


def _create_locations(group: ClinicGroup, count: int) -> list[Location]:
    names = [(city, f"{city} {district}") for city, districts in CITIES for district in districts]
    locations = []
    for index in range(count):
        city, name = names[index % len(names)]
        if index >= len(names):
            name = f"{name} {index // len(names) + 1}"
        locations.append(
            location_create(
                group=group,
                name=name,
                city=city,
                time_zone="Europe/Istanbul",
                phone=f"+90 212 555 {1000 + index:04d}",
            )
        )
    return locations


def _create_staff(
    locations: list[Location], fake: Faker, practitioners: int
) -> tuple[int, list[DemoLogin]]:
    """Practitioners (two, more for a busy location) and a receptionist for every two of
    them at each location, and one manager for the group.

    The first location's staff get the demo logins printed by `mesoclinic demo`.
    """
    first = locations[0]
    demo_staff = [
        (
            "manager",
            Role.MANAGER,
            "Selin",
            "Aydın",
            locations,
            f"manager of all {len(locations)} locations",
        ),
        ("practitioner", Role.PRACTITIONER, "Dr. Emre", "Kaya", [first], f"doctor at {first}"),
        ("reception", Role.RECEPTION, "Zeynep", "Demir", [first], f"reception at {first}"),
    ]
    logins = []
    for username, role, first_name, last_name, works_at, description in demo_staff:
        user_create(
            username=username,
            role=role,
            password=DEMO_PASSWORD,
            locations=works_at,
            first_name=first_name,
            last_name=last_name,
            check_password_strength=False,
        )
        logins.append(DemoLogin(username=username, role=role, description=description))
    count = len(demo_staff)
    staff = []
    for index, location in enumerate(locations):
        for role, how_many in (
            (Role.PRACTITIONER, practitioners),
            (Role.RECEPTION, math.ceil(practitioners / 2)),
        ):
            for number in range(how_many):
                if index == 0 and number == 0:
                    continue  # the demo login already fills this post
                staff.append(
                    user_create(
                        username=f"{role}-{index + 1}-{number + 1}",
                        role=role,
                        password=None,  # the demo's, below
                        locations=[location],
                        first_name=fake.first_name(),
                        last_name=fake.last_name(),
                        check_password_strength=False,
                    )
                )
                count += 1
    # Hashing a password takes a tenth of a second on purpose: the demo's password is
    # hashed once, for the demo logins, and the other staff share that hash.
    demo_hash = User.objects.get(username="manager").password
    User.objects.filter(pk__in=[user.pk for user in staff]).update(password=demo_hash)
    return count, logins


def _practitioners_by_location(locations: list[Location]) -> dict[int, list[int]]:
    by_location: dict[int, list[int]] = {location.pk: [] for location in locations}
    staff = User.locations.through.objects.filter(
        location__in=locations, user__role=Role.PRACTITIONER
    ).values_list("location_id", "user_id")
    for location_id, user_id in staff.order_by("user_id"):
        by_location[location_id].append(user_id)
    return by_location


def _patient_batch(
    rng: random.Random,
    names: NamePool,
    locations: list[Location],
    size: int,
    practitioners: dict[int, list[int]],
) -> list[tuple]:
    batch: list[tuple] = []
    now = timezone.now()
    today = timezone.localdate()
    for _ in range(size):
        location = rng.choice(locations)
        patient, conditions, medications, allergies = _patient_with_history(
            rng, names, location, now, today
        )
        consultation = demo_consultation(
            rng, patient, conditions, rng.choice(practitioners[location.pk])
        )
        batch.append((patient, conditions, medications, allergies, consultation))
    return batch


def _patient_with_history(
    rng: random.Random,
    names: NamePool,
    location: Location,
    now: datetime.datetime,
    today: datetime.date,
) -> tuple:
    roll = rng.random()
    sex = "male" if roll < 0.55 else "female" if roll < 0.99 else "other"
    age = min(75, max(16, int(rng.gauss(36, 11))))
    birth_date = today - datetime.timedelta(days=age * 365 + rng.randrange(365))
    given_name = rng.choice(names.male if sex == "male" else names.female)
    family_name = rng.choice(names.family)
    is_turkish = rng.random() < 0.85
    patient = new(
        Patient,
        location=location,
        given_name=given_name,
        family_name=family_name,
        birth_date=birth_date,
        sex=sex,
        phone=f"+90 5{rng.randrange(30, 56)} {rng.randrange(100, 999)} {rng.randrange(1000, 9999)}",
        email=f"{_ascii(given_name)}.{_ascii(family_name)}{rng.randrange(1, 99)}@example.com",
        address=rng.choice(names.streets),
        city=location.city,
        postal_code=f"{rng.randrange(1000, 81999):05d}",
        preferred_language="tr" if is_turkish else "en",
        may_contact=rng.random() < 0.6,
        smoking=rng.choices(["", "never", "former", "current"], [1, 5, 2, 3])[0],
        alcohol=rng.choices(["", "none", "occasional", "regular"], [1, 4, 4, 1])[0],
        diet=rng.choices(["", "vegetarian", "recent crash diet", "high protein"], [12, 2, 1, 1])[0],
        created_at=now
        - datetime.timedelta(days=rng.randrange(HISTORY_SPAN_DAYS), minutes=rng.randrange(600)),
    )
    if sex == "female":
        asked = rng.random() < 0.9
        of_age = age < 50
        patient.may_become_pregnant = (of_age and rng.random() < 0.8) if asked else None
        patient.is_pregnant = (of_age and rng.random() < 0.03) if asked else None
        patient.is_breastfeeding = (of_age and rng.random() < 0.03) if asked else None
    conditions, medications = [], []
    for code, rate, only_sex, medicine in CONDITION_RATES:
        if (only_sex is None or only_sex == sex) and rng.random() < rate:
            controlled = rng.random() < 0.8 if code == "E11.9" else None
            conditions.append(
                new(
                    Condition,
                    icd10_code=code,
                    description=icd10_title(code),
                    is_controlled=controlled,
                )
            )
            if medicine:
                medications.append(new(Medication, name=medicine))
    for medicine, rate, only_sex in OTHER_MEDICATIONS:
        if (only_sex is None or only_sex == sex) and rng.random() < rate:
            medications.append(new(Medication, name=medicine))
    allergies = [
        new(Allergy, substance=substance, reaction=reaction)
        for substance, rate, reaction in ALLERGY_RATES
        if rng.random() < rate
    ]
    return patient, conditions, _unique_by_name(medications), allergies


def _save_batch(rng: random.Random, batch: list[tuple]) -> tuple[dict[str, int], list[tuple]]:
    """Save a batch of patients with their histories and screened consultations; return
    the row counts and each (consultation, screening case, screening)."""
    patients = insert_rows(Patient, [patient for patient, *_ in batch])
    history: dict[str, list] = {"conditions": [], "medications": [], "allergies": []}
    consultations = []
    for saved, (_patient, conditions, medications, allergies, consultation) in zip(
        patients, batch, strict=True
    ):
        for name, entries in (
            ("conditions", conditions),
            ("medications", medications),
            ("allergies", allergies),
        ):
            for entry in entries:
                entry.patient = saved
                history[name].append(entry)
        if consultation is not None:
            consultation.patient = saved
            consultations.append((consultation, conditions, medications, allergies))
    insert_rows(Condition, history["conditions"])
    insert_rows(Medication, history["medications"])
    insert_rows(Allergy, history["allergies"])
    screened = _save_screened_consultations(rng, consultations)
    counts = {
        "patients": len(patients),
        "consultations": len(consultations),
        **{name: len(rows) for name, rows in history.items()},
    }
    return counts, screened


def _save_screened_consultations(rng: random.Random, consultations: list[tuple]) -> list[tuple]:
    """Consultations and the engine's decision on each, as the clinic would have recorded
    them; most referrals were answered since (see `_answer_referral`)."""
    insert_rows(Consultation, [consultation for consultation, *_ in consultations])
    screened = []
    for consultation, conditions, medications, allergies in consultations:
        case = case_from_record(
            consultation=consultation,
            conditions=conditions,
            medications=medications,
            allergies=allergies,
        )
        result = screen(case)
        screening = new(
            ScreeningDecision,
            consultation=consultation,
            decision=result.decision,
            result=result.as_contract(),
            rulebook_version=result.rulebook_version,
            screened_by_id=consultation.practitioner_id,
            screened_at=consultation.patient.created_at,
        )
        if screening.decision == Decision.REFER and rng.random() < REFERRALS_ANSWERED:
            _answer_referral(rng, screening, result.alternatives)
        screened.append((consultation, case, screening))
    insert_rows(ScreeningDecision, [screening for *_, screening in screened])
    return screened


def _answer_referral(
    rng: random.Random, screening: ScreeningDecision, alternatives: list[str]
) -> None:
    """The answer came back one to three weeks after the consultation and the practitioner
    judged treatment safe with precautions: an override with its justification, as
    `screening_override` records it, if every alternative offered has such an answer."""
    answered_at = screening.screened_at + datetime.timedelta(days=rng.randint(7, 21))
    if not alternatives or not set(alternatives) <= REFERRAL_ANSWERS.keys():
        return
    if answered_at < clock.now():
        screening.override_decision = Decision.ELIGIBLE_WITH_PRECAUTIONS
        screening.override_justification = REFERRAL_ANSWERS[alternatives[0]]
        screening.overridden_by_id = screening.screened_by_id
        screening.overridden_at = answered_at


def _link_demo_patient(location: Location) -> DemoLogin | None:
    patient = Patient.objects.filter(location=location).order_by("id").first()
    if patient is None:
        return None
    user = user_create(
        username="patient",
        role=Role.PATIENT,
        password=DEMO_PASSWORD,
        first_name=patient.given_name,
        last_name=patient.family_name,
        check_password_strength=False,
    )
    patient_login_link(actor=None, patient=patient, user=user)
    return DemoLogin(
        username="patient",
        role=Role.PATIENT,
        description=f"patient {patient.full_name}, sees only their own record",
    )


def _unique_by_name(medications: list[Medication]) -> list[Medication]:
    return list({medication.name: medication for medication in medications}.values())


def _ascii(text: str) -> str:
    return "".join(ch for ch in search_folded(text) if ch.isalnum())


def demo_data_exists() -> bool:
    return ClinicGroup.objects.exists() or User.objects.exists()
