"""Every edit page: a refused save names each problem at the top, linked to its field, and the
two-box chooser carries no "hold down Control" hint."""

import re

import pytest

from campaigns.models import Campaign
from campaigns.publishing import Status
from tests.campaigns.factories import CampaignFactory
from tests.campaigns.test_edit_conflicts import opened_form

pytestmark = pytest.mark.django_db


def test_a_refused_save_lists_each_problem_linked_to_its_field(manager_client):
    campaign = CampaignFactory(status=Status.DRAFT, publish_at=None)
    url = f"/admin/campaigns/campaign/{campaign.pk}/change/"
    form = opened_form(manager_client, url)
    form.update(summary_en_gb=[""], helpline_phone=["not a number"])

    page = manager_client.post(url, form).content.decode()

    summary = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    assert [anchor for anchor, _ in links] == ["id_summary_en_gb", "id_helpline_phone"]
    assert "Not saved: there are 2 problems" in summary
    assert all(f'id="{anchor}"' in page for anchor, _ in links)
    assert Campaign.objects.get(pk=campaign.pk).summary != ""


def test_an_inline_row_problem_names_its_row(manager_client):
    campaign = CampaignFactory(status=Status.DRAFT, publish_at=None)
    url = f"/admin/campaigns/campaign/{campaign.pk}/change/"
    form = opened_form(manager_client, url)
    form.update(
        {
            "reported_figures-TOTAL_FORMS": ["1"],
            "reported_figures-0-label_en_gb": ["Calls"],
            "reported_figures-0-value": ["12"],
            "reported_figures-0-unit": ["count"],
            "reported_figures-0-source_en_gb": [""],
            "reported_figures-0-order": ["0"],
        }
    )

    page = manager_client.post(url, form).content.decode()

    assert re.search(
        r'<a href="#id_reported_figures-0-source_en_gb">Headline figure, row 1: ', page
    )


def test_two_box_choosers_carry_no_control_key_hint(manager_client):
    page = manager_client.get("/admin/campaigns/campaign/add/").content.decode()
    assert 'id="id_regions"' in page
    assert "Hold down" not in page
