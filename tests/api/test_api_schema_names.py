"""Two API schemas with one class name share one OpenAPI component, so one operation's answers would be
checked against the other's schema (the long fuzz found the outcome proposals validated as booking
proposals). Every schema class in ketaflow.api has its own name."""

from collections import defaultdict

from ninja import Schema

import ketaflow.api  # noqa: F401  (imports every API module)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_no_two_api_schema_classes_share_a_name():
    by_name = defaultdict(set)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("ketaflow.api"):
            by_name[cls.__name__].add(cls.__module__)
    assert {name: sorted(mods) for name, mods in by_name.items() if len(mods) > 1} == {}
