from django.db import migrations
from django.db.models import Max


def create_counter(apps, schema_editor):
    Activity = apps.get_model("activities", "Activity")
    ActivityCounter = apps.get_model("activities", "ActivityCounter")
    highest = Activity.objects.aggregate(highest=Max("number"))["highest"] or 0
    ActivityCounter.objects.get_or_create(pk=1, defaults={"last_number": highest})


class Migration(migrations.Migration):
    dependencies = [("activities", "0002_initial")]

    operations = [migrations.RunPython(create_counter, migrations.RunPython.noop)]
