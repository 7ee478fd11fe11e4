from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "socialmission.contributions"
    label = "contributions"
