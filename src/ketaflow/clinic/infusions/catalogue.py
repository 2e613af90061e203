"""Coded choices for charting (clinic data). Adjunct drugs and their dose ceilings are domain rules:
ketaflow.domain.charting.adjuncts."""

SIDE_EFFECTS = (
    ("nausea_vomiting", "Nausea / vomiting"),
    ("dissociation", "Dissociation"),
    ("sedation", "Sedation"),
    ("hallucinations", "Hallucinations / perceptual changes"),
    ("headache", "Headache"),
    ("hypertension", "Hypertension"),
    ("anxiety", "Anxiety / agitation"),
    ("dizziness", "Dizziness"),
    ("other", "Other"),
)
GRADES = (("mild", "Mild"), ("moderate", "Moderate"), ("severe", "Severe"))
SCALES = {"dissociation": "cadss6", "sedation": "rass"}
ROUTES = (("iv", "IV"), ("po", "By mouth"), ("sl", "Sublingual"), ("im", "IM"))
