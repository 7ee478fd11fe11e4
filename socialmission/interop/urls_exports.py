"""Export downloads and the curator import page; the project urls include this at the root."""

from django.urls import path

from socialmission.interop import views_exports as views

app_name = "exports"
urlpatterns = [
    path("resources/<int:pk>/export/<str:fmt>/", views.resource_export, name="resource"),
    path("search/export/<str:fmt>/", views.search_export, name="search"),
    path("library/export/<str:fmt>/", views.library_export, name="library"),
    path("curate/import/", views.import_page, name="import"),
]
