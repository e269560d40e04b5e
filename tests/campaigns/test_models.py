import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from campaigns.models import Campaign, ReportedFigure
from campaigns.publishing import Status
from core.markdown import render_markdown
from tests.campaigns.factories import (
    CampaignFactory,
    CampaignPartnerFactory,
    PersonFactory,
    PressStatementFactory,
    QuoteFactory,
    ReportedFigureFactory,
)
from tests.regions.factories import MetricFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def refused(save) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        save()


def test_campaigns_and_statements_need_a_slug():
    refused(lambda: CampaignFactory(slug=""))
    refused(lambda: PressStatementFactory(slug=""))


def test_campaign_slug_is_unique():
    CampaignFactory(slug="stop-it-now")
    with pytest.raises(ValidationError):
        CampaignFactory.build(
            slug="stop-it-now", lead_organisation=OrganisationFactory()
        ).full_clean()
    refused(lambda: CampaignFactory(slug="stop-it-now"))


def test_campaign_cannot_end_before_launch():
    campaign = CampaignFactory.build(
        lead_organisation=OrganisationFactory(),
        launch_date=datetime.date(2018, 1, 1),
        end_date=datetime.date(2017, 12, 31),
    )
    with pytest.raises(ValidationError, match="end date cannot be before the launch date"):
        campaign.full_clean()
    refused(campaign.save)


def test_hero_image_needs_a_description_or_the_decorative_tick(stored_png):
    campaign = CampaignFactory.build(lead_organisation=OrganisationFactory(), hero_image=stored_png)
    with pytest.raises(ValidationError, match="Describe the hero image"):
        campaign.full_clean()
    refused(campaign.save)

    campaign.hero_image_decorative = True
    campaign.save()
    campaign.hero_image_decorative = False
    campaign.hero_image_alt = "A parent talking on the phone at a kitchen table"
    campaign.save()


def test_decorative_image_has_no_description(stored_png):
    campaign = CampaignFactory.build(
        lead_organisation=OrganisationFactory(),
        hero_image=stored_png,
        hero_image_alt="Something",
        hero_image_decorative=True,
    )
    with pytest.raises(ValidationError, match="A decorative image has no description"):
        campaign.full_clean()
    refused(campaign.save)


def test_published_content_needs_a_publish_time_in_the_database():
    refused(lambda: CampaignFactory(status=Status.PUBLISHED, publish_at=None))
    refused(lambda: PressStatementFactory(status=Status.ARCHIVED, publish_at=None))
    CampaignFactory(status=Status.DRAFT, publish_at=None)


def test_publishing_without_a_time_publishes_now():
    campaign = CampaignFactory.build(
        lead_organisation=OrganisationFactory(), status=Status.PUBLISHED, publish_at=None
    )
    before = timezone.now()
    campaign.full_clean()
    assert before <= campaign.publish_at <= timezone.now()


def test_helpline_phone_is_validated_and_dialable():
    campaign = CampaignFactory.build(
        lead_organisation=OrganisationFactory(), helpline_phone="call us!"
    )
    with pytest.raises(ValidationError) as error:
        campaign.full_clean()
    assert "helpline_phone" in error.value.message_dict
    assert CampaignFactory.build(helpline_phone="0808 1000 900").helpline_tel == "tel:08081000900"


