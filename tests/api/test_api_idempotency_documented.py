"""The OpenAPI document tells clients about the Idempotency-Key header on every write, and about its 409."""

import re

from ketaflow.api import api
from ketaflow.clinic.reliability.middleware import KEY_PATTERN


def _operations():
    for path, item in api.get_openapi_schema()["paths"].items():
        for method, op in item.items():
            yield method, path, op


def _header(op):
    return next((p for p in op["parameters"] if p["in"] == "header" and p["name"] == "Idempotency-Key"), None)


def test_every_write_documents_the_optional_idempotency_key_header_and_its_409():
    writes = [(m, p, op) for m, p, op in _operations() if m in ("post", "put", "patch", "delete")]
    assert writes
    for method, path, op in writes:
        header = _header(op)
        assert header is not None and header["required"] is False, (method, path)
        assert header["schema"]["pattern"] == KEY_PATTERN.pattern and "422" in header["description"]
        assert {409, 422} <= {int(code) for code in op["responses"]}, (method, path)


def test_reads_do_not_mention_the_header():
    assert all(_header(op) is None for m, _, op in _operations() if m == "get")


def test_the_documented_pattern_accepts_a_uuid_and_refuses_spaces():
    pattern = _header(api.get_openapi_schema()["paths"]["/api/patients"]["post"])["schema"]["pattern"]
    assert re.fullmatch(pattern, "7f1c9e1a-2b1d-4c55-9f0e-1d2c3b4a5e6f") and not re.fullmatch(pattern, "a b")
