"""The curators' guide pages, mounted at /contribute/queue/guides/ before the contributions
URLs (socialmission/urls.py): curators only."""

from django.urls import path

from socialmission.guides import views_manage as views

app_name = "guides_manage"
urlpatterns = [
    path("", views.guide_list, name="list"),
    path("new/", views.guide_create, name="create"),
    path("<int:pk>/", views.guide_edit, name="edit"),
    path("<int:pk>/items/add/", views.item_add, name="item-add"),
    path("<int:pk>/items/<int:item_pk>/note/", views.item_note, name="item-note"),
    path("<int:pk>/items/<int:item_pk>/move/", views.item_move, name="item-move"),
    path("<int:pk>/items/<int:item_pk>/remove/", views.item_remove, name="item-remove"),
]
