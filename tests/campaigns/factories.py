import datetime

import factory

from campaigns.models import (
    Campaign,
    CampaignPartner,
    Person,
    PressStatement,
    Quote,
    ReportedFigure,
)
from campaigns.publishing import Status
from tests.regions.factories import OrganisationFactory

PAST = datetime.datetime(2018, 1, 1, 9, 0, tzinfo=datetime.UTC)


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    title = factory.Sequence(lambda n: f"Campaign {n}")
    slug = factory.Sequence(lambda n: f"campaign-{n}")
    summary = "Get help early, in confidence."
    lead_organisation = factory.SubFactory(OrganisationFactory)
    launch_date = datetime.date(2018, 1, 1)
    helpline_name = "Stop it Now! helpline"
    helpline_phone = "0808 1000 900"
    helpline_hours = "Monday to Thursday 9am to 9pm"
    helpline_confidentiality = "Calls are confidential."
    status = Status.PUBLISHED
    publish_at = PAST


class CampaignPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CampaignPartner

    campaign = factory.SubFactory(CampaignFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "Police partner"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Spokesperson {n}")
    role_title = "Director"


class PressStatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PressStatement

    campaign = factory.SubFactory(CampaignFactory)
    title = factory.Sequence(lambda n: f"Statement {n}")
    slug = factory.Sequence(lambda n: f"statement-{n}")
    summary = "More people sought help."
    status = Status.PUBLISHED
    publish_at = PAST


class QuoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quote

    statement = factory.SubFactory(PressStatementFactory)
    person = factory.SubFactory(PersonFactory)
    role_as_quoted = "Director"
    text = "Getting help takes one phone call."


class ReportedFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportedFigure

    statement = factory.SubFactory(PressStatementFactory)
    label = "Change in people contacting the helpline"
    value = 146
    unit = ReportedFigure.Unit.PERCENT_CHANGE
    base_period_start = datetime.date(2017, 7, 1)
    base_period_end = datetime.date(2017, 12, 31)
    period_start = datetime.date(2018, 1, 1)
    period_end = datetime.date(2018, 6, 30)
    source = "The charity, 2018"
