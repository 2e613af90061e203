"""The session record PDF at discharge (WeasyPrint), with the chart drawn inline as SVG."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from ketaflow.clinic.infusions.chart import chart_input
from ketaflow.reports.session_chart import session_chart_svg


def session_record_html(session) -> str:
    """The record as printable HTML (the PDF's source)."""
    context = {
        "session": session, "patient": session.patient, "vitals": list(session.vitals.all()),
        "rate_events": list(session.rate_events.all()), "side_effects": list(session.side_effects.all()),
        "administrations": list(session.administrations.all()), "generated_at": timezone.now(),
        "time_zone": timezone.get_current_timezone_name(),
        "svg": session_chart_svg(chart_input(session, now=session.stopped_at or timezone.now())),
    }  # fmt: skip
    return render_to_string("infusions/record_print.html", context)


def session_record_pdf(session) -> bytes:
    from weasyprint import HTML

    return HTML(string=session_record_html(session)).write_pdf()
