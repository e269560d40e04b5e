from django.db import migrations, models

# The kinds of public content when this was written (campaigns/page_cache.py PUBLIC_CONTENT):
# each gets its row now, so that a bump is always an update. A kind added later gets its row
# with its first change.
KINDS = [
    "regions.region",
    "regions.organisation",
    "regions.metric",
    "regions.statistic",
    "regions.importbatch",
    "campaigns.campaign",
    "campaigns.campaignpartner",
    "campaigns.person",
    "campaigns.pressstatement",
    "campaigns.quote",
    "campaigns.reportedfigure",
]


def add_kinds(apps, schema_editor):
    ContentVersion = apps.get_model("campaigns", "ContentVersion")
    ContentVersion.objects.bulk_create(
        [ContentVersion(label=label, number=1) for label in KINDS], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0021_calendar_feed_token"),
    ]

    operations = [
        migrations.CreateModel(
            name="ContentVersion",
            fields=[
                ("label", models.CharField(max_length=100, primary_key=True, serialize=False)),
                ("number", models.BigIntegerField(default=1)),
            ],
            options={
                "verbose_name": "content version",
            },
        ),
        migrations.RunPython(add_kinds, migrations.RunPython.noop),
    ]
