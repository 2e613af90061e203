from ketaflow.clinic.accounts.access import route_allowed


class _Can:
    """``{% if can.patients__register %}``: templates ask the access table, never test roles themselves."""

    def __init__(self, role_code):
        self.role_code = role_code

    def __getitem__(self, key: str) -> bool:
        return route_allowed(key.replace("__", ":"), self.role_code)


def role(request):
    user = getattr(request, "user", None)
    role_code = getattr(user, "role", None) if user and user.is_authenticated else None
    return {"role": role_code, "can": _Can(role_code)}
