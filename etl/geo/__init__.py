"""Geocoding: the national gazetteer and toponym resolution in context.

- ``sources``: the shipped data files (``etl/data/gazetteer/``) read into ``Place`` records;
- ``lookup``: the ``Gazetteer`` index (names, P-codes, common-word flags, containment, distance);
- ``parse``: tokens, gazetteer names and cue phrases of a sentence grouped into phrases, with the
  common-word guard;
- ``resolve``: ``find_places(sentence, context_admin1=..., anchors=...)``, place mentions resolved
  from their cues, containers ("بريف X", "شمال Y"), the article's governorate and nearby places;
- ``enumeration``: names listed after a plural settlement noun ("بلدات X وY وZ");
- ``context``: an article's governorate and anchor places (title and lead);
- ``evaluate``: how many gold places are resolved to the right governorate and P-code.

The data files are built by ``tools/build_gazetteer.py`` from the shared OCHA and Who's On First
sources plus ``etl/data/gazetteer/extensions.csv``.
"""

from etl.geo.lookup import Gazetteer
from etl.geo.resolve import PlaceMention, find_places
from etl.geo.sources import Place, in_syria

__all__ = ["Gazetteer", "Place", "PlaceMention", "find_places", "in_syria"]
