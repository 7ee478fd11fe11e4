from django.contrib import admin
from django.urls import include, path, re_path

from socialmission.core.views import media

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("socialmission.accounts.urls")),
    # Under the curator queue's address, but its own app: mounted before the include below.
    path("contribute/queue/links/", include("socialmission.linkhealth.urls")),
    path("contribute/queue/guides/", include("socialmission.guides.urls_manage")),
    path("contribute/", include("socialmission.contributions.urls")),
    path("guides/", include("socialmission.guides.urls")),
    path("alerts/", include("socialmission.alerts.urls")),
    path("assessment/", include("socialmission.assessment.urls")),
    path("", include("socialmission.interop.urls")),
    path("", include("socialmission.interop.urls_exports")),
    path("", include("socialmission.library.urls")),
    # Uploaded files are only champions' photos, added by curators in the admin (images by
    # extension). A self-hosted library on one machine serves them itself; a larger
    # deployment can let its web server answer /media/ first.
    re_path(r"^media/(?P<path>.*)$", media),
]

handler403 = "socialmission.core.views.permission_denied"
handler404 = "socialmission.core.views.page_not_found"
handler500 = "socialmission.core.views.server_error"
