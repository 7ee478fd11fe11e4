from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "socialmission.assessment"
    label = "assessment"
    verbose_name = "Self-assessment"
