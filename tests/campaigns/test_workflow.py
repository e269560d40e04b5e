"""Review and publication as actions: each transition, who may take it, the second pair of eyes,
editing that sends an item back to review, new editions of public pages, withdrawal, and the
admin's buttons refusing on the server what they would not show."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, PressStatement
from campaigns.publishing import Status
from campaigns.workflow import ActionRefused, available, perform, start_new_edition
from tests.campaigns.factories import CampaignFactory, PressStatementFactory, QuoteFactory
from tests.campaigns.test_edit_conflicts import opened_form
from tests.regions.factories import OrganisationFactory, data_officer, manager_user
from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db

FUTURE = datetime.datetime(2031, 7, 3, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture
def alice():
    return manager_user(username="alice", first_name="Alice", last_name="Brown", email="a@x.org")


@pytest.fixture
def bob():
    return manager_user(username="bob", first_name="Bob", last_name="Jones", email="b@x.org")


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "pw")


def draft(**kwargs) -> Campaign:
    return CampaignFactory(status=Status.DRAFT, publish_at=None, **kwargs)


def client_for(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def action_url(item, name: str) -> str:
    opts = item._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_action", args=[item.pk, name])


def change_url(item) -> str:
    opts = item._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def reload(item):
    return type(item).objects.get(pk=item.pk)


# --- The path from draft to public -------------------------------------------------------------


def test_draft_goes_through_review_to_public(alice, bob):
    campaign = draft(edited_by=alice)

    perform(campaign, alice, "submit")
    campaign = reload(campaign)
    assert (campaign.status, campaign.submitted_by) == (Status.IN_REVIEW, alice)
    assert not campaign.is_released

    perform(campaign, bob, "approve")
    campaign = reload(campaign)
    assert (campaign.status, campaign.approved_by) == (Status.APPROVED, bob)
    assert not campaign.is_released

    before = timezone.now()
    perform(campaign, bob, "publish")
    campaign = reload(campaign)
    assert campaign.status == Status.PUBLISHED
    assert before <= campaign.publish_at <= timezone.now()
    assert campaign.is_published
    reasons = list(campaign.history.order_by("history_date").values_list("history_change_reason"))
    assert [r[0] for r in reasons][-3:] == [
        "Submitted for review",
        "Approved",
        "Published (approved by Bob Jones)",
    ]


@pytest.mark.parametrize("who", ["submitter", "last editor"])
def test_second_pair_of_eyes_the_author_cannot_approve(alice, bob, who):
    campaign = draft(edited_by=alice if who == "last editor" else bob)
    perform(campaign, alice if who == "submitter" else bob, "submit")

    with pytest.raises(ActionRefused, match="someone else must approve it"):
        perform(reload(campaign), alice, "approve")
    assert reload(campaign).status == Status.IN_REVIEW
    assert "approve" not in [a.name for a in available(reload(campaign), alice)]


def test_a_third_manager_may_approve(alice, bob):
    carol = manager_user(username="carol")
    campaign = draft(edited_by=alice)
    perform(campaign, bob, "submit")
    perform(reload(campaign), carol, "approve")
    assert reload(campaign).status == Status.APPROVED


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (Status.DRAFT, "approve"),
        (Status.DRAFT, "publish"),
        (Status.DRAFT, "schedule"),
        (Status.IN_REVIEW, "publish"),
        (Status.IN_REVIEW, "submit"),
        (Status.APPROVED, "submit"),
        (Status.APPROVED, "withdraw"),
        (Status.DRAFT, "archive"),
        (Status.DRAFT, "new_edition"),
    ],
)
def test_an_action_out_of_turn_is_refused_and_changes_nothing(bob, status, action):
    campaign = draft()
    Campaign.objects.filter(pk=campaign.pk).update(status=status)
    version = reload(campaign).version

    with pytest.raises(ActionRefused):
        perform(reload(campaign), bob, action, comment="Reason", when=FUTURE)

    assert (reload(campaign).status, reload(campaign).version) == (status, version)


def test_request_changes_needs_a_comment_the_author_then_reads(alice, bob):
    campaign = draft(edited_by=alice)
    perform(campaign, alice, "submit")
    with pytest.raises(ActionRefused, match="Say what needs changing"):
        perform(reload(campaign), bob, "request_changes", comment="  ")
    assert reload(campaign).status == Status.IN_REVIEW

    perform(reload(campaign), bob, "request_changes", comment="Say when the lines are open.")

    campaign = reload(campaign)
    assert (campaign.status, campaign.review_comment_by) == (Status.DRAFT, bob)
    page = client_for(alice).get(change_url(campaign)).text
    assert "Changes asked for by Bob Jones" in page
    assert "Say when the lines are open." in page


def test_a_partner_data_officer_may_take_no_action(bob):
    officer = data_officer(OrganisationFactory())
    campaign = draft(edited_by=bob)
    perform(campaign, bob, "submit")

    response = client_for(officer).post(action_url(campaign, "approve"))

    assert response.status_code == 403
    assert reload(campaign).status == Status.IN_REVIEW


def test_a_user_without_review_permission_cannot_approve(alice, bob, django_user_model):
    from django.contrib.auth.models import Permission

    editor = django_user_model.objects.create_user("editor", is_staff=True)
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_campaign", "change_campaign"])
    )
    campaign = draft(edited_by=alice)
    perform(campaign, alice, "submit")

    with pytest.raises(ActionRefused, match="You may not review campaigns"):
        perform(reload(campaign), editor, "approve")


# --- Scheduling in UK time ---------------------------------------------------------------------


def approved(user=None) -> Campaign:
    campaign = draft()
    Campaign.objects.filter(pk=campaign.pk).update(status=Status.APPROVED)
    return reload(campaign)


@pytest.mark.parametrize(
    ("date", "time", "utc"),
    [
        ("2031-07-03", "09:00", datetime.datetime(2031, 7, 3, 8, 0, tzinfo=datetime.UTC)),
        ("2031-12-08", "09:00", datetime.datetime(2031, 12, 8, 9, 0, tzinfo=datetime.UTC)),
        ("2031-03-30", "02:30", datetime.datetime(2031, 3, 30, 1, 30, tzinfo=datetime.UTC)),
        ("2031-10-26", "00:59", datetime.datetime(2031, 10, 25, 23, 59, tzinfo=datetime.UTC)),
    ],
    ids=["summer", "winter", "after clocks go forward", "before clocks go back"],
)
def test_schedule_reads_uk_time_and_stores_utc(bob, date, time, utc):
    campaign = approved()

    response = client_for(bob).post(
        action_url(campaign, "schedule"), {"date": date, "time": time}, follow=True
    )

    campaign = reload(campaign)
    assert campaign.publish_at == utc, messages_of(response)
    assert campaign.status == Status.PUBLISHED and not campaign.is_released
    assert any(m.startswith("Scheduled for ") for m in messages_of(response))


@pytest.mark.parametrize(
    ("date", "time", "message"),
    [
        ("2031-03-30", "01:30", "There is no 01:30 on 30 March 2031 in the UK"),
        ("2031-10-26", "01:30", "01:30 on 26 October 2031 happens twice in the UK"),
        ("2020-01-01", "09:00", "must be in the future"),
        ("", "09:00", "Give the date"),
        ("2031-13-45", "09:00", "Write the date"),
    ],
    ids=["skipped hour", "repeated hour", "past", "no date", "not a date"],
)
def test_a_time_that_cannot_be_scheduled_is_refused_plainly(bob, date, time, message):
    campaign = approved()

    response = client_for(bob).post(
        action_url(campaign, "schedule"), {"date": date, "time": time}, follow=True
    )

    assert any(message in m for m in messages_of(response)), messages_of(response)
    assert reload(campaign).status == Status.APPROVED


def test_unschedule_takes_it_back_to_approved(bob):
    campaign = approved()
    perform(campaign, bob, "schedule", when=FUTURE)
    perform(reload(campaign), bob, "unschedule")
    assert reload(campaign).status == Status.APPROVED
    assert not Campaign.objects.scheduled().filter(pk=campaign.pk).exists()


def test_the_action_pages_take_only_posts(bob):
    campaign = approved()
    assert client_for(bob).get(action_url(campaign, "publish")).status_code == 405
    assert reload(campaign).status == Status.APPROVED


def test_a_refused_button_says_why_on_the_page(alice, bob):
    campaign = draft(edited_by=alice)
    perform(campaign, alice, "submit")

    response = client_for(alice).post(action_url(campaign, "approve"), follow=True)

    assert "someone else must approve it" in " ".join(messages_of(response))
    assert reload(campaign).status == Status.IN_REVIEW


# --- Editing in review ----------------------------------------------------------------------


def save_form(client: Client, item, **changes):
    url = change_url(item)
    form = opened_form(client, url)
    form.update({name: [value] for name, value in changes.items()})
    return client.post(url, form, follow=True)


def test_editing_an_approved_item_sends_it_back_to_review(alice, bob):
    campaign = approved()
    response = save_form(client_for(alice), campaign, summary_en_gb="A better summary.")

    campaign = reload(campaign)
    assert (campaign.status, campaign.edited_by, campaign.approved_by) == (
        Status.IN_REVIEW,
        alice,
        None,
    )
    assert "it is back in review" in " ".join(messages_of(response))
    with pytest.raises(ActionRefused, match="last change"):
        perform(campaign, alice, "approve")


def test_editing_a_scheduled_item_unschedules_it(alice, bob):
    campaign = approved()
    perform(campaign, bob, "schedule", when=FUTURE)

    save_form(client_for(alice), reload(campaign), summary_en_gb="A better summary.")

    campaign = reload(campaign)
    assert campaign.status == Status.IN_REVIEW
    assert not Campaign.objects.scheduled().filter(pk=campaign.pk).exists()


def test_saving_without_a_change_keeps_approval(alice):
    campaign = approved()
    save_form(client_for(alice), campaign)
    assert reload(campaign).status == Status.APPROVED


def test_save_and_submit_for_review_in_one_click(alice):
    campaign = draft()
    url = change_url(campaign)
    form = opened_form(client_for(alice), url)
    form["_submit_for_review"] = ["Save and submit for review"]
    form["summary_en_gb"] = ["Ready."]

    client_for(alice).post(url, form)

    campaign = reload(campaign)
    assert (campaign.status, campaign.summary, campaign.submitted_by) == (
        Status.IN_REVIEW,
        "Ready.",
        alice,
    )


def test_the_status_is_not_a_field_to_type_in(alice):
    campaign = draft()
    save_form(client_for(alice), campaign, status="published", publish_at_0="2020-01-01")
    assert reload(campaign).status == Status.DRAFT
    assert not reload(campaign).is_released


# --- Publishing without review -----------------------------------------------------------------


def test_a_superuser_publishes_without_review_with_a_reason_kept_in_history(root):
    campaign = draft()
    with pytest.raises(ActionRefused, match="Give the reason"):
        perform(campaign, root, "publish_without_review", comment="")

    perform(reload(campaign), root, "publish_without_review", comment="Helpline number wrong.")

    campaign = reload(campaign)
    assert campaign.is_published
    assert (
        campaign.history.latest("history_date").history_change_reason
        == "Published without review: Helpline number wrong."
    )
    page = client_for(root).get(reverse("admin:campaigns_campaign_history", args=[campaign.pk]))
    assert "Published without review: Helpline number wrong." in page.text


def test_only_a_superuser_may_publish_without_review(bob):
    campaign = draft()
    response = client_for(bob).post(
        action_url(campaign, "publish_without_review"), {"comment": "Urgent"}, follow=True
    )
    assert "Only a superuser" in " ".join(messages_of(response))
    assert reload(campaign).status == Status.DRAFT


# --- New editions of public pages --------------------------------------------------------------


def test_a_public_page_is_not_edited_in_place(alice):
    campaign = CampaignFactory(title="Public title")
    url = change_url(campaign)
    page = client_for(alice).get(url)
    assert "Create a new edition" in page.text

    response = client_for(alice).post(url, {"title": "Changed in place"})

    assert response.status_code == 403
    assert reload(campaign).title == "Public title"


def test_a_new_edition_is_public_only_once_published(alice, bob, client):
    campaign = CampaignFactory(title="Public title", summary="Old summary.")
    statement = PressStatementFactory(campaign=campaign)
    response = client_for(alice).post(action_url(campaign, "new_edition"), follow=True)
    edition = Campaign.objects.get(edition_of=campaign)
    assert response.redirect_chain[-1][0] == change_url(edition)
    assert edition.edition == 2 and edition.status == Status.DRAFT

    save_form(client_for(alice), edition, summary_en_gb="New summary.")
    perform(reload(edition), alice, "submit")
    assert "Old summary." in client.get(campaign.get_absolute_url()).text
    perform(reload(edition), bob, "approve")
    assert "Old summary." in client.get(campaign.get_absolute_url()).text
    assert Campaign.objects.published().count() == 1

    perform(reload(edition), bob, "publish")

    campaign = reload(campaign)
    assert not Campaign.objects.filter(pk=edition.pk).exists()
    assert (campaign.summary, campaign.edition, campaign.status) == (
        "New summary.",
        2,
        Status.PUBLISHED,
    )
    assert "New summary." in client.get(campaign.get_absolute_url()).text
    assert reload(statement).campaign == campaign  # the campaign's statements stay with it


def test_a_new_edition_of_a_statement_carries_its_quotes_into_the_page(alice, bob, root):
    statement = PressStatementFactory(title="Police back the helpline")
    QuoteFactory(statement=statement, text="Old words.")
    edition = start_new_edition(statement, alice)
    quote = edition.quotes.get()
    quote.text = "New words."
    quote.save()
    assert list(statement.quotes.values_list("text", flat=True)) == ["Old words."]

    perform(edition, root, "publish_without_review", comment="Urgent correction.")

    statement = reload(statement)
    assert list(statement.quotes.values_list("text", flat=True)) == ["New words."]
    assert not PressStatement.objects.filter(pk=edition.pk).exists()
    assert "Urgent correction." in statement.history.latest("history_date").history_change_reason


def test_one_new_edition_at_a_time(alice):
    campaign = CampaignFactory()
    perform(campaign, alice, "new_edition")
    with pytest.raises(ActionRefused, match="already has a new edition"):
        perform(reload(campaign), alice, "new_edition")


def test_a_new_edition_cannot_be_scheduled(bob):
    campaign = CampaignFactory()
    edition = start_new_edition(campaign, None)
    Campaign.objects.filter(pk=edition.pk).update(status=Status.APPROVED)
    with pytest.raises(ActionRefused, match="Publish now"):
        perform(reload(edition), bob, "schedule", when=FUTURE)


def test_restoring_an_earlier_version_of_a_public_page_makes_a_new_edition(alice, client):
    campaign = CampaignFactory(title="First title")
    Campaign.objects.filter(pk=campaign.pk).update(title="Second title")
    campaign = reload(campaign)
    campaign.save()  # a version with the second title
    first = campaign.history.earliest("history_date")
    url = reverse("admin:campaigns_campaign_simple_history", args=[campaign.pk, first.history_id])

    assert "Restore" in client_for(alice).get(url).text
    response = client_for(alice).post(url, follow=True)

    edition = Campaign.objects.get(edition_of=campaign)
    assert edition.title == "First title"
    assert reload(campaign).title == "Second title"
    assert "restored in a new edition" in " ".join(messages_of(response))


# --- Withdrawal and archiving ------------------------------------------------------------------


def test_a_withdrawn_page_stays_with_a_dated_notice_and_leaves_lists(bob, client):
    campaign = CampaignFactory(title="Withdrawn campaign")
    statement = PressStatementFactory(campaign=campaign, title="Its statement")
    with pytest.raises(ActionRefused, match="Give the reason"):
        perform(campaign, bob, "withdraw")

    perform(reload(campaign), bob, "withdraw", comment="Replaced by the 2019 campaign.")

    page = client.get(campaign.get_absolute_url())
    assert page.status_code == 200
    assert "This campaign was withdrawn" in page.text
    assert "Replaced by the 2019 campaign." in page.text
    assert timezone.localdate().strftime("%-d %B %Y") in page.text
    assert "Withdrawn campaign" not in client.get("/").text
    sitemap = client.get("/sitemap.xml").text
    assert campaign.get_absolute_url() not in sitemap
    assert statement.get_absolute_url() not in sitemap
    assert client.get(statement.get_absolute_url()).status_code == 200
    organisation = campaign.lead_organisation
    assert "Withdrawn campaign" not in client.get(f"/partners/{organisation.slug}/").text


def test_archive_keeps_the_page_and_marks_it_past(bob, client):
    campaign = CampaignFactory()
    perform(campaign, bob, "archive")
    assert reload(campaign).status == Status.ARCHIVED
    assert "This campaign has ended" in client.get(campaign.get_absolute_url()).text


def test_changing_only_a_quote_counts_as_changing_the_text(alice):
    statement = PressStatementFactory(status=Status.APPROVED, publish_at=None)
    QuoteFactory(statement=statement, text="Old words.")
    url = change_url(statement)
    form = opened_form(client_for(alice), url)
    form["quotes-0-text_en_gb"] = ["New words."]

    client_for(alice).post(url, form)

    statement = reload(statement)
    assert statement.quotes.get().text == "New words."
    assert (statement.status, statement.edited_by) == (Status.IN_REVIEW, alice)


def test_the_regions_a_campaign_covers_are_kept_in_its_versions(alice):
    from tests.regions.factories import RegionFactory

    campaign = draft()
    wales, cheshire = RegionFactory(name="North Wales"), RegionFactory(name="Cheshire")
    campaign.regions.set([wales])
    campaign.save()
    campaign.regions.set([cheshire])
    campaign.save()

    linked = []
    for version in campaign.history.order_by("history_date"):
        regions = [row.region.name for row in version.regions.all()]
        if regions and (not linked or linked[-1] != regions):
            linked.append(regions)
    assert linked == [["North Wales"], ["Cheshire"]]


# --- Partner sign-off blocks publication -------------------------------------------------------


def test_a_statement_is_not_published_while_a_quote_lacks_its_partners_approval(alice, bob):
    from campaigns import signoff
    from tests.campaigns.factories import PersonFactory

    force = OrganisationFactory(name="Cheshire Constabulary")
    officer = PersonFactory(name="Jane Smith", organisation=force)
    statement = PressStatementFactory(status=Status.APPROVED, publish_at=None)
    quote = QuoteFactory(statement=statement, person=officer, text="Call the helpline.")

    for action, when in (("publish", None), ("schedule", FUTURE)):
        with pytest.raises(ActionRefused, match=r"Jane Smith \(Cheshire Constabulary\)"):
            perform(reload(statement), bob, action, when=when)
    assert reload(statement).status == Status.APPROVED
    page = client_for(bob).get(reverse("admin:index")).text
    assert "Quotes awaiting a partner&#x27;s sign-off" in page and statement.title in page

    link = signoff.make_link(statement, force, alice)
    signoff.record_decision(link=link, quote=quote, decision="approved", name="Press officer")
    perform(reload(statement), bob, "publish")

    assert reload(statement).is_published
    page = client_for(bob).get(reverse("admin:index")).text
    assert "No quote awaits a partner&#x27;s sign-off." in page


def test_restoring_a_version_of_an_approved_item_sends_it_back_to_review(alice):
    campaign = draft(title="First title")
    campaign.title = "Second title"
    campaign.save()
    Campaign.objects.filter(pk=campaign.pk).update(status=Status.APPROVED)
    first = campaign.history.earliest("history_date")
    url = reverse("admin:campaigns_campaign_simple_history", args=[campaign.pk, first.history_id])

    client_for(alice).post(url, opened_form(client_for(alice), url))

    campaign = reload(campaign)
    assert campaign.title == "First title"
    assert (campaign.status, campaign.edited_by) == (Status.IN_REVIEW, alice)


def test_submitting_emails_the_reviewers_and_approving_emails_the_author(
    alice, bob, mailoutbox, django_capture_on_commit_callbacks
):
    campaign = draft(edited_by=alice)
    with django_capture_on_commit_callbacks(execute=True):
        perform(campaign, alice, "submit")
    assert [message.to for message in mailoutbox] == [["b@x.org"]]
    assert campaign.title in mailoutbox[0].subject

    with django_capture_on_commit_callbacks(execute=True):
        perform(reload(campaign), bob, "request_changes", comment="Add the opening hours.")
    assert mailoutbox[-1].to == ["a@x.org"]
    assert "Add the opening hours." in mailoutbox[-1].body

    with django_capture_on_commit_callbacks(execute=True):
        perform(reload(campaign), alice, "submit")
        perform(reload(campaign), bob, "approve")
    assert mailoutbox[-1].to == ["a@x.org"]
    assert "Bob Jones" in mailoutbox[-1].body


def test_a_new_editions_preview_shows_its_campaigns_statements(alice):
    campaign = CampaignFactory()
    PressStatementFactory(campaign=campaign, title="A statement of the campaign")
    edition = start_new_edition(campaign, alice)

    page = client_for(alice).get(edition.get_page_url())

    assert page.status_code == 200
    assert "A statement of the campaign" in page.text


def test_a_public_page_cannot_be_deleted_only_withdrawn(alice):
    campaign = CampaignFactory()
    delete_url = reverse("admin:campaigns_campaign_delete", args=[campaign.pk])

    assert client_for(alice).post(delete_url, {"post": "yes"}).status_code == 403
    bulk = client_for(alice).post(
        reverse("admin:campaigns_campaign_changelist"),
        {"action": "delete_selected", "_selected_action": [campaign.pk], "post": "yes"},
    )

    assert Campaign.objects.filter(pk=campaign.pk).exists(), bulk.status_code
    assert (
        client_for(alice)
        .post(reverse("admin:campaigns_campaign_delete", args=[draft().pk]), {"post": "yes"})
        .status_code
        == 302
    )


def test_save_and_submit_is_offered_beside_save_at_the_top_and_bottom(alice):
    page = client_for(alice).get(change_url(draft())).text
    assert page.count('name="_submit_for_review"') == 2
    assert 'name="_submit_for_review"' not in client_for(alice).get(change_url(approved())).text
