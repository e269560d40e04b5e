"""Uploaded pictures: stored at most 4,000 pixels a side, shown as renditions made once on save
(core/images.py, core/renditions.py)."""

import io
import random
import re
from html.parser import HTMLParser

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image, ImageDraw, ImageFilter

from campaigns.models import Campaign
from core import renditions
from core.images import STORED_MAX_SIDE
from regions.models import Organisation
from tests.campaigns.factories import CampaignPartnerFactory
from tests.regions.test_uploads import image_upload, organisation_form_data

pytestmark = pytest.mark.django_db

MEDIA_URL = "/media/"


def photo(size: tuple[int, int] = (4000, 3000), seed: int = 1) -> Image.Image:
    """A picture with a photo's kind of detail: gradients, shapes of every size, soft edges and
    grain (a flat colour would compress to nothing and prove nothing)."""
    rnd = random.Random(seed)  # noqa: S311 - a picture, not a secret
    width, height = size
    image = Image.merge(
        "RGB",
        [
            Image.linear_gradient("L").resize(size),
            Image.radial_gradient("L").resize(size),
            Image.linear_gradient("L").rotate(90).resize(size),
        ],
    )
    draw = ImageDraw.Draw(image)
    for _ in range(300):
        x, y, r = rnd.randrange(width), rnd.randrange(height), rnd.randrange(20, 400)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rnd.randrange(256) for _ in "rgb"))
    image = image.filter(ImageFilter.GaussianBlur(3))
    return Image.blend(image, Image.effect_noise(size, 24).convert("RGB"), 0.15)


