from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.urls import reverse

from campaigns import signoff
from campaigns.demo import (
    DATA_OFFICER_USERNAME,
    MANAGER_USERNAME,
    REVIEW_STATEMENT_SLUG,
    demo_load,
)
from campaigns.models import PressStatement


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Load the demo campaign (Stop it Now! in North West England and North Wales, 2018) and "
        "two demo accounts. Safe to run again: it adds only what is missing, and leaves demo "
        "records that exist (perhaps edited by a campaign manager) as they are."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give both demo accounts new generated passwords and print them.",
        )
        parser.add_argument(
            "--restore",
            action="store_true",
            help="Also put demo records that were edited back to the demo's own values.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would change, then roll everything back.",
        )

    def handle(self, *args, reset_passwords: bool, restore: bool, dry_run: bool, **options) -> None:
        try:
            with transaction.atomic():
                result = demo_load(reset_passwords=reset_passwords, restore=restore)
                if dry_run:
                    raise _DryRun
        except _DryRun:
            self.stdout.write(self.style.WARNING("Dry run: nothing was saved."))
            result.passwords.clear()
        counts = result.counts
        self.stdout.write(
            f"Demo campaign: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} already there"
            + (" (left as they are; --restore puts edited ones back)." if not restore else ".")
        )
        if result.passwords:
            self.stdout.write(
                self.style.SUCCESS(f"Demo accounts (sign in at {reverse('admin:index')}):")
            )
            for username, password in result.passwords.items():
                self.stdout.write(f"  {username:<12} password: {password}")
            self.stdout.write("These passwords are shown only now. Keep them somewhere safe.")
        else:
            self.stdout.write(
                f"Demo accounts '{MANAGER_USERNAME}' and '{DATA_OFFICER_USERNAME}' already exist; "
                "their passwords were printed when they were made. For new ones: "
                "make demo-passwords"
            )
        if not dry_run:
            self.print_sign_off_link()

    def print_sign_off_link(self) -> None:
        """The partner's side of sign-off, to try: a working link for the statement in review
        (made only if none works yet), or why there is none."""
        statement = PressStatement.objects.filter(
            slug=REVIEW_STATEMENT_SLUG, is_demo=True, edition_of__isnull=True
        ).first()
        if statement is None:
            return
        url = signoff.demo_link_url(statement, settings.SITE_URL)
        if url is None:
            self.stdout.write(
                f"The demo statement '{statement.title}' has no quote awaiting sign-off."
            )
            return
        self.stdout.write(
            self.style.SUCCESS("Partner sign-off to try (no account needed, works for 7 days):")
        )
        self.stdout.write(f"  {url}")
        self.stdout.write(
            "  The regional organised crime unit's link to approve its quote in the demo "
            "statement waiting for review."
        )
