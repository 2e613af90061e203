"""The one error the clinical core raises for bad input.

It names the field and what is allowed, so the shell can show it on the page and as a 4xx JSON error
without rewording. Nothing in the core clamps, rounds away or drops a bad value.
"""

from __future__ import annotations


class DomainValidationError(ValueError):
    def __init__(self, field: str, message: str, allowed: str = ""):
        self.field = field
        self.message = message
        self.allowed = allowed
        text = f"{field}: {message}"
        if allowed:
            text += f" (allowed: {allowed})"
        super().__init__(text)

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message, "allowed": self.allowed}
