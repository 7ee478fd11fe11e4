from django.urls import path

from socialmission.library import views

app_name = "library"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search_view, name="search"),
    path("gap-map/", views.gap_map, name="gap-map"),
    path("resources/<int:pk>-<slug:slug>/", views.resource_detail, name="resource"),
    path("resources/<int:pk>/", views.resource_detail, name="resource-short"),
    path("healthz/", views.healthz, name="healthz"),
]
