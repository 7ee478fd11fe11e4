"""Synonyms added with the relevance set: the catalog's words for the same ideas."""

from django.db import migrations

ADDED = [
    ("URM", "underrepresented minority"),
    ("HBCU", "historically Black"),
    ("Hispanic", "Latino"),
    ("Hispanic", "Latina"),
    ("Hispanic", "Latinx"),
    ("Black men", "Black males"),
    ("interprofessional", "interdisciplinary"),
    ("dentist", "dental"),
    ("dentist", "dentistry"),
    ("pharmacist", "pharmacy"),
]


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    Synonym = apps.get_model("library", "Synonym")
    for term, equivalent in ADDED:
        Synonym.objects.get_or_create(term=term, equivalent=equivalent)


class Migration(migrations.Migration):
    dependencies = [("library", "0004_issn_venue_short")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
