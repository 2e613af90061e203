"""The session record PDF at discharge (WeasyPrint), with the chart drawn inline as SVG."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from ketaflow.clinic.infusions.chart import chart_input
from ketaflow.reports.session_chart import session_chart_svg


def session_record_pdf(session) -> bytes:
    from weasyprint import HTML

    context = {
        "session": session, "patient": session.patient, "vitals": list(session.vitals.all()),
        "rate_events": list(session.rate_events.all()), "side_effects": list(session.side_effects.all()),
        "administrations": list(session.administrations.all()), "generated_at": timezone.now(),
        "svg": session_chart_svg(chart_input(session, now=session.stopped_at or timezone.now())),
    }  # fmt: skip
    return HTML(string=render_to_string("infusions/record_print.html", context)).write_pdf()
