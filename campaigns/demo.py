"""The demo campaign: a 2018 regional awareness campaign, reconstructed from public reporting.

Loading is idempotent: every record is looked up by a natural key and saved only when it
differs from what is here, so a second run writes nothing.
"""

import datetime
import secrets
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.db import models, transaction

from campaigns import demo_welsh as welsh
from campaigns.models import (
    Campaign,
    CampaignPartner,
    Person,
    PressStatement,
    Quote,
    ReportedFigure,
)
from campaigns.publishing import Status
from core.roles import CAMPAIGN_MANAGERS, PARTNER_DATA_OFFICERS
from regions.models import Metric, Organisation, PartnerMembership, Region, Statistic

UK = ZoneInfo("Europe/London")
BEFORE = (datetime.date(2017, 7, 1), datetime.date(2017, 12, 31))
AFTER = (datetime.date(2018, 1, 1), datetime.date(2018, 6, 30))
SOURCE = "The Lucy Faithfull Foundation, figures reported in 2018"
FIGURES_SOURCE = "The Lucy Faithfull Foundation and partners, press statement, 2018"

MANAGER_USERNAME = "manager"
DATA_OFFICER_USERNAME = "northwales"

Kind = Region.Kind

REGIONS = [
    # slug, name, kind, GSS code, police.uk id, groupings
    ("england", "England", Kind.NATION, "E92000001", None, []),
    ("wales", "Wales", Kind.NATION, "W92000004", None, []),
    ("north-west", "North West", Kind.ONS_REGION, "E12000002", None, ["england"]),
    ("north-west-and-north-wales", "North West and North Wales", Kind.GROUPING, None, None, []),
    ("cumbria", "Cumbria", Kind.POLICE_FORCE_AREA, "E23000002", "cumbria", ["north-west"]),
    ("lancashire", "Lancashire", Kind.POLICE_FORCE_AREA, "E23000003", "lancashire", ["north-west"]),
    ("merseyside", "Merseyside", Kind.POLICE_FORCE_AREA, "E23000004", "merseyside", ["north-west"]),
    (
        "greater-manchester",
        "Greater Manchester",
        Kind.POLICE_FORCE_AREA,
        "E23000005",
        "greater-manchester",
        ["north-west"],
    ),
    ("cheshire", "Cheshire", Kind.POLICE_FORCE_AREA, "E23000006", "cheshire", ["north-west"]),
    ("north-wales", "North Wales", Kind.POLICE_FORCE_AREA, "W15000001", "north-wales", ["wales"]),
]
FORCE_AREAS = [
    "cumbria",
    "lancashire",
    "merseyside",
    "greater-manchester",
    "cheshire",
    "north-wales",
]
REGION_DESCRIPTIONS = {
    "north-west-and-north-wales": (
        "The area of the North West Regional Organised Crime Unit (TITAN): the five police force "
        "areas of North West England together with North Wales."
    ),
}

OrgKind = Organisation.Kind
ORGANISATIONS = [
    # slug, name, short name, kind, regions, description
    (
        "lucy-faithfull-foundation",
        "The Lucy Faithfull Foundation",
        "",
        OrgKind.CHARITY,
        ["england", "wales"],
        "The UK-wide child protection charity that runs the Stop it Now! helpline and website.",
    ),
    (
        "titan",
        "North West Regional Organised Crime Unit",
        "TITAN",
        OrgKind.ROCU,
        ["north-west-and-north-wales"],
        "The regional organised crime unit for the five North West police forces and North Wales.",
    ),
    (
        "lancashire-constabulary",
        "Lancashire Constabulary",
        "",
        OrgKind.POLICE_FORCE,
        ["lancashire"],
        "",
    ),
    ("merseyside-police", "Merseyside Police", "", OrgKind.POLICE_FORCE, ["merseyside"], ""),
    (
        "greater-manchester-police",
        "Greater Manchester Police",
        "",
        OrgKind.POLICE_FORCE,
        ["greater-manchester"],
        "",
    ),
    ("cheshire-constabulary", "Cheshire Constabulary", "", OrgKind.POLICE_FORCE, ["cheshire"], ""),
    ("cumbria-constabulary", "Cumbria Constabulary", "", OrgKind.POLICE_FORCE, ["cumbria"], ""),
    ("north-wales-police", "North Wales Police", "", OrgKind.POLICE_FORCE, ["north-wales"], ""),
]
WEBSITES = {"lucy-faithfull-foundation": "https://www.lucyfaithfull.org.uk/"}