@pytest.mark.parametrize(
    ("phone", "tel", "free"),
    [
        ("0808 1000 900", "tel:08081000900", True),
        ("0800 11 11", "tel:08001111", True),
        ("+44 808 1000 900", "tel:+448081000900", True),
        ("+44 (0)808 1000 900", "tel:+448081000900", True),
        ("0044 808 1000 900", "tel:+448081000900", True),
        ("0808 1000 900 ext 12", "tel:+448081000900;ext=12", True),
        ("+44 (0)808 1000 900 Ext. 12", "tel:+448081000900;ext=12", True),
        ("116 123", "tel:116123", True),
        ("+44 116 496 0000", "tel:+441164960000", False),  # Leicester, not the free 116 code
        ("0161 496 0000", "tel:01614960000", False),
        ("+44 161 496 0000", "tel:+441614960000", False),
        ("+353 1 234 5678", "tel:+35312345678", False),
    ],
)
def test_helpline_number_is_dialable_and_known_free_in_any_form(phone, tel, free):
    campaign = CampaignFactory.build(lead_organisation=OrganisationFactory(), helpline_phone=phone)
    campaign.full_clean()
    assert campaign.helpline_tel == tel
    assert campaign.helpline_is_free is free


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        (
            "call us!",
            "Enter the number as people dial it, in digits and spaces, for example 0808 1000 900 "
            "or +44 808 1000 900; an extension may follow as 'ext 12'.",
        ),
        (
            "(0)808 1000 900",
            "Enter the number as people dial it, in digits and spaces, for example 0808 1000 900 "
            "or +44 808 1000 900; an extension may follow as 'ext 12'.",
        ),
        (
            "0808 1000 900 ext",
            "Enter the number as people dial it, in digits and spaces, for example 0808 1000 900 "
            "or +44 808 1000 900; an extension may follow as 'ext 12'.",
        ),
        (
            "+44 0808 1000 900",
            "After +44, leave out the 0 that starts the number within the UK: write "
            "+44 808 1000 900, or +44 (0)808 1000 900.",
        ),
        (
            # Accepted until libphonenumber's data: a Leicester number has seven digits
            # after 0116, so this is no number at all (116 123 alone is the free short code).
            "+44 116 123",
            "There is no UK phone number like this: check the digits against where the number "
            "is published. A number in another country starts with + and its country code.",
        ),
    ],
)
def test_a_helpline_number_nobody_could_dial_is_refused(phone, message):
    campaign = CampaignFactory.build(lead_organisation=OrganisationFactory(), helpline_phone=phone)
    with pytest.raises(ValidationError) as error:
        campaign.full_clean()
    assert error.value.message_dict == {"helpline_phone": [message]}


def test_statement_slug_is_unique_within_a_campaign_only():
    first = PressStatementFactory(slug="update")
    duplicate = PressStatementFactory.build(campaign=first.campaign, slug="update")
    with pytest.raises(ValidationError, match="already has a statement with this slug"):
        duplicate.full_clean()
    refused(duplicate.save)
    PressStatementFactory(slug="update")  # another campaign may use it


def test_partner_is_listed_once_per_campaign():
    partnership = CampaignPartnerFactory()
    refused(
        lambda: CampaignPartnerFactory(
            campaign=partnership.campaign, organisation=partnership.organisation
        )
    )


def test_reported_figure_belongs_to_a_campaign_or_a_statement_not_both():
    statement = PressStatementFactory()
    refused(lambda: ReportedFigureFactory(statement=None, campaign=None))
    refused(lambda: ReportedFigureFactory(statement=statement, campaign=statement.campaign))
    figure = ReportedFigureFactory.build(statement=None, campaign=None)
    with pytest.raises(ValidationError, match="either to a campaign or to a statement"):
        figure.full_clean()


def test_reported_change_needs_both_whole_periods():
    figure = ReportedFigureFactory(
        base_period_start=datetime.date(2017, 7, 1),
        base_period_end=datetime.date(2017, 12, 31),
        period_start=datetime.date(2018, 1, 1),
        period_end=datetime.date(2018, 6, 30),
    )
    assert figure.period_text == "January to June 2018 compared with July to December 2017"
    refused(lambda: ReportedFigureFactory(base_period_start=None, base_period_end=None))
    refused(lambda: ReportedFigureFactory(base_period_end=None, period_end=None))
    refused(
        lambda: ReportedFigureFactory(
            base_period_start=None, base_period_end=None, period_start=None, period_end=None
        )
    )
    # A figure that is not a change may stand without periods.
    ReportedFigureFactory(
        unit=ReportedFigure.Unit.PER_MONTH,
        base_period_start=None,
        base_period_end=None,
        period_start=None,
        period_end=None,
    )
    figure = ReportedFigureFactory.build(base_period_end=None, period_end=None)
    with pytest.raises(ValidationError, match="give the start and end of both"):
        figure.full_clean()
    refused(
        lambda: ReportedFigureFactory(
            period_start=datetime.date(2018, 6, 30),
            period_end=datetime.date(2018, 1, 1),
            base_period_start=datetime.date(2017, 7, 1),
            base_period_end=datetime.date(2017, 12, 31),
        )
    )


