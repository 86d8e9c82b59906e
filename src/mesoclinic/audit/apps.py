from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "mesoclinic.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from mesoclinic.audit import receivers  # noqa: F401  (login and logout events)
