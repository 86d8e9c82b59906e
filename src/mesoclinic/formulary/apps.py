from django.apps import AppConfig


class FormularyConfig(AppConfig):
    name = "mesoclinic.formulary"
    label = "formulary"
    verbose_name = "Formulary and stock"

    def ready(self) -> None:
        from mesoclinic.formulary.catalog import ingredient_catalog

        ingredient_catalog()  # fail at start-up if the catalog is broken
