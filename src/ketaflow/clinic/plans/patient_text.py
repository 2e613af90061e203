"""Patient instructions printed on every handout (clinic policy text; edit here, versioned in git).

Side effects listed are those clinical.md §6 reports as common with low-dose infusions.
"""

PATIENT_INSTRUCTIONS = {
    "version": "handout-2026.11.1",
    "before": [
        "Do not eat solid food for 6 hours before your infusion; clear fluids are fine until 2 hours before "
        "(clinic fasting policy).",
        "Take your usual morning medicines with a sip of water unless your prescriber told you otherwise.",
        "Bring an adult escort: you may not drive or travel home alone after an infusion.",
        "Tell the nurse if you might be pregnant, or if your medicines have changed.",
    ],
    "during": [
        "A nurse checks your blood pressure, heart rate, oxygen level and breathing every 15 minutes.",
        "You may feel dizzy, light-headed, detached or dream-like; this usually passes soon after the "
        "infusion stops. Tell the nurse if you feel unwell; the rate can be slowed or paused.",
    ],
    "after": [
        "You stay in recovery until you are alert and your vital signs are back to your usual values.",
        "Do not drive, operate machinery or make important decisions until the next day.",
        "Common side effects: nausea, headache, tiredness, vivid dreams. Call the clinic if they worsen "
        "or if you notice pain or burning when passing urine.",
        "Keep filling in your pain diary and questionnaires: they are how you and your clinician see "
        "whether the treatment helps.",
    ],
    "honesty": "Ketamine infusions do not help everyone, and relief, when it comes, may last days to weeks. "
    "Your clinician will review your diary and scores with you and decide together whether to continue.",
}
