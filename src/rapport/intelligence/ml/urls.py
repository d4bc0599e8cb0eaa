"""Pages of the ml part of the AI engine (mounted under /insight/)."""

from django.urls import URLPattern, path

from rapport.intelligence.ml import views

urlpatterns: list[URLPattern] = [
    path("models/", views.models_overview, name="ml_models"),
    path("models/churn-risk/", views.churn, name="ml_churn"),
    path("models/<str:kind>/", views.model_detail, name="ml_model"),
    path("models/<str:kind>/train/", views.train, name="ml_train"),
    path("models/<str:kind>/rollback/", views.rollback, name="ml_rollback"),
    path(
        "models/<str:kind>/<int:version_id>/activate/",
        views.activate,
        name="ml_activate",
    ),
    path("review/", views.review, name="ml_review"),
    path("review/<int:item_id>/decide/", views.decide, name="ml_decide"),
]
