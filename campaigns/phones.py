"""Helpline phone numbers as people dial them: read, checked, and turned into tel: links."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PHONE_MESSAGE = _(
    "Enter the number as people dial it, in digits and spaces, for example 0808 1000 900 or "
    "+44 808 1000 900; an extension may follow as 'ext 12'."
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


@dataclass(frozen=True)
class PhoneNumber:
    """A phone number as people dial it: '0808 1000 900', '+44 (0)808 1000 900 ext 12'."""

    international: bool  # dialled with + or 00 and a country code
    digits: str  # every digit dialled, without a '(0)' kept for callers within the country
    extension: str

    @classmethod
    def parse(cls, text: str) -> "PhoneNumber":
        """Read a number, or raise ValidationError saying what to write instead."""
        match = _PHONE.match(text.strip())
        if match is None:
            raise ValidationError(PHONE_MESSAGE, code="invalid_phone")
        international = match["international"] is not None
        digits = (match["country"] or "") + match["number"].replace(" ", "")
        if not 6 <= len(digits) <= 15 or (international and digits.startswith("0")):
            raise ValidationError(PHONE_MESSAGE, code="invalid_phone")
        if international and digits.startswith("440"):
            raise ValidationError(
                _(
                    "After +44, leave out the 0 that starts the number within the UK: write "
                    "+44 808 1000 900, or +44 (0)808 1000 900."
                ),
                code="invalid_phone",
            )
        return cls(international, digits, match["extension"] or "")

    @property
    def tel(self) -> str:
        """The tel: link target (RFC 3966): 'tel:08081000900', 'tel:+448081000900;ext=12'.

        A number with an extension is written in its international form: RFC 3966 allows
        ';ext=' only on a global number, and some phones read ';' after a local one as 'wait'."""
        number = ("+" if self.international else "") + self.digits
        if self.extension and not self.international and self.digits.startswith("0"):
            number = "+44" + self.digits[1:]
        return "tel:" + number + (f";ext={self.extension}" if self.extension else "")

    @property
    def uk_national(self) -> str | None:
        """The number as dialled within the UK ('0808…', or a short code such as '116 123'),
        or None for a number in another country."""
        if not self.international:
            return self.digits
        if self.digits.startswith("44"):
            return "0" + self.digits[2:]
        return None

    @property
    def is_free(self) -> bool:
        """Whether calls cost nothing from UK landlines and mobiles: 0800 and 0808 numbers, in
        any form, and 116 numbers, which are dialled only as they are (+44 116 is Leicester)."""
        national = self.uk_national
        return national is not None and national.startswith(("0800", "0808", "116"))


def validate_phone_number(value: str) -> None:
    PhoneNumber.parse(value)
