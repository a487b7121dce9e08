"""Toponym resolution in one sentence: "قرب قرية X شمال الحسكة" -> a place, relation and geo_precision.

``etl.geo.parse`` finds the names and cue phrases and groups them into phrases; this module
resolves them. A mention is ``[cues] head [qualifiers] [range end] [container]``:

- cues: type (بلدة، حي، مخيم...), region (ريف), near (قرب، في محيط), direction (شمال),
  front (محور), road (طريق), origin (ينحدر من);
- head: a gazetteer name, or an unknown word after an "open" type cue (resolved=False);
- range end: "محور X – Y" / "طريق X - Y" (place = X);
- container: "في مدينة Y", "شمال الحسكة", "بريف دير الزور الشرقي" - gives the governorate that
  disambiguates the head, and the enclosing unit when the head is unknown; an ambiguous container
  is read together with its head (the namesake that encloses, or lies near, one of the head's).

Among namesakes: the container's governorate, else a governorate named earlier in the sentence,
else the article's (``context_admin1``); then the kind the cue names; then the distance to the
container or to anchors (the sentence's unambiguous places and the article's ``anchors``).

geo_precision follows ACLED: 1 the named town; 2 near a town, a district of a city, a front or
road, a sub-district or a place located only by its admin3 centroid; 3 a governorate (its
provincial capital's point stands in) or a district.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from etl.geo.lookup import Gazetteer
from etl.geo.parse import Item, Parser, Phrase, Token, find_items, load_rules, tokenize
from etl.geo.sources import Place, distance_km

LOGGER = logging.getLogger(__name__)

RELATION_ORDER = ("origin", "front", "road", "region", "district", "near", "in")
POINT_RELATIONS = frozenset({"in", "district", "origin"})  # relations that keep precision 1
PRECISE, NEAR, REGIONAL = 1, 2, 3  # ACLED geo_precision values
# Governorates whose articles routinely name each other's districts ("حي المزة" in a Rural
# Damascus round-up): the article context does not rule out a neighbourhood of the partner.
CONTEXT_PARTNERS = {"SY01": "SY03", "SY03": "SY01"}
# Namesakes are told apart by their distance to the other places of the sentence / article, in
# bands (a namesake 3 km away and one 12 km away are equally "near"; the gazetteer order decides).
ANCHOR_BAND_KM = 15.0
ANCHOR_FAR_KM = 1000.0  # no anchor with a point


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """A place named in a sentence. ``start``/``end`` span the whole phrase (cues included);
    ``text_ar`` is the head name as written (without proclitics)."""

    start: int
    end: int
    text_ar: str
    relation: str
    place: Place | None
    resolved: bool
    geo_precision: int
    admin1: str = ""
    admin1_pcode: str = ""
    admin2: str = ""
    admin2_pcode: str = ""
    admin3: str = ""
    admin3_pcode: str = ""
    location: str = ""
    location_ar: str = ""
    latitude: float | None = None
    longitude: float | None = None


# --- resolution --------------------------------------------------------------------------------
def _relation(cues: list[Item]) -> str:
    roles = set()
    for cue in cues:
        role = cue.role
        if role == "type":
            role = cue.data.get("relation", "in")
        roles.add("near" if role == "direction" else role)
    return next((r for r in RELATION_ORDER if r in roles), "in")


def _kind_hint(cues: list[Item]) -> str:
    return next((c.data.get("kind", "") for c in reversed(cues) if c.role == "type"), "")


def _choose(places: list[Place], admin1: str | None, hint: str, anchors: Sequence[Place] = ()) -> Place:
    """The best namesake: in the governorate, of the hinted kind, near a place named nearby
    (``anchors``), then the gazetteer's own order (editors' places, OCHA, GeoNames, admin units)."""
    def score(place: Place) -> tuple[bool, bool, bool, float]:
        named_city = hint == "city" and place.kind == "city"  # "مدينة رأس العين": the city, whatever the context
        return (not named_city and hint == "city", bool(admin1) and place.admin1_pcode != admin1,
                bool(hint) and not _fits(place, hint), _anchor_distance(place, anchors))

    return min(places, key=score)  # min is stable: the gazetteer's own order breaks ties


def _anchor_distance(place: Place, anchors: Sequence[Place]) -> float:
    """Distance to the nearest anchor in ANCHOR_BAND_KM steps (0 when none is known)."""
    if not anchors:
        return 0.0
    found = [d for a in anchors if (d := distance_km(a, place)) is not None]
    return min(found, default=ANCHOR_FAR_KM) // ANCHOR_BAND_KM


def _fits(place: Place, hint: str) -> bool:
    if hint in ("admin1", "admin3", "neighbourhood", "camp"):
        return place.kind == hint
    if hint in ("town", "village", "city"):
        return not place.is_admin
    return True


@dataclass(slots=True)
class _Target:
    """What a phrase resolves to, before it becomes a PlaceMention."""

    place: Place | None
    precision: int
    location_ar: str
    relation: str
    resolved: bool


class _Resolver:
    def __init__(self, gaz: Gazetteer, context_admin1: str | None, anchors: Sequence[Place] = ()) -> None:
        self.gaz = gaz
        self.context = self._admin1_pcode(context_admin1)
        self.anchors: list[Place] = [a for a in anchors if a.lat is not None]

    def _admin1_pcode(self, value: str | None) -> str | None:
        if not value:
            return None
        if self.gaz.admin1_by_pcode(value):
            return value
        place = self.gaz.admin1_by_name(value)
        return place.pcode if place else None

    def resolve(self, phrase: Phrase, fallback: _Target | None, hint: str | None = None) -> _Target:
        """``hint``: a governorate named earlier in the sentence ("في محافظة الحسكة ... بلدة X"),
        which overrides the article's."""
        relation = _relation(phrase.cues)
        context = hint or self.context
        outer = self._outer(phrase, context) if phrase.container else None
        admin1 = outer.place.admin1_pcode if outer and outer.place else context
        head = phrase.head
        place = None if head.kind == "unknown" else self._pick(head, admin1, phrase.cues, outer)
        if place is None:
            return self._unknown(head, relation, outer or fallback)
        if place.kind == "neighbourhood" and relation == "in":
            relation = "district"
        if relation == "region":
            return self._region(place, head.text)
        if place.is_admin and place.level == 1:
            return _Target(place, REGIONAL, head.text, "region" if relation == "in" else relation, True)
        return _Target(place, _precision(place, relation), head.text, relation, True)

    def _outer(self, phrase: Phrase, context: str | None) -> _Target:
        """The container, read together with its head: of "بلدة تل حلف قرب مدينة رأس العين" the Ras
        al-Ain near a Tell Halaf (Al-Hasakeh), not the namesake village of the article's governorate."""
        container = phrase.container
        if phrase.head.kind != "name" or container.head.kind != "name" or len(container.head.places) < 2:
            return self.resolve(container, None, context)
        best = min(container.head.places, key=lambda c: _fit(c, phrase.head.places, context))
        return self.resolve(container, None, best.admin1_pcode)

    def _pick(self, head: Item, admin1: str | None, cues: list[Item], outer: _Target | None) -> Place | None:
        """The best namesake; None when the container's (or a district's) governorate has none."""
        anchors = [outer.place] if outer and outer.place and outer.place.lat is not None else self.anchors
        place = _choose(head.places, admin1, _kind_hint(cues), anchors)
        strict = outer is not None or _relation(cues) == "district"
        if strict and admin1 and place.admin1_pcode != admin1:
            if outer is None and CONTEXT_PARTNERS.get(admin1) == place.admin1_pcode:
                return place
            return None
        return place

    def _region(self, place: Place, text: str) -> _Target:
        """"ريف X": the governorate when X is its capital or a governorate/district name."""
        if place.capital or (place.is_admin and place.level <= 2):
            admin1 = self.gaz.admin1_by_pcode(place.admin1_pcode)
            return _Target(admin1, REGIONAL, text, "region", True)
        return _Target(place, NEAR, text, "region", True)

    def _unknown(self, head: Item, relation: str, outer: _Target | None) -> _Target:
        relation = "in" if relation == "region" else relation
        if outer and outer.place:
            precision = REGIONAL if outer.precision == REGIONAL else NEAR
            if relation == "district":
                return _Target(outer.place, NEAR, outer.location_ar, relation, False)
            return _Target(outer.place, precision, head.text, relation, False)
        admin1 = self.gaz.admin1_by_pcode(self.context) if self.context else None
        return _Target(admin1, REGIONAL, head.text, relation, False)


