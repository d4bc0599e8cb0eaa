"""Comms page URLs."""

from django.urls import URLPattern

app_name = "comms"

urlpatterns: list[URLPattern] = []
