"""The sign-in, sign-out and password pages, mounted at /accounts/ (public)."""

from django.urls import include, path

from socialmission.accounts import views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    # The rest as Django has them (logout, reset confirmation, password change), with our
    # templates in registration/.
    path("", include("django.contrib.auth.urls")),
]
