"""Pages of the ml part of the AI engine (mounted under /insight/)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
