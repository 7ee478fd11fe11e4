from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("contribute/", include("socialmission.contributions.urls")),
    path("", include("socialmission.interop.urls")),
    path("", include("socialmission.interop.urls_exports")),
    path("", include("socialmission.library.urls")),
]

handler404 = "socialmission.core.views.page_not_found"
handler500 = "socialmission.core.views.server_error"