METRIC_SLUG = "helpline-contacts-online-behaviour"
CAMPAIGN_SLUG = "stop-it-now-north-west-and-north-wales"
STATEMENT_SLUG = "more-people-seek-help-after-campaign"

METRIC_NAME = "People contacting Stop it Now! about online sexual behaviour towards children"
METRIC_DESCRIPTION = (
    "People who contacted the Stop it Now! helpline or website about online sexual behaviour "
    "towards children, their own or someone else's, counted by the police force area they "
    "contacted from, in six-month periods."
)
CONFIDENTIALITY = (
    "Calls are free and confidential. You do not have to give your name or any details that "
    "identify you. Information that identifies a child at risk, or an offence, is passed on to "
    "the relevant agencies."
)
STATEMENT_TITLE = "More people seek help with online sexual behaviour after regional campaign"
STATEMENT_SUMMARY = (
    "In the six months after the campaign launched, the number of people from North Wales "
    "contacting Stop it Now! rose from 84 to 139, and across the six police force areas from "
    "1,747 to 3,549."
)

CAMPAIGN_BODY = """\
From January 2018 The Lucy Faithfull Foundation, the six police forces of North West England \
and North Wales and the regional organised crime unit asked people across the region to get help \
if they are worried about online sexual behaviour towards children: their own, or someone else's.

## Who gets in touch

Most people who contact Stop it Now! are men who want help to stop viewing sexual images of \
children. More and more are partners, wives and parents worried about someone they love.

## What happens when you get in touch

The helpline is free and confidential, and you can speak in English or Welsh. You do not have to \
give your name or anything else that identifies you. If you tell the helpline something that \
identifies a child at risk, or an offence, that information is passed on to the agencies that \
need to act on it.
"""

STATEMENT_BODY = """\
Figures from The Lucy Faithfull Foundation compare the six months before the campaign launched \
in January 2018 with the six months after.

In North Wales, 84 people contacted the Stop it Now! helpline or website about online sexual \
behaviour towards children in the first period and 139 in the second. Across the six police force \
areas together the number rose from 1,747 to 3,549. Lancashire, Cheshire and Cumbria reported \
increases of 146%, 193% and 186%.

Most of the people getting in touch are men seeking help to manage their own viewing of sexual \
images of children, and a growing number are partners and parents worried about someone close \
to them.
"""

PEOPLE = [
    # key, name, role title, organisation slug
    (
        "findlater",
        "Donald Findlater",
        "Director of the Stop it Now! Helpline",
        "lucy-faithfull-foundation",
    ),
    (
        "barr",
        "Alan Barr",
        "Assistant Chief Constable, North West Regional Lead for Serious and Organised Crime",
        # The regional lead speaks for the regional organised crime unit, which signs off his
        # words (partner sign-off).
        "titan",
    ),
]

QUOTES = [
    # person key, role as quoted, text
    (
        "findlater",
        "Director of the Stop it Now! Helpline, The Lucy Faithfull Foundation",
        "We are pleased the campaign has worked so well so early: nearly 600 people a month in "
        "the North West now come to us for help. Most are men trying to manage their own "
        "viewing, and more partners and parents are calling about someone they love. Stop it "
        "Now! is a confidential place to get help so that the behaviour stops and stays stopped, "
        "and getting that help takes one phone call.",
    ),
    (
        "barr",
        "Assistant Chief Constable, North West Regional Lead for Serious and Organised Crime",
        "Viewing indecent images of children online has grown sharply, driven by technology, "
        "easier access and the belief that nobody can tell who you are. Every time an image is "
        "viewed the child in it is harmed again, and more demand is created. That is why we "
        "work with our partners and use every resource we have to protect children and, "
        "wherever we can, to prevent offending.",
    ),
]

