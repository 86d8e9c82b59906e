import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("treatments", "0003_vial_use_place_and_time_from_sessions")]

    operations = [
        migrations.AlterField(
            model_name="vialuse",
            name="location",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.location",
            ),
        ),
        migrations.AlterField(
            model_name="vialuse",
            name="given_at",
            field=models.DateTimeField(),
        ),
        migrations.RemoveIndex(model_name="vialuse", name="vial_use_by_lot"),
        migrations.AddIndex(
            model_name="vialuse",
            index=models.Index(fields=["lot", "given_at", "id"], name="vial_use_by_lot_in_time"),
        ),
        migrations.AddIndex(
            model_name="vialuse",
            index=models.Index(fields=["lot", "location"], name="vial_use_by_lot_and_place"),
        ),
    ]
