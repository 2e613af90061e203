"""`ketaflow logins` (printed by every `make run`) lists the same demo logins the seed printed."""

import pytest

from ketaflow import cli

pytestmark = pytest.mark.django_db


def test_the_logins_command_lists_the_booster_and_diary_portal_logins_too(make_user, capsys):
    for username in ("patient.demo", "patient.booster", "patient.diary"):
        make_user("patient", username=username)
    make_user("nurse", username="rn.larsen")
    assert cli.cmd_logins(None) == 0
    out = capsys.readouterr().out
    for username, password in (("patient.booster", "patient-booster-demo-2026"), ("patient.diary", "patient-diary-demo-2026"),
                               ("patient.demo", "patient-demo-demo-2026"), ("rn.larsen", "rn-larsen-demo-2026")):  # fmt: skip
        assert username in out and password in out
