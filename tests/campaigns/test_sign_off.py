"""Partners sign off their quotes through a signed, expiring link, without an account; a
statement cannot be published while a quote lacks its organisation's approval."""

import datetime

import pytest
import time_machine

from campaigns import signoff
from campaigns.models import PressStatement, QuoteApproval, SignOffLink
from campaigns.publishing import Status
from tests.campaigns.factories import (
    PersonFactory,
    PressStatementFactory,
    QuoteFactory,
    ReportedFigureFactory,
)
from tests.regions.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 5, 4, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def fixed_time():
    """Every test starts at one known moment; the clock keeps running from there."""
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def cheshire():
    return OrganisationFactory(name="Cheshire Constabulary", press_email="press@cheshire.example")


@pytest.fixture
def wales():
    return OrganisationFactory(name="North Wales Police", press_email="press@wales.example")


@pytest.fixture
def statement(cheshire, wales) -> PressStatement:
    """A draft statement quoting the charity's director (no organisation), Cheshire's chief
    constable and a North Wales officer."""
    statement = PressStatementFactory(
        title="More people sought help after the campaign",
        summary="Calls rose by a half.",
        status=Status.DRAFT,
        publish_at=None,
    )
    QuoteFactory(
        statement=statement,
        person=PersonFactory(name="Alex Director"),
        text="Help is one call away.",
        order=1,
    )
    QuoteFactory(
        statement=statement,
        person=PersonFactory(name="Jane Smith", organisation=cheshire),
        role_as_quoted="Chief Constable",
        text="We back this campaign fully.",
        order=2,
    )
    QuoteFactory(
        statement=statement,
        person=PersonFactory(name="Sam Jones", organisation=wales),
        role_as_quoted="Detective Superintendent",
        text="North Wales stands with the charity.",
        order=3,
    )
    ReportedFigureFactory(statement=statement)
    return statement


def quote_by(statement: PressStatement, name: str):
    return statement.quotes.get(person__name=name)


@pytest.fixture
def link(statement, cheshire, manager) -> SignOffLink:
    return signoff.make_link(statement, cheshire, manager)


# --- What blocks publication --------------------------------------------------------------------


def approve(link, quote, name="Pat Press", decision="approved", comment=""):
    return signoff.record_decision(
        link=link, quote=quote, decision=decision, name=name, comment=comment
    )


def test_quotes_of_organisations_await_sign_off_until_approved(statement, link, wales, manager):
    jane, sam = quote_by(statement, "Jane Smith"), quote_by(statement, "Sam Jones")

    assert signoff.quotes_awaiting_sign_off(statement) == [jane, sam]
    assert signoff.sign_off_problem(statement) == (
        "Not published: 2 quotes lack their organisation's approval: Jane Smith (Cheshire "
        "Constabulary), Sam Jones (North Wales Police). Send a sign-off link from the "
        "statement's page, under 'Partner sign-off'."
    )

    approve(link, jane)
    assert signoff.quotes_awaiting_sign_off(statement) == [sam]
    assert signoff.sign_off_problem(statement) == (
        "Not published: 1 quote lacks its organisation's approval: Sam Jones (North Wales "
        "Police). Send a sign-off link from the statement's page, under 'Partner sign-off'."
    )

    approve(signoff.make_link(statement, wales, manager), sam)
    assert signoff.quotes_awaiting_sign_off(statement) == []
    assert signoff.sign_off_problem(statement) is None


def test_a_statement_quoting_no_one_of_an_organisation_needs_no_sign_off():
    statement = PressStatementFactory()
    QuoteFactory(statement=statement, person=PersonFactory(organisation=None))

    assert signoff.quotes_awaiting_sign_off(statement) == []
    assert signoff.sign_off_problem(statement) is None


def test_a_change_asked_for_after_an_approval_withdraws_it(statement, link):
    jane = quote_by(statement, "Jane Smith")
    approve(link, jane)

    approve(link, jane, decision="changes_requested", comment="Not quite right.")

    assert jane in signoff.quotes_awaiting_sign_off(statement)
    assert QuoteApproval.objects.count() == 2  # both decisions kept


def test_editing_an_approved_quote_makes_it_await_approval_again(statement, link):
    jane = quote_by(statement, "Jane Smith")
    approve(link, jane)
    assert jane not in signoff.quotes_awaiting_sign_off(statement)

    jane.text = "We back this campaign."
    jane.save()

    assert jane in signoff.quotes_awaiting_sign_off(statement)
    assert "Jane Smith (Cheshire Constabulary)" in signoff.sign_off_problem(statement)


def test_a_quote_given_to_someone_else_awaits_approval_again(statement, link, cheshire):
    jane = quote_by(statement, "Jane Smith")
    approve(link, jane)

    jane.person = PersonFactory(name="Other Officer", organisation=cheshire)
    jane.save()

    assert jane in signoff.quotes_awaiting_sign_off(statement)


def new_edition_of(statement: PressStatement) -> PressStatement:
    """A copy of the statement as a new edition, with copies of its quotes and figures."""
    edition = PressStatement.objects.get(pk=statement.pk)
    edition.pk = edition.id = None
    edition._state.adding = True
    edition.edition_of = statement
    edition.status = Status.DRAFT
    edition.edition = 2
    edition.save()
    for quote in statement.quotes.all():
        quote.pk = quote.id = None
        quote.statement = edition
        quote.save()
    for figure in statement.reported_figures.all():
        figure.pk = figure.id = None
        figure.statement = edition
        figure.save()
    return edition


def test_a_new_edition_keeps_the_approvals_of_unchanged_quotes(statement, link, wales, manager):
    approve(link, quote_by(statement, "Jane Smith"))
    approve(signoff.make_link(statement, wales, manager), quote_by(statement, "Sam Jones"))

    edition = new_edition_of(statement)
    assert signoff.sign_off_problem(edition) is None

    changed = quote_by(edition, "Sam Jones")
    changed.text = "North Wales Police stands with the charity."
    changed.save()

    assert signoff.quotes_awaiting_sign_off(edition) == [changed]
    assert signoff.sign_off_problem(statement) is None  # the live statement's words are approved
