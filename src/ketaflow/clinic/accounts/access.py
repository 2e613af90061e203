"""Who may reach which route: one table, deny by default.

Every URL name (pages) and API operation (``api:<url_name>``) must have an entry; a route missing from
this table answers 403 to everyone, and tests/clinic/accounts/test_permission_matrix.py fails the build.
Object-level rules (a patient sees only their own record) live in the selectors and answer 404.
"""

from __future__ import annotations

from ketaflow.clinic.accounts.roles import ALL_ROLES, CHART_READERS, STAFF_ROLES, Role

PUBLIC = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "api:health",
        "api:openapi-json",
        "api:openapi-view",
        "diaries:link",  # a reminder's one-time link: the token is the credential (single use, expiring)
    }
)

P, N, F, A, ADM, PT = (Role.PRESCRIBER, Role.NURSE, Role.FRONT_DESK, Role.ANALYST, Role.ADMIN, Role.PATIENT)

POLICY: dict[str, frozenset[str]] = {
    # site
    "home": ALL_ROLES,
    "accounts:password_change": ALL_ROLES,
    "accounts:password_change_done": ALL_ROLES,
    "accounts:tokens": ALL_ROLES,
    "accounts:user_list": frozenset({ADM}),
    "accounts:user_create": frozenset({ADM}),
    "accounts:user_edit": frozenset({ADM}),
    # patients and intake
    "patients:list": CHART_READERS | {ADM},
    "patients:register": frozenset({F, P, N}),
    "patients:chart": CHART_READERS | {PT},
    "patients:edit": frozenset({F, P, N}),
    "patients:measurement_add": frozenset({F, P, N}),
    "patients:measurement_mark_in_error": frozenset({F, P, N}),
    "patients:allergy_add": frozenset({F, P, N}),
    "patients:medication_add": frozenset({F, P, N}),
    "patients:condition_add": frozenset({F, P, N}),
    "patients:therapy_add": frozenset({F, P, N}),
    "patients:intake_remove": frozenset({F, P, N}),
    "patients:consultation_add": frozenset({P}),
    "patients:consultation_amend": frozenset({P}),
    "patients:portal_invite": frozenset({F, ADM}),
    # instruments and screening
    "assessments:administer": frozenset({P, N, PT}),
    "assessments:detail": CHART_READERS | {PT},
    "assessments:task_acknowledge": frozenset({P, N}),
    "screening:run": frozenset({P, N}),
    "screening:detail": frozenset({P, N}),
    "screening:override": frozenset({P}),
    "screening:evidence": STAFF_ROLES | {PT},
    # treatment plans
    "plans:new": frozenset({P}),
    "plans:detail": frozenset({P, N, F}),
    "plans:sign": frozenset({P}),
    "plans:amend": frozenset({P}),
    "plans:handout": frozenset({P, N, F, PT}),
    "plans:handout_pdf": frozenset({P, N, F, PT}),
    "plans:prediction": frozenset({P, N, F}),
    # infusion sessions (charting)
    "infusions:open": frozenset({P, N}),
    "infusions:session": frozenset({P, N}),
    "infusions:chart": frozenset({P, N}),
    "infusions:record": frozenset({P, N}),
    "infusions:alert_response": frozenset({P, N}),
    "infusions:action": frozenset({P, N}),
    # scheduling: chairs, hours, closed days; booking signed plans (issue 5)
    "scheduling:day": frozenset({P, N, F}),
    "scheduling:setup": frozenset({F, ADM}),
    "scheduling:chair_save": frozenset({F, ADM}),
    "scheduling:hours_save": frozenset({F, ADM}),
    "scheduling:closed_day_add": frozenset({F, ADM}),
    "scheduling:closed_day_remove": frozenset({F, ADM}),
    "scheduling:plan_book": frozenset({P, N, F}),
    "scheduling:carry_over": frozenset({P, N, F}),
    "scheduling:booking_move": frozenset({P, N, F}),
    "scheduling:booking_cancel": frozenset({P, N, F}),
    # diary (issue 7): the patient's own page, the staff view of a patient's diary
    "diaries:portal": frozenset({PT}),
    "diaries:staff": frozenset({P, N}),
    "api:diary_get": frozenset({P, N, PT}),
    "api:diary_record": frozenset({P, N, PT}),
    # each protocol's diary schedule (clinic policy): staff see it, prescribers and admins change it
    "diaries:schedules": frozenset({P, N, ADM}),
    "diaries:schedule_edit": frozenset({P, ADM}),
    "api:diary_schedules": frozenset({P, N, ADM}),
    "api:diary_schedule_change": frozenset({P, ADM}),
    # outcomes: response summaries, worklist, booster / review proposals (issue 7)
    "outcomes:worklist": frozenset({P, N}),
    "outcomes:patient": frozenset({P, N}),
    "outcomes:timeline": frozenset({P, N}),
    "outcomes:booster_draft": frozenset({P}),
    "outcomes:proposal_close": frozenset({P}),
    "audit:patient_trail": frozenset({ADM}),
    "audit:verify": frozenset({ADM}),
    # API
    "api:me": ALL_ROLES,
    "api:patient_list": CHART_READERS | {ADM},
    "api:patient_search": CHART_READERS | {ADM},
    "api:patient_create": frozenset({F, P, N}),
    "api:patient_get": CHART_READERS | {PT},
    "api:patient_update": frozenset({F, P, N}),
    "api:measurement_add": frozenset({F, P, N}),
    "api:measurement_mark_in_error": frozenset({F, P, N}),
    "api:measurement_list": CHART_READERS | {PT},
    "api:allergy_add": frozenset({F, P, N}),
    "api:medication_add": frozenset({F, P, N}),
    "api:condition_add": frozenset({F, P, N}),
    "api:therapy_add": frozenset({F, P, N}),
    "api:intake_remove": frozenset({F, P, N}),
    "api:consultation_add": frozenset({P}),
    "api:consultation_amend": frozenset({P}),
    "api:consultation_list": CHART_READERS,
    "api:patient_timeline": CHART_READERS | {PT},
    "api:audit_patient": frozenset({ADM}),
    "api:code_list": STAFF_ROLES | {PT},
    "api:instrument_list": STAFF_ROLES | {PT},
    "api:instrument_get": STAFF_ROLES | {PT},
    "api:assessment_create": frozenset({P, N, PT}),
    "api:assessment_list": CHART_READERS | {PT},
    "api:task_list": frozenset({P, N}),
    "api:task_acknowledge": frozenset({P, N}),
    "api:screening_run": frozenset({P, N}),
    "api:screening_list": frozenset({P, N}),
    "api:screening_override": frozenset({P}),
    "api:evidence_list": STAFF_ROLES | {PT},
    "api:protocol_list": STAFF_ROLES,
    "api:plan_goal_catalogue": STAFF_ROLES,
    "api:plan_create": frozenset({P}),
    "api:plan_list": frozenset({P, N, F, PT}),
    "api:plan_get": frozenset({P, N, F, PT}),
    "api:plan_sign": frozenset({P}),
    "api:plan_amend": frozenset({P}),
    "api:dosing_order_check": frozenset({P, N}),
    "api:pk_simulate": frozenset({P, N, A}),
    "api:schedule_calendar": STAFF_ROLES,
    "api:schedule_day": frozenset({P, N, F}),
    "api:booking_propose": frozenset({P, N, F}),
    "api:booking_accept": frozenset({P, N, F}),
    "api:booking_carry_over": frozenset({P, N, F}),
    "api:booking_list_plan": frozenset({P, N, F, PT}),
    "api:booking_list_patient": frozenset({P, N, F, PT}),
    "api:booking_move": frozenset({P, N, F}),
    "api:booking_cancel": frozenset({P, N, F}),
    "api:chair_save": frozenset({F, ADM}),
    "api:hours_set": frozenset({F, ADM}),
    "api:closed_day_add": frozenset({F, ADM}),
    "api:closed_day_remove": frozenset({F, ADM}),
    "api:outcome_summary": frozenset({P, N}),
    "api:outcome_timeline": frozenset({P, N}),
    "api:outcome_evaluate": frozenset({P, N}),
    "api:worklist": frozenset({P, N}),
    "api:proposal_list": frozenset({P, N}),
    "api:proposal_dismiss": frozenset({P}),
    "api:infusion_open": frozenset({P, N}),
    "api:infusion_list": frozenset({P, N}),
    "api:infusion_get": frozenset({P, N}),
    "api:infusion_check_in": frozenset({P, N}),
    "api:infusion_rate": frozenset({P, N}),
    "api:infusion_vitals": frozenset({P, N}),
    "api:infusion_alert_response": frozenset({P, N}),
    "api:infusion_side_effect": frozenset({P, N}),
    "api:infusion_scale": frozenset({P, N}),
    "api:infusion_administration": frozenset({P, N}),
    "api:infusion_recovery": frozenset({P, N}),
    "api:infusion_discharge": frozenset({P, N}),
    "api:infusion_waste": frozenset({P, N}),
    "api:infusion_cancel": frozenset({P, N}),
}


def route_allowed(route: str, role: str | None) -> bool:
    if route in PUBLIC:
        return True
    allowed = POLICY.get(route)
    return bool(allowed) and role in allowed


def roles_for(route: str) -> frozenset[str] | None:
    if route in PUBLIC:
        return None
    return POLICY.get(route, frozenset())
