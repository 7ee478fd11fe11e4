"""The project's URLs plus the export/import URLs, for tests run before the lead includes them."""

from django.urls import include, path

from socialmission import urls as project

_included = any(getattr(p, "namespace", None) == "exports" for p in project.urlpatterns)
urlpatterns = (
    list(project.urlpatterns)
    if _included
    else [path("", include("socialmission.interop.urls_exports")), *project.urlpatterns]
)
handler404 = project.handler404
handler500 = project.handler500
handler400 = project.handler400
