from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "mesoclinic.portal"
    label = "portal"
    verbose_name = "Patient portal and public self-assessment"
