"""Comms page URLs."""

from django.urls import URLPattern, path

from rapport.comms import views

app_name = "comms"

urlpatterns: list[URLPattern] = [
    path("messages/", views.message_list, name="message_list"),
    path("messages/<int:pk>/", views.message_detail, name="message_detail"),
    path("mailboxes/", views.mailbox_list, name="mailbox_list"),
    path("mailboxes/new/", views.mailbox_form, name="mailbox_create"),
    path("mailboxes/<int:pk>/edit/", views.mailbox_form, name="mailbox_edit"),
    path("mailboxes/<int:pk>/test/", views.mailbox_test, name="mailbox_test"),
    path("mailboxes/<int:pk>/poll/", views.mailbox_poll, name="mailbox_poll"),
    path("mailboxes/<int:pk>/delete/", views.mailbox_delete, name="mailbox_delete"),
    path("imports/", views.import_list, name="import_list"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
]
