import factory

from mesoclinic.accounts.models import ClinicGroup, Location, User
from mesoclinic.accounts.services import user_create

TEST_PASSWORD = "correct-horse-battery-staple"


class ClinicGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClinicGroup
        django_get_or_create = ("name",)

    name = "Mezo Test Clinics"
    country = "TR"
    currency = "TRY"


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    group = factory.SubFactory(ClinicGroupFactory)
    name = factory.Sequence(lambda number: f"Location {number}")
    city = "Istanbul"
    time_zone = "Europe/Istanbul"


def make_user(role: str, locations: list[Location], *, username: str, **names: str) -> User:
    """A login created through the same service the CLI uses."""
    return user_create(
        username=username, role=role, password=TEST_PASSWORD, locations=locations, **names
    )