def test_reported_count_cannot_be_negative():
    refused(lambda: ReportedFigureFactory(unit=ReportedFigure.Unit.COUNT, value=-3))


@pytest.mark.parametrize(
    ("unit", "qualifier", "value", "shown", "words"),
    [
        ("percent_change", "", Decimal("146"), "+146%", "up 146%"),
        ("percent_change", "", Decimal("-12.5"), "−12.5%", "down 12.5%"),
        ("per_month", "nearly", Decimal("600"), "nearly 600 a month", "nearly 600 a month"),
        ("count", "", Decimal("3549"), "3,549", "3,549"),
    ],
)
def test_reported_figure_is_shown_as_published(unit, qualifier, value, shown, words):
    figure = ReportedFigure(unit=unit, qualifier=qualifier, value=value)
    assert figure.display_value == shown
    assert figure.describe() == words


def test_quote_role_defaults_to_the_persons_role_and_organisation():
    organisation = OrganisationFactory(name="The Lucy Faithfull Foundation")
    person = PersonFactory(role_title="Director of the helpline", organisation=organisation)
    quote = QuoteFactory.build(statement=PressStatementFactory(), person=person, role_as_quoted="")
    quote.full_clean()
    assert quote.role_as_quoted == "Director of the helpline, The Lucy Faithfull Foundation"


def test_published_queryset_respects_status_and_publish_time():
    now = timezone.now()
    visible = CampaignFactory(
        status=Status.PUBLISHED, publish_at=now - datetime.timedelta(minutes=1)
    )
    archived = CampaignFactory(status=Status.ARCHIVED, publish_at=now - datetime.timedelta(days=1))
    CampaignFactory(status=Status.DRAFT, publish_at=None)
    CampaignFactory(status=Status.DRAFT, publish_at=now - datetime.timedelta(days=1))
    CampaignFactory(status=Status.PUBLISHED, publish_at=now + datetime.timedelta(minutes=5))
    assert set(Campaign.objects.published()) == {visible, archived}
    assert set(Campaign.objects.current()) == {visible}


def test_markdown_body_becomes_safe_html():
    html = render_markdown(
        "# Title\n\nSome **bold** text and a [link](https://example.org).\n\n"
        "<script>alert(1)</script>\n\n[bad](javascript:alert(1))\n\n- one\n- two"
    )
    assert "<h2>Title</h2>" in html
    assert "<h1>" not in html
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org"' in html
    assert "<script" not in html
    assert "javascript:" not in html
    assert "<li>one</li>" in html


def test_reported_earlier_period_must_end_after_it_starts():
    refused(
        lambda: ReportedFigureFactory(
            base_period_start=datetime.date(2017, 12, 31),
            base_period_end=datetime.date(2017, 7, 1),
            period_start=datetime.date(2018, 1, 1),
            period_end=datetime.date(2018, 6, 30),
        )
    )


@pytest.mark.parametrize(
    ("earlier_end", "later_start"),
    [
        (datetime.date(2018, 1, 1), datetime.date(2018, 1, 1)),  # one day in both
        (datetime.date(2018, 3, 31), datetime.date(2018, 1, 1)),  # the earlier runs on
    ],
)
def test_the_earlier_period_ends_before_the_later_one_starts(earlier_end, later_start):
    periods = {
        "base_period_start": datetime.date(2017, 7, 1),
        "base_period_end": earlier_end,
        "period_start": later_start,
        "period_end": datetime.date(2018, 6, 30),
    }
    figure = ReportedFigureFactory.build(statement=PressStatementFactory(), **periods)
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert error.value.message_dict == {
        "period_start": [
            f"The later period must start after the earlier one ends "
            f"({earlier_end:%d/%m/%Y}): a change compares two separate periods, the earlier "
            "first."
        ]
    }
    refused(lambda: ReportedFigureFactory(**periods))
    # Meeting without a gap is fine.
    ReportedFigureFactory(**{**periods, "base_period_end": datetime.date(2017, 12, 31)})


