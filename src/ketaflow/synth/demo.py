"""The demo clinic that `make run` seeds into an empty database: staff of each role and synthetic patients.

Every value is invented (seeded random generator); nothing comes from a real person.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ketaflow.clinic.accounts.models import User
from ketaflow.clinic.accounts.roles import Role
from ketaflow.clinic.patients import services
from ketaflow.clinic.patients.models import Patient
from ketaflow.synth.intake import synthetic_answers
from ketaflow.synth.names import FAMILY, GIVEN_FEMALE, GIVEN_MALE, STREETS


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    name: str


STAFF = (
    ("dr.reyes", "Ines", "Reyes", Role.PRESCRIBER, "MD"),
    ("np.okafor", "Chidi", "Okafor", Role.PRESCRIBER, "NP"),
    ("rn.larsen", "Mette", "Larsen", Role.NURSE, "RN"),
    ("rn.bauer", "Jonas", "Bauer", Role.NURSE, "RN"),
    ("desk.kim", "Soo-ah", "Kim", Role.FRONT_DESK, ""),
    ("analyst.moreau", "Claire", "Moreau", Role.ANALYST, ""),
    ("admin", "Sam", "Admin", Role.ADMIN, ""),
)
DEMO_PASSWORD_SUFFIX = "-demo-2026"

MEDS = (
    ("Duloxetine", "snri", "60 mg daily"),
    ("Pregabalin", "gabapentinoid", "150 mg twice daily"),
    ("Amitriptyline", "tca", "25 mg at night"),
    ("Lorazepam", "benzodiazepine", "0.5 mg as needed"),
    ("Lisinopril", "antihypertensive", "10 mg daily"),
    ("Levothyroxine", "thyroid_hormone", "75 mcg daily"),
    ("Tramadol", "opioid", "50 mg as needed"),
    ("Lamotrigine", "lamotrigine", "100 mg daily"),
)
CONDITIONS = ("depression", "anxiety", "migraine", "hypertension", "rheumatoid_arthritis", "obstructive_sleep_apnea")
THERAPIES = ("snri", "gabapentinoid", "tca", "exercise", "cbt", "physiotherapy")
OUTCOMES = ("failed", "partial", "not_tolerated")


def demo_password(username: str) -> str:
    return username.replace(".", "-") + DEMO_PASSWORD_SUFFIX


def seed_is_needed() -> bool:
    return not User.objects.exists()


def seed_demo_clinic(*, patients: int = 20, seed: int = 20261122, today: date | None = None) -> list[DemoLogin]:
    today = today or timezone.localdate()
    rng = random.Random(seed)
    logins: list[DemoLogin] = []
    with transaction.atomic():
        staff = {}
        for username, first, last, role, creds in STAFF:
            user = User.objects.create_user(
                username=username, password=demo_password(username), first_name=first, last_name=last,
                role=role, credentials=creds, email=f"{username}@demo-clinic.invalid",
            )  # fmt: skip
            staff[username] = user
            logins.append(DemoLogin(username, demo_password(username), role, user.display_name))
        desk, prescriber = staff["desk.kim"], staff["dr.reyes"]
        created = [_seed_patient(rng, i, desk, prescriber, today) for i in range(patients)]
        nurse = staff["rn.larsen"]
        for patient in created[1:]:
            _seed_intake_and_screening(rng, patient, nurse, prescriber, today)
        portal_patient = created[0]
        user = User.objects.create_user(
            username="patient.demo", password=demo_password("patient.demo"), role=Role.PATIENT,
            first_name=portal_patient.given_name, last_name=portal_patient.family_name,
        )  # fmt: skip
        Patient.objects.filter(pk=portal_patient.pk).update(user=user)
        # Scheduling (issue 5): the portal patient may be given a plan; two others have booked series.
        from ketaflow.synth.schedule import clear_screening, seed_booked_plans

        prescribers = [staff["dr.reyes"], staff["np.okafor"]]
        clear_screening(portal_patient, prescribers)
        seed_booked_plans(created[1:3], prescribers=prescribers, desk=desk, password_for=demo_password)
        # Charting (issue 6): a past induction series charted to discharge, and one infusion running now.
        from ketaflow.synth.infusions import seed_charted_sessions

        if len(created) >= 4:
            seed_charted_sessions([created[3], created[2]], prescriber=prescribers[0], nurse=nurse,
                                  witness=staff["rn.bauer"], password_for=demo_password, rng=rng)  # fmt: skip
        logins.append(DemoLogin("patient.demo", demo_password("patient.demo"), Role.PATIENT, portal_patient.full_name))
        # Outcomes (issue 7): a booster proposed on first start, and a portal patient whose pain returns.
        from ketaflow.synth.outcomes import seed_outcomes

        logins += seed_outcomes(created[4:6], prescribers=prescribers, password_for=demo_password)
        from ketaflow.synth.diary import seed_diaries

        logins += seed_diaries(created[3:4], rng=rng, password_for=demo_password)
        if len(created) >= 7:
            _seed_weight_entered_in_error(created[6], desk=desk, nurse=nurse, today=today)
    return logins


def _seed_weight_entered_in_error(patient, *, desk, nurse, today: date) -> None:
    """A weight typed in pounds at the desk, marked entered in error by the nurse: the chart shows it struck
    through with the reason, and the current weight stays the one measured in kg."""
    right = patient.measurements.current().first()
    pounds = min(Decimal("300"), (right.weight_kg * Decimal("2.2046")).quantize(Decimal("0.1")))
    typo = services.measurement_add(actor=desk, patient=patient, today=today, weight_kg=pounds,
                                    height_cm=right.height_cm, measured_on=today)  # fmt: skip
    services.measurement_mark_in_error(
        actor=nurse, patient=patient, measurement_id=typo.pk,
        reason=f"typed in pounds: {pounds} lb is {right.weight_kg} kg, as weighed on {right.measured_on}",
    )  # fmt: skip


INTAKE = ("pain_nrs_current", "pain_nrs_average_7d", "fiqr", "acr_fm_2016", "phq9", "gad7")


def _seed_intake_and_screening(rng: random.Random, patient, nurse, prescriber, today: date) -> None:
    from ketaflow.clinic.assessments.services import assessment_record
    from ketaflow.clinic.screening.services import screening_run

    severity = rng.uniform(0.45, 0.85)
    for instrument_id in INTAKE:
        answers = synthetic_answers(rng, instrument_id, severity=severity)
        if instrument_id == "phq9":
            answers["phq9_9"] = "not_at_all"  # item 9 alerts are demonstrated on one patient only
        assessment_record(actor=nurse, patient=patient, instrument_id=instrument_id, answers=answers)
    screening_run(actor=prescriber, patient=patient, indication="fibromyalgia", today=today)


def _seed_patient(rng: random.Random, index: int, desk, prescriber, today: date) -> Patient:
    female = rng.random() < 0.8  # fibromyalgia clinics see mostly women
    given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
    family = rng.choice(FAMILY)
    dob = today - timedelta(days=rng.randint(25 * 365, 68 * 365))
    weight = Decimal(rng.randint(520, 1050)) / 10
    patient = services.patient_register(
        actor=desk, today=today, weight_kg=weight, height_cm=Decimal(rng.randint(152, 190)),
        measured_on=today - timedelta(days=rng.randint(0, 20)), given_name=given, family_name=family,
        date_of_birth=dob, sex="female" if female else "male", phone=f"555-01{index:02d}",
        email=f"{given.lower()}.{family.lower()}{index}@example.invalid",
        address=f"{rng.randint(1, 999)} {rng.choice(STREETS)}", emergency_contact_name=f"{rng.choice(GIVEN_MALE)} {family}",
        emergency_contact_phone=f"555-02{index:02d}", emergency_contact_relation=rng.choice(("spouse", "parent", "sibling")),
        escort_name=f"{rng.choice(GIVEN_FEMALE)} {family}", escort_phone=f"555-03{index:02d}",
    )  # fmt: skip
    services.condition_add(actor=desk, patient=patient, code="fibromyalgia", note="Diagnosed by rheumatology")
    for code in rng.sample(CONDITIONS, rng.randint(0, 2)):
        services.condition_add(actor=desk, patient=patient, code=code)
    for name, drug_class, dose in rng.sample(MEDS, rng.randint(1, 3)):
        services.medication_add(actor=desk, patient=patient, name=name, drug_class=drug_class, dose_text=dose)
    for therapy in rng.sample(THERAPIES, rng.randint(2, 4)):
        services.therapy_add(
            actor=desk, patient=patient, therapy=therapy, outcome=rng.choices(OUTCOMES, weights=(6, 2, 2))[0],
            duration_weeks=rng.randint(6, 26),
        )  # fmt: skip
    if rng.random() < 0.2:
        services.allergy_add(actor=desk, patient=patient, substance=rng.choice(("Penicillin", "Sulfa drugs", "Latex")),
                             reaction="rash", severity="mild")  # fmt: skip
    if index % 2 == 0:
        services.consultation_record(
            actor=prescriber, patient=patient, today=today, occurred_on=today - timedelta(days=rng.randint(1, 30)),
            reason_for_referral="Widespread pain for more than 3 months despite standard therapies.",
            history="Synthetic history: fibromyalgia with poor sleep and fatigue; several adequate drug trials.",
            findings="Tender at multiple sites; neurological exam normal; BP within range.",
            plan_discussed="Discussed low-dose IV ketamine infusions, expected effects, escort and fasting.",
        )  # fmt: skip
    return patient
