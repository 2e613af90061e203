from django import forms

from ketaflow.clinic.accounts.roles import Role
from ketaflow.clinic.core.forms import NoNulCharField


class UserCreateForm(forms.Form):
    username = NoNulCharField(max_length=150)
    first_name = NoNulCharField(max_length=150, required=False)
    last_name = NoNulCharField(max_length=150, required=False)
    email = forms.EmailField(required=False)
    credentials = NoNulCharField(max_length=40, required=False, help_text="e.g. MD, NP, RN")
    role = forms.ChoiceField(choices=Role.choices)
    password = forms.CharField(widget=forms.PasswordInput, help_text="At least 10 characters, not a common password")


class UserEditForm(forms.Form):
    first_name = NoNulCharField(max_length=150, required=False)
    last_name = NoNulCharField(max_length=150, required=False)
    email = forms.EmailField(required=False)
    credentials = NoNulCharField(max_length=40, required=False)
    role = forms.ChoiceField(choices=Role.choices)
    is_active = forms.BooleanField(required=False, label="Active")
    unlock = forms.BooleanField(
        required=False, label="Unlock (clear failed logins)",
        help_text="After five failed logins the account is locked for an hour; unlock it once you know who it was.",
    )  # fmt: skip
    # autocomplete=new-password: a browser must not fill in the admin's own saved password here.
    new_password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), required=False, label="New password",
        help_text="Only to replace a lost password; leave empty to keep it. Tell the user in person.",
    )  # fmt: skip


class TokenForm(forms.Form):
    name = NoNulCharField(max_length=80, label="Token name", help_text="Where it is used, e.g. 'lab import script'")
