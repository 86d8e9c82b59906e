from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "mesoclinic.screening"
    label = "screening"
    verbose_name = "Screening (eligibility rules)"

    def ready(self) -> None:
        from mesoclinic.screening.rulebook import rulebook

        rulebook()  # fail at start-up, naming the file and rule, if the rulebook is broken
