"""The extractor interface and registry.

An extractor turns one cleaned ``Article`` into events. Rule-based today; a statistical or LLM
extractor can be registered later under its own name and compared on the gold set with
``hadath evaluate --extractor NAME``.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field
from typing import Protocol

from etl.errors import HadathError
from etl.events.model import Article, Event

LOGGER = logging.getLogger(__name__)


@dataclass
class ExtractionResult:
    events: list[Event] = field(default_factory=list)
    unresolved: list[tuple[str, str | None]] = field(default_factory=list)  # (name_ar as written, admin1 hint)
    skipped_reason: str = ""  # non-empty when the article was not processed (e.g. "not_arabic", "empty")


class Extractor(Protocol):
    name: str
    version: str

    def extract(self, article: Article) -> ExtractionResult: ...


# name -> "module:attribute" of a zero-argument factory (imported lazily).
REGISTRY: dict[str, str] = {
    "rules": "etl.events.rules:RulesExtractor",
}
_INSTANCES: dict[str, Extractor] = {}


def extractor_names() -> list[str]:
    return sorted(REGISTRY)


def register(name: str, target: str) -> None:
    """Register an extractor factory given as "package.module:Attribute"."""
    REGISTRY[name] = target
    _INSTANCES.pop(name, None)


def get_extractor(name: str = "rules") -> Extractor:
    """The extractor registered as ``name`` (one instance per process: rules are compiled once)."""
    if name not in REGISTRY:
        raise HadathError(f"unknown extractor {name!r} (known: {', '.join(extractor_names())})")
    if name not in _INSTANCES:
        module_name, attr = REGISTRY[name].split(":")
        _INSTANCES[name] = getattr(importlib.import_module(module_name), attr)()
    return _INSTANCES[name]
