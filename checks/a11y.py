"""Accessibility: axe-core (npm, installed into checks/node_modules) injected by Playwright into Debian's
Chromium, over the pages each demo role reaches from its home page (a same-origin crawl), plus the chart
after an htmx form post with an error.

    .venv/bin/python checks/a11y.py

Prints the violations by impact and the serious/critical rules with their pages; exits 1 if any serious
or critical violation is found (the target). ``bypass_csp=True`` is needed because our own CSP rightly
blocks the injected script.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlparse

from harness import Ketaflow

HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ROLES = ["dr.reyes", "rn.larsen", "desk.kim", "analyst.moreau", "admin", "patient.demo"]
SKIP = ("/accounts/logout", "/api/", "/static/", "/admin")
NOT_PAGES = (".pdf", ".svg", ".png")  # documents and images: nothing for axe, and a PDF starts a download


def ensure_axe() -> None:
    if not AXE.exists():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(HERE)], check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages-per-role", type=int, default=15)
    args = parser.parse_args()
    ensure_axe()
    from playwright.sync_api import sync_playwright

    app = Ketaflow(workers=1, threads=4)
    results: dict[str, list] = {}
    started = time.monotonic()
    try:
        app.prepare(seed=True)
        app.start()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            context = browser.new_context(bypass_csp=True)
            page = context.new_page()
            page.set_default_timeout(15000)
            audit(page, app.url + "/accounts/login/", "anonymous", results)
            for username in ROLES:
                context.clear_cookies()
                page.goto(app.url + "/accounts/login/")
                page.fill("#id_username", username)
                page.fill("#id_password", username.replace(".", "-") + "-demo-2026")
                page.click("main button[type=submit]")
                page.wait_for_load_state()
                crawl(page, app.url, username, results, args.pages_per_role)
            browser.close()
    finally:
        app.stop()
    report(results, time.monotonic() - started)
    serious = sum(1 for vs in results.values() for v in vs if v["impact"] in ("serious", "critical"))
    return 1 if serious else 0


def audit(page, url: str, who: str, results: dict) -> None:
    page.goto(url)
    page.wait_for_load_state()
    run_axe(page, f"{who} {urlparse(page.url).path}", results)


def run_axe(page, label: str, results: dict) -> None:
    page.add_script_tag(path=str(AXE))
    res = page.evaluate("(t) => axe.run(document, {runOnly: {type: 'tag', values: t}})", TAGS)
    results[label] = [
        {"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"])} for v in res["violations"]
    ]


def crawl(page, base: str, who: str, results: dict, limit: int) -> None:
    queue, seen = ["/"], set()
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(base + path)
        page.wait_for_load_state()
        if response is None or response.status >= 400:
            continue
        run_axe(page, f"{who} {path}", results)
        if "/patients/" in path and path.count("/") == 3 and who != "patient.demo":
            htmx_error_state(page, who, path, results)
        for href in page.eval_on_selector_all("a[href^='/']", "els => els.map(e => e.getAttribute('href'))"):
            clean = href.split("#")[0].split("?")[0]
            if clean and not clean.startswith(SKIP) and not clean.endswith(NOT_PAGES) and clean not in seen \
                    and clean not in queue:
                # Treatment plans and their booking pages first: the dose check and the predicted-Cp chart
                # sit several links deep and a breadth-first crawl of 15 pages could stop short of them.
                if "/plans/" in clean:
                    queue.insert(0, clean)
                else:
                    queue.append(clean)


def htmx_error_state(page, who: str, path: str, results: dict) -> None:
    """Submit the allergy form empty (a validation error swapped in by htmx) and check again."""
    button = page.locator("#allergy button[type=submit]")
    if button.count() == 0:
        return
    button.first.click()
    page.wait_for_timeout(500)
    run_axe(page, f"{who} {path} (htmx error state)", results)


def report(results: dict, seconds: float) -> None:
    by_impact = Counter()
    serious = defaultdict(set)
    for label, violations in results.items():
        for v in violations:
            by_impact[v["impact"]] += 1
            if v["impact"] in ("serious", "critical"):
                serious[(v["impact"], v["id"])].add(label)
    print(f"axe-core over {len(results)} page states in {seconds:.0f} s (WCAG 2.0/2.1/2.2 A and AA rules)")
    plans = sorted({label.split(" ", 1)[1] for label in results if "/plans/" in label})
    print(f"  treatment-plan pages among them: {len(plans)}, e.g. {plans[:3]}")
    for impact in ("critical", "serious", "moderate", "minor"):
        print(f"  {impact:<9} {by_impact.get(impact, 0)}")
    for (impact, rule), labels in sorted(serious.items()):
        print(f"  {impact} {rule}: {len(labels)} pages, e.g. {sorted(labels)[:3]}")
    print(f"serious or critical violations: {by_impact.get('serious', 0) + by_impact.get('critical', 0)}")


if __name__ == "__main__":
    sys.exit(main())
