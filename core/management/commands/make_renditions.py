from django.apps import apps
from django.core.management.base import BaseCommand

from core.renditions import PictureModel, renditions_generate


class Command(BaseCommand):
    help = (
        "Make the renditions (WebP and JPEG or PNG at each width pages show) of every stored "
        "picture that lacks them: pictures stored before renditions existed, or whose "
        "renditions were lost. Those already there are left alone. Pictures saved in the "
        "admin get theirs when they are saved; this needs running once after an upgrade."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count the pictures that would be looked at, making nothing.",
        )

    def handle(self, *args, dry_run: bool = False, **options):
        pictures = made = 0
        for model in apps.get_models():
            if not issubclass(model, PictureModel):
                continue
            for field_name, kind in model.picture_fields.items():
                width_field = model._meta.get_field(field_name).width_field
                rows = model._base_manager.exclude(**{field_name: ""}).exclude(
                    **{f"{field_name}__isnull": True}
                )
                for row in rows.iterator():
                    pictures += 1
                    if dry_run:
                        continue
                    file = getattr(row, field_name)
                    if not file.storage.exists(file.name):
                        self.stderr.write(
                            self.style.WARNING(
                                f"{model._meta.label} {row.pk}: {file.name} is not in storage."
                            )
                        )
                        continue
                    made += renditions_generate(file, kind, width=getattr(row, width_field))
        if dry_run:
            self.stdout.write(f"{pictures} picture(s) would be looked at; nothing was made.")
        else:
            self.stdout.write(
                self.style.SUCCESS(f"{made} rendition(s) made for {pictures} picture(s).")
            )
