"""Every page form that creates or charts something carries a fresh idempotency key, so a re-post after a
timeout or a re-login is replayed, not written twice (issue 8). Checked on the templates themselves."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[3] / "src" / "ketaflow" / "clinic" / "templates"
FORM = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", re.S | re.I)
INCLUDE = 'include "includes/idempotency_field.html"'

# Forms that write no clinical record, each with the reason it needs no key.
EXEMPT = {
    "base.html": "logout",
    "accounts/login.html": "login (django-axes counts attempts)",
    "accounts/password_change.html": "the user's own password; a repeat changes nothing",
    "accounts/tokens.html": "shows the new token once (Cache-Control: no-store is never replayed)",
    "accounts/user_form.html": "admin user management; usernames are unique",
    "patients/patient_list.html": "search by POST so names stay out of URLs; reads only",
}
EXEMPT_ACTIONS = ("patients:portal_invite",)  # shows a one-time password (no-store)


def _forms():
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        for body in FORM.finditer(path.read_text()):
            yield name, body.group(0)


def test_every_post_form_that_writes_a_record_includes_the_idempotency_field():
    missing = [
        (name, form[:120]) for name, form in _forms()
        if name not in EXEMPT and not any(a in form for a in EXEMPT_ACTIONS) and INCLUDE not in form
    ]  # fmt: skip
    assert missing == []


def test_the_exemptions_name_templates_that_exist():
    assert all((TEMPLATES / name).exists() for name in EXEMPT)
