"""The protocol endpoints, mounted at the site root."""

from django.urls import path

from socialmission.interop import views
from socialmission.interop.api import api

app_name = "interop"
urlpatterns = [
    path("oai/", views.oai, name="oai"),
    path("api/v1/", api.urls),
    path("robots.txt", views.robots_txt, name="robots"),
]
