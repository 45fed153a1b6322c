from django.contrib.auth import views as auth_views
from django.urls import include, path

from apps.accounts import pages, passkeys
from apps.accounts.forms import PageLoginForm

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="accounts/login.html", authentication_form=PageLoginForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("second-factor/", pages.second_factor, name="second-factor"),
    path("language/", pages.language, name="language"),
    path("second-factor/manage/", pages.second_factors, name="second-factors"),
    path("passkeys/", include((passkeys.urlpatterns, "otp_webauthn"))),
]
