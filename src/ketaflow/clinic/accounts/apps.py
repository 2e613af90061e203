from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ketaflow.clinic.accounts"
    label = "accounts"
