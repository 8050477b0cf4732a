"""Extension requests can lapse (已失效); those already left pending on a case that moved on lapse now.

Before this, a pending request stayed pending when the case was returned, escalated, assigned
elsewhere, resolved or merged, and no one could decide it (``decide_extension`` needs the case
in progress). Such requests, left from before, are marked lapsed: the case is no longer with the
unit that asked, or no longer being handled there (a suspended case keeps its request).
"""

from django.db import migrations, models
from django.db.models import F, Q
from django.utils import timezone

HANDLED = ["dispatched", "in_progress", "suspended"]


def lapse_orphans(apps, schema_editor):  # type: ignore[no-untyped-def]
    ExtensionRequest = apps.get_model("cases", "ExtensionRequest")
    ExtensionRequest.objects.filter(state="pending").filter(
        ~Q(case__current_unit=F("unit")) | ~Q(case__status__in=HANDLED)
    ).update(state="lapsed", decided_at=timezone.now())


def pending_again(apps, schema_editor):  # type: ignore[no-untyped-def]
    # Back to 0003, which has no lapsed state: a lapsed request was pending when it lapsed.
    ExtensionRequest = apps.get_model("cases", "ExtensionRequest")
    ExtensionRequest.objects.filter(state="lapsed").update(state="pending", decided_at=None)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_alter_caseevent_action"),
    ]

    operations = [
        migrations.AlterField(
            model_name="extensionrequest",
            name="state",
            field=models.CharField(
                choices=[
                    ("pending", "待审批"),
                    ("approved", "已同意"),
                    ("denied", "已驳回"),
                    ("lapsed", "已失效"),
                ],
                default="pending",
                max_length=10,
                verbose_name="状态",
            ),
        ),
        migrations.RunPython(lapse_orphans, pending_again),
    ]