# A second statement, waiting in review, so that review and partner sign-off can be tried: its
# quote awaits the regional organised crime unit's approval (`make run` prints the link).
REVIEW_STATEMENT_SLUG = "why-police-back-the-helpline"
# When the demo says it was submitted (by nobody in particular: no demo account wrote it, so
# the demo manager may approve it).
DEMO_SUBMITTED_AT = datetime.datetime(2018, 7, 25, 10, 0, tzinfo=UK)
REVIEW_STATEMENT_TITLE = "Why the region's police back the Stop it Now! helpline"
REVIEW_STATEMENT_SUMMARY = (
    "The regional organised crime unit and the six police forces of North West England and North "
    "Wales back the confidential helpline: preventing people from viewing sexual images of "
    "children protects children."
)
REVIEW_STATEMENT_BODY = """\
The North West Regional Organised Crime Unit (TITAN) and the six police forces of North West \
England and North Wales support the Stop it Now! campaign with The Lucy Faithfull Foundation.

Police say that viewing indecent images of children online has grown sharply. Each time an image \
is viewed, the child in it is harmed again, and more demand is created. Working with partners to \
prevent offending, as well as to catch offenders, protects children.

Anyone worried about their own or someone else's online sexual behaviour towards children can \
call the helpline free and in confidence on 0808 1000 900, in English or Welsh.
"""
REVIEW_STATEMENT_QUOTE = (
    "barr",
    "Assistant Chief Constable, North West Regional Lead for Serious and Organised Crime",
    "Each time an image of a child is viewed, that child is harmed again. We work with partners "
    "such as Stop it Now! and use every resource we have to protect children and, wherever we "
    "can, to prevent offending before it happens.",
)

REPORTED_CHANGES = [
    # order, region slug, percent, label
    (1, "north-wales", 65, "Change in people contacting the helpline or website from North Wales"),
    (2, "lancashire", 146, "Change in people contacting the helpline or website from Lancashire"),
    (3, "cheshire", 193, "Change in people contacting the helpline or website from Cheshire"),
    (4, "cumbria", 186, "Change in people contacting the helpline or website from Cumbria"),
    (
        5,
        "north-west-and-north-wales",
        103,
        "Change in people contacting the helpline or website across the six force areas",
    ),
]

PER_MONTH_LABEL = (
    "People seeking help with online sexual behaviour towards children across the North West, "
    "at the time of the report"
)

# The campaign's partners, in order, and each one's role in it.
PARTNER_ROLES_EN = [
    ("lucy-faithfull-foundation", "Lead partner, runs the helpline"),
    ("titan", "Regional organised crime unit"),
    *(
        (slug, "Police partner")
        for slug in [
            "cheshire-constabulary",
            "cumbria-constabulary",
            "greater-manchester-police",
            "lancashire-constabulary",
            "merseyside-police",
            "north-wales-police",
        ]
    ),
]


def in_welsh(texts: dict[str, str]) -> dict[str, str]:
    """The Welsh columns of texts given in Welsh (campaigns/demo_welsh.py); an empty text is
    left unwritten, as its English is empty too."""
    return {f"{name}_cy": text for name, text in texts.items() if text}


# Demo records of apps built on this one (the press app's lists and contacts): each part is
# called as `part(loader, regions=...)` after the campaign is loaded, and adds its records
# through the loader's `sync` and `sync_m2m`, so a second run adds nothing and `--restore` puts
# them back too. Registered by `register_demo_part`, so this app names none of them.
DEMO_PARTS: list = []


def register_demo_part(part) -> None:
    if part not in DEMO_PARTS:
        DEMO_PARTS.append(part)