@pytest.mark.parametrize(("value", "shown"), [(Decimal("-100.5"), "−100.5"), (-250, "−250")])
def test_a_reported_change_cannot_fall_by_more_than_100_percent(value, shown):
    figure = ReportedFigureFactory.build(statement=PressStatementFactory(), value=value)
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert error.value.message_dict == {
        "value": [f"{shown}% is not a possible change: a count cannot fall by more than 100%."]
    }
    refused(lambda: ReportedFigureFactory(value=value))


def test_a_reported_change_may_fall_by_all_of_it():
    ReportedFigureFactory(value=-100).full_clean()


# --- Database rules said beside the field they concern -------------------------


def constraint_errors(instance) -> dict[str, list[str]]:
    """The refusals of the database rules alone, by field, as a form would file them."""
    with pytest.raises(ValidationError) as error:
        instance.validate_constraints()
    return error.value.message_dict


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end_date": datetime.date(2017, 12, 31)}, "end_date"),
        ({"status": Status.PUBLISHED, "publish_at": None}, "publish_at"),
        ({"slug": ""}, "slug"),
    ],
    ids=["end before launch", "publish time", "slug empty"],
)
def test_campaign_rule_is_said_beside_its_field(changes, field):
    campaign = CampaignFactory.build(lead_organisation=OrganisationFactory(), **changes)
    assert list(constraint_errors(campaign)) == [field]


@pytest.mark.parametrize(
    "changes",
    [{}, {"hero_image_alt": "A phone", "hero_image_decorative": True}],
    ids=["not described", "decorative with a description"],
)
def test_hero_image_rules_are_said_beside_the_description(stored_png, changes):
    campaign = CampaignFactory.build(
        lead_organisation=OrganisationFactory(), hero_image=stored_png, **changes
    )
    assert list(constraint_errors(campaign)) == ["hero_image_alt"]


def test_statement_rules_are_said_beside_the_slug():
    first = PressStatementFactory(slug="update")
    duplicate = PressStatementFactory.build(campaign=first.campaign, slug="update")
    assert constraint_errors(duplicate) == {
        "slug": ["This campaign already has a statement with this slug."]
    }
    empty = PressStatementFactory.build(campaign=first.campaign, slug="")
    assert list(constraint_errors(empty)) == ["slug"]
    unpublished = PressStatementFactory.build(
        campaign=first.campaign, status=Status.ARCHIVED, publish_at=None
    )
    assert list(constraint_errors(unpublished)) == ["publish_at"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"period_end": datetime.date(2017, 12, 31)}, "period_end"),
        ({"base_period_end": datetime.date(2017, 6, 1)}, "base_period_end"),
        ({"unit": ReportedFigure.Unit.COUNT, "value": -3}, "value"),
        ({"base_period_start": None}, "base_period_start"),
        ({"base_period_start": None, "base_period_end": None}, "base_period_start"),
        ({"period_end": None}, "period_end"),
        ({"base_period_end": datetime.date(2018, 3, 31)}, "period_start"),
        ({"value": -120}, "value"),
    ],
    ids=[
        "period",
        "earlier period",
        "negative count",
        "change without earlier start",
        "change without earlier period",
        "change without later end",
        "earlier after later",
        "below -100%",
    ],
)
def test_reported_figure_rule_is_said_beside_its_field(changes, field):
    figure = ReportedFigureFactory.build(statement=PressStatementFactory(), **changes)
    assert list(constraint_errors(figure)) == [field]


