"""Text files' encodings: UTF-8 (with or without a byte order mark), UTF-16 and Windows-1252,
told apart from the bytes; Mac Roman and mixed encodings refused with the word they would garble.
"""

import codecs
import re

from django.utils.translation import gettext as _

from regions.imports.reading.table import FileRejected


def decode_text(data: bytes) -> tuple[str, str]:
    """The file's text and the encoding it was read with; never a silent misreading."""
    if data.startswith(codecs.BOM_UTF8):
        return _decode(data[len(codecs.BOM_UTF8) :], "utf-8"), "UTF-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(data, "utf-16"), "UTF-16"
    if b"\x00" in data:
        # UTF-16 without a byte order mark puts a zero byte beside every ASCII character.
        if data[1::2].count(0) > len(data) // 4:
            return _decode(data, "utf-16-le"), "UTF-16"
        if data[0::2].count(0) > len(data) // 4:
            return _decode(data, "utf-16-be"), "UTF-16"
        raise FileRejected(
            _("This file is not text: it cannot be a CSV file. Save it from Excel as 'CSV UTF-8'.")
        )
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as error:
        not_utf8 = error.start
    if mixed := _UTF8_SEQUENCE.search(data):
        raise _mixed_encodings(data, mixed.start(), mixed.end(), not_utf8)
    # Not UTF-8: Excel on Windows saves CSV in Windows-1252. Five byte values are undefined in
    # it; a file that uses them is in some other encoding we will not guess at.
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as error:
        if _MAC_ONLY_LETTER.search(data.decode("mac_roman")):
            raise _mac_roman(data, error.start, error.start + 1) from None
        raise FileRejected(
            _(
                "This file's characters could not be read (byte %(byte)s at position "
                "%(position)s is not UTF-8 or Windows-1252). Save it from Excel as 'CSV UTF-8' "
                "and import that."
            )
            % {"byte": f"0x{data[error.start]:02X}", "position": error.start}
        ) from None
    if sign := _MAC_ROMAN_SIGN.search(text):
        raise _mac_roman(data, *sign.span())
    return text, "Windows-1252"


# A character in UTF-8 takes two to four bytes, the first saying how many follow; any other
# encoding's text rarely holds such a sequence by chance.
_UTF8_SEQUENCE = re.compile(
    rb"[\xC2-\xDF][\x80-\xBF]"
    rb"|\xE0[\xA0-\xBF][\x80-\xBF]|[\xE1-\xEC\xEE\xEF][\x80-\xBF]{2}|\xED[\x80-\x9F][\x80-\xBF]"
    rb"|\xF0[\x90-\xBF][\x80-\xBF]{2}|[\xF1-\xF3][\x80-\xBF]{3}|\xF4[\x80-\x8F][\x80-\xBF]{2}"
)
_LOWER = "a-z\u00df-\u00f6\u00f8-\u00ff"
_LETTER = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff"
# Excel on a Mac saves "CSV (Macintosh)" in Mac Roman, whose accented letters and curly quotes
# are other characters in Windows-1252: café reads as cafŽ, Officer’s as OfficerÕs, "–" as "Ð".
# What gives it away is where they stand: capitals and signs straight after a lowercase letter
# or inside a word, dashes that are letters, none of which Windows-1252 text has.
_MAC_ROMAN_SIGN = re.compile(
    rf"(?<=[{_LOWER}])[ŽŸŠÕÓÉ]"  # é ü ä ’ ” … after a lowercase letter
    rf"|(?<=[{_LETTER}])[ŽŸŠ](?=[{_LOWER}])"  # é ü ä after a capital (MŸnster)
    rf"|(?<=[{_LETTER}])[ˆ‡‰•™](?=[{_LETTER}])"  # à á â ï ô inside a word
    rf"|(?<=[{_LETTER}])ˆ"  # à ending a word (voilà)
    r"|(?<!\S)[ÐÑ](?=\s)"  # – and — between spaces
    r"|(?<=\d)¡"  # ° after a number (20°C)
)
# ç è ê ù (and Å) in Mac Roman are bytes Windows-1252 leaves undefined.
_MAC_ONLY_LETTER = re.compile(rf"[{_LETTER}][çèêù]|[çèêù][{_LETTER}]")


def _line_number(data: bytes, position: int) -> int:
    """The spreadsheet row (header = 1) of a byte in CSV data, counting its line breaks."""
    breaks = b"\n" if b"\n" in data else b"\r"
    return data.count(breaks, 0, position) + 1


def _word_at(data: bytes, start: int, end: int) -> tuple[int, int]:
    """Where the word around data[start:end] begins and ends (at spaces or CSV punctuation),
    at most 30 bytes either side."""
    stops = b' \t\r\n,;"'
    left = start
    while left > 0 and start - left < 30 and data[left - 1] not in stops:
        left -= 1
    right = end
    while right < len(data) and right - end < 30 and data[right] not in stops:
        right += 1
    return left, right


def _mac_roman(data: bytes, start: int, end: int) -> FileRejected:
    # Both encodings are one byte per character: positions in the text are positions in bytes.
    left, right = _word_at(data, start, end)
    word = data[left:right]
    return FileRejected(
        _(
            "This file looks like it was saved from Excel on a Mac as 'CSV (Macintosh)', whose "
            "characters are not Windows or UTF-8 text: on row %(row)s, %(mac)s would be read as "
            "%(windows)s. Save it from Excel as 'CSV UTF-8 (Comma delimited)' and import that."
        )
        % {
            "row": _line_number(data, start),
            "mac": f"'{word.decode('mac_roman')}'",
            "windows": f"'{word.decode('cp1252', errors='replace')}'",
        }
    )


def _mixed_encodings(data: bytes, start: int, end: int, not_utf8: int) -> FileRejected:
    left, right = _word_at(data, start, end)
    utf8_word = data[left:right]
    left, right = _word_at(data, not_utf8, not_utf8 + 1)
    other_word = data[left:right]
    return FileRejected(
        _(
            "This file mixes two encodings, as happens when text from different programs is "
            "pasted together: %(utf8)s on row %(utf8_row)s is UTF-8, but %(other)s on row "
            "%(other_row)s is not (byte %(byte)s). Read either way, some characters would come "
            "out wrong (%(utf8)s as %(garbled)s). Correct them in the spreadsheet and save it "
            "from Excel as 'CSV UTF-8 (Comma delimited)'."
        )
        % {
            "utf8": f"'{utf8_word.decode('utf-8', errors='replace')}'",
            "utf8_row": _line_number(data, start),
            "garbled": f"'{utf8_word.decode('cp1252', errors='replace')}'",
            "other": f"'{other_word.decode('cp1252', errors='replace')}'",
            "other_row": _line_number(data, not_utf8),
            "byte": f"0x{data[not_utf8]:02X}",
        }
    )


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise FileRejected(
            _(
                "This file says it is %(encoding)s but some of its characters are not. Save it "
                "from Excel as 'CSV UTF-8' and import that."
            )
            % {"encoding": encoding.upper()}
        ) from None
