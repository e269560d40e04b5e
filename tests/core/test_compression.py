"""Choosing and making the encoding a browser is sent."""

import gzip

import brotli
import pytest

from core.compression import compress, preferred_encoding


@pytest.mark.parametrize(
    ("accept_encoding", "expected"),
    [
        ("gzip, deflate, br, zstd", "br"),  # what Chromium and Firefox send
        ("gzip, br", "br"),  # equal: Brotli first
        ("gzip", "gzip"),
        ("GZip", "gzip"),
        ("br;q=0.5, gzip", "gzip"),  # the browser's order of preference wins
        ("br;q=0, gzip;q=0.2", "gzip"),  # q=0: not acceptable
        ("*", "br"),
        ("*;q=0.5, gzip", "gzip"),
        ("identity", "identity"),
        ("", "identity"),
        ("deflate", "identity"),
        ("identity;q=1, gzip;q=0.5", "identity"),
        ("br;q=nonsense, gzip", "gzip"),  # a garbled weight counts as not acceptable
        (",,;", "identity"),
    ],
)
def test_the_preferred_encoding_follows_accept_encoding(accept_encoding, expected):
    assert preferred_encoding(accept_encoding) == expected


def test_compressed_bodies_decode_to_the_same_bytes_every_time():
    body = b"Croeso. Welcome. " * 200

    assert brotli.decompress(compress(body, "br")) == body
    assert gzip.decompress(compress(body, "gzip")) == body
    assert compress(body, "gzip") == compress(body, "gzip")  # no timestamp, no padding
    assert compress(body, "identity") is body
