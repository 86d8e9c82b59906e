import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("treatments", "0001_session_charting"),
    ]

    operations = [
        migrations.AddField(
            model_name="vialuse",
            name="location",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.location",
            ),
        ),
        migrations.AddField(
            model_name="vialuse",
            name="given_at",
            field=models.DateTimeField(null=True),
        ),
    ]
