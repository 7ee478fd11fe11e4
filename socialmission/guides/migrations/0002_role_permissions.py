"""Give the role groups the admin permissions for reading guides.

Curators build and edit guides; deleting a whole guide is for the editor-in-chief. The
administrator group holds every permission. Groups come from accounts' role migration.
"""

from django.db import migrations

CURATOR_PERMS = [
    "view_readingguide",
    "add_readingguide",
    "change_readingguide",
    "view_readingguideitem",
    "add_readingguideitem",
    "change_readingguideitem",
    "delete_readingguideitem",
]
EDITOR_PERMS = [*CURATOR_PERMS, "delete_readingguide"]
ALL_PERMS = EDITOR_PERMS


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make sure ours exist now.
    app_config = apps.get_app_config("guides")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(codenames):
        return Permission.objects.filter(content_type__app_label="guides", codename__in=codenames)

    for name, codenames in [
        ("Curator", CURATOR_PERMS),
        ("Editor-in-chief", EDITOR_PERMS),
        ("Administrator", ALL_PERMS),
    ]:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*perms(codenames))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.all():
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="guides"))


class Migration(migrations.Migration):
    dependencies = [
        ("guides", "0001_initial"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
