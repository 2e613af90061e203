"""The check-in gate (before the infusion may start) and the discharge gate (before the patient leaves).

Each failed condition is listed with its reason; nothing is waived silently. Defaults are clinic
policy (labelled), except the Aldrete >= 9 discharge score (Aldrete 1995, clinical.md §2.6).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ketaflow.domain.sources import Source

VERSION = "gates-2026.12.1"
ALDRETE = Source("Aldrete JA. The post-anesthesia recovery score revisited. J Clin Anesth 1995;7:89-91 "
                 "(>= 9 allows discharge), via clinical.md §2.6", "1995")  # fmt: skip


@dataclass(frozen=True)
class GatePolicy:
    pregnancy_test_ages: tuple[int, int] = (12, 55)
    discharge_min_aldrete: int = 9
    require_escort: bool = True
    fasting_hours_solids: int = 6
    screening_max_age_days: int = 365
    completed_stop_tolerance_min: int = 5
    version: str = VERSION
    source: Source = field(default_factory=lambda: Source.clinic_policy(
        "check-in: escort confirmed, fasting >= 6 h solids, pre-infusion vitals and pain, pregnancy test for "
        "people who could be pregnant aged 12-55, weight current, screening valid (done within 365 days and "
        "after the last change to medications, conditions or allergies), no other infusion in progress, interval >= "
        "protocol minimum, bag prepared (lot, the ordered concentration, enough drawn for the ordered dose); stop as completed: the ordered minutes have run (pauses not counted, 5 min "
        "tolerance), else stop early with a reason; discharge: every vitals alert answered, Aldrete >= 9, minimum recovery time, escort present",
        VERSION))


DEFAULT_GATE_POLICY = GatePolicy()


@dataclass(frozen=True)
class GateResult:
    ok: bool
    failures: tuple[str, ...]
    rule_version: str = VERSION


@dataclass(frozen=True)
class CheckInFacts:
    escort_confirmed: bool
    fasting_hours_solids: float | None
    pre_vitals_recorded: bool
    pre_pain_nrs: int | None
    pregnancy_test_needed: bool
    pregnancy_test_negative: bool | None
    weight_usable: bool
    weight_reason: str
    screening_may_proceed: bool
    hours_since_last_session: float | None
    min_interval_h: float
    bag_lot: str
    bag_concentration_mg_per_ml: float | None
    bag_volume_ml: float | None
    ordered_concentration_mg_per_ml: float
    screening_age_days: int | None = None
    intake_changed_since_screening: bool = False
    other_session_in_progress: str = ""  # e.g. "#1 running": the patient is in a chair already
    ordered_dose_mg: float | None = None  # ordered rate × dosing weight × duration: the bag must hold it


def pregnancy_test_needed(*, sex: str, age_years: int, policy: GatePolicy = DEFAULT_GATE_POLICY) -> bool:
    low, high = policy.pregnancy_test_ages
    return sex in ("female", "other", "unknown") and low <= age_years <= high


def check_in_gate(facts: CheckInFacts, policy: GatePolicy = DEFAULT_GATE_POLICY) -> GateResult:
    f = facts
    failures: list[str] = []
    if policy.require_escort and not f.escort_confirmed:
        failures.append("Escort not confirmed: the patient must not travel home alone.")
    if f.fasting_hours_solids is None or f.fasting_hours_solids < policy.fasting_hours_solids:
        failures.append(f"Fasting: at least {policy.fasting_hours_solids} h without solid food is required.")
    if not f.pre_vitals_recorded:
        failures.append("Pre-infusion vital signs are not recorded.")
    if f.pre_pain_nrs is None:
        failures.append("Pre-infusion pain NRS is not recorded.")
    if f.pregnancy_test_needed and f.pregnancy_test_negative is not True:
        failures.append("A negative pregnancy test is required by policy before the infusion.")
    if not f.weight_usable:
        failures.append(f"Weight: {f.weight_reason}")
    if not f.screening_may_proceed:
        failures.append("Screening does not allow treatment (not eligible, or not cleared by override).")
    elif f.screening_age_days is not None and f.screening_age_days > policy.screening_max_age_days:
        failures.append(f"Screening is {f.screening_age_days} days old; re-run it (policy: at most "
                        f"{policy.screening_max_age_days} days).")  # fmt: skip
    elif f.intake_changed_since_screening:
        failures.append("Medications, conditions or allergies changed since the last screening; re-run screening.")
    if f.other_session_in_progress:
        failures.append(f"Another infusion for this patient is still in progress ({f.other_session_in_progress}); "
                        "discharge or close it first.")  # fmt: skip
    elif f.hours_since_last_session is not None and f.hours_since_last_session < f.min_interval_h:
        failures.append(f"Only {f.hours_since_last_session:.1f} h since the last session; the protocol minimum is "
                        f"{f.min_interval_h:g} h.")  # fmt: skip
    if not f.bag_lot.strip():
        failures.append("Bag not prepared: the lot number is missing.")
    if f.bag_volume_ml is None or f.bag_volume_ml <= 0:
        failures.append("Bag not prepared: the volume drawn is missing.")
    if f.bag_concentration_mg_per_ml is None:
        failures.append("Bag not prepared: the concentration is missing.")
    elif abs(f.bag_concentration_mg_per_ml - f.ordered_concentration_mg_per_ml) > 1e-9:
        failures.append(f"Bag concentration {f.bag_concentration_mg_per_ml:g} mg/mL differs from the ordered "
                        f"{f.ordered_concentration_mg_per_ml:g} mg/mL.")  # fmt: skip
    elif f.ordered_dose_mg and f.bag_volume_ml and f.bag_volume_ml > 0:
        held = f.bag_volume_ml * f.bag_concentration_mg_per_ml
        if held < f.ordered_dose_mg * (1 - 1e-9):
            need_ml = f.ordered_dose_mg / f.bag_concentration_mg_per_ml
            failures.append(f"Bag holds {held:g} mg ({f.bag_volume_ml:g} mL × {f.bag_concentration_mg_per_ml:g} mg/mL), "
                            f"less than the ordered {f.ordered_dose_mg:.1f} mg: draw at least {need_ml:.1f} mL.")  # fmt: skip
    return GateResult(not failures, tuple(failures))


def discharge_gate(*, aldrete_total: int | None, stopped_at: datetime, now: datetime, min_recovery_min: float,
                   escort_present: bool, unanswered_alerts: tuple[str, ...] = (),
                   policy: GatePolicy = DEFAULT_GATE_POLICY) -> GateResult:  # fmt: skip
    """``unanswered_alerts``: the amber/red readings with no recorded response (e.g. '20:56 red'); the record
    must say what was done about each before the patient leaves."""
    failures: list[str] = []
    if unanswered_alerts:
        failures.append(f"{len(unanswered_alerts)} vitals alert{'s' if len(unanswered_alerts) > 1 else ''} without a "
                        f"recorded response ({', '.join(unanswered_alerts)}): record what was done first.")  # fmt: skip
    if aldrete_total is None:
        failures.append("No modified Aldrete score recorded after the infusion.")
    elif aldrete_total < policy.discharge_min_aldrete:
        failures.append(f"Modified Aldrete score {aldrete_total} is below the discharge minimum "
                        f"{policy.discharge_min_aldrete}.")  # fmt: skip
    waited_min = (now - stopped_at).total_seconds() / 60
    if waited_min < min_recovery_min:
        failures.append(f"Only {waited_min:.0f} min since the infusion stopped; the minimum recovery is "
                        f"{min_recovery_min:g} min.")  # fmt: skip
    if policy.require_escort and not escort_present:
        failures.append("The escort is not present.")
    return GateResult(not failures, tuple(failures))


def completed_stop_gate(*, running_min: float, ordered_duration_min: float,
                        policy: GatePolicy = DEFAULT_GATE_POLICY) -> GateResult:  # fmt: skip
    """'Stop (completed)' only once the ordered minutes have run (minutes at a rate above 0; pauses do not
    count), within the policy's tolerance. Earlier, the infusion is stopped early, with its reason: a mis-tap
    must not record a 1-minute infusion as completed."""
    if running_min >= ordered_duration_min - policy.completed_stop_tolerance_min:
        return GateResult(True, ())
    return GateResult(False, (
        f"Only {running_min:.0f} of the ordered {ordered_duration_min:g} min have run (pauses not counted). "
        "To end the infusion now, use Stop early and give the reason.",))
