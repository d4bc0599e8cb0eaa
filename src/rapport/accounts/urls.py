"""Sign-in, sign-out and personal API tokens."""

from django.urls import path

from rapport.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("tokens/", views.ApiTokenListView.as_view(), name="tokens"),
    path(
        "tokens/<int:pk>/revoke/",
        views.ApiTokenRevokeView.as_view(),
        name="token_revoke",
    ),
]
