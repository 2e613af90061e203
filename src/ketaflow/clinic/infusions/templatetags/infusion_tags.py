"""The patient chart's list of charted infusions (the chart view itself is audited)."""

from django import template

from ketaflow.clinic.infusions.selectors import sessions_for_patient

register = template.Library()


@register.inclusion_tag("infusions/_chart_sessions.html", takes_context=True)
def infusion_sessions(context, patient):
    return {"sessions": sessions_for_patient(patient=patient), "can": context.get("can")}
