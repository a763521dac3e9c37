"""Account pages: sign-up, email verification, login, password reset (mounted at /accounts/)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import account_views

urlpatterns = [
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", account_views.signup, name="account-signup"),
    path("verify/sent/", account_views.verify_sent, name="account-verify-sent"),
    path("verify/resend/", account_views.resend_verification, name="account-verify-resend"),
    path("verify/<str:token>/", account_views.verify, name="account-verify"),
    path("profile/", account_views.profile, name="account-profile"),
    path("data/", account_views.download_data, name="account-data"),
    path("delete/", account_views.delete, name="account-delete"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        account_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
