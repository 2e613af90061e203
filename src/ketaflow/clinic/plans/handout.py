"""The patient's "What to expect" handout, from the signed plan: a page and a PDF (WeasyPrint)."""

from __future__ import annotations

from django.template.loader import render_to_string

from ketaflow.clinic.plans.models import Plan
from ketaflow.clinic.plans.patient_text import PATIENT_INSTRUCTIONS


def handout_context(plan: Plan) -> dict:
    sessions = list(plan.sessions.all())
    hours = sorted({s.duration_min for s in sessions})
    return {
        "plan": plan,
        "patient": plan.patient,
        "sessions": sessions,
        "session_hours": ", ".join(f"{m // 60} h {m % 60:02d} min" if m % 60 else f"{m // 60} h" for m in hours),
        "instructions": PATIENT_INSTRUCTIONS,
        "is_draft": plan.status != Plan.Status.SIGNED,
    }


def handout_pdf(plan: Plan) -> bytes:
    from weasyprint import HTML

    html = render_to_string("plans/handout_print.html", handout_context(plan))
    return HTML(string=html).write_pdf()
