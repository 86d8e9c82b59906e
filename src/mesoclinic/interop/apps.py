from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "mesoclinic.interop"
    verbose_name = "Exchange with other systems"
