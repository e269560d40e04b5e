"""Partners sign off their quotes through a signed, expiring link, without an account; a
statement cannot be published while a quote lacks its organisation's approval."""

import datetime
import html
import re

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from campaigns import signoff
from campaigns.models import PressStatement, QuoteApproval, SignOffLink
from campaigns.publishing import Status
from tests.campaigns.factories import (
    PersonFactory,
    PressStatementFactory,
    QuoteFactory,
    ReportedFigureFactory,
)
from tests.regions.factories import OrganisationFactory, UserFactory
from tests.signing_in import sign_in

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


def decide(client, link, quote, *, decision="approved", name="Pat Press", comment="", **headers):
    prefix = f"quote-{quote.pk}"
    data = {
        "quote": quote.pk,
        f"{prefix}-name": name,
        f"{prefix}-comment": comment,
        f"{prefix}-decision": decision,
    }
    return client.post(signoff.link_url(link), data, headers=headers)


def text_of(response) -> str:
    return html.unescape(response.content.decode())


# --- The link page ------------------------------------------------------------------------------


def test_a_link_shows_the_statement_as_it_will_be_published_with_a_banner(client, link):
    response = client.get(signoff.link_url(link))

    assert response.status_code == 200
    page = text_of(response)
    assert "<h1>More people sought help after the campaign</h1>" in page
    assert "Calls rose by a half." in page
    assert "We back this campaign fully." in page
    assert "North Wales stands with the charity." in page
    assert "+146%" in page
    assert "Not published: preview for sign-off by Cheshire Constabulary." in page
    assert "works until 11 May 2026" in page


def test_the_link_page_is_not_indexed_cached_or_given_cookies(client, link, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600  # the page cache on, as in production
    url = signoff.link_url(link)

    response = client.get(url)
    posted = decide(client, link, quote_by(link.statement, "Jane Smith"))

    assert '<meta name="robots" content="noindex, nofollow">' in response.text
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    for answer in (response, posted):
        assert not answer.cookies
        assert "Set-Cookie" not in answer.headers
        assert "X-Page-Cache" not in answer.headers
    # Not served from a cache: revoking it takes effect at once.
    signoff.revoke(link, None)
    assert client.get(url).status_code == 410


def test_the_link_page_lets_its_forms_post_to_itself_only(client, link):
    policy = client.get(signoff.link_url(link))["Content-Security-Policy"]

    assert "form-action 'self'" in policy
    directives = [part.strip() for part in policy.split(";")]
    assert "script-src 'self'" in directives and "default-src 'none'" in directives


def test_only_the_links_organisation_gets_forms_under_its_own_quotes(client, link):
    page = text_of(client.get(signoff.link_url(link)))
    jane = quote_by(link.statement, "Jane Smith")

    assert page.count("<form ") == 1
    assert f'name="quote" value="{jane.pk}"' in page
    assert "Your decision on the quote from Jane Smith" in page
    assert "This quote is for North Wales Police to approve." in page
    assert f'<label for="id_quote-{jane.pk}-name">Your name</label>' in page


@pytest.mark.parametrize("more_quotes", [0, 8])
def test_the_link_page_takes_a_fixed_number_of_queries(
    client, statement, cheshire, manager, more_quotes, django_assert_max_num_queries
):
    for _ in range(more_quotes):
        QuoteFactory(statement=statement, person=PersonFactory(organisation=OrganisationFactory()))
    link = signoff.make_link(statement, cheshire, manager)

    with django_assert_max_num_queries(8):
        assert client.get(signoff.link_url(link)).status_code == 200


# --- Links that do not open ---------------------------------------------------------------------


def tampered(token: str, position: int) -> str:
    replacement = "A" if token[position] != "A" else "B"
    return token[:position] + replacement + token[position + 1 :]


@pytest.mark.parametrize("where", ["payload", "timestamp", "signature"])
def test_a_tampered_link_is_refused_without_showing_the_statement(client, link, where):
    token = signoff.link_token(link)
    payload, timestamp, signature = token.split(":")
    position = {"payload": 3, "timestamp": len(payload) + 2, "signature": len(token) - 2}[where]

    response = client.get(reverse("campaigns:sign_off", args=[tampered(token, position)]))

    assert response.status_code == 403
    page = text_of(response)
    assert "This sign-off link does not work" in page
    assert "More people sought help" not in page
    assert "We back this campaign fully." not in page


def test_a_link_to_another_links_id_is_refused(client, link, statement, wales, manager):
    other = signoff.make_link(statement, wales, manager)
    # A payload naming another link, signed with the wrong key, must not open it.
    forged = signoff._LinkSigner(made_at=other.created_at)
    forged.key = "not-the-site-key"
    token = forged.sign_object({"link": other.pk, "digest": other.statement_digest})

    assert client.get(reverse("campaigns:sign_off", args=[token])).status_code == 403


def test_a_link_expires_after_seven_days(client, link, fixed_time):
    url = signoff.link_url(link)
    fixed_time.shift(datetime.timedelta(days=6, hours=23))
    assert client.get(url).status_code == 200

    fixed_time.shift(datetime.timedelta(days=1, hours=1))
    response = client.get(url)

    assert response.status_code == 410
    page = text_of(response)
    assert "This sign-off link has expired" in page
    assert "ask the press office that sent it for a new link" in page
    assert "More people sought help" not in page


def test_no_link_opens_beyond_thirty_days_whatever_its_expiry_says(client, link, fixed_time):
    SignOffLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() + datetime.timedelta(days=365)
    )
    fixed_time.shift(datetime.timedelta(days=29))
    assert client.get(signoff.link_url(link)).status_code == 200

    fixed_time.shift(datetime.timedelta(days=2))

    assert client.get(signoff.link_url(link)).status_code == 410


