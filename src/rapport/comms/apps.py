from django.apps import AppConfig


class CommsConfig(AppConfig):
    name = "rapport.comms"
    label = "comms"
    verbose_name = "Comms"
