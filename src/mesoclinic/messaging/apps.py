from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "mesoclinic.messaging"
    verbose_name = "Messages to patients"

    def ready(self) -> None:
        from mesoclinic.messaging.care import care_book

        care_book()  # a broken care file stops start-up with its name and item
