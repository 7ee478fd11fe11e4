from __future__ import annotations

from django.db import models

from socialmission.library.models import Resource, Vocabulary


class Setting(Vocabulary):
    # Declared on the vocabulary's side, so the library's own models stay untouched.
    resources = models.ManyToManyField(Resource, related_name="settings", blank=True)

    class Meta(Vocabulary.Meta):
        app_label = "facet_app"
