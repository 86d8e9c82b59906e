from django.apps import AppConfig


class TreatmentsConfig(AppConfig):
    name = "mesoclinic.treatments"
    verbose_name = "Treatment sessions"

    def ready(self) -> None:
        from mesoclinic.treatments.session_rules import session_rules

        session_rules()  # a broken rules file stops start-up with its name and item
