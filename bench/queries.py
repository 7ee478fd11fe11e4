"""The fixed query mix the benchmark sends to the search page.

The mix depends only on its own seed and size, never on the catalog, so the same queries are
measured at 10k, 100k and 1M resources. Every kind of query a reader types is in it in equal
shares, and within each kind the number of facet filters cycles through 0, 1, 2 and 3.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from urllib.parse import urlencode

from bench.generate import (
    DOMAIN_SLUGS,
    EVIDENCE_WEIGHTS,
    PROFESSION_SLUGS,
    RESOURCE_TYPE_WEIGHTS,
    TOPIC_SLUGS,
)
from bench.vocabulary import Vocabulary, vocabulary

KINDS: tuple[str, ...] = (
    "common",  # one very common word (thousands to tens of thousands of hits at 100k)
    "rare",  # one rare word from the generated tail (a handful of hits, sometimes none)
    "two_words",  # two mid-frequency words
    "phrase",  # a quoted multi-word phrase that occurs in the text
    "browse",  # no text at all: only filters, the most common page of a library
)
MAX_FILTERS = 3
DEFAULT_COUNT = 200
DEFAULT_SEED = 7

# Facet parameters of the search page (socialmission/library/facets.py) and their values.
FILTER_VALUES: dict[str, tuple[str, ...]] = {
    "type": tuple(RESOURCE_TYPE_WEIGHTS),
    "domain": DOMAIN_SLUGS,
    "topic": TOPIC_SLUGS,
    "profession": PROFESSION_SLUGS,
    "evidence": tuple(EVIDENCE_WEIGHTS),
    "year_from": tuple(str(year) for year in range(2000, 2021)),
}


@dataclass(frozen=True)
class BenchQuery:
    kind: str
    q: str
    filters: tuple[tuple[str, str], ...]

    @property
    def filter_count(self) -> int:
        return len(self.filters)

    def params(self) -> list[tuple[str, str]]:
        return ([("q", self.q)] if self.q else []) + list(self.filters)

    def path(self, base: str = "/search/") -> str:
        query = urlencode(self.params())
        return f"{base}?{query}" if query else base


def _single_words(vocab: Vocabulary, low: int, high: int) -> list[str]:
    return [t for t in vocab.terms[low:high] if " " not in t and "-" not in t]


def _text(kind: str, rng: random.Random, vocab: Vocabulary) -> str:
    core = vocab.core_size
    if kind == "common":
        return rng.choice(_single_words(vocab, 0, 20))
    if kind == "rare":
        # Deep in the tail: at 100k these have from about one to a few dozen hits.
        return rng.choice(vocab.terms[core + 2_000 : core + 40_000])
    if kind == "two_words":
        a, b = rng.sample(_single_words(vocab, 10, core), 2)
        return f"{a} {b}"
    if kind == "phrase":
        phrases = [t for t in vocab.terms[:core] if " " in t]
        return f'"{rng.choice(phrases)}"'
    if kind == "browse":
        return ""
    raise ValueError(f"unknown query kind {kind!r}")


def _filters(count: int, rng: random.Random) -> tuple[tuple[str, str], ...]:
    keys = rng.sample(sorted(FILTER_VALUES), count)
    return tuple((key, rng.choice(FILTER_VALUES[key])) for key in sorted(keys))


def query_mix(count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED) -> list[BenchQuery]:
    """``count`` queries: kinds in turn, and 0-3 filters in turn within each kind."""
    if count < len(KINDS) * (MAX_FILTERS + 1):
        raise ValueError(f"a mix needs at least {len(KINDS) * (MAX_FILTERS + 1)} queries")
    rng = random.Random(seed)
    vocab = vocabulary()
    mix: list[BenchQuery] = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        filter_count = (i // len(KINDS)) % (MAX_FILTERS + 1)
        mix.append(BenchQuery(kind, _text(kind, rng, vocab), _filters(filter_count, rng)))
    return mix
