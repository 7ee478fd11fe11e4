"""Create the three role groups with the model permissions the admin needs for each role.

The role checks in ``roles.py`` go by group name; these permissions only decide what a
staff member of that group may do in the Django admin.
"""

from django.db import migrations

CURATOR_PERMS = [
    ("library", "view_resource"),
    ("library", "add_resource"),
    ("library", "change_resource"),
    ("library", "view_domain"),
    ("library", "view_topic"),
    ("library", "view_profession"),
    ("library", "view_resourcetype"),
    ("library", "view_evidencelevel"),
    ("library", "view_actionarea"),
    ("library", "view_synonym"),
    ("contributions", "view_suggestion"),
    ("contributions", "change_suggestion"),
    ("contributions", "view_nomination"),
    ("contributions", "change_nomination"),
    ("contributions", "view_champion"),
    ("contributions", "change_champion"),
    ("contributions", "view_resourcespotlight"),
    ("contributions", "view_championspotlight"),
]
EDITOR_EXTRA = [
    (app, f"{action}_{model}")
    for app, model in [
        ("library", "domain"),
        ("library", "topic"),
        ("library", "profession"),
        ("library", "resourcetype"),
        ("library", "evidencelevel"),
        ("library", "actionarea"),
        ("library", "synonym"),
        ("contributions", "champion"),
        ("contributions", "resourcespotlight"),
        ("contributions", "championspotlight"),
    ]
    for action in ("add", "change", "delete")
] + [("library", "delete_resource"), ("accounts", "view_user")]


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(pairs):
        found = []
        for app_label, codename in pairs:
            found += list(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
        return found

    curator, _ = Group.objects.get_or_create(name="Curator")
    curator.permissions.set(perms(CURATOR_PERMS))
    editor, _ = Group.objects.get_or_create(name="Editor-in-chief")
    editor.permissions.set(perms(CURATOR_PERMS + EDITOR_EXTRA))
    administrator, _ = Group.objects.get_or_create(name="Administrator")
    administrator.permissions.set(Permission.objects.all())


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Curator", "Editor-in-chief", "Administrator"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("library", "0002_seed_vocabularies"),
        ("contributions", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
