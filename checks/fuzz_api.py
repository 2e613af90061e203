"""The long schemathesis run: the schemathesis CLI against a real server (gunicorn, seeded demo clinic),
once per role with that role's bearer token, plus once with a wrong token (which must be refused).

    .venv/bin/python checks/fuzz_api.py                    # 45 s per role
    .venv/bin/python checks/fuzz_api.py --max-time 300     # acceptance run

Prints one line per role and the figure: ``server errors (5xx): 0; other check failures: K``.
Checks: no 5xx, only documented status codes and content types, response bodies match their schemas,
405 for undeclared methods, invalid input refused. Schema-valid input that a clinical rule refuses (a
missing patient, a plan that is not signed) is legitimate, so positive_data_acceptance is not run.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

from harness import ROOT, Ketaflow

ST = str(ROOT / ".venv" / "bin" / "st")
CHECKS = ",".join([
    "not_a_server_error", "status_code_conformance", "content_type_conformance", "response_schema_conformance",
    "unsupported_method", "negative_data_rejection",
])  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-time", type=int, default=45, help="seconds per role")
    parser.add_argument("--roles", default="prescriber,nurse,front_desk,analyst,admin,patient")
    args = parser.parse_args()
    app = Ketaflow()
    server_errors = failures = cases = 0
    try:
        tokens = app.prepare(seed=True)
        app.start()
        reports = Path(app.dir) / "fuzz"
        for role in args.roles.split(","):
            out = run(app, f"Bearer {tokens[role]}", args.max_time, reports / role)
            errors, failed, n, details = summarise(reports / role, out)
            server_errors, failures, cases = server_errors + errors, failures + failed, cases + n
            print(
                f"{role:<11} {n:>6} cases, {errors} operations with a 5xx, {failed} operations failing a check"
            )
            for line in details:
                print(f"    {line}")
        schema = json.loads(urllib.request.urlopen(app.url + "/api/openapi.json", timeout=10).read())
        schema_file = Path(app.dir) / "openapi.json"
        schema_file.write_text(json.dumps(schema))
        secured = sum(
            1
            for item in schema["paths"].values()
            for op in item.values()
            if op.get("security", schema.get("security"))
        )
        # About half a second per operation: with a fixed 10 s, 20 of 68 operations were skipped unchecked.
        wrong = run(app, "Bearer kf_not-a-real-token", max(30, secured), reports / "wrong-token",
                    location=str(schema_file))  # fmt: skip
        answered_401 = re.search(r"Authentication failed: (\d+) operations? returned only 401", wrong)
        refused = bool(answered_401) and int(answered_401.group(1)) >= secured
        print(
            f"wrong token: {answered_401.group(1) if answered_401 else 0} operations answered only 401 "
            f"({secured} need authentication; a wrong token is refused even on /api/health)"
        )
    finally:
        app.stop()
    print(
        f"operations answering 5xx: {server_errors}; operations failing any check: {failures}; cases: {cases}"
    )
    print(f"reports (JUnit XML per role) in {reports}")
    return 0 if server_errors == 0 and failures == 0 and refused else 1


def run(app: Ketaflow, authorization: str, max_time: int, report_dir: Path, location: str = "") -> str:
    argv = [
        ST, "run", location or app.url + "/api/openapi.json", "-H", f"Authorization: {authorization}",
        "--checks", CHECKS if not location else "not_a_server_error", "--max-time", str(max_time), "--seed", "1", "--workers", "1",
        "--report", "junit", "--report-dir", str(report_dir), "--warnings", "missing_auth",
    ]  # fmt: skip
    if location:  # the wrong-token run: the schema comes from a file, the requests go to the server
        argv += ["--url", app.url, "--phases", "examples,coverage", "--max-examples", "2"]
    run = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, env=app.env | {"NO_COLOR": "1"})
    return run.stdout + run.stderr


def summarise(report_dir: Path, output: str) -> tuple[int, int, int, list[str]]:
    """From the role's JUnit report: operations with a server error (ST101), operations with any failure,
    and the failing operations with their schemathesis codes; the case count from the summary."""
    server_errors, failed, details = 0, 0, []
    for xml in report_dir.glob("*.xml"):
        for case in ET.parse(xml).getroot().iter("testcase"):
            failure = case.find("failure")
            if failure is None:
                continue
            codes = sorted(set(re.findall(r"ST\d{3}", (failure.get("message") or "") + (failure.text or ""))))
            failed += 1
            server_errors += "ST101" in codes
            details.append(f"{case.get('name')} [{', '.join(codes)}]")
    cases = re.search(r"(\d+) generated", output)
    return server_errors, failed, int(cases.group(1)) if cases else 0, details


if __name__ == "__main__":
    sys.exit(main())