def test_a_revoked_link_is_refused(client, link, manager):
    url = signoff.link_url(link)
    signoff.revoke(link, manager)

    response = client.get(url)

    assert response.status_code == 410
    assert "This sign-off link has been withdrawn" in text_of(response)
    link.refresh_from_db()
    assert link.revoked_by == manager and link.revoked_at is not None


@pytest.mark.parametrize(
    "change",
    ["quote text", "summary", "body", "figure", "new quote"],
)
def test_a_link_stops_working_when_the_statement_changes(client, link, statement, change):
    url = signoff.link_url(link)
    if change == "quote text":
        quote = quote_by(statement, "Alex Director")
        quote.text = "Help is one phone call away."
        quote.save()
    elif change == "figure":
        statement.reported_figures.update(value=147)
    elif change == "new quote":
        QuoteFactory(statement=statement, text="Another word.", order=9)
    else:
        setattr(statement, change, "Changed.")
        statement.save()

    response = client.get(url)

    assert response.status_code == 410
    page = text_of(response)
    assert "The statement has changed since this link was sent" in page
    assert "ask the press office for the new link" in page
    assert "Changed." not in page and "Another word." not in page


def test_saving_the_statement_unchanged_keeps_the_link_working(client, link, statement):
    statement.save()  # a new version number, the same words

    assert client.get(signoff.link_url(link)).status_code == 200


def test_one_link_has_one_address(link, fixed_time):
    first = signoff.link_url(link)
    fixed_time.shift(datetime.timedelta(hours=5))

    assert signoff.link_url(link) == first


# --- Decisions ----------------------------------------------------------------------------------


def test_a_partner_approves_a_quote_and_the_decision_is_recorded(client, link, statement):
    jane = quote_by(statement, "Jane Smith")

    response = decide(client, link, jane, name="  Pat Press  ")

    assert response.status_code == 303
    assert response["Location"] == f"{signoff.link_url(link)}?done=approved#sign-off-done"
    approval = QuoteApproval.objects.get()
    assert approval.decision == QuoteApproval.Decision.APPROVED
    assert approval.name == "Pat Press"
    assert approval.organisation.name == "Cheshire Constabulary"
    assert approval.quote == jane
    assert approval.statement == statement
    assert approval.statement_version == statement.version
    assert approval.quote_digest == signoff.quote_digest(jane)
    assert approval.link == link
    assert abs(approval.decided_at - NOW) < datetime.timedelta(minutes=1)

    page = text_of(client.get(response["Location"]))
    assert "Thank you: your approval is recorded." in page
    assert "Approved by Pat Press (Cheshire Constabulary) on 4 May 2026, 10:30." in page


def test_asking_for_a_change_needs_a_comment(client, link, statement):
    jane = quote_by(statement, "Jane Smith")

    response = decide(client, link, jane, decision="changes_requested", comment="  ")

    assert response.status_code == 400
    assert "Say what should change, so the press office can change it." in text_of(response)
    assert 'value="Pat Press"' in response.text  # what they typed is kept
    assert not QuoteApproval.objects.exists()


