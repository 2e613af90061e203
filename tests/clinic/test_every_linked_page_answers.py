"""Every page a demo user can reach by following links from home answers without a server error, for
every role (a crawl of the seeded demo clinic: plans, charted sessions, diaries, proposals)."""

import re
from collections import deque
from urllib.parse import urldefrag, urlparse

import pytest
from django.test import Client

from ketaflow.clinic.accounts.models import User
from ketaflow.synth.demo import seed_demo_clinic

pytestmark = pytest.mark.django_db
HREF = re.compile(r'href="([^"]+)"')
SKIP = ("/accounts/logout", "/static/", "/api/docs", "/api/openapi.json")
LIMIT_PER_ROLE = 120


def _links(html: str):
    for href in HREF.findall(html):
        url, _ = urldefrag(href.replace("&amp;", "&"))
        parsed = urlparse(url)
        if parsed.scheme or parsed.netloc or not url.startswith("/") or url.startswith(SKIP):
            continue
        yield url


def _crawl(client: Client) -> tuple[int, list[tuple[str, int]]]:
    seen, queue, broken = {"/"}, deque(["/"]), []
    visited = 0
    while queue and visited < LIMIT_PER_ROLE:
        url = queue.popleft()
        response = client.get(url, follow=True)
        visited += 1
        if response.status_code >= 500:
            broken.append((url, response.status_code))
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for link in _links(response.content.decode()):
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return visited, broken


def test_no_page_linked_from_home_answers_a_server_error_for_any_demo_role():
    logins = seed_demo_clinic(patients=6)
    roles_seen, broken = set(), []
    for login in logins:
        if login.role in roles_seen:
            continue
        roles_seen.add(login.role)
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(username=login.username))
        visited, errors = _crawl(client)
        assert visited > 3, login.role
        broken += [(login.role, *e) for e in errors]
    assert broken == [], "\n".join(map(str, broken))
