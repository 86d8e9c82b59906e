from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "mesoclinic.plans"
    label = "plans"
    verbose_name = "Treatment plans"

    def ready(self) -> None:
        from mesoclinic.plans.protocols import protocol_book

        protocol_book()  # fail at start-up if a shipped protocol is broken