def test_a_figure_belonging_to_nothing_is_said_to_the_whole_form():
    figure = ReportedFigureFactory.build(statement=None, campaign=None)
    assert list(constraint_errors(figure)) == ["__all__"]


def test_the_fall_beyond_100_percent_rule_says_its_percent_signs():
    figure = ReportedFigureFactory.build(statement=PressStatementFactory(), value=-120)
    assert constraint_errors(figure)["value"] == [
        "A percentage change cannot be below −100%: a count cannot fall by more than 100%."
    ]


# --- Figures only for periods that have ended ----------------------------------


@pytest.mark.parametrize("field", ["base_period_end", "period_end"])
def test_a_reported_figure_for_a_period_not_yet_ended_is_refused(field):
    today = timezone.localdate()
    end = today + datetime.timedelta(days=1)
    periods = {
        "base_period_start": today - datetime.timedelta(days=60),
        "base_period_end": today - datetime.timedelta(days=31),
        "period_start": today - datetime.timedelta(days=30),
        "period_end": today,
    }
    if field == "base_period_end":
        # Only a percentage change has an earlier period: a count for one period.
        periods.update(base_period_end=end, period_start=None, period_end=None)
        changes = {"unit": ReportedFigure.Unit.COUNT, "value": 40}
    else:
        periods.update(period_end=end)
        changes = {}
    figure = ReportedFigureFactory.build(statement=PressStatementFactory(), **periods, **changes)
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert error.value.message_dict == {
        field: [
            f"This period has not ended yet (it ends {end:%d/%m/%Y}): give figures only for "
            "periods that have ended."
        ]
    }


# --- Small numbers in reported figures -------------------------------------------


@pytest.mark.parametrize(
    ("unit", "value", "shown"),
    [
        (ReportedFigure.Unit.COUNT, Decimal("3"), "3"),
        (ReportedFigure.Unit.PER_MONTH, Decimal("2.5"), "2.5"),
        (ReportedFigure.Unit.COUNT, Decimal("0"), "0"),
    ],
)
def test_a_reported_count_below_its_metrics_threshold_is_refused(unit, value, shown):
    figure = ReportedFigureFactory.build(
        statement=PressStatementFactory(),
        metric=MetricFactory(small_number_threshold=5),
        unit=unit,
        value=value,
        base_period_start=None,
        base_period_end=None,
    )
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert error.value.message_dict == {
        "value": [
            f"{shown} is below this metric's small-number threshold (5): counts this small could "
            "identify people, so they are not published. Leave this figure out, or say 'fewer "
            "than 5' in the text instead."
        ]
    }


@pytest.mark.parametrize(
    ("unit", "value", "threshold", "with_metric"),
    [
        (ReportedFigure.Unit.COUNT, 5, 5, True),  # at the threshold
        (ReportedFigure.Unit.COUNT, 3, 0, True),  # the metric shows every value
        (ReportedFigure.Unit.COUNT, 3, 5, False),  # no metric to say what is small
        (ReportedFigure.Unit.PERCENT_CHANGE, 3, 5, True),  # a change, not a count
    ],
    ids=["at threshold", "threshold 0", "no metric", "percentage"],
)
def test_a_reported_figure_not_below_a_threshold_is_accepted(unit, value, threshold, with_metric):
    figure = ReportedFigureFactory.build(
        statement=PressStatementFactory(),
        metric=MetricFactory(small_number_threshold=threshold) if with_metric else None,
        unit=unit,
        value=value,
    )
    if unit != ReportedFigure.Unit.PERCENT_CHANGE:
        figure.base_period_start = figure.base_period_end = None
    figure.full_clean()


def test_a_negative_count_is_said_to_be_negative_not_small():
    figure = ReportedFigureFactory.build(
        statement=PressStatementFactory(),
        metric=MetricFactory(small_number_threshold=5),
        unit=ReportedFigure.Unit.COUNT,
        value=-3,
        base_period_start=None,
        base_period_end=None,
    )
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert error.value.message_dict == {"value": ["A count cannot be negative."]}
