"""Charset handling: declared charsets, windows-1256, lying headers, broken bytes."""

from __future__ import annotations

import gzip

import pytest

from etl.clean.decode import DecodeError, declared_charsets, decode_html, gunzip, looks_like_mojibake

ARABIC = "<html><body><p>قوات النظام تقصف ريف إدلب الجنوبي</p></body></html>"


def test_windows_1256_declared_in_meta():
    body = ARABIC.replace("<html>", '<html><meta charset="windows-1256">').encode("cp1256")
    decoded = decode_html(body)
    assert decoded.encoding == "cp1256" and "قوات النظام تقصف" in decoded.text and not decoded.lossy


def test_windows_1256_declared_in_header_only():
    decoded = decode_html(ARABIC.encode("cp1256"), {"Content-Type": "text/html; charset=windows-1256"})
    assert decoded.encoding == "cp1256" and "ريف إدلب" in decoded.text


def test_header_lies_utf8_body_declared_windows_1256():
    decoded = decode_html(ARABIC.encode("utf-8"), {"content-type": ["text/html; charset=windows-1256"]})
    assert decoded.encoding == "utf-8" and "ريف إدلب" in decoded.text


def test_header_lies_latin1_for_cp1256_body_is_mojibake_then_fallback():
    decoded = decode_html(ARABIC.encode("cp1256"), {"Content-Type": "text/html; charset=ISO-8859-1"})
    assert decoded.encoding == "cp1256" and "ريف إدلب" in decoded.text
    assert looks_like_mojibake(ARABIC.encode("cp1256").decode("latin-1"))


def test_header_says_utf8_but_body_is_cp1256_without_meta():
    decoded = decode_html(ARABIC.encode("cp1256"), {"Content-Type": "text/html; charset=utf-8"})
    assert decoded.encoding == "cp1256" and "ريف إدلب" in decoded.text


def test_utf8_with_one_broken_sequence_stays_utf8_with_replacement():
    body = (ARABIC * 20).encode("utf-8")
    body = body[:100] + b"\xff" + body[100:]
    decoded = decode_html(body, {"Content-Type": "text/html; charset=utf-8"})
    assert decoded.encoding == "utf-8" and decoded.lossy and decoded.text.count("\ufffd") == 1


def test_declared_charsets_order_and_unknown_labels():
    body = b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">'
    assert declared_charsets(body, {"Content-Type": "text/html; charset=x-unknown"}, "utf-8") == ["utf-8", "cp1256"]


def test_gunzip_rejects_garbage():
    assert gunzip(gzip.compress(b"abc")) == b"abc"
    with pytest.raises(DecodeError, match="not valid gzip"):
        gunzip(b"\x00\x01garbage")
