"""Set up the diary-week story in a browser test's own database (run with `manage.py shell`): a new portal
patient (patient.week) whose induction series ended 4 weeks ago, with a baseline of 8 and pain 3 after the
series, diary entries up to 7 days ago. The browser fills the last 7 days, one per day."""

import random
from datetime import timedelta

from django.utils import timezone

from ketaflow.clinic.accounts.models import User
from ketaflow.clinic.accounts.roles import Role
from ketaflow.clinic.patients.models import Patient
from ketaflow.synth.demo import _seed_patient, demo_password
from ketaflow.synth.outcomes import SERIES_OFFSETS, diary_days, intake_scores, past_series
from ketaflow.synth.schedule import clear_screening

today = timezone.localdate()
desk, prescriber = User.objects.get(username="desk.kim"), User.objects.get(username="dr.reyes")
patient = _seed_patient(random.Random(7), 77, desk, prescriber, today - timedelta(days=60))
user = User.objects.create_user(username="patient.week", password=demo_password("patient.week"), role=Role.PATIENT,
                                first_name=patient.given_name, last_name=patient.family_name)  # fmt: skip
Patient.objects.filter(pk=patient.pk).update(user=user)
clear_screening(patient, [prescriber, User.objects.get(username="np.okafor")])
last = today - timedelta(days=28)
first = last - timedelta(days=SERIES_OFFSETS[-1])
past_series(patient, prescriber, first_day=first)
intake_scores(patient, user, day=first - timedelta(days=8), seed=7)
diary_days(patient, user, first_day=first - timedelta(days=7), values=[8] * 7)
diary_days(patient, user, first_day=first, values=[6, 6, 5, 5, 4, 4, 4, 3, 3, 3, 3])
diary_days(patient, user, first_day=last + timedelta(days=1), values=[3] * 21)  # up to 7 days ago
print(patient.family_name)
