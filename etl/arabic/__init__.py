"""Arabic language helpers, one concern per module:

- ``etl.arabic.text``: THE normaliser (``normalize``), tokens, clitics, sentence splitting;
- ``etl.arabic.dates``: visible dates (both month systems) and event dates relative to publication;
- ``etl.arabic.numbers``: number words and digits -> counts, ACLED's rules for vague numbers.

The text helpers are re-exported here (``from etl.arabic import normalize``): every module that
compares Arabic text calls the same ``normalize()``.
"""

from etl.arabic.text import (
    clitic_variants,
    normalize,
    normalize_aligned,
    original_span,
    split_sentences,
    split_sentences_with_spans,
    strip_clitics,
    strip_marks,
    to_ascii_digits,
    tokens,
)

__all__ = [
    "clitic_variants", "normalize", "normalize_aligned", "original_span", "split_sentences",
    "split_sentences_with_spans", "strip_clitics", "strip_marks", "to_ascii_digits", "tokens",
]
