"""Uploaded pictures are stored upright and without what the camera recorded about them."""

import io

import pytest
from PIL import Image, ImageCms

from core.images import upright_without_metadata

EXIF_ORIENTATION = 0x0112
EXIF_MAKE = 0x010F
EXIF_GPS = 0x8825


def phone_exif(orientation: int) -> Image.Exif:
    """EXIF as a phone writes it: orientation, camera maker and where the photo was taken."""
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = orientation
    exif[EXIF_MAKE] = "PhoneMaker"
    exif[EXIF_GPS] = {1: "N", 2: (53.0, 13.0, 5.0), 3: "W", 4: (4.0, 20.0, 0.0)}
    return exif


def phone_jpeg(size: tuple[int, int] = (160, 90), orientation: int = 6) -> bytes:
    """Stored as the sensor read it: its left half red, its right half blue."""
    image = Image.new("RGB", size, (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=phone_exif(orientation).tobytes(), comment=b"taken")
    return buffer.getvalue()


def opened(stored: bytes | tuple[bytes, str]) -> Image.Image:
    """A picture's bytes, or a stored picture's bytes and the format it is said to be in."""
    data, image_format = stored if isinstance(stored, tuple) else (stored, None)
    image = Image.open(io.BytesIO(data))
    assert image_format in {None, image.format}
    image.load()
    return image


def test_a_phone_photo_is_turned_upright_and_loses_its_exif():
    data = phone_jpeg((160, 90), orientation=6)
    assert opened(data).getexif().get_ifd(EXIF_GPS)  # the test photo says where it was taken

    image = opened(upright_without_metadata(data))

    assert image.format == "JPEG"
    assert image.size == (90, 160)  # as shown, not as stored
    assert dict(image.getexif()) == {}
    assert "exif" not in image.info
    assert "comment" not in image.info
    # Orientation 6 turns the picture a quarter clockwise: the stored left (red) is now on top.
    top, bottom = image.getpixel((45, 10)), image.getpixel((45, 150))
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60


def test_a_photo_already_upright_keeps_its_size_and_loses_its_exif():
    image = opened(upright_without_metadata(phone_jpeg((160, 90), orientation=1)))
    assert image.size == (160, 90)
    assert dict(image.getexif()) == {}


def test_a_png_keeps_its_transparency_and_loses_its_exif():
    image = Image.new("RGBA", (40, 20), (0, 0, 0, 0))
    image.paste((200, 30, 30, 255), (0, 0, 20, 20))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", exif=phone_exif(8).tobytes())

    result = opened(upright_without_metadata(buffer.getvalue()))

    assert result.format == "PNG"
    assert result.mode == "RGBA"
    assert result.size == (20, 40)
    assert dict(result.getexif()) == {}
    alphas = {result.getpixel((x, y))[3] for x in range(20) for y in range(40)}
    assert alphas == {0, 255}


def test_a_palette_png_keeps_its_transparent_colour():
    image = Image.new("P", (10, 10), 0)
    image.putpalette([255, 255, 255, 200, 30, 30] + [0] * 762)
    image.paste(1, (0, 0, 5, 10))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", transparency=0)

    result = opened(upright_without_metadata(buffer.getvalue()))

    assert result.info.get("transparency") == 0


def test_the_colour_profile_is_kept():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10), "teal").save(
        buffer, format="WEBP", icc_profile=profile, exif=phone_exif(6).tobytes()
    )

    result = opened(upright_without_metadata(buffer.getvalue()))

    # A WebP without transparency is stored as JPEG: what browsers without WebP are sent.
    assert result.format == "JPEG"
    assert result.info.get("icc_profile") == profile
    assert dict(result.getexif()) == {}


def test_an_animation_keeps_its_first_frame():
    frames = [Image.new("RGB", (10, 10), colour) for colour in ["red", "blue"]]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="WEBP", save_all=True, append_images=frames[1:], lossless=True)
    assert getattr(opened(buffer.getvalue()), "n_frames", 1) == 2

    result = opened(upright_without_metadata(buffer.getvalue()))

    assert getattr(result, "n_frames", 1) == 1
    red, green, blue = result.convert("RGB").getpixel((5, 5))
    assert red > 200 and blue < 60


@pytest.mark.parametrize("image_format", ["GIF", "BMP"])
def test_other_formats_are_left_to_the_format_check(image_format):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format=image_format)
    assert upright_without_metadata(buffer.getvalue()) is None
