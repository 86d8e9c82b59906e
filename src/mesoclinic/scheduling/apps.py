from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "mesoclinic.scheduling"
    label = "scheduling"
    verbose_name = "Clinic calendar"
