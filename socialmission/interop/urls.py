"""The protocol endpoints, mounted at the site root."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, re_path

from socialmission.interop import feeds, views
from socialmission.interop.api import api, api_root, without_trailing_slash
from socialmission.interop.sitemaps import SITEMAPS

app_name = "interop"
urlpatterns = [
    path("oai/", views.oai, name="oai"),
    # The API's root is its documentation; a path with a trailing slash answers as without one.
    path("api/v1/", api_root, name="api-root"),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/(?P<rest>.*[^/])/+$", without_trailing_slash, name="api-slash"),
    path("feeds/new.atom", feeds.NewResourcesAtomFeed(), name="feed-new-atom"),
    path("feeds/new.rss", feeds.NewResourcesFeed(), name="feed-new-rss"),
    path("feeds/search.atom", feeds.SearchFeed(), name="feed-search-atom"),
    path("feeds/search.rss", feeds.SearchRssFeed(), name="feed-search-rss"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "interop:sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
]
