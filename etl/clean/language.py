"""Language of the body with py3langid (offline). Non-Arabic rows are kept, flagged ``is_arabic = false``;
event extraction skips them."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import py3langid

LOGGER = logging.getLogger(__name__)

ARABIC = "ar"
SAMPLE_CHARS = 1000  # the language of a news article is clear from its first paragraph; classify cost grows with length


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1 as py3langid reports it ("ar", "en", "tr", ...)

    @property
    def is_arabic(self) -> bool:
        return self.code == ARABIC


def detect(text: str) -> Language:
    """py3langid's best guess on the first SAMPLE_CHARS characters of the text."""
    code, _score = py3langid.classify(text[:SAMPLE_CHARS])
    return Language(str(code))
