"""Users and roles.

Roles are Django groups (see ``roles.py``) so that an administrator grants them in the admin
without code changes; the custom user model exists from the first migration because swapping
it later is painful.
"""

from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        db_table = "accounts_user"

    def display_name(self) -> str:
        return self.get_full_name() or self.username
