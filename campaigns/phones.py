"""Helpline phone numbers as people dial them: read, checked against the numbering plans in
libphonenumber's data (the `phonenumbers` package), and turned into tel: links.

Editors write a number the way it is published ('0808 1000 900', '+44 (0)808 1000 900 ext 12',
'116 123'). This module decides which written forms are accepted and what to tell an editor
otherwise; libphonenumber decides whether the digits are a real number, what kind of number it
is (free-phone or not) and how to write it as a link.
"""

import re
from dataclasses import dataclass

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumbers import PhoneNumberFormat, PhoneNumberType, ShortNumberCost, shortnumberinfo

UK = "GB"  # libphonenumber's region code for the UK

PHONE_MESSAGE = _(
    "Enter the number as people dial it, in digits and spaces, for example 0808 1000 900 or "
    "+44 808 1000 900; an extension may follow as 'ext 12'."
)
ZERO_AFTER_44_MESSAGE = _(
    "After +44, leave out the 0 that starts the number within the UK: write "
    "+44 808 1000 900, or +44 (0)808 1000 900."
)
NOT_A_UK_NUMBER_MESSAGE = _(
    "There is no UK phone number like this: check the digits against where the number is "
    "published. A number in another country starts with + and its country code."
)
NOT_A_NUMBER_ABROAD_MESSAGE = _(
    "No country has a phone number like this: check the country code after the + and the digits."
)
EMERGENCY_MESSAGE = _(
    "This is an emergency number: give the helpline's own number, for example 0808 1000 900."
)

_PHONE = re.compile(
    # + or 00, and a country code with the '(0)' dialled only within that country;
    r"^(?:(?P<international>\+|00) *(?:(?P<country>[1-9][0-9]{0,2}) *\(0\))?)?"
    # the number;
    r"(?P<number>[0-9][0-9 ]*?)"
    # an extension.
    r"(?: *(?:ext\.?|extension|x) *(?P<extension>[0-9]{1,6}))?$",
    re.IGNORECASE,
)


def _refuse(message) -> ValidationError:
    return ValidationError(message, code="invalid_phone")


@dataclass(frozen=True)
class PhoneNumber:
    """A phone number as people dial it: '0808 1000 900', '+44 (0)808 1000 900 ext 12',
    '116 123'."""

    number: phonenumbers.PhoneNumber  # as libphonenumber reads it, with any extension
    international: bool  # written with + or 00 and a country code
    short_code: bool  # a UK short code such as 116 123, dialled only as it is

    @classmethod
    def parse(cls, text: str) -> "PhoneNumber":
        """Read a number, or raise ValidationError saying what to write instead.

        The form is checked here (libphonenumber alone would also read letters as the digits
        on a keypad, or '(0)808…' as a UK number); the digits are checked against
        libphonenumber's data: a real UK number, a UK short code, or with + and a country code
        a real number in that country."""
        match = _PHONE.match(text.strip())
        if match is None:
            raise _refuse(PHONE_MESSAGE)
        international = match["international"] is not None
        digits = (match["country"] or "") + match["number"].replace(" ", "")
        if international and digits.startswith("0"):
            raise _refuse(PHONE_MESSAGE)  # no country code starts with 0
        if international and digits.startswith("440"):
            raise _refuse(ZERO_AFTER_44_MESSAGE)

        short_code = not international and not digits.startswith("0")
        try:
            number = phonenumbers.parse(("+" if international else "") + digits, UK)
        except phonenumbers.NumberParseException:
            number = None
        if short_code:
            # Every full UK number starts with 0 within the UK, so this can only be a short code.
            if shortnumberinfo.is_emergency_number(digits, UK):
                raise _refuse(EMERGENCY_MESSAGE)
            valid = (
                number is not None
                and not match["extension"]
                and shortnumberinfo.is_valid_short_number_for_region(number, UK)
            )
        else:
            valid = number is not None and phonenumbers.is_valid_number(number)
        if not valid:
            abroad = international and not digits.startswith("44")
            raise _refuse(NOT_A_NUMBER_ABROAD_MESSAGE if abroad else NOT_A_UK_NUMBER_MESSAGE)
        number.extension = match["extension"]
        return cls(number, international, short_code)

    @property
    def tel(self) -> str:
        """The tel: link target: 'tel:08081000900', 'tel:+448081000900;ext=12', 'tel:116123'.

        A number written for callers within the UK keeps that form, and so does a short code,
        which has no global form (+44 116 123 would be a Leicester number). A number written
        with its country code, or with an extension, is written as RFC 3966 wants it, as a
        global number (';ext=' is defined on one, and some phones read ';' after a local number
        as 'wait'), without the optional '-' separators."""
        if not self.international and not self.number.extension:
            national = phonenumbers.format_number(self.number, PhoneNumberFormat.NATIONAL)
            return "tel:" + phonenumbers.normalize_digits_only(national)
        return phonenumbers.format_number(self.number, PhoneNumberFormat.RFC3966).replace("-", "")

    @property
    def international_text(self) -> str:
        """As dialled from anywhere: '+44 808 1000 900 ext. 12'; a short code, which has no such
        form, as it is dialled in the UK: '116 123'."""
        if self.short_code:
            return phonenumbers.format_number(self.number, PhoneNumberFormat.NATIONAL)
        return phonenumbers.format_number(self.number, PhoneNumberFormat.INTERNATIONAL)

    @property
    def is_free(self) -> bool:
        """Whether calls cost nothing from UK landlines and mobiles, as libphonenumber's data
        says: UK free-phone numbers (0800, 0808) in any form, and free short codes (116 123).
        A free-phone number of another country is free only within that country."""
        if self.short_code:
            cost = shortnumberinfo.expected_cost_for_region(self.number, UK)
            return cost == ShortNumberCost.TOLL_FREE
        return (
            self.number.country_code == 44
            and phonenumbers.number_type(self.number) == PhoneNumberType.TOLL_FREE
        )


def validate_phone_number(value: str) -> None:
    PhoneNumber.parse(value)
