from django.db import migrations


def seed_categories(apps, schema_editor):
    from fengqiao.cases.taxonomy import seed

    seed(apps.get_model("cases", "Category"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed_categories, migrations.RunPython.noop)]