def test_asking_for_a_change_records_the_comment(client, link, statement):
    jane = quote_by(statement, "Jane Smith")

    response = decide(
        client, link, jane, decision="changes_requested", comment="Say 'fully support'."
    )

    assert response.status_code == 303
    decision = QuoteApproval.objects.get()
    assert decision.decision == QuoteApproval.Decision.CHANGES_REQUESTED
    assert decision.comment == "Say 'fully support'."
    page = text_of(client.get(response["Location"]))
    assert "your request for a change is recorded" in page
    assert "Change asked for by Pat Press (Cheshire Constabulary)" in page
    assert "“Say 'fully support'.”" in page


def test_a_decision_needs_a_name(client, link, statement):
    response = decide(client, link, quote_by(statement, "Jane Smith"), name="")

    assert response.status_code == 400
    assert "Give your name, so the press office knows who decided." in text_of(response)
    assert not QuoteApproval.objects.exists()


@pytest.mark.parametrize("whose", ["another organisation", "no organisation"])
def test_a_quote_of_another_organisation_cannot_be_decided_through_the_link(
    client, link, statement, whose
):
    name = "Sam Jones" if whose == "another organisation" else "Alex Director"

    response = decide(client, link, quote_by(statement, name))

    assert response.status_code == 403
    assert "Cheshire Constabulary can decide only on the quotes of its own people" in text_of(
        response
    )
    assert not QuoteApproval.objects.exists()


def test_a_quote_of_another_statement_cannot_be_decided_through_the_link(client, link, cheshire):
    elsewhere = QuoteFactory(person=PersonFactory(organisation=cheshire))

    assert decide(client, link, elsewhere).status_code == 403
    assert not QuoteApproval.objects.exists()


def test_a_decision_through_a_link_that_no_longer_works_is_refused(client, link, statement):
    jane = quote_by(statement, "Jane Smith")
    page_url = signoff.link_url(link)
    statement.summary = "Changed while the partner was reading."
    statement.save()

    response = decide(client, link, jane)

    assert response.status_code == 410
    assert not QuoteApproval.objects.exists()
    assert client.get(page_url).status_code == 410


def test_a_decision_sent_from_another_site_is_refused(client, link, statement):
    jane = quote_by(statement, "Jane Smith")

    refused = decide(client, link, jane, origin="https://elsewhere.example")
    accepted = decide(client, link, jane, origin="http://testserver")

    assert refused.status_code == 403
    assert "This form was sent from another website" in text_of(refused)
    assert accepted.status_code == 303
    assert QuoteApproval.objects.count() == 1


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


def test_approvals_through_a_new_editions_link_count_for_the_live_statement(
    client, statement, cheshire, manager
):
    edition = new_edition_of(statement)
    link = signoff.make_link(edition, cheshire, manager)

    decide(client, link, quote_by(edition, "Jane Smith"))

    approval = QuoteApproval.objects.get()
    assert approval.statement == statement  # kept against the live statement
    assert approval.statement_version == edition.version
    assert quote_by(statement, "Jane Smith") not in signoff.quotes_awaiting_sign_off(statement)


def test_a_demo_link_opens_for_the_first_organisation_awaiting_sign_off(client, statement, manager):
    url = signoff.demo_link_url(statement, "http://127.0.0.1:8000/")

    assert url.startswith("http://127.0.0.1:8000/sign-off/")
    assert signoff.demo_link_url(statement, "http://127.0.0.1:8000") == url  # made once
    page = text_of(client.get(url.removeprefix("http://127.0.0.1:8000")))
    assert "Not published: preview for sign-off by Cheshire Constabulary." in page

    approve(SignOffLink.objects.get(), quote_by(statement, "Jane Smith"))
    wales_url = signoff.demo_link_url(statement, "")
    assert "preview for sign-off by North Wales Police" in text_of(client.get(wales_url))
    approve(SignOffLink.objects.latest("pk"), quote_by(statement, "Sam Jones"))
    assert signoff.demo_link_url(statement, "http://127.0.0.1:8000") is None


# --- The admin ----------------------------------------------------------------------------------


