"""The rule-based event extractor (ACLED coding rules over Arabic news text).

Modules: ``lexicon`` (rule data from etl/data/triggers.yaml and actors.yaml, compiled once),
``actors`` (alias matching, agent vs target), ``fatalities`` (killed / injured / neutralised),
``sentences`` (per-sentence analysis: clauses, cues, places; places come from ``etl.geo``),
``assemble`` (one event per place, day and actor pair),
``merge`` (deduplication and ACLED's hierarchy), ``extractor`` (the ``Extractor`` implementation).
"""

from etl.events.rules.extractor import NAME, VERSION, RulesExtractor

__all__ = ["NAME", "VERSION", "RulesExtractor"]