def _fit(container: Place, heads: list[Place], context: str | None) -> tuple[bool, float, bool]:
    """How well a container namesake encloses one of the head's namesakes (lower is better)."""
    best = min((not container.is_admin and h.admin1_pcode != container.admin1_pcode
                or container.is_admin and not _inside(h, container),
                (distance_km(h, container) or 0.0) // ANCHOR_BAND_KM) for h in heads)
    return (*best, bool(context) and container.admin1_pcode != context)


def _inside(place: Place, unit: Place) -> bool:
    codes = {1: place.admin1_pcode, 2: place.admin2_pcode, 3: place.admin3_pcode}
    return codes.get(unit.level) == unit.pcode


def _precision(place: Place, relation: str) -> int:
    if place.is_admin:
        return NEAR if place.level == 3 else REGIONAL
    if place.has_own_point and place.kind != "region" and relation in POINT_RELATIONS:
        return PRECISE
    return NEAR


def _mention(phrase: Phrase, target: _Target, toks: list[Token], items: list[Item],
             gaz: Gazetteer) -> PlaceMention:
    first = phrase.cues[0] if phrase.cues else phrase.head
    end = toks[items[phrase.end_item].j - 1].end
    place = target.place
    fields: dict = {}
    if place is not None:
        point = gaz.capital_of(place.admin1_pcode) if place.level == 1 else None
        point = point or place
        fields = {
            "admin1": place.admin1, "admin1_pcode": place.admin1_pcode, "admin2": place.admin2,
            "admin2_pcode": place.admin2_pcode, "admin3": place.admin3,
            "admin3_pcode": place.admin3_pcode, "location": place.name_en,
            "latitude": point.lat, "longitude": point.lon,
        }
    return PlaceMention(
        start=first.start, end=end, text_ar=phrase.head.text, relation=target.relation, place=place,
        resolved=target.resolved, geo_precision=target.precision, location_ar=target.location_ar, **fields,
    )


def find_places(sentence: str, *, context_admin1: str | None = None, gazetteer: Gazetteer | None = None,
                anchors: Sequence[Place] = ()) -> list[PlaceMention]:
    """Place mentions in one sentence, in text order.

    ``context_admin1`` (pcode "SY09" or name "Deir-ez-Zor") is the article's main governorate:
    it breaks ties between namesakes and encloses unknown places when the sentence gives nothing
    better; a governorate named earlier in the sentence ("في محافظة الحسكة") overrides it.
    ``anchors``: places already resolved in the article (e.g. its title and lead): among namesakes,
    the one nearest to them (or to the sentence's unambiguous names) is chosen.
    Mentions with relation 'origin' describe where a person comes from: not event places.
    """
    gaz = gazetteer or Gazetteer.load()
    rules = load_rules()
    toks = tokenize(sentence, rules)
    if not toks:
        return []
    items = find_items(toks, gaz, rules)
    resolver = _Resolver(gaz, context_admin1, anchors)
    phrases = Parser(items, toks, rules, resolver.context, gaz).parse()
    resolver.anchors += _sentence_anchors(phrases)
    known: list[_Target | None] = []
    hint = None
    for phrase in phrases:
        target = resolver.resolve(phrase, None, hint) if phrase.head.kind == "name" else None
        known.append(target)
        if target and target.place is not None and target.place.level == 1 and target.relation == "region":
            hint = target.place.pcode  # "في محافظة الحسكة ...": the rest of the sentence is there
    mentions = []
    for n, phrase in enumerate(phrases):
        target = known[n] or resolver.resolve(phrase, _nearest_known(known, phrases, n))
        mentions.append(_mention(phrase, target, toks, items, gaz))
    return mentions


def _sentence_anchors(phrases: list[Phrase]) -> list[Place]:
    """Points of the sentence's unambiguous names (one namesake), for telling other namesakes apart."""
    return [p.head.places[0] for p in phrases
            if p.head.kind == "name" and len(p.head.places) == 1 and p.head.places[0].has_own_point]


def _nearest_known(known: list[_Target | None], phrases: list[Phrase], n: int) -> _Target | None:
    """The closest resolved, non-origin phrase (following ones first) to enclose an unknown place."""
    order = list(range(n + 1, len(phrases))) + list(range(n - 1, -1, -1))
    for m in order:
        target = known[m]
        if target and target.relation != "origin" and target.place is not None:
            return target
    return None