def encoded(image: Image.Image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def stored_file(url: str) -> bytes:
    assert url.startswith(MEDIA_URL), url
    with default_storage.open(url.removeprefix(MEDIA_URL), "rb") as file:
        return file.read()


class Pictures(HTMLParser):
    """Every <picture>'s <source> and <img>, and every <img>, with their attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.sources: list[dict] = []
        self.images: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "source":
            self.sources.append(dict(attrs))
        elif tag == "img":
            self.images.append(dict(attrs))


def parsed(html: str) -> Pictures:
    parser = Pictures()
    parser.feed(html)
    return parser


def candidates(srcset: str) -> list[tuple[str, int]]:
    found = []
    for candidate in srcset.split(","):
        url, descriptor = candidate.split()
        found.append((url, int(descriptor.removesuffix("w"))))
    return found


def slot_width(sizes: str, viewport: int) -> float:
    """The CSS width `sizes` gives the picture at a viewport this wide, for the two shapes this
    site writes: a fixed width ("4rem"), or "(max-width: Nrem) calc(100vw - Mrem), Krem"."""
    rem = 16
    match = re.fullmatch(r"\(max-width: (\d+)rem\) calc\(100vw - (\d+)rem\), (\d+)rem", sizes)
    if match:
        limit, less, wide = (int(group) for group in match.groups())
        return viewport - less * rem if viewport <= limit * rem else wide * rem
    return float(sizes.removesuffix("rem")) * rem


def chosen(srcset: str, sizes: str, *, viewport: int, density: float) -> tuple[str, int]:
    """The candidate a browser fetches, read as the HTML standard allows and as the tests
    assume: the narrowest at least as wide as the slot times the screen's density (Chromium
    may pick one narrower still, never wider), else the widest."""
    needed = slot_width(sizes, viewport) * density
    ordered = sorted(candidates(srcset), key=lambda candidate: candidate[1])
    return next((c for c in ordered if c[1] >= needed), ordered[-1])


@pytest.fixture
def hero_campaign(db):
    upload = SimpleUploadedFile("hero.jpg", encoded(photo(), "JPEG", quality=90))
    return CampaignPartnerFactory(
        campaign__slug="big-hero",
        campaign__hero_image=upload,
        campaign__hero_image_alt="Volunteers answering phones",
    ).campaign


def test_a_large_hero_reaches_a_phone_under_60_kb_and_never_as_stored(client, hero_campaign):
    assert (hero_campaign.hero_image_width, hero_campaign.hero_image_height) == (4000, 3000)
    page = client.get(hero_campaign.get_absolute_url()).content.decode()

    pictures = parsed(page)
    stored_url = hero_campaign.hero_image.url
    assert stored_url not in page
    (webp,) = [s for s in pictures.sources if s.get("type") == "image/webp"]
    (hero,) = [i for i in pictures.images if "hero" in i.get("class", "")]
    assert hero["alt"] == "Volunteers answering phones"
    assert "loading" not in hero  # at the top of the page: fetched at once
    assert hero["decoding"] == "async"
    assert (int(hero["width"]) / int(hero["height"])) == pytest.approx(4 / 3, rel=0.01)
    assert webp["sizes"] == hero["sizes"] == "(max-width: 60rem) calc(100vw - 2rem), 58rem"
    assert len(candidates(webp["srcset"])) >= 4

    # A 375 CSS pixel wide phone at twice the density: a 343 pixel slot, 686 device pixels.
    url, width = chosen(webp["srcset"], webp["sizes"], viewport=375, density=2)
    assert width < 1000
    data = stored_file(url)
    assert len(data) < 60_000, len(data)
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.width) == ("WEBP", width)
    # Browsers without WebP: the JPEG at the same width is under the same bound.
    url, width = chosen(hero["srcset"], hero["sizes"], viewport=375, density=2)
    data = stored_file(url)
    assert len(data) < 60_000, len(data)
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.width) == ("JPEG", width)
    # And the `src` for browsers that read no srcset is a rendition too.
    assert hero["src"].startswith(f"{MEDIA_URL}CACHE/images/")
    stored_file(hero["src"])


def test_every_candidate_is_made_on_save_at_its_width(hero_campaign):
    made = renditions.picture(hero_campaign.hero_image, renditions.HERO, width=4000, height=3000)
    for candidate in made.webp + made.fallback:
        with Image.open(io.BytesIO(stored_file(candidate.url))) as image:
            assert image.size == (candidate.width, candidate.height)


def test_a_second_page_render_makes_no_rendition(client, hero_campaign, monkeypatch):
    made = []
    monkeypatch.setattr(
        renditions.ImageCacheFile, "generate", lambda self, force=False: made.append(self.name)
    )
    first = client.get(hero_campaign.get_absolute_url()).content
    second = client.get(hero_campaign.get_absolute_url()).content
    assert first == second
    assert made == []
    # Nor is anything made again when the campaign is saved with the same picture.
    Campaign.objects.get(pk=hero_campaign.pk).save()
    assert made == []


def test_a_replaced_hero_has_its_old_renditions_deleted(
    hero_campaign, django_capture_on_commit_callbacks
):
    old_folder = renditions.rendition_folder(hero_campaign.hero_image.name)
    assert default_storage.listdir(old_folder)[1]
    campaign = Campaign.objects.get(pk=hero_campaign.pk)
    campaign.hero_image = SimpleUploadedFile("new.jpg", encoded(photo((1600, 900), seed=2), "JPEG"))
    with django_capture_on_commit_callbacks(execute=True):
        campaign.save()

    assert not default_storage.listdir(old_folder)[1]
    new = renditions.picture(campaign.hero_image, renditions.HERO, width=1600, height=900)
    assert [c.width for c in new.webp] == [360, 720, 960, 1280, 1600]
    for candidate in new.webp + new.fallback:
        stored_file(candidate.url)


def test_a_picture_another_row_still_shows_keeps_its_renditions(
    hero_campaign, django_capture_on_commit_callbacks
):
    name = hero_campaign.hero_image.name
    other = Campaign.objects.get(pk=hero_campaign.pk)
    other.pk = None
    other.slug = "same-picture"
    other.save()
    with django_capture_on_commit_callbacks(execute=True):
        Campaign.objects.filter(pk=hero_campaign.pk).delete()
    assert default_storage.listdir(renditions.rendition_folder(name))[1]

    with django_capture_on_commit_callbacks(execute=True):
        other.delete()
    assert not default_storage.listdir(renditions.rendition_folder(name))[1]
    assert default_storage.exists(name)  # the stored picture: the history may bring it back


def test_a_fresh_upload_under_a_used_name_never_shows_old_renditions(hero_campaign):
    name = hero_campaign.hero_image.name
    old = renditions.picture(hero_campaign.hero_image, renditions.HERO, width=4000, height=3000)
    old_bytes = stored_file(old.webp[0].url)
    # The stored picture removed by hand: its name is free again.
    default_storage.delete(name)
    campaign = Campaign.objects.get(pk=hero_campaign.pk)
    campaign.hero_image = SimpleUploadedFile(
        name.rsplit("/", 1)[-1], encoded(photo(seed=3), "JPEG", quality=90)
    )
    campaign.save()

    assert campaign.hero_image.name == name
    new = renditions.picture(campaign.hero_image, renditions.HERO, width=4000, height=3000)
    assert new.webp[0].url == old.webp[0].url
    assert stored_file(new.webp[0].url) != old_bytes


def test_a_huge_transparent_logo_is_stored_at_4000_pixels_and_stays_transparent(
    manager_client,
):
    logo = Image.new("RGBA", (12_000, 12_000), (0, 0, 0, 0))
    ImageDraw.Draw(logo).ellipse((2_000, 2_000, 10_000, 10_000), fill=(0, 88, 74, 255))
    data = encoded(logo, "PNG", compress_level=1)
    del logo
    assert len(data) < 5 * 1024 * 1024  # within the upload limit: only its pixels are many

    response = manager_client.post(
        "/admin/regions/organisation/add/",
        organisation_form_data(logo=image_upload("logo.png", data)),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    organisation = Organisation.objects.get()
    assert (organisation.logo_width, organisation.logo_height) == (STORED_MAX_SIDE,) * 2
    with organisation.logo.open("rb") as stored, Image.open(stored) as image:
        assert image.size == (4000, 4000)
        assert image.mode == "RGBA"
        assert image.getpixel((0, 0))[3] == 0
        assert image.getpixel((2000, 2000))[3] == 255

    made = renditions.picture(organisation.logo, renditions.LOGO, width=4000, height=4000)
    assert made.fallback_type == "image/png"
    assert [c.width for c in made.webp] == [64, 128, 192, 256, 384]
    for candidate in (made.webp[0], made.fallback[0]):
        with Image.open(io.BytesIO(stored_file(candidate.url))) as image:
            assert image.mode == "RGBA"
            assert image.getpixel((0, 0))[3] == 0
            assert image.getpixel((32, 32))[3] == 255


def test_pages_show_logos_as_renditions_lazily_below_the_fold(client, db):
    organisation = Organisation.objects.create(
        name="Gwent Police", slug="gwent-police", kind="police_force"
    )
    organisation.logo = SimpleUploadedFile("gwent.png", encoded(photo((600, 300)), "PNG"))
    organisation.save()
    stored_url = organisation.logo.url
    campaign = CampaignPartnerFactory(organisation=organisation).campaign

    campaign_page = client.get(campaign.get_absolute_url()).content.decode()
    partner_page = client.get(organisation.get_absolute_url()).content.decode()

    assert stored_url not in campaign_page
    assert stored_url not in partner_page
    (in_list,) = [i for i in parsed(campaign_page).images if "logo" in i.get("class", "")]
    assert in_list["loading"] == "lazy"
    assert in_list["sizes"] == "4rem"
    assert (in_list["width"], in_list["height"]) == ("384", "192")
    (heading,) = [i for i in parsed(partner_page).images if "logo-large" in i.get("class", "")]
    assert "loading" not in heading
    assert heading["sizes"] == "8rem"
    # A 375 pixel phone at three times the density: 192 device pixels for the list's logo.
    url, width = chosen(in_list["srcset"], in_list["sizes"], viewport=375, density=3)
    assert width == 192
    stored_file(url)


def test_a_picture_over_the_pixel_limit_is_refused_with_its_size(manager_client, settings):
    settings.MAX_IMAGE_PIXELS = 1_000_000
    data = encoded(Image.new("RGB", (1500, 1000), "teal"), "PNG")
    response = manager_client.post(
        "/admin/regions/organisation/add/",
        organisation_form_data(logo=image_upload("logo.png", data)),
    )
    assert response.status_code == 200
    assert (
        "This image is 1,500 x 1,000 pixels (1 million); the largest accepted is 1 million "
        "pixels." in response.content.decode()
    )
    assert not Organisation.objects.exists()


def test_a_picture_too_large_even_to_open_is_refused_in_plain_words(
    manager_client, settings, monkeypatch
):
    settings.MAX_IMAGE_PIXELS = 1_000_000
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000_000)  # as CoreConfig.ready sets it
    data = encoded(Image.new("RGB", (3000, 1000), "teal"), "PNG")
    response = manager_client.post(
        "/admin/regions/organisation/add/",
        organisation_form_data(logo=image_upload("logo.png", data)),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "This image has more than 2 million pixels" in content
    assert "the largest accepted is 1 million" in content
    assert not Organisation.objects.exists()


def test_pillows_limit_is_the_sites_own():
    from django.conf import settings

    assert Image.MAX_IMAGE_PIXELS == settings.MAX_IMAGE_PIXELS >= 12_000 * 12_000


def test_make_renditions_makes_those_that_are_missing(hero_campaign):
    folder = renditions.rendition_folder(hero_campaign.hero_image.name)
    renditions.renditions_delete(hero_campaign.hero_image.name)
    assert not default_storage.listdir(folder)[1]

    out = io.StringIO()
    call_command("make_renditions", "--dry-run", stdout=out)
    assert "1 picture(s) would be looked at; nothing was made." in out.getvalue()
    assert not default_storage.listdir(folder)[1]

    call_command("make_renditions", stdout=out)
    assert "13 rendition(s) made for 1 picture(s)." in out.getvalue()
    call_command("make_renditions", stdout=out)
    assert "0 rendition(s) made for 1 picture(s)." in out.getvalue()
