from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "mesoclinic.assessments"
    label = "assessments"
    verbose_name = "Consultations and scalp evaluation"

    def ready(self) -> None:
        from mesoclinic.assessments.scales import staging_scales

        staging_scales()  # fail at start-up if the scales file is broken
