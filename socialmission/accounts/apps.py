from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "socialmission.accounts"
    label = "accounts"
