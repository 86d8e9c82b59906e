from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "mesoclinic.safety"
    verbose_name = "Safety (adverse events)"

    def ready(self) -> None:
        from mesoclinic.safety.event_types import event_catalog

        event_catalog()  # a broken event-type file stops start-up with its name and type
