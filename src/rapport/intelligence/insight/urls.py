"""Pages of the insight part of the AI engine (mounted under /insight/)."""

from django.urls import URLPattern, path

from rapport.intelligence.insight import views

urlpatterns: list[URLPattern] = [
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert_detail"),
    path(
        "alerts/<int:pk>/acknowledge/",
        views.alert_acknowledge,
        name="alert_acknowledge",
    ),
    path("alerts/<int:pk>/resolve/", views.alert_resolve, name="alert_resolve"),
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/new/", views.rule_form, name="rule_create"),
    path("rules/<int:pk>/edit/", views.rule_form, name="rule_edit"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("customers/", views.profile_list, name="profile_list"),
]