@dataclass
class DemoResult:
    counts: Counter = field(default_factory=Counter)
    passwords: dict[str, str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.counts["created"] or self.counts["updated"])


class _Loader:
    """Adds whatever demo record is missing. A record that exists is left as it is (a campaign
    manager may have edited it), unless `restore` asks for the demo's own values back."""

    def __init__(self, *, restore: bool = False) -> None:
        self.result = DemoResult()
        self.restore = restore
        self.created: set[tuple[str, int]] = set()

    def sync(
        self,
        model: type[models.Model],
        lookup: dict,
        values: dict,
        *,
        instance: models.Model | None = None,
    ) -> models.Model:
        """Create one row, or (when restoring) update it, saving only when something differs."""
        if instance is None:
            instance = model._default_manager.filter(**lookup).first()
        if instance is None:
            instance = model(**lookup, **values)
            state = "created"
        elif not self.restore:
            self.result.counts["unchanged"] += 1
            return instance
        else:
            differing = {k: v for k, v in values.items() if getattr(instance, k) != v}
            if not differing:
                self.result.counts["unchanged"] += 1
                return instance
            for name, value in differing.items():
                setattr(instance, name, value)
            state = "updated"
        instance.full_clean()
        instance.save()
        self.result.counts[state] += 1
        if state == "created":
            self.created.add((instance._meta.label, instance.pk))
        return instance

    def sync_m2m(self, manager, objects: list[models.Model]) -> None:
        """Set a new record's links; an existing record's only when restoring."""
        owner = manager.instance
        is_new = (owner._meta.label, owner.pk) in self.created
        if not (is_new or self.restore):
            return
        wanted = {obj.pk for obj in objects}
        if set(manager.values_list("pk", flat=True)) != wanted:
            manager.set(objects)
            if not is_new:
                self.result.counts["updated"] += 1

    def load(self, reset_passwords: bool) -> DemoResult:
        regions = self.regions()
        organisations = self.organisations(regions)
        metric = self.sync(
            Metric,
            {"slug": METRIC_SLUG},
            {
                "name": METRIC_NAME,
                "description": METRIC_DESCRIPTION,
                "unit": "people",
                "owner": organisations["lucy-faithfull-foundation"],
                "small_number_threshold": 5,
                **in_welsh(welsh.METRIC),
            },
        )
        for slug, before, after in [
            ("north-wales", 84, 139),
            ("north-west-and-north-wales", 1747, 3549),
        ]:
            for (start, end), value in [(BEFORE, before), (AFTER, after)]:
                self.sync(
                    Statistic,
                    {
                        "metric": metric,
                        "region": regions[slug],
                        "period_start": start,
                        "period_end": end,
                    },
                    {"value": value, "source": SOURCE},
                )
        campaign = self.campaign(organisations, regions, metric)
        self.statement(campaign, organisations, regions, metric)
        self.statement_in_review(campaign, organisations)
        for part in DEMO_PARTS:
            part(self, regions=regions)
        self.accounts(organisations, reset_passwords)
        return self.result

    def regions(self) -> dict[str, Region]:
        regions = {}
        for slug, name, kind, gss_code, police_uk_id, _groupings in REGIONS:
            regions[slug] = self.sync(
                Region,
                {"slug": slug},
                {
                    "name": name,
                    "kind": kind,
                    "gss_code": gss_code,
                    "police_uk_id": police_uk_id,
                    "description": REGION_DESCRIPTIONS.get(slug, ""),
                    **in_welsh(
                        {
                            "name": welsh.REGIONS[slug],
                            "description": welsh.REGION_DESCRIPTIONS.get(slug, ""),
                        }
                    ),
                },
            )
        for slug, *_rest, groupings in REGIONS:
            wanted = groupings + (["north-west-and-north-wales"] if slug in FORCE_AREAS else [])
            self.sync_m2m(regions[slug].groupings, [regions[g] for g in wanted])
        return regions

    def organisations(self, regions: dict[str, Region]) -> dict[str, Organisation]:
        organisations = {}
        for slug, name, short_name, kind, covered, description in ORGANISATIONS:
            organisation = self.sync(
                Organisation,
                {"slug": slug},
                {
                    "name": name,
                    "short_name": short_name,
                    "kind": kind,
                    "description": description,
                    "website": WEBSITES.get(slug, ""),
                    **in_welsh(welsh.ORGANISATIONS[slug]),
                },
            )
            self.sync_m2m(organisation.regions, [regions[r] for r in covered])
            organisations[slug] = organisation
        return organisations

    def campaign(self, organisations, regions, metric) -> Campaign:
        campaign = self.sync(
            Campaign,
            {"slug": CAMPAIGN_SLUG},
            # Found by its demo mark too, so a campaign whose address was edited is not doubled.
            instance=Campaign.objects.filter(is_demo=True).order_by("pk").first(),
            values={
                "title": "Stop it Now! in North West England and North Wales",
                "summary": (
                    "If you are worried about your own or someone else's online sexual behaviour "
                    "towards children, the Stop it Now! helpline offers free, confidential help "
                    "before harm is done."
                ),
                "body": CAMPAIGN_BODY,
                "lead_organisation": organisations["lucy-faithfull-foundation"],
                "launch_date": datetime.date(2018, 1, 1),
                "end_date": None,
                "helpline_name": "Stop it Now! helpline",
                "helpline_phone": "0808 1000 900",
                "helpline_hours": "",
                "helpline_url": "https://www.stopitnow.org.uk/",
                "helpline_confidentiality": CONFIDENTIALITY,
                "helpline_welsh": True,
                "is_sensitive": True,
                "status": Status.PUBLISHED,
                "publish_at": datetime.datetime(2018, 1, 1, 9, 0, tzinfo=UK),
                "is_demo": True,
                # The helpline's website has no Welsh address of its own: the Welsh pages link
                # to the same one.
                **in_welsh({**welsh.CAMPAIGN, "helpline_url": "https://www.stopitnow.org.uk/"}),
            },
        )
        for order, (slug, role) in enumerate(PARTNER_ROLES_EN):
            self.sync(
                CampaignPartner,
                {"campaign": campaign, "organisation": organisations[slug]},
                {"role": role, "order": order, **in_welsh({"role": welsh.PARTNER_ROLES[role]})},
            )
        self.sync_m2m(
            campaign.regions,
            [regions[slug] for slug in [*FORCE_AREAS, "north-west-and-north-wales"]],
        )
        self.sync_m2m(campaign.metrics, [metric])
        return campaign

    def statement(self, campaign, organisations, regions, metric) -> PressStatement:
        statement = self.sync(
            PressStatement,
            {"campaign": campaign, "slug": STATEMENT_SLUG},
            instance=campaign.statements.filter(is_demo=True).order_by("pk").first(),
            values={
                "title": STATEMENT_TITLE,
                "summary": STATEMENT_SUMMARY,
                "body": STATEMENT_BODY,
                "status": Status.PUBLISHED,
                "publish_at": datetime.datetime(2018, 8, 1, 9, 0, tzinfo=UK),
                "is_demo": True,
                **in_welsh(welsh.STATEMENT),
            },
        )
        self.sync_m2m(
            statement.issuing_organisations,
            [organisations["lucy-faithfull-foundation"], organisations["titan"]],
        )
        people = {}
        for key, name, role_title, organisation_slug in PEOPLE:
            people[key] = self.sync(
                Person,
                {"name": name},
                {
                    "role_title": role_title,
                    "organisation": organisations.get(organisation_slug),
                    **in_welsh({"role_title": welsh.PEOPLE_ROLES[key]}),
                },
            )
        self.people = people
        for order, (key, role, text) in enumerate(QUOTES):
            self.sync(
                Quote,
                {"statement": statement, "person": people[key]},
                {
                    "role_as_quoted": role,
                    "text": text,
                    "order": order,
                    **in_welsh(welsh.QUOTES[key]),
                },
            )
        periods = {
            "base_period_start": BEFORE[0],
            "base_period_end": BEFORE[1],
            "period_start": AFTER[0],
            "period_end": AFTER[1],
        }
        for order, slug, percent, label in REPORTED_CHANGES:
            self.sync(
                ReportedFigure,
                {"statement": statement, "region": regions[slug], "unit": "percent_change"},
                {
                    "label": label,
                    "value": Decimal(percent),
                    "qualifier": "",
                    "metric": metric,
                    "source": FIGURES_SOURCE,
                    "order": order,
                    **periods,
                    **in_welsh(
                        {
                            "label": welsh.REPORTED_LABELS[label],
                            "source": welsh.SOURCES[FIGURES_SOURCE],
                        }
                    ),
                },
            )
        self.sync(
            ReportedFigure,
            {"statement": statement, "unit": "per_month"},
            {
                "label": PER_MONTH_LABEL,
                "value": Decimal(600),
                "qualifier": "nearly",
                "metric": None,
                "region": None,
                "source": FIGURES_SOURCE,
                "order": 6,
                **in_welsh(
                    {
                        "label": welsh.REPORTED_LABELS[PER_MONTH_LABEL],
                        "source": welsh.SOURCES[FIGURES_SOURCE],
                    }
                ),
            },
        )
        return statement

    def statement_in_review(self, campaign, organisations) -> PressStatement:
        """A statement submitted for review, not yet approved, whose quote awaits sign-off."""
        statement = self.sync(
            PressStatement,
            {"campaign": campaign, "slug": REVIEW_STATEMENT_SLUG},
            values={
                "title": REVIEW_STATEMENT_TITLE,
                "summary": REVIEW_STATEMENT_SUMMARY,
                "body": REVIEW_STATEMENT_BODY,
                "status": Status.IN_REVIEW,
                "publish_at": None,
                **in_welsh(welsh.REVIEW_STATEMENT),
                "submitted_at": DEMO_SUBMITTED_AT,
                "is_demo": True,
            },
        )
        self.sync_m2m(
            statement.issuing_organisations,
            [organisations["titan"], organisations["lucy-faithfull-foundation"]],
        )
        key, role, text = REVIEW_STATEMENT_QUOTE
        self.sync(
            Quote,
            {
                "statement": statement,
                "person": self.people[key],
            },
            {"role_as_quoted": role, "text": text, "order": 0, **in_welsh(welsh.REVIEW_QUOTE)},
        )
        return statement

    def accounts(self, organisations, reset_passwords: bool) -> None:
        user_model = get_user_model()
        for username, group_name, organisation_slug in [
            (MANAGER_USERNAME, CAMPAIGN_MANAGERS, None),
            (DATA_OFFICER_USERNAME, PARTNER_DATA_OFFICERS, "north-wales-police"),
        ]:
            user = user_model.objects.filter(username=username).first()
            if user is None:
                user = user_model(username=username, is_staff=True)
                self._set_password(user, username)
                user.save()
                self.result.counts["created"] += 1
            elif reset_passwords:
                self._set_password(user, username)
                user.save(update_fields=["password"])
                self.result.counts["updated"] += 1
            else:
                self.result.counts["unchanged"] += 1
            group = Group.objects.get(name=group_name)
            if not user.groups.filter(pk=group.pk).exists():
                user.groups.add(group)
            if organisation_slug:
                self.sync(
                    PartnerMembership,
                    {"user": user},
                    {"organisation": organisations[organisation_slug]},
                )

    def _set_password(self, user: AbstractUser, username: str) -> None:
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        self.result.passwords[username] = password


def demo_load(*, reset_passwords: bool = False, restore: bool = False) -> DemoResult:
    """Add the demo campaign and its two accounts where missing (with `restore`, also put edited
    demo records back as they were); returns counts and new passwords."""
    with transaction.atomic():
        return _Loader(restore=restore).load(reset_passwords=reset_passwords)
