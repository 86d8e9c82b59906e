"""Each vial use gets the location and completion time of the session it was used in."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def copy_from_sessions(apps, schema_editor):
    VialUse = apps.get_model("treatments", "VialUse")
    TreatmentSession = apps.get_model("treatments", "TreatmentSession")
    session = TreatmentSession.objects.filter(pk=OuterRef("session_id"))
    VialUse.objects.update(
        location_id=Subquery(session.values("appointment__location_id")[:1]),
        given_at=Subquery(session.values("completed_at")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [("treatments", "0002_vial_use_place_and_time")]

    operations = [migrations.RunPython(copy_from_sessions, migrations.RunPython.noop)]
