from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "mesoclinic.patients"
    label = "patients"
    verbose_name = "Patients and medical history"

    def ready(self) -> None:
        from mesoclinic.patients.icd10 import icd10_catalog

        icd10_catalog()  # fail at start-up, not mid-consultation, if the data file is broken
