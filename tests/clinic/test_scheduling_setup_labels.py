"""Every form control on the chairs-and-hours page has an accessible name (checks/a11y.py found the
opening-hours inputs without one: axe-core rule "label", critical)."""

from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.django_db


class _Controls(HTMLParser):
    def __init__(self):
        super().__init__()
        self.controls, self.label_for = [], set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "label" and a.get("for"):
            self.label_for.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit", "button"):
            self.controls.append(a)


def test_every_visible_input_on_the_setup_page_has_a_label_or_an_aria_label(staff, client_for):
    response = client_for(staff["front_desk"]).get("/schedule/setup/")
    assert response.status_code == 200
    page = _Controls()
    page.feed(response.content.decode())
    unnamed = [c.get("name") for c in page.controls if not c.get("aria-label") and c.get("id") not in page.label_for]
    assert page.controls and unnamed == []


def test_the_opening_hours_inputs_are_named_by_weekday_and_column(staff, client_for):
    html = client_for(staff["admin"]).get("/schedule/setup/").content.decode()
    assert 'aria-label="Monday opens"' in html and 'aria-label="Sunday closes"' in html