def change_url(statement) -> str:
    return reverse("admin:campaigns_pressstatement_change", args=[statement.pk])


def action_url(statement, action: str) -> str:
    return reverse(f"admin:campaigns_pressstatement_sign_off_{action}", args=[statement.pk])


def admin_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_change_page_shows_each_organisations_quotes_links_and_buttons(
    manager_client, statement, link
):
    approve(link, quote_by(statement, "Jane Smith"))

    page = text_of(manager_client.get(change_url(statement)))

    section = page.split('id="sign-off"', 1)[1]
    assert "Partner sign-off" in section
    assert "Cheshire Constabulary" in section and "North Wales Police" in section
    assert "Approved by Pat Press at 4 May 2026, 10:30, for version 1" in section
    assert "Awaiting approval" in section
    assert "Works until 11 May 2026, 10:30" in section
    assert f"http://testserver{signoff.link_url(link)}" in section
    assert "Alex Director" not in section  # of no organisation: nothing to sign off


def test_the_buttons_submit_forms_outside_the_change_form(manager_client, statement, link):
    page = manager_client.get(change_url(statement)).content.decode()

    main_form = re.search(r'<form [^>]*id="pressstatement_form".*?</form>', page, re.S).group(0)
    after = page.split(main_form, 1)[1]
    for action, form_id in [("create", "sign-off-create"), ("email", "sign-off-email")]:
        assert f'form="{form_id}"' in main_form
        assert (
            f'<form id="{form_id}" method="post" action="{action_url(statement, action)}"' in after
        )
    assert 'form="sign-off-revoke"' in main_form
    assert main_form.count("<form") == 1  # no form inside the change form
    assert 'name="csrfmiddlewaretoken"' in after.split("</form>", 1)[0]


def test_a_manager_creates_a_link_for_an_organisation(manager_client, manager, statement, cheshire):
    response = manager_client.post(
        action_url(statement, "create"), {"organisation": cheshire.pk}, follow=True
    )

    link = SignOffLink.objects.get()
    assert (link.statement, link.organisation, link.created_by) == (statement, cheshire, manager)
    assert link.expires_at == link.created_at + datetime.timedelta(days=7)
    assert response.redirect_chain[-1][0] == change_url(statement) + "#sign-off"
    [message] = admin_messages(response)
    assert message.startswith("Sign-off link made for Cheshire Constabulary, working until 11 May")
    assert f"http://testserver{signoff.link_url(link)}" in message
    entry = LogEntry.objects.get(object_id=str(statement.pk))
    assert entry.user == manager
    assert entry.get_change_message() == (
        "Made a sign-off link for Cheshire Constabulary, working until 11 May 2026, 10:30."
    )


def test_no_link_is_made_for_an_organisation_not_quoted(manager_client, statement):
    stranger = OrganisationFactory()

    response = manager_client.post(
        action_url(statement, "create"), {"organisation": stranger.pk}, follow=True
    )

    assert not SignOffLink.objects.exists()
    assert admin_messages(response)[0].startswith("No link made: sign-off links are for")


def test_a_manager_emails_the_link_to_the_press_office(
    manager_client, manager, statement, link, mailoutbox
):
    manager.email = "press.office@charity.example"
    manager.save()

    response = manager_client.post(action_url(statement, "email"), {"link": link.pk}, follow=True)

    [email] = mailoutbox
    assert email.to == ["press@cheshire.example"]
    assert email.reply_to == ["press.office@charity.example"]
    assert email.subject == "Please approve your quotes: More people sought help after the campaign"
    assert f"http://testserver{signoff.link_url(link)}" in email.body
    assert "Jane Smith: “We back this campaign fully.”" in email.body
    assert "North Wales" not in email.body
    assert "works until 11 May 2026, 10:30" in email.body
    link.refresh_from_db()
    assert link.sent_to == "press@cheshire.example" and link.sent_at is not None
    assert admin_messages(response) == [
        "Sign-off link for Cheshire Constabulary emailed to press@cheshire.example."
    ]
    assert LogEntry.objects.get(object_id=str(statement.pk)).get_change_message() == (
        "Emailed the sign-off link for Cheshire Constabulary to press@cheshire.example."
    )
    assert "to press@cheshire.example, 4 May 2026" in text_of(response)


