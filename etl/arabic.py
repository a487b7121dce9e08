"""Arabic text normalisation (placeholder: the full normaliser replaces this)."""

import re

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")


def normalize(text: str) -> str:
    """Fold alef/hamza forms, ta marbuta, alef maqsura; strip diacritics and tatweel."""
    text = _DIACRITICS.sub("", text)
    text = re.sub("[إأآٱ]", "ا", text).replace("ة", "ه").replace("ى", "ي")
    return re.sub(r"\s+", " ", text).strip()
