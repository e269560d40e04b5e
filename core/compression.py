"""Compressing responses: Brotli where the browser accepts it, gzip otherwise.

Used for the public pages (campaigns/public.py, campaigns/page_cache.py), which are compressed
once, when a page is made, and served compressed from the page cache. Those pages hold no
secrets (no forms, no tokens, nothing about the visitor), so they need none of the random
padding Django's GZipMiddleware adds against BREACH: that attack needs a secret and text the
attacker controls in one compressed body. Never use this for a page that holds a secret.
"""

import functools
import gzip

import brotli

BROTLI = "br"
GZIP = "gzip"
IDENTITY = "identity"
# Preferred first when a browser accepts several equally: Brotli's output is the smaller.
ENCODINGS = (BROTLI, GZIP)

# Brotli quality 5 and gzip level 6: on a 40 KB page quality 5 takes about 1.5 ms for a body
# 7% larger than quality 11 (55 ms); a page is compressed on every cache miss, and a miss must
# stay cheap.
BROTLI_QUALITY = 5
GZIP_LEVEL = 6
# Smaller bodies gain nothing (GZipMiddleware's threshold).
MIN_LENGTH = 200


@functools.lru_cache(maxsize=256)
def preferred_encoding(accept_encoding: str) -> str:
    """The encoding to send for an Accept-Encoding header (RFC 9110, 12.5.3): the acceptable
    one with the highest q-value, Brotli before gzip before none when they tie."""
    qualities: dict[str, float] = {}
    for item in accept_encoding.split(","):
        name, *parameters = item.split(";")
        name = name.strip().lower()
        if not name:
            continue
        quality = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
        qualities[name] = quality
    anything = qualities.get("*")
    best, best_quality = IDENTITY, 0.0
    for encoding in ENCODINGS:
        quality = qualities.get(encoding, anything or 0.0)
        if quality > best_quality:
            best, best_quality = encoding, quality
    # Unencoded is always acceptable as a last resort, and preferred only when the browser
    # names it with a higher weight.
    return IDENTITY if qualities.get(IDENTITY, 0.0) > best_quality else best


def compress(body: bytes, encoding: str) -> bytes:
    """The body in the given encoding (IDENTITY: as it is)."""
    if encoding == BROTLI:
        return brotli.compress(body, quality=BROTLI_QUALITY)
    if encoding == GZIP:
        # mtime=0: the same page always compresses to the same bytes.
        return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
    return body
