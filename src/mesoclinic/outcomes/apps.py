from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "mesoclinic.outcomes"
    verbose_name = "Outcomes"

    def ready(self) -> None:
        from mesoclinic.outcomes.measures import measure_catalog

        measure_catalog()  # a broken measures file stops start-up with its name and measure