def test_emailing_to_an_organisation_without_a_press_email_says_what_to_do(
    manager_client, statement, link, cheshire, mailoutbox
):
    cheshire.press_email = ""
    cheshire.save()

    response = manager_client.post(action_url(statement, "email"), {"link": link.pk}, follow=True)

    assert mailoutbox == []
    [message] = admin_messages(response)
    assert message.startswith("Not sent: Cheshire Constabulary has no press office email.")
    assert reverse("admin:regions_organisation_change", args=[cheshire.pk]) in message
    assert not LogEntry.objects.filter(object_id=str(statement.pk)).exists()


def test_a_link_that_no_longer_works_is_not_emailed(manager_client, statement, link, mailoutbox):
    statement.title = "A new title"
    statement.save()

    response = manager_client.post(action_url(statement, "email"), {"link": link.pk}, follow=True)

    assert mailoutbox == []
    assert admin_messages(response) == [
        "Not sent: the statement has changed since this link was made, so the link no longer "
        "opens. Make a new link."
    ]


def test_a_manager_revokes_a_link(manager_client, manager, client, statement, link):
    response = manager_client.post(action_url(statement, "revoke"), {"link": link.pk}, follow=True)

    link.refresh_from_db()
    assert link.revoked_by == manager
    assert client.get(signoff.link_url(link)).status_code == 410
    assert admin_messages(response)[0].startswith(
        "Sign-off link for Cheshire Constabulary revoked: it no longer opens."
    )
    assert (
        LogEntry.objects.get(object_id=str(statement.pk))
        .get_change_message()
        .startswith("Revoked the sign-off link for Cheshire Constabulary")
    )
    assert signoff.link_url(link) not in text_of(response)  # no longer listed


def test_a_link_of_another_statement_cannot_be_revoked_through_this_one(
    manager_client, statement, cheshire, manager
):
    other_link = signoff.make_link(PressStatementFactory(), cheshire, manager)

    manager_client.post(action_url(statement, "revoke"), {"link": other_link.pk})

    other_link.refresh_from_db()
    assert other_link.revoked_at is None


@pytest.fixture
def viewer_client(client):
    """Staff who may view statements but not change them."""
    from django.contrib.auth.models import Permission

    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_pressstatement"))
    sign_in(client, user)
    return client


@pytest.mark.parametrize("action", ["create", "email", "revoke"])
def test_staff_who_cannot_change_statements_are_refused_the_buttons(
    viewer_client, statement, link, cheshire, action, mailoutbox
):
    data = {"organisation": cheshire.pk, "link": link.pk}

    response = viewer_client.post(action_url(statement, action), data)

    assert response.status_code == 403
    assert SignOffLink.objects.count() == 1
    assert mailoutbox == []
    link.refresh_from_db()
    assert link.revoked_at is None
    assert "Partner sign-off" not in viewer_client.get(change_url(statement)).text


@pytest.mark.parametrize("action", ["create", "email", "revoke"])
def test_the_buttons_only_accept_posts_with_a_csrf_token(
    manager, statement, link, cheshire, action
):
    from django.test import Client

    checked = Client(enforce_csrf_checks=True)
    sign_in(checked, manager)
    data = {"organisation": cheshire.pk, "link": link.pk}

    assert checked.get(action_url(statement, action)).status_code == 405
    assert checked.post(action_url(statement, action), data).status_code == 403
    assert SignOffLink.objects.count() == 1
    link.refresh_from_db()
    assert link.revoked_at is None


def test_a_link_made_in_english_opens_in_welsh_and_a_welsh_change_needs_a_new_one(client):
    from campaigns import signoff
    from campaigns.models import Quote
    from tests.campaigns.factories import PersonFactory, PressStatementFactory, QuoteFactory
    from tests.regions.factories import OrganisationFactory, manager_user

    force = OrganisationFactory(name="Cheshire Constabulary")
    statement = PressStatementFactory(title="Police back the helpline", title_cy="Yr heddlu")
    quote = QuoteFactory(
        statement=statement,
        person=PersonFactory(organisation=force),
        text="Call us.",
        text_cy="Ffoniwch ni.",
    )
    url = signoff.link_url(signoff.make_link(statement, force, manager_user()))

    assert client.get(url).status_code == 200
    assert client.get(f"/cy{url}").status_code == 200
    Quote.objects.filter(pk=quote.pk).update(text_cy="Ffoniwch ni heddiw.")
    assert client.get(url).status_code != 200
