"""A new clinic starts with 4 chairs open Monday–Friday 08:00–18:00 (clinic policy default; admin and
front desk change it under Scheduling → Clinic setup). Weekends are closed: no row for Saturday, Sunday."""

from datetime import time

from django.db import migrations

CHAIRS = (("C1", "Chair 1"), ("C2", "Chair 2"), ("C3", "Chair 3"), ("C4", "Chair 4"))
WEEKDAYS_OPEN = range(5)  # Monday (0) to Friday (4)
OPENS, CLOSES = time(8, 0), time(18, 0)


def forwards(apps, schema_editor):
    Chair = apps.get_model("scheduling", "Chair")
    OpeningHours = apps.get_model("scheduling", "OpeningHours")
    if not Chair.objects.exists():
        for position, (code, name) in enumerate(CHAIRS):
            Chair.objects.create(code=code, name=name, position=position)
    if not OpeningHours.objects.exists():
        for weekday in WEEKDAYS_OPEN:
            OpeningHours.objects.create(weekday=weekday, opens=OPENS, closes=CLOSES)


def backwards(apps, schema_editor):
    Chair = apps.get_model("scheduling", "Chair")
    OpeningHours = apps.get_model("scheduling", "OpeningHours")
    Chair.objects.filter(code__in=[c for c, _ in CHAIRS], bookings__isnull=True).delete()
    OpeningHours.objects.filter(weekday__in=WEEKDAYS_OPEN, opens=OPENS, closes=CLOSES).delete()


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
