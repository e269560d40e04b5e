import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core.roles import CAMPAIGN_MANAGERS, PARTNER_DATA_OFFICERS
from regions.models import Metric, Organisation, PartnerMembership, Region, Statistic


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"Area {n}")
    slug = factory.Sequence(lambda n: f"area-{n}")
    kind = Region.Kind.POLICE_FORCE_AREA
    gss_code = factory.Sequence(lambda n: f"E23{n:06d}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Partner {n}")
    slug = factory.Sequence(lambda n: f"partner-{n}")
    kind = Organisation.Kind.POLICE_FORCE

    @factory.post_generation
    def regions(self, create: bool, extracted: list[Region] | None, **kwargs) -> None:
        if create and extracted:
            self.regions.set(extracted)


class MetricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Metric

    name = factory.Sequence(lambda n: f"Helpline contacts {n}")
    slug = factory.Sequence(lambda n: f"helpline-contacts-{n}")
    description = "People contacting the helpline, by the area they contacted from."
    owner = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.CHARITY)


class StatisticFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Statistic

    metric = factory.SubFactory(MetricFactory)
    region = factory.SubFactory(RegionFactory)
    period_start = datetime.date(2017, 7, 1)
    period_end = datetime.date(2017, 12, 31)
    value = 84


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "a-long-test-password")

    @factory.post_generation
    def group(self, create: bool, extracted: str | None, **kwargs) -> None:
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


def manager_user(**kwargs):
    return UserFactory(group=CAMPAIGN_MANAGERS, **kwargs)


def data_officer(organisation: Organisation, **kwargs):
    user = UserFactory(group=PARTNER_DATA_OFFICERS, **kwargs)
    PartnerMembership.objects.create(user=user, organisation=organisation)
    return user
