"""Helpline numbers read with libphonenumber's data: the forms editors write, tel: links, free
calls, and what an editor is told about a number nobody could call."""

import pytest
from django.core.exceptions import ValidationError

from campaigns.phones import PHONE_MESSAGE, PhoneNumber, validate_phone_number

NOT_A_UK_NUMBER = (
    "There is no UK phone number like this: check the digits against where the number is "
    "published. A number in another country starts with + and its country code."
)
NOT_A_NUMBER_ABROAD = (
    "No country has a phone number like this: check the country code after the + and the digits."
)
ZERO_AFTER_44 = (
    "After +44, leave out the 0 that starts the number within the UK: write "
    "+44 808 1000 900, or +44 (0)808 1000 900."
)
EMERGENCY = (
    "This is an emergency number: give the helpline's own number, for example 0808 1000 900."
)


def refusal(text: str) -> list[str]:
    with pytest.raises(ValidationError) as error:
        validate_phone_number(text)
    assert error.value.code == "invalid_phone"
    return error.value.messages


@pytest.mark.parametrize(
    ("phone", "tel"),
    [
        ("0808 1000 900", "tel:08081000900"),
        (" 0808  1000 900 ", "tel:08081000900"),
        ("+44 808 1000 900", "tel:+448081000900"),
        ("+44 (0)808 1000 900", "tel:+448081000900"),
        ("0044 808 1000 900", "tel:+448081000900"),
        ("0808 1000 900 ext 12", "tel:+448081000900;ext=12"),
        ("0808 1000 900 ext. 12", "tel:+448081000900;ext=12"),
        ("0808 1000 900 Extension 12", "tel:+448081000900;ext=12"),
        ("0808 1000 900 x12", "tel:+448081000900;ext=12"),
        ("+44 (0)808 1000 900 ext 12", "tel:+448081000900;ext=12"),
        ("116 123", "tel:116123"),
        ("0161 496 0000", "tel:01614960000"),
        ("+353 1 234 5678", "tel:+35312345678"),
        ("+353 (0)1 234 5678", "tel:+35312345678"),
    ],
)
def test_accepted_forms_give_a_tel_link(phone, tel):
    validate_phone_number(phone)
    assert PhoneNumber.parse(phone).tel == tel


def test_a_tel_link_with_country_code_or_extension_is_rfc_3966_global_without_separators():
    # libphonenumber writes 'tel:+44-808-100-0900;ext=12'; the '-' are only visual separators.
    assert PhoneNumber.parse("0808 1000 900 ext 12").tel == "tel:+448081000900;ext=12"
    assert PhoneNumber.parse("+1 650 253 0000").tel == "tel:+16502530000"


@pytest.mark.parametrize(
    ("phone", "free"),
    [
        ("0808 1000 900", True),
        ("0800 11 11", True),
        ("+44 800 000 0000", True),
        ("0044 (0)808 1000 900", True),
        ("0808 1000 900 ext 12", True),
        ("116 123", True),  # Samaritans
        ("116 000", True),  # missing children
        ("+44 116 496 0000", False),  # Leicester
        ("0116 496 0000", False),
        ("0300 123 3000", False),  # charged as a call to a geographic number
        ("101", False),  # a short code, but not a free one
        ("+1 800 555 0100", False),  # free within North America only
    ],
)
def test_free_numbers_are_known_from_the_numbering_plan(phone, free):
    assert PhoneNumber.parse(phone).is_free is free


@pytest.mark.parametrize(
    "phone",
    [
        "call us",
        "(0)808 1000 900",  # the (0) belongs after a country code
        "0808 1000 900 ext",
        "0808-1000-900",
        "0808.1000.900",
        "0800 CALL US",  # letters would be read as the digits on a keypad
        "+0 808 1000 900",
        "",
    ],
)
def test_a_number_not_written_as_people_dial_it_is_refused_with_the_plain_message(phone):
    assert refusal(phone) == [str(PHONE_MESSAGE)]


def test_a_0_after_44_is_refused_saying_to_leave_it_out():
    assert refusal("+44 0808 1000 900") == [ZERO_AFTER_44]
    assert refusal("0044 0808 1000 900") == [ZERO_AFTER_44]


@pytest.mark.parametrize(
    "phone",
    [
        "0808 123",  # too short
        "0808 1000 900 1",  # too long
        "0999 999 9999",  # no UK number starts 099
        "+44 999 999 9999",
        "+44 116 123",  # a Leicester number needs seven digits after 0116
        "0044 116 123",
        "0116 123",
        "496 0000",  # a local number without its area code
        "116 117",  # not a UK short code
        "116 123 ext 12",  # a short code has no extensions
    ],
)
def test_a_number_not_in_a_uk_numbering_range_is_refused(phone):
    assert refusal(phone) == [NOT_A_UK_NUMBER]


@pytest.mark.parametrize("phone", ["+353 1 234", "+999 123 456", "00 1 555"])
def test_a_number_no_other_country_has_is_refused(phone):
    assert refusal(phone) == [NOT_A_NUMBER_ABROAD]


@pytest.mark.parametrize("phone", ["999", "112"])
def test_an_emergency_number_is_not_a_helpline(phone):
    assert refusal(phone) == [EMERGENCY]


@pytest.mark.parametrize(
    "phone", ["+353 1 234 5678", "+1 650 253 0000", "+33 1 23 45 67 89", "0049 30 1234567"]
)
def test_a_number_in_another_country_written_with_its_country_code_is_accepted(phone):
    number = PhoneNumber.parse(phone)
    assert number.international
    assert number.tel.startswith("tel:+")
