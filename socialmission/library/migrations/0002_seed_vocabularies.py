from django.db import migrations
from django.utils.text import slugify


def seed(apps, schema_editor):
    from socialmission.library import vocabularies as v

    Domain = apps.get_model("library", "Domain")
    Topic = apps.get_model("library", "Topic")
    Profession = apps.get_model("library", "Profession")
    ResourceType = apps.get_model("library", "ResourceType")
    EvidenceLevel = apps.get_model("library", "EvidenceLevel")
    ActionArea = apps.get_model("library", "ActionArea")
    Synonym = apps.get_model("library", "Synonym")
    for i, (name, slug, desc) in enumerate(v.DOMAINS):
        Domain.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": desc, "position": i}
        )
    for i, (name, slug, desc) in enumerate(v.TOPICS):
        Topic.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": desc, "position": i}
        )
    for i, name in enumerate(v.PROFESSIONS):
        Profession.objects.get_or_create(slug=slugify(name), defaults={"name": name, "position": i})
    for i, (name, slug, csl, schema) in enumerate(v.RESOURCE_TYPES):
        ResourceType.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "position": i, "csl_type": csl, "schema_org_type": schema},
        )
    for i, (name, slug, desc) in enumerate(v.EVIDENCE_LEVELS):
        EvidenceLevel.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": desc, "position": i}
        )
    for i, (name, slug, domain_slugs) in enumerate(v.ACTION_AREAS):
        area, _ = ActionArea.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": i}
        )
        area.domains.set(Domain.objects.filter(slug__in=domain_slugs))
    for term, equivalent in v.SYNONYMS:
        Synonym.objects.get_or_create(term=term, equivalent=equivalent)


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
