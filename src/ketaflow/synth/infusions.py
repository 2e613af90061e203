"""Demo clinic, charting part: a fibromyalgia induction series charted five weeks ago (six sessions with
vitals every 15 min, one amber reading answered, nausea treated, witnessed waste, discharge) and one
infusion running now, so the session chart, the medication record and the outcome pages have history on
first start. Everything goes through the charting services with the clock as a parameter. All synthetic."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from ketaflow.clinic.infusions import services
from ketaflow.clinic.patients.services import measurement_add
from ketaflow.clinic.plans.catalogue import defaults_for, profile_for
from ketaflow.clinic.plans.services import plan_create, plan_sign
from ketaflow.domain import units
from ketaflow.domain.charting.vitals import VitalsReading
from ketaflow.synth.schedule import clear_screening

PAST_SERIES_DAYS = (0, 2, 4, 7, 9, 11)  # Mon/Wed/Fri over two weeks: 6 infusions within the 21-day window
PAST_SERIES_WEEKS_AGO = 5


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def _monday_weeks_ago(today: date, weeks: int) -> date:
    return today - timedelta(days=today.weekday() + 7 * weeks)


class _Chart:
    """Charts one session at given minutes after its start, carrying the version between writes."""

    def __init__(self, session, nurse, start: datetime):
        self.session, self.nurse, self.start = session, nurse, start

    def __call__(self, fn, minute: float, **kw):
        self.session.refresh_from_db()
        common = {"actor": self.nurse, "session_id": self.session.pk, "expected_version": self.session.version}
        if fn is not services.session_recovery_scores:
            common["now"] = self.start + timedelta(minutes=minute)
        return fn(**common, **kw)


def _vitals(rng: random.Random, *, sbp: int | None = None) -> VitalsReading:
    return VitalsReading(systolic_mmhg=sbp or rng.randint(118, 138), diastolic_mmhg=rng.randint(70, 86),
                         heart_rate_per_min=rng.randint(64, 88), spo2_percent=rng.randint(96, 99),
                         respiratory_rate_per_min=rng.randint(12, 18))  # fmt: skip


def _check_in_and_start(rng, chart: _Chart, patient, pre_pain: int):
    session = chart.session
    volume = Decimal(session.ordered_duration_min) * session.ordered_rate_mg_per_kg_per_h * session.dosing_weight_kg
    volume = (volume / 60 / session.ordered_concentration_mg_per_ml + 10).quantize(Decimal("1"))  # plus a 10 mL margin
    chart(services.session_check_in, -20, escort_confirmed=True, escort_name=patient.escort_name,
          fasting_hours_solids=Decimal(rng.choice(("6", "8", "10"))), pregnancy_test_negative=True,
          pre_pain_nrs=pre_pain, vitals=_vitals(rng), bag_lot=f"KET-{rng.randint(10000, 99999)}",
          bag_concentration_mg_per_ml=session.ordered_concentration_mg_per_ml, bag_volume_ml=volume)  # fmt: skip
    rate = units.Quantity(float(session.ordered_rate_mg_per_kg_per_h), units.MG_PER_KG_PER_H)
    chart(services.session_rate_action, 0, action="start", rate=rate)


def _chart_whole_session(rng, chart: _Chart, patient, *, number: int, witness, witness_password: str):
    duration = chart.session.ordered_duration_min
    _check_in_and_start(rng, chart, patient, pre_pain=max(2, 8 - number // 2 - rng.randint(0, 1)))
    for minute in range(15, duration, 15):
        amber = number == 2 and minute == 45
        sign = chart(services.session_vitals, minute, reading=_vitals(rng, sbp=168 if amber else None))
        if amber:
            services.vitals_response(actor=chart.nurse, session_id=chart.session.pk, vital_id=sign.pk,
                                     response_taken="Rate halved per protocol; recheck 5 min later 142/84")  # fmt: skip
    if number in (1, 3):
        chart(services.session_side_effect, 40, kind="nausea_vomiting", grade="mild", note="Queasy, no vomiting")
        chart(services.session_administration, 42, drug="ondansetron", dose_mg=4.0, route="iv", reason="nausea")
    if number == 1:
        chart(services.session_side_effect, 60, kind="dissociation", grade="mild", note="Floating feeling, calm")
    chart(services.session_rate_action, duration, action="stop")
    chart(services.session_vitals, duration + 15, reading=_vitals(rng))
    chart(services.session_recovery_scores, duration + 30, post_pain_nrs=max(1, 5 - number // 2),
          aldrete_answers={"activity": "2", "respiration": "2", "consciousness": "2", "oxygen_saturation": "2"},
          current_systolic_mmhg=rng.randint(118, 132))  # fmt: skip
    chart(services.session_waste, duration + 35, witness_username=witness.username, witness_password=witness_password)
    chart(services.session_discharge, duration + 65, escort_present=True)


def seed_charted_sessions(patients, *, prescriber, nurse, witness, password_for, rng: random.Random) -> list:
    """patients[0]: a past induction series, every session charted to discharge; patients[1]: the first
    infusion of its signed plan running now (started 35 minutes ago)."""
    today = timezone.localdate()
    past, running_patient = patients[0], patients[1]
    clear_screening(past, [prescriber])
    first_day = _monday_weeks_ago(today, PAST_SERIES_WEEKS_AGO)
    latest = past.measurements.current().order_by("-measured_on").first()
    measurement_add(actor=nurse, patient=past, today=today, weight_kg=latest.weight_kg + Decimal("0.6"),
                    height_cm=latest.height_cm, measured_on=first_day - timedelta(days=4))  # weighed at consultation
    signed_at = _at(first_day - timedelta(days=3), 16)
    data = defaults_for(profile_for("fibromyalgia_induction"))
    data.pop("protocol")
    plan = plan_create(actor=prescriber, patient=past, protocol="fibromyalgia_induction", now=signed_at,
                       **(data | {"start_date": first_day, "n_sessions": len(PAST_SERIES_DAYS)}))  # fmt: skip
    plan = plan_sign(actor=prescriber, plan=plan, password=password_for(prescriber.username), meaning="approved",
                     soft_reasons={n: "Demo: reviewed" for n in plan.dose_check["soft_limits"]}, now=signed_at)  # fmt: skip
    sessions = []
    for number, offset in enumerate(PAST_SERIES_DAYS, start=1):
        start = _at(first_day + timedelta(days=offset), 9, 30)
        session = services.session_create(actor=nurse, plan_session=plan.sessions.get(index=number),
                                          scheduled_for=start)  # fmt: skip
        _chart_whole_session(rng, _Chart(session, nurse, start), past, number=number, witness=witness,
                             witness_password=password_for(witness.username))  # fmt: skip
        sessions.append(session)
    live_plan = running_patient.plans.filter(status="signed").order_by("pk").first()
    if live_plan is not None:
        start = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=35)
        session = services.session_create(actor=nurse, plan_session=live_plan.sessions.get(index=1),
                                          scheduled_for=start)  # fmt: skip
        chart = _Chart(session, nurse, start)
        _check_in_and_start(rng, chart, running_patient, pre_pain=7)
        chart(services.session_vitals, 15, reading=_vitals(rng))
        chart(services.session_vitals, 30, reading=_vitals(rng))
        sessions.append(session)
    return sessions
