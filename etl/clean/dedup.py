"""Exact and near duplicates.

- Exact: ``text_hash`` = sha256 of the normalised body (``etl.arabic.normalize``): the same story
  with different markup, diacritics, alef forms or digits hashes the same.
- Near: datasketch MinHash over word shingles of the normalised body; LSH banding with the (b, r)
  that datasketch's ``MinHashLSH`` picks for ``NEAR_DUP_THRESHOLD``. Two articles are near
  duplicates when they share a band and their estimated Jaccard similarity is at least
  ``NEAR_DUP_THRESHOLD``. Clusters are the connected components of that relation (republished
  copies, syndication across outlets, pages updated in place under another URL).

Incremental and deterministic: each staged row stores its signature (``minhash``) and its band
keys (``minhash_bands``, GIN-indexed; sql/0003), so a new batch is matched against EVERY staged
article by array overlap in PostgreSQL, with no time window. ``cluster_id`` is the lowest
article_id of the component and ``canonical_article_id`` the earliest published member (NULL
dates last, ties by lowest article_id). Both depend only on the set of signatures, never on the
order articles arrived in, so re-runs and incremental runs give identical rows.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from datasketch import MinHash, MinHashLSH

from etl.arabic import normalize

LOGGER = logging.getLogger(__name__)

NUM_PERM = 128  # MinHash permutations: Jaccard estimate error ~ 1/sqrt(128) = 0.09 worst case
SHINGLE_WORDS = 3  # word 3-grams: rewording of a few words changes few shingles
NEAR_DUP_THRESHOLD = 0.5  # estimated Jaccard at or above this = near duplicate (same story re-used)
MINHASH_SEED = 1  # fixed: signatures stored in the database must stay comparable across runs
_LSH = MinHashLSH(threshold=NEAR_DUP_THRESHOLD, num_perm=NUM_PERM)
BANDS, ROWS = _LSH.b, _LSH.r  # 25 bands of 5 rows for 0.5 / 128
MINHASH_SCHEME = "affine32"  # datasketch 2.x 32-bit scheme: values fit uint32 (stored as 4 bytes each)
_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme=MINHASH_SCHEME)
_WORD_RE = re.compile(r"\w+")


def text_hash(body: str) -> str:
    """sha256 hex of the normalised body (exact-duplicate key)."""
    return hashlib.sha256(normalize(body).encode("utf-8")).hexdigest()


def shingles(body: str) -> list[bytes]:
    """Word SHINGLE_WORDS-grams of the normalised body (the whole text for shorter bodies)."""
    words = _WORD_RE.findall(normalize(body))
    if len(words) <= SHINGLE_WORDS:
        return [" ".join(words).encode("utf-8")]
    return [" ".join(words[i:i + SHINGLE_WORDS]).encode("utf-8") for i in range(len(words) - SHINGLE_WORDS + 1)]


def signature(body: str) -> bytes:
    """MinHash signature of the body, NUM_PERM little-endian uint32 values (bytea in staging)."""
    minhash = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, permutations=_TEMPLATE.permutations, scheme=MINHASH_SCHEME)
    minhash.update_batch(shingles(body))
    return np.asarray(minhash.hashvalues, dtype="<u4").tobytes()


def band_keys(sig: bytes) -> list[int]:
    """One signed 64-bit key per LSH band (band index mixed in, so equal rows in two bands differ)."""
    keys = []
    for band in range(BANDS):
        chunk = sig[band * ROWS * 4:(band + 1) * ROWS * 4]
        digest = hashlib.blake2b(bytes([band]) + chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def similarity(sig_a: bytes, sig_b: bytes) -> float:
    """Estimated Jaccard similarity: the share of equal MinHash values."""
    a, b = np.frombuffer(sig_a, dtype="<u4"), np.frombuffer(sig_b, dtype="<u4")
    return float(np.count_nonzero(a == b)) / NUM_PERM


@dataclass(frozen=True)
class Member:
    article_id: int
    published_at: datetime | None
    sig: bytes
    bands: tuple[int, ...]


def near_pairs(members: Iterable[Member]) -> set[tuple[int, int]]:
    """Pairs (low id, high id) that share an LSH band and reach NEAR_DUP_THRESHOLD."""
    buckets: dict[int, list[Member]] = defaultdict(list)
    for member in members:
        for key in member.bands:
            buckets[key].append(member)
    pairs: set[tuple[int, int]] = set()
    checked: set[tuple[int, int]] = set()
    for bucket in buckets.values():
        for i, a in enumerate(bucket):
            for b in bucket[i + 1:]:
                pair = (min(a.article_id, b.article_id), max(a.article_id, b.article_id))
                if pair not in checked:
                    checked.add(pair)
                    if similarity(a.sig, b.sig) >= NEAR_DUP_THRESHOLD:
                        pairs.add(pair)
    return pairs


def _canonical_key(member: Member) -> tuple:
    stamp = member.published_at
    return (stamp is None, stamp.timestamp() if stamp else 0.0, member.article_id)


def clusters(members: list[Member]) -> dict[int, tuple[int, int]]:
    """article_id -> (cluster_id, canonical_article_id) for the connected components of ``members``."""
    parent = {m.article_id: m.article_id for m in members}

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for low, high in sorted(near_pairs(members)):
        ra, rb = root(low), root(high)
        parent[max(ra, rb)] = min(ra, rb)  # the root is always the lowest id of the component
    groups: dict[int, list[Member]] = defaultdict(list)
    for member in members:
        groups[root(member.article_id)].append(member)
    result = {}
    for cluster_id, group in groups.items():
        canonical = min(group, key=_canonical_key).article_id
        result.update({m.article_id: (cluster_id, canonical) for m in group})
    return result
