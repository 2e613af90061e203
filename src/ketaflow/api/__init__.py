"""Ketaflow's JSON API (django-ninja, OpenAPI at /api/docs). Same permissions and validation as the pages."""

from ketaflow.api import assessments as _assessments  # noqa: F401
from ketaflow.api import diary as _diary  # noqa: F401
from ketaflow.api import dosing as _dosing  # noqa: F401
from ketaflow.api import infusions as _infusions  # noqa: F401
from ketaflow.api import outcomes as _outcomes  # noqa: F401
from ketaflow.api import patients as _patients  # noqa: F401  (registers the routes)
from ketaflow.api import plans as _plans  # noqa: F401
from ketaflow.api import scheduling as _scheduling  # noqa: F401
from ketaflow.api import screening as _screening  # noqa: F401
from ketaflow.api import system as _system  # noqa: F401
from ketaflow.api.base import api

__all__ = ["api"]
