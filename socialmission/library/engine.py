"""The tantivy search engine: schema, analysis, query building, facet counting, snippets.

No Django here: this module takes and returns plain data, so it can be tested and benchmarked
on its own. ``indexing.py`` decides *when* documents are written; ``search.py`` turns a
request into an ``EngineQuery``.

The user's query is never handed to tantivy's query language. ``parse_user_query`` reads the
few operators a reader knows ("phrase", -exclude, OR) and treats everything else as words, so
no input can produce a syntax error; the tantivy ``Query`` objects are built from analysed
tokens directly.
"""

from __future__ import annotations

import contextlib
import functools
import html
import json
import os
import re
import struct
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import tantivy
from tantivy import Filter, Occur, Order, Query, TextAnalyzerBuilder, Tokenizer

from socialmission.bibliography.text import STOP_WORDS, closest

# Bump whenever the schema or the analysis changes: an index of another version is rebuilt.
SCHEMA_VERSION = 9  # 6: tags field, names in the spelling field; 7: bylines as "Family Initials"; 8: spelling field without positions; 9: the year among the facet terms

TEXT_ANALYZER = "smrl_en"
SPELL_ANALYZER = "smrl_spell"

# Field weights: the title counts most, then the curated keywords, then who made it.
FIELD_BOOSTS: dict[str, float] = {
    "title": 4.0,
    "keywords": 2.0,
    "authors": 1.5,
    "organization": 1.5,
    "venue": 1.0,
    "description": 1.0,
    # The words of the record's vocabulary terms (type, domains, topics, professions).
    "tags": 0.5,
}
TEXT_FIELDS = tuple(FIELD_BOOSTS)
SNIPPET_CHARS = 240
FACET_AGG_SIZE = 10_000
# The facet term of a record's year, before the year: "=year:2019". No facet key starts with
# "=" (keys are URL parameter names), so it cannot be taken for a facet's value.
YEAR_KEY = "=year"
YEAR_TERM = f"{YEAR_KEY}:"
# The spelling suggestion compares a word with at most this many indexed words per prefix
# (three prefixes), so an unknown word costs the same whatever the size of the library.
SPELLING_TERMS_PER_PREFIX = 2_000


def _text_analyzer() -> tantivy.TextAnalyzer:
    return (
        TextAnalyzerBuilder(Tokenizer.simple())
        .filter(Filter.remove_long(60))
        .filter(Filter.lowercase())
        .filter(Filter.ascii_fold())
        .filter(Filter.stemmer("english"))
        .build()
    )


def _spell_analyzer() -> tantivy.TextAnalyzer:
    return (
        TextAnalyzerBuilder(Tokenizer.simple())
        .filter(Filter.remove_long(30))
        .filter(Filter.lowercase())
        .filter(Filter.ascii_fold())
        .build()
    )


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("id", stored=True, indexed=True, fast=True)
    for name in TEXT_FIELDS:
        # Stored only where a snippet is shown; the database holds everything else.
        builder.add_text_field(
            name, stored=name in {"title", "description"}, tokenizer_name=TEXT_ANALYZER
        )
    # Only read for its words and their frequencies (spelling suggestions): no positions.
    builder.add_text_field(
        "spell", stored=False, tokenizer_name=SPELL_ANALYZER, index_option="freq"
    )
    # What a result list shows, as JSON: results are drawn without a database query.
    builder.add_bytes_field("display", stored=True, indexed=False)
    # Every facet value of a record as "key:slug", one raw term each, in one columnar field:
    # one terms aggregation counts all facets at once. The year is there too (``YEAR_TERM``).
    builder.add_text_field("facets", stored=False, fast=True, tokenizer_name="raw")
    builder.add_integer_field("year", stored=False, indexed=True, fast=True)
    builder.add_integer_field("added", stored=False, indexed=True, fast=True)
    builder.add_integer_field("newest", stored=False, indexed=False, fast=True)
    builder.add_integer_field("title_key", stored=False, indexed=False, fast=True)
    return builder.build()


SCHEMA = build_schema()
_TEXT = _text_analyzer()
_SPELL = _spell_analyzer()


def analyze(text: str) -> list[str]:
    return list(_TEXT.analyze(text))


def fold(text: str) -> str:
    """Lowercase ASCII-folded text, as the spelling field stores it."""
    return " ".join(_SPELL.analyze(text))


_LEADING_ARTICLE = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)
_TITLE_ALPHABET = " 0123456789abcdefghijklmnopqrstuvwxyz"


_TITLE_VALUES = {ch: value for value, ch in enumerate(_TITLE_ALPHABET)}
_NOT_TITLE_CHARS = re.compile(r"[^a-z0-9 ]+")


def title_sort_key(title: str) -> int:
    """An integer that sorts like the first 12 letters of the title, articles ignored.

    tantivy orders by numeric fast fields, so the title's start is packed base-37 into an
    int64 (37**12 < 2**63). Titles equal in their first 12 letters tie; that is acceptable
    for browsing.
    """
    # ASCII is its own NFKD form: most titles skip the normalisation.
    if title.isascii():
        text = title.lower()
    else:
        text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    text = _LEADING_ARTICLE.sub("", text.strip())
    text = _NOT_TITLE_CHARS.sub("", text)
    text = " ".join(text.split())[:12].ljust(12)
    key = 0
    for ch in text:
        key = key * 37 + _TITLE_VALUES[ch]
    return key


# One encoder for every document: ``json.dumps`` with options builds a new one per call.
_DISPLAY_JSON = json.JSONEncoder(separators=(",", ":"))


@dataclass
class IndexDocument:
    """What the index holds of one published resource."""

    id: int
    title: str
    authors: str = ""
    organization: str = ""
    venue: str = ""
    keywords: str = ""
    description: str = ""
    tags: str = ""  # words of the searchable facet terms, e.g. "curriculum pharmacy"
    facets: list[str] = field(default_factory=list)  # "domain:community-engagement", …
    year: int | None = None
    added: int = 0  # publication in the library, milliseconds since the epoch
    display: dict[str, Any] = field(default_factory=dict)

    def to_tantivy(self) -> tantivy.Document:
        doc = tantivy.Document()
        doc.add_unsigned("id", self.id)
        for name in TEXT_FIELDS:
            value = getattr(self, name)
            if value:
                doc.add_text(name, value)
        # Names and venues too: readers type authors, organisations and journals, and misspell them;
        # acronyms are matched here as whole, unstemmed words.
        doc.add_text(
            "spell",
            " ".join(
                (
                    self.title,
                    self.keywords,
                    self.description,
                    self.authors,
                    self.organization,
                    self.venue,
                )
            ),
        )
        doc.add_bytes("display", _DISPLAY_JSON.encode(self.display).encode())
        for value in self.facets:
            doc.add_text("facets", value)
        year = self.year or 0
        if self.year:
            # Left out when unknown, so year filters and the year range skip the record.
            doc.add_integer("year", self.year)
            # Also a facet term: the counting that finds the facet counts finds the year range.
            doc.add_text("facets", f"{YEAR_TERM}{self.year}")
        # The low bits of the id break ties between resources added in the same millisecond.
        doc.add_integer("added", self.added * 1024 + self.id % 1024)
        # Newest first means by publication year, then by when the library added it.
        doc.add_integer("newest", year * 10**13 + self.added)
        doc.add_integer("title_key", title_sort_key(self.title))
        return doc


# ---------------------------------------------------------------------------------------------
# The user's query language


@dataclass(frozen=True)
class Clause:
    """One unit of a query: a word, a "phrase" (several words), or a group of alternatives."""

    words: tuple[str, ...]  # raw words as typed; one word, or a phrase
    negated: bool = False
    phrase: bool = False  # the words next to each other, in order
    alternatives: tuple[Clause, ...] = ()  # set for OR groups and synonym expansions
    # With ``phrase``: the exact phrase, or its words (stop words aside) near each other.
    near: bool = False
    # Several words, each anywhere: a run of typed words that a synonym group replaced.
    every: bool = False
    fields: tuple[str, ...] = ()  # only these text fields (advanced search); () = all of them
    ids: tuple[int, ...] = ()  # exactly these records (an identifier typed as the query)
    parts: tuple[Clause, ...] = ()  # all of these (the widened words of an ``every`` clause)

    def text(self) -> str:
        if self.alternatives:
            return " OR ".join(a.text() for a in self.alternatives)
        joined = " ".join(self.words)
        return f'"{joined}"' if self.phrase else joined


_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD_CHARS = re.compile(r"[\w'’]+", re.UNICODE)


def parse_user_query(text: str) -> list[Clause]:
    """Read "phrases", -exclusions and OR; every other character is part of a word or ignored.

    Unbalanced quotes close at the end of the input; a lone "-" or "OR" is dropped; symbols
    such as * ( ) : are treated as separators, never as syntax.
    """
    raw: list[Clause | str] = []
    for match in _TOKEN.finditer(text):
        minus, quoted, bare = match.groups()
        if quoted is not None:
            words = tuple(_WORD_CHARS.findall(quoted))
            if words:
                raw.append(Clause(words=words, negated=bool(minus), phrase=len(words) > 1))
            continue
        if bare == "OR":
            raw.append("OR")
            continue
        negated = bare.startswith("-") and len(bare) > 1
        words = tuple(w.strip("'’") for w in _WORD_CHARS.findall(bare))
        words = tuple(w for w in words if w)
        if not words:
            continue
        # "health-equity" or "community/academic" stay together as a phrase.
        raw.append(Clause(words=words, negated=negated, phrase=len(words) > 1))

    clauses: list[Clause] = []
    pending_or = False
    for item in raw:
        if item == "OR":
            pending_or = bool(clauses) and not clauses[-1].negated
            continue
        assert isinstance(item, Clause)
        if pending_or and not item.negated:
            previous = clauses.pop()
            options = previous.alternatives or (previous,)
            clauses.append(Clause(words=(), alternatives=(*options, item)))
        else:
            clauses.append(item)
        pending_or = False
    return clauses


def expand_synonyms(clauses: list[Clause], synonyms: dict[str, list[str]]) -> list[Clause]:
    """Replace a word, run of words or phrase that has synonyms by a group of alternatives.

    ``synonyms`` maps a folded phrase ("urm") to its equivalents ("underrepresented in
    medicine"); the longest run of plain words that matches wins.
    """
    if not synonyms:
        return clauses
    longest = max(len(k.split()) for k in synonyms)
    result: list[Clause] = []
    i = 0
    while i < len(clauses):
        clause = clauses[i]
        if clause.negated or clause.alternatives:
            result.append(clause)
            i += 1
            continue
        matched = False
        if clause.phrase:
            key = _synonym_lookup(" ".join(clause.words), synonyms)
            if key is not None:
                result.append(_synonym_group(clause, synonyms[key]))
                matched = True
            i += 1
        else:
            for size in range(min(longest, len(clauses) - i), 0, -1):
                run = clauses[i : i + size]
                if any(c.negated or c.phrase or c.alternatives for c in run):
                    continue
                key = _synonym_lookup(" ".join(w for c in run for w in c.words), synonyms)
                if key is not None:
                    # Typed words keep their meaning (each anywhere): the group only widens.
                    original = Clause(words=tuple(w for c in run for w in c.words), every=size > 1)
                    result.append(_synonym_group(original, synonyms[key]))
                    i += size
                    matched = True
                    break
            if not matched:
                i += 1
        if not matched:
            result.append(clause)
    return result


def synonym_groups(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Each phrase (folded) → the other members of its group, as written.

    Pairs that share a phrase join one group (URM ↔ underrepresented in medicine and URM ↔
    underrepresented minority make one group of three), so a search for any member matches
    every member.
    """
    parent: dict[str, str] = {}
    spelled: dict[str, str] = {}

    def root(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for term, equivalent in pairs:
        a, b = fold(term), fold(equivalent)
        if not a or not b or a == b:
            continue
        for key, text in ((a, term), (b, equivalent)):
            parent.setdefault(key, key)
            spelled.setdefault(key, text)
        parent[root(a)] = root(b)
    groups: dict[str, list[str]] = {}
    for key in parent:
        groups.setdefault(root(key), []).append(key)
    result: dict[str, list[str]] = {}
    for members in groups.values():
        for key in members:
            others = [spelled[other] for other in sorted(members) if other != key]
            result[key] = others
            # Also under the analysed form, so "dentists" finds the group of "dentist".
            result.setdefault(synonym_key(spelled[key]), others)
    return result


def synonym_key(text: str) -> str:
    """A phrase as analysed (stemmed): "dentists" finds the synonyms of "dentist"."""
    return " ".join(analyze(text))


def _synonym_lookup(text: str, synonyms: dict[str, list[str]]) -> str | None:
    for key in (fold(text), synonym_key(text)):
        if key and key in synonyms:
            return key
    return None


def _synonym_group(original: Clause, equivalents: Iterable[str]) -> Clause:
    """An OR of the words as typed and each equivalent; a multi-word equivalent matches as a
    phrase or as its words near each other."""
    options = [original]
    for equivalent in equivalents:
        words = tuple(_WORD_CHARS.findall(equivalent))
        if words:
            several = len(words) > 1
            options.append(Clause(words=words, phrase=several, near=several))
    return Clause(words=(), alternatives=tuple(options))


# ---------------------------------------------------------------------------------------------
# Widening with what the index knows: compounds and misspellings

# Words of one query that are looked up for compounds and spellings (the first ones).
WIDEN_MAX_WORDS = 8
COMPOUND_MIN_PART = 3
_ALPHA = re.compile(r"^[a-z]+$")


def widen(clauses: list[Clause], known: Callable[[str], bool]) -> list[Clause]:
    """Add alternatives that mean the same word, never removing one.

    ``known(word)`` says whether a folded word is in the index. A closed compound also matches
    its two parts as a phrase ("antiracism" = "anti racism" = "anti-racism"; "healthcare" =
    "health care"); two words, or a two-word phrase, also match their closed form. Members of
    synonym groups are widened the same way. Misspellings are not widened: a query that finds
    nothing gets a spelling suggestion instead (``search.py``).
    """
    budget = [WIDEN_MAX_WORDS]
    return _widen_list(clauses, known, budget)


def _widen_list(
    clauses: Sequence[Clause], known: Callable[[str], bool], budget: list[int]
) -> list[Clause]:
    result: list[Clause] = []
    i = 0
    while i < len(clauses):
        clause = clauses[i]
        following = clauses[i + 1] if i + 1 < len(clauses) else None
        if budget[0] <= 0 or clause.negated or clause.ids or clause.parts:
            result.append(clause)
            i += 1
            continue
        if clause.alternatives:
            widened = tuple(_widen_list(clause.alternatives, known, budget))
            result.append(replace(clause, alternatives=widened))
            i += 1
            continue
        if clause.every:
            words = [Clause(words=(w,), fields=clause.fields) for w in clause.words]
            parts = tuple(_widen_list(words, known, budget))
            result.append(replace(clause, parts=parts))
            i += 1
            continue
        budget[0] -= 1
        if (
            following is not None
            and _plain(following)
            and len(clause.words) == len(following.words) == 1
            and not clause.phrase
            and not following.phrase
            and clause.fields == following.fields
        ):
            joined = fold(clause.words[0] + following.words[0])
            if _ALPHA.match(joined) and known(joined):
                pair = Clause(
                    words=(clause.words[0], following.words[0]), every=True, fields=clause.fields
                )
                closed = Clause(words=(joined,), fields=clause.fields)
                result.append(Clause(words=(), alternatives=(pair, closed)))
                i += 2
                continue
        result.append(_widen_one(clause, known))
        i += 1
    return result


def _plain(clause: Clause) -> bool:
    return not (clause.negated or clause.alternatives or clause.ids or clause.every or clause.parts)


def _widen_one(clause: Clause, known: Callable[[str], bool]) -> Clause:
    options = [clause]
    if clause.phrase:
        if len(clause.words) == 2:
            joined = fold("".join(clause.words))
            if _ALPHA.match(joined) and known(joined):
                options.append(Clause(words=(joined,), fields=clause.fields))
    elif not _ACRONYM.match(clause.words[0]):
        word = fold(clause.words[0])
        if _ALPHA.match(word):
            for split in range(COMPOUND_MIN_PART, len(word) - COMPOUND_MIN_PART + 1):
                head, tail = word[:split], word[split:]
                if known(head) and known(tail):
                    options.append(Clause(words=(head, tail), phrase=True, fields=clause.fields))
    if len(options) == 1:
        return clause
    return Clause(words=(), alternatives=tuple(options))


def _field_query(field_name: str, tokens: Sequence[str]) -> Query:
    if len(tokens) == 1:
        return Query.term_query(SCHEMA, field_name, tokens[0])
    return Query.phrase_query(SCHEMA, field_name, list(tokens))


# A multi-word synonym also matches with its words at most this many positions apart, scored
# below the exact phrase.
NEAR_SLOP = 3
NEAR_WEIGHT = 0.5
# A four-digit year among other words ("Rabinowitz 2011") ranks records of that publication
# year (or with the year in their text) first; the other words then weigh authors most.
YEAR_WORD = re.compile(r"^(1[5-9]|20)\d\d$")
YEAR_BOOST = 3.0
AUTHOR_YEAR_BOOSTS = {**FIELD_BOOSTS, "authors": 3 * FIELD_BOOSTS["title"]}


def _content_words(words: Sequence[str]) -> list[str]:
    content = [w for w in words if w.lower() not in STOP_WORDS]
    return content or list(words)


def _ids_query(ids: Sequence[int]) -> Query:
    return Query.boolean_query(
        [(Occur.Should, Query.term_query(SCHEMA, "id", resource_id)) for resource_id in ids]
    )


def _per_field(
    tokens: Sequence[str], boosts: dict[str, float], fields: Sequence[str], slop: int = 0
) -> Query:
    queries = []
    for name in fields or boosts:
        if slop and len(tokens) > 1:
            query = Query.phrase_query(SCHEMA, name, list(tokens), slop=slop)
        else:
            query = _field_query(name, tokens)
        queries.append(Query.boost_query(query, boosts[name]))
    return Query.disjunction_max_query(queries, tie_breaker=0.2)


def _clause_query(clause: Clause, boosts: dict[str, float] = FIELD_BOOSTS) -> Query | None:
    if clause.ids:
        return _ids_query(clause.ids)
    if clause.alternatives:
        return _any_of_query(clause, boosts)
    if clause.parts:
        return _all_parts_query(clause, boosts)
    if clause.every and len(clause.words) > 1:
        return _every_word_query(clause, boosts)
    return _words_query(clause, boosts)


def _any_of_query(clause: Clause, boosts: dict[str, float]) -> Query | None:
    options = [q for q in (_clause_query(a, boosts) for a in clause.alternatives) if q]
    if not options:
        return None
    return Query.boolean_query([(Occur.Should, q) for q in options])


def _kept_parts(clause: Clause) -> list[Clause]:
    """The parts of a widened clause that must match: stop words only if there is nothing else."""
    return [p for p in clause.parts if not _is_stop_word(p)] or list(clause.parts)


def _word_clauses(clause: Clause) -> list[Clause]:
    """An ``every`` clause's content words, each a clause that must match anywhere."""
    return [Clause(words=(word,), fields=clause.fields) for word in _content_words(clause.words)]


def _all_parts_query(clause: Clause, boosts: dict[str, float]) -> Query:
    queries = [q for q in (_clause_query(p, boosts) for p in _kept_parts(clause)) if q is not None]
    return Query.boolean_query([(Occur.Must, q) for q in queries])


def _every_word_query(clause: Clause, boosts: dict[str, float]) -> Query:
    parts = [_clause_query(word, boosts) for word in _word_clauses(clause)]
    return Query.boolean_query([(Occur.Must, q) for q in parts if q is not None])


def _words_query(clause: Clause, boosts: dict[str, float]) -> Query:
    tokens = analyze(" ".join(clause.words))
    if not tokens:
        # Words the analyser drops (longer than any indexed word) can match nothing.
        return Query.empty_query()
    exact = _per_field(tokens, boosts, clause.fields)
    whole = _whole_token(clause)
    if whole is not None:
        return Query.boolean_query([(Occur.Must, exact), (Occur.Must, whole)])
    if clause.near and len(tokens) > 1:
        # Stop words inside ("underrepresented in medicine") are not required nearby.
        content = analyze(" ".join(_content_words(clause.words)))
        if content:
            nearby = Query.boost_query(
                _per_field(content, boosts, clause.fields, slop=NEAR_SLOP), NEAR_WEIGHT
            )
            return Query.boolean_query([(Occur.Should, exact), (Occur.Should, nearby)])
    return exact


_ACRONYM = re.compile(r"^(?=(?:.*[A-Z]){2})[A-Za-z0-9]{2,8}$")


def _whole_token(clause: Clause) -> Query | None:
    """For an acronym typed in capitals ("IPE", "URMs"), the word itself, unstemmed.

    The stemmer would make "IPEDS" match "IPE"; the spelling field holds the words unstemmed,
    so requiring the word there keeps acronyms to whole tokens (a plural "s" allowed).
    """
    if len(clause.words) != 1 or not _ACRONYM.match(clause.words[0]):
        return None
    word = clause.words[0]
    forms = {fold(word), fold(word) + "s"}
    if word[-1] in "sS":  # "URMs", or a plural typed in capitals ("NURSES")
        forms.add(fold(word[:-1]))
    terms = [Query.term_query(SCHEMA, "spell", form) for form in sorted(forms) if form]
    return Query.const_score_query(
        Query.boolean_query([(Occur.Should, term) for term in terms]), 0.0
    )


def _is_year(clause: Clause) -> bool:
    return (
        not clause.alternatives
        and not clause.phrase
        and not clause.fields
        and len(clause.words) == 1
        and bool(YEAR_WORD.match(clause.words[0]))
    )


def _year_clause_query(clause: Clause) -> Query:
    """The year as a word anywhere, or the publication year (which scores higher)."""
    year = int(clause.words[0])
    as_year = Query.const_score_query(
        Query.range_query(
            SCHEMA, "year", tantivy.FieldType.Integer, lower_bound=year, upper_bound=year
        ),
        YEAR_BOOST,
    )
    as_word = _clause_query(clause)
    if as_word is None:
        return as_year
    return Query.boolean_query([(Occur.Should, as_year), (Occur.Should, as_word)])


def text_query(clauses: list[Clause]) -> Query | None:
    """All positive clauses must match (AND), negated ones must not; None for no text."""
    subqueries = _positive_subqueries([c for c in clauses if not c.negated])
    for clause in clauses:
        if clause.negated:
            query = _clause_query(replace(clause, negated=False))
            if query is not None:
                subqueries.append((Occur.MustNot, query))
    if not subqueries:
        return None
    if all(occur == Occur.MustNot for occur, _ in subqueries):
        subqueries.append((Occur.Must, Query.all_query()))
    return Query.boolean_query(subqueries)


def _words_and_years(positive: list[Clause]) -> tuple[list[Clause], list[Clause]]:
    """The positive clauses a query keeps, split into words (all required) and years (required
    only alone). Stop words are not required unless the query has nothing else."""
    if any(not _is_stop_word(c) for c in positive):
        positive = [c for c in positive if not _is_stop_word(c)]
    return [c for c in positive if not _is_year(c)], [c for c in positive if _is_year(c)]


def _positive_subqueries(positive: list[Clause]) -> list[tuple[Occur, Query]]:
    others, years = _words_and_years(positive)
    boosts = AUTHOR_YEAR_BOOSTS if years and others else FIELD_BOOSTS
    queries = (_clause_query(clause, boosts) for clause in others)
    subqueries: list[tuple[Occur, Query]] = [(Occur.Must, q) for q in queries if q is not None]
    for clause in years:
        # Among other words a year ranks that year's records first without hiding the others
        # ("Rabinowitz 2011" still lists his 1999 paper, lower); alone, it must match.
        subqueries.append((Occur.Should if others else Occur.Must, _year_clause_query(clause)))
    return subqueries


def _is_stop_word(clause: Clause) -> bool:
    return (
        not clause.alternatives
        and not clause.ids
        and not clause.phrase
        and not clause.every
        and not clause.parts
        and len(clause.words) == 1
        and clause.words[0].lower() in STOP_WORDS
    )


# ---------------------------------------------------------------------------------------------
# Running a search


@dataclass
class EngineQuery:
    clauses: list[Clause]
    filters: dict[str, tuple[str, ...]]  # facet key → selected slugs (OR within a facet)
    year_from: int | None = None
    year_to: int | None = None
    sort: str = "relevance"  # relevance | newest | oldest | title | added
    offset: int = 0
    limit: int = 20
    facet_keys: tuple[str, ...] = ()
    documents: bool = True  # fetch stored display data and snippets for the hits


@dataclass
class EngineHit:
    id: int
    score: float
    title_html: str = ""
    snippet_html: str = ""
    display: dict[str, Any] = field(default_factory=dict)


@dataclass
class EngineResult:
    total: int
    hits: list[EngineHit]
    facet_counts: dict[str, dict[str, int]]  # facet key → slug → count
    year_min: int | None = None
    year_max: int | None = None


@dataclass
class CrossCounts:
    """A two-facet matrix of a search (``SearchEngine.cross_counts``): every number is the total
    of the search with those values added as filters."""

    total: int  # the search itself
    rows: dict[str, int]  # row slug → records with it
    columns: dict[str, int]  # column slug → records with it
    cells: dict[tuple[str, str], int]  # (row slug, column slug) → records with both


def _facet_filter(key: str, slugs: tuple[str, ...]) -> Query:
    return Query.term_set_query(SCHEMA, "facets", [f"{key}:{slug}" for slug in slugs])


def _records_with(searcher: tantivy.Searcher, key: str, slugs: Iterable[str]) -> int:
    """At most how many records have one of ``slugs`` of facet ``key`` (their document
    frequencies, deleted records included)."""
    return sum(searcher.doc_freq("facets", f"{key}:{slug}") for slug in slugs)


def _walk_terms(searcher: tantivy.Searcher, prefix: str, query: Query) -> list[tuple[str, int]]:
    """Each facet term starting with ``prefix`` and how many records of ``query`` have it
    (those with none left out), by walking the terms' postings against the query."""
    return [
        (str(term), int(number))
        for term, number in searcher.terms_with_prefix("facets", prefix, filter_query=query)
        if number
    ]


def _year_filter(year_from: int | None, year_to: int | None) -> Query | None:
    if year_from is None and year_to is None:
        return None
    return Query.range_query(
        SCHEMA, "year", tantivy.FieldType.Integer, lower_bound=year_from, upper_bound=year_to
    )


def _combine(parts: list[Query]) -> Query:
    if not parts:
        return Query.all_query()
    if len(parts) == 1:
        return parts[0]
    return Query.boolean_query([(Occur.Must, q) for q in parts])


def _as_filter(query: Query) -> Query:
    # Filters must not change relevance scores.
    return Query.const_score_query(query, 0.0)


# Aggregations kept per process, each every facet's counts (a few kilobytes). A page needs one
# plus one per selected facet (about 2.5 on the bench's mix with filters): this keeps the counts
# of some 600 pages, where 512 entries held 512 pages when the cache was per page.
FACET_CACHE_SIZE = 1536
# One aggregation's answer: every facet's counts (facet key → slug → count) and, where asked
# for, the year range of the records it ran over.
_Aggregated = tuple[dict[str, dict[str, int]], tuple[int | None, int | None]]


@dataclass(frozen=True)
class _Need:
    """One aggregation a page needs: over the words and years of ``base``, with ``filters``."""

    base: tuple[Any, ...]  # index version, clauses, year from, year to
    filters: tuple[tuple[str, tuple[str, ...]], ...]  # sorted (facet key, selected slugs)
    # None: the counts over the hits, of every facet, with the year range; else the selected
    # facet whose disjunctive counts this is: that facet's counts only.
    for_key: str | None = None

    def cache_keys(self) -> tuple[tuple[Any, ...], ...]:
        """Where its answer is kept, and where else it may be found: the counts of every facet
        over the same records serve one facet's."""
        own = (self.base, self.filters, self.for_key)
        return (own,) if self.for_key is None else (own, (self.base, self.filters, None))


def _page_counts(
    q: EngineQuery, needed: list[_Need], found: dict[_Need, _Aggregated | None]
) -> _Aggregated:
    """A page's counts: each facet from the aggregation over the hits, a selected one from its
    own disjunctive aggregation; the year range of the hits."""
    over_hits = found[needed[0]]
    assert over_hits is not None
    counts = {key: dict(over_hits[0].get(key, {})) for key in q.facet_keys}
    for need in needed[1:]:
        answer = found[need]
        assert answer is not None and need.for_key is not None
        counts[need.for_key] = dict(answer[0].get(need.for_key, {}))
    return counts, over_hits[1]


class _BackgroundThreads:
    """Threads of this process for engine work that can run beside the request's own thread.

    Made on first use and again after a fork (gunicorn forks its workers from a parent that
    may have searched), since a forked child inherits the executor but not its threads.
    """

    def __init__(self, workers: int) -> None:
        self._workers = workers
        self._lock = threading.Lock()
        self._pid = 0
        self._executor: ThreadPoolExecutor | None = None

    def __call__(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None or self._pid != os.getpid():
                self._executor = ThreadPoolExecutor(
                    max_workers=self._workers, thread_name_prefix="smrl-engine"
                )
                self._pid = os.getpid()
            return self._executor


class _SearchesUnderWay:
    """How many searches this process is running: the first one alone may spread its work over
    the pool's threads; beside others, a search runs on its own thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0

    @contextlib.contextmanager
    def under_way(self) -> Iterator[bool]:
        with self._lock:
            self.count += 1
            alone = self.count == 1
        try:
            yield alone
        finally:
            with self._lock:
                self.count -= 1


_searches = _SearchesUnderWay()

# One thread per request a gunicorn worker serves at once (GUNICORN_THREADS, 2 by default) would
# do; a few more cover a larger setting. A search that finds them all busy waits its turn.
_background = _BackgroundThreads(workers=4)


# Above this share of the library's records, a search's facets are counted by walking each
# facet value's postings against the matching records (``terms_with_prefix`` with the query as
# its filter), a cost set by the size of the library; below it, by tantivy's terms aggregation,
# which reads every matching record's values: its cost grows with the hits. Measured at 100k on
# the bench's mix (ms of CPU an aggregation): under 1,000 hits 0.49 against 1.03; 10,000–30,000
# 2.10 against 1.53; 30,000–60,000 3.82 against 1.80; over 60,000 5.57 against 1.07.
COUNT_BY_TERMS_SHARE = 0.1


def _counting_plan(
    searcher: tantivy.Searcher, q: EngineQuery, total: int, missing: list[_Need]
) -> dict[_Need, bool]:
    """For each count made after the search for hits (a search beside others in the process,
    with no pool), whether to make it by terms: whether it runs over more than
    ``COUNT_BY_TERMS_SHARE`` of the records. The one over the hits runs over ``total``.
    A selected facet's disjunctive counts run over more, unknown until counted: about
    ``total`` divided by the share of the library its selected values cover (as if the words
    and that facet were independent). A wrong guess costs time, never a wrong count."""
    records = int(searcher.num_docs)
    plan: dict[_Need, bool] = {}
    for need in missing:
        hits = float(total)
        if need.for_key is not None:
            covered = _records_with(searcher, need.for_key, q.filters.get(need.for_key, ()))
            hits = total * records / covered if covered else float(records)
        plan[need] = records > 0 and hits >= COUNT_BY_TERMS_SHARE * records
    return plan


def _plan_by_bounds(
    searcher: tantivy.Searcher, q: EngineQuery, clauses: list[Clause], missing: list[_Need]
) -> dict[_Need, bool]:
    """For each count, whether to make it by terms, decided before the search for hits (so the
    counts can run beside it): by aggregation when an upper bound from document frequencies (a
    few term lookups) proves it runs over fewer records than ``COUNT_BY_TERMS_SHARE`` of the
    library: at most as many as the least frequent of its required words, and as its least
    frequent selected facet. Otherwise by terms: the bound cannot see adjacency or
    co-occurrence, so some of those are small (on the bench's mix at 100k, 50 of 269), and
    cost the terms walk's ~1 ms instead of an aggregation's ~0.5. ``_counting_plan`` decides
    from the search's count where the counts run after it."""
    records = int(searcher.num_docs)
    limit = COUNT_BY_TERMS_SHARE * records
    words = _text_bound(searcher, clauses, records)
    facets = {key: _records_with(searcher, key, slugs) for key, slugs in q.filters.items() if slugs}
    return {
        need: min([words, *(facets.get(key, records) for key, _ in need.filters)]) >= limit
        for need in missing
    }


def _text_bound(searcher: tantivy.Searcher, clauses: list[Clause], records: int) -> int:
    """At most how many records ``text_query(clauses)`` matches: each clause it requires is an
    upper bound (``_clause_bound``), so the smallest is. ``records`` when nothing is required
    but years, which also match by the year field."""
    required, _years = _words_and_years([c for c in clauses if not c.negated])
    return min((_clause_bound(searcher, c, records) for c in required), default=records)


def _clause_bound(searcher: tantivy.Searcher, clause: Clause, records: int) -> int:
    """An upper bound on the records ``_clause_query(clause)`` matches, mirroring it: a word
    in any field is at most the sum of its document frequencies over the fields; a phrase in a
    field at most its rarest word's there; alternatives add up; parts and words that must all
    match take the smallest. (Deleted records still count in document frequencies: a bound.)"""
    if clause.ids:
        return len(clause.ids)
    if clause.alternatives:
        return min(records, sum(_clause_bound(searcher, a, records) for a in clause.alternatives))
    if clause.parts:
        return min(
            (_clause_bound(searcher, p, records) for p in _kept_parts(clause)), default=records
        )
    if clause.every and len(clause.words) > 1:
        return min(
            (_clause_bound(searcher, word, records) for word in _word_clauses(clause)),
            default=records,
        )
    tokens = analyze(" ".join(clause.words))
    if not tokens:
        return 0
    fields = clause.fields or TEXT_FIELDS

    def in_any_field(words: Sequence[str]) -> int:
        return sum(min(searcher.doc_freq(name, word) for word in words) for name in fields)

    bound = in_any_field(tokens)
    if clause.near and len(tokens) > 1:
        content = analyze(" ".join(_content_words(clause.words)))
        if content:
            bound += in_any_field(content)
    return min(records, bound)


# Every file tantivy writes for a segment ends with a footer: its JSON (format version and CRC),
# then that JSON's length and a magic number, both little-endian u32. A truncated file has no
# footer, and mapping one into memory ends the process with SIGBUS on first access, so the
# footers are checked before an index is opened: a few bytes read per file.
_FOOTER_MAGIC = 1337
_FOOTER_MAX_JSON = 4096


def damaged_files(path: Path) -> list[str]:
    """The files of the index at ``path`` that prove it damaged; [] for a sound index.

    Damage is: meta.json missing or not JSON, or a file of a listed segment missing, too short
    or without its footer. Anything else that fails later (a permission, a lock) is not damage.
    """
    try:
        meta = json.loads((path / "meta.json").read_text())
        segment_ids = [str(s["segment_id"]).replace("-", "") for s in meta.get("segments", [])]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return ["meta.json"]
    damaged = []
    for segment_id in segment_ids:
        files = [f for f in path.glob(f"{segment_id}.*") if f.is_file()]
        if not files:
            damaged.append(f"{segment_id}.*")
        for file in files:
            if not _has_footer(file):
                damaged.append(file.name)
    return damaged


def _has_footer(file: Path) -> bool:
    try:
        with open(file, "rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            if size < 8:
                return False
            handle.seek(size - 8)
            length, magic = struct.unpack("<II", handle.read(8))
            if magic != _FOOTER_MAGIC or not 0 < length <= min(_FOOTER_MAX_JSON, size - 8):
                return False
            handle.seek(size - 8 - length)
            footer = json.loads(handle.read(length))
    except (OSError, ValueError, struct.error):
        return False
    return isinstance(footer, dict) and "crc" in footer


class SearchEngine:
    """One opened index directory. Thread-safe for searching; writing needs ``writer()``.

    Facet counts are cached per index version: counting is most of a search's cost for
    queries with many hits (an aggregation over every matching record), the same browse pages
    and popular searches come back again and again, and any commit changes the version.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._facet_cache: OrderedDict[Any, Any] = OrderedDict()
        self._facet_cache_lock = threading.Lock()
        self.index = tantivy.Index(SCHEMA, path=str(path), reuse=True)
        self.index.register_tokenizer(TEXT_ANALYZER, _text_analyzer())
        self.index.register_tokenizer(SPELL_ANALYZER, _spell_analyzer())
        self.index.config_reader("Manual")
        self._loaded_version: tuple[int, int, int] | None = None

    def reload(self) -> None:
        """See the latest commit. Reopening the reader costs more than the stat that tells
        whether there is a new commit, so it is reopened only when ``version()`` changed."""
        version = self.version()
        if version != self._loaded_version:
            self.index.reload()
            self._loaded_version = version

    def version(self) -> tuple[int, int, int]:
        """Changes with every commit: tantivy replaces meta.json atomically on commit."""
        stat = (self.path / "meta.json").stat()
        return (stat.st_ino, stat.st_mtime_ns, stat.st_size)

    def writer(self, *, heap_size: int = 64_000_000, threads: int = 1) -> tantivy.IndexWriter:
        return self.index.writer(heap_size=heap_size, num_threads=threads)

    @staticmethod
    def replace_documents(
        writer: tantivy.IndexWriter, ids: Iterable[int], docs: Iterable[IndexDocument]
    ) -> None:
        for resource_id in ids:
            # By query: delete_documents_by_term types a Python int as i64, missing the u64 id.
            writer.delete_documents_by_query(Query.term_query(SCHEMA, "id", resource_id))
        for doc in docs:
            writer.add_document(doc.to_tantivy())

    def num_docs(self) -> int:
        return int(self.index.searcher().num_docs)

    def search(self, q: EngineQuery) -> EngineResult:
        searcher = self.index.searcher()
        clauses, text, common, filters = self._query_parts(searcher, q)
        main = _combine(common + [_as_filter(f) for f in filters.values()])

        def find() -> tuple[int, list[tuple[Any, tantivy.DocAddress]]]:
            order_field, order = self._order(q.sort, has_text=text is not None)
            result = searcher.search(
                main,
                limit=max(1, q.limit),  # tantivy panics on limit 0
                count=True,
                offset=q.offset,
                order_by_field=order_field,
                order=order,
            )
            return int(result.count or 0), result.hits  # type: ignore[attr-defined]

        def documents(raw_hits: list[tuple[Any, tantivy.DocAddress]]) -> list[EngineHit]:
            return [] if q.limit <= 0 else self._hits(searcher, text, raw_hits, q.documents)

        needed = self._aggregations_needed(q)
        found = {need: self._cached_aggregation(need) for need in needed}
        missing = [need for need, value in found.items() if value is None]
        with _searches.under_way() as alone:
            if missing and alone:
                count = functools.partial(self._count_facets, searcher, common, filters)
                plan = _plan_by_bounds(searcher, q, clauses, missing)
                total, hits = self._counts_beside_hits(find, documents, count, plan, found)
            else:
                total, raw_hits = find()
                hits = documents(raw_hits)
                # Counts still to make while other searches run in this process: the cores are
                # taken, and more threads would only cost CPU (about a tenth more a page under
                # four clients), so they follow the search here.
                plan = _counting_plan(searcher, q, total, missing) if missing else {}
                for need in missing:
                    found.update(self._count_facets(searcher, common, filters, [need], plan[need]))
        facets = _page_counts(q, needed, found) if needed else None
        facet_counts, year_stats = facets or ({}, (None, None))
        return EngineResult(
            total=total,
            hits=hits,
            facet_counts=facet_counts,
            year_min=year_stats[0],
            year_max=year_stats[1],
        )

    def _query_parts(
        self, searcher: tantivy.Searcher, q: EngineQuery
    ) -> tuple[list[Clause], Query | None, list[Query], dict[str, Query]]:
        """A search's widened clauses, its text query, what every count over it shares (the
        words and the year range) and one filter per selected facet."""
        clauses = self._widen(searcher, q.clauses)
        text = text_query(clauses)
        common: list[Query] = [] if text is None else [text]
        year = _year_filter(q.year_from, q.year_to)
        if year is not None:
            common.append(_as_filter(year))
        filters = {key: _facet_filter(key, slugs) for key, slugs in q.filters.items() if slugs}
        return clauses, text, common, filters

    def _counts_beside_hits(
        self,
        find: Callable[[], tuple[int, list[tuple[Any, tantivy.DocAddress]]]],
        documents: Callable[[list[tuple[Any, tantivy.DocAddress]]], list[EngineHit]],
        count: Callable[[list[_Need], bool], dict[_Need, _Aggregated]],
        plan: dict[_Need, bool],
        found: dict[_Need, _Aggregated | None],
    ) -> tuple[int, list[EngineHit]]:
        """Counting facets is the larger part of a search with many hits: each count runs on a
        thread of the pool while this thread searches for the hits and reads their documents
        and snippets, so a reader waits for the longest part, not their sum. (The hits' side
        makes some sixty calls into tantivy, each taking the GIL back: kept on this thread,
        those stay uncontended.)

        tantivy-py lets the GIL go inside an aggregation and inside the search for hits, but
        ``terms_with_prefix`` keeps it (measured: two threads took longer than one after the
        other). A count made by terms therefore overlaps the search for hits and holds up the
        documents and snippets; that is still sooner than counting after the search, which
        would wait for its count (``_plan_by_bounds`` decides from document frequencies
        instead)."""
        pool = _background()
        counting = [pool.submit(count, [need], by_terms) for need, by_terms in plan.items()]
        try:
            total, raw_hits = find()
            return total, documents(raw_hits)
        finally:
            errors = []
            for future in counting:  # every one waited for, none left running
                try:
                    found.update(future.result())
                except Exception as error:
                    errors.append(error)
            if errors:
                raise errors[0]

    def _widen(self, searcher: tantivy.Searcher, clauses: list[Clause]) -> list[Clause]:
        """``widen`` with this index's words: term lookups only, no extra search."""
        if not clauses:
            return clauses
        cache: dict[str, bool] = {}

        def known(word: str) -> bool:
            if word not in cache:
                cache[word] = searcher.doc_freq("spell", word) > 0
            return cache[word]

        return widen(clauses, known)

    def cross_counts(self, q: EngineQuery, rows: str, columns: str) -> CrossCounts:
        """How many records of the search ``q`` (its words and filters) have each value of the
        facet ``rows``, each value of ``columns``, and each pair, cached per index version like
        facet counts. Counted as facet counts are: by terms over a tenth of the library or more
        (``_cross_counts_by_terms``), else by one nested aggregation."""
        key = (
            "cross",
            self.version(),
            tuple(q.clauses),
            tuple(sorted(q.filters.items())),
            q.year_from,
            q.year_to,
            rows,
            columns,
        )
        with self._facet_cache_lock:
            cached = self._facet_cache.get(key)
            if cached is not None:
                self._facet_cache.move_to_end(key)
                return cached  # type: ignore[return-value]
        searcher = self.index.searcher()
        _clauses, _text, common, filters = self._query_parts(searcher, q)
        main = _combine(common + [_as_filter(f) for f in filters.values()])

        total = int(searcher.search(main, limit=1, count=True).count or 0)  # type: ignore[attr-defined]
        if total >= COUNT_BY_TERMS_SHARE * int(searcher.num_docs):
            value = self._cross_counts_by_terms(searcher, main, total, rows, columns)
        else:
            value = self._cross_counts_by_aggregation(searcher, main, total, rows, columns)
        self._remember(key, value)
        return value

    @staticmethod
    def _cross_counts_by_terms(
        searcher: tantivy.Searcher, main: Query, total: int, rows: str, columns: str
    ) -> CrossCounts:
        """Over many records (a tenth of the library or more, as for facet counts): the rows'
        and columns' counts, then each row value's column counts, by walking the facet terms'
        postings against the search. The whole library's domains × topics took 20 ms against
        280–290 ms for the nested aggregation at 1M, 3 ms against 30 at 100k (same counts)."""

        def walked(facet: str, query: Query) -> dict[str, int]:
            return {t.partition(":")[2]: n for t, n in _walk_terms(searcher, f"{facet}:", query)}

        row_counts = walked(rows, main)
        cells = {}
        for row in row_counts:
            in_row = _combine([main, _as_filter(_facet_filter(rows, (row,)))])
            cells.update({(row, column): n for column, n in walked(columns, in_row).items()})
        return CrossCounts(total=total, rows=row_counts, columns=walked(columns, main), cells=cells)

    @staticmethod
    def _cross_counts_by_aggregation(
        searcher: tantivy.Searcher, main: Query, total: int, rows: str, columns: str
    ) -> CrossCounts:
        """Over few records: one terms aggregation of the row values with a terms aggregation
        of the column values inside."""

        def terms(facet: str) -> dict[str, Any]:
            return {
                "field": "facets",
                "size": FACET_AGG_SIZE,
                "include": re.escape(facet) + ":.*",
            }

        result = searcher.aggregate(
            main,
            {
                "rows": {"terms": terms(rows), "aggs": {"cells": {"terms": terms(columns)}}},
                "columns": {"terms": terms(columns)},
            },
        )

        def slug(bucket: dict[str, Any]) -> str:
            return str(bucket["key"]).partition(":")[2]

        return CrossCounts(
            total=total,
            rows={slug(b): int(b["doc_count"]) for b in result["rows"]["buckets"]},
            columns={slug(b): int(b["doc_count"]) for b in result["columns"]["buckets"]},
            cells={
                (slug(b), slug(c)): int(c["doc_count"])
                for b in result["rows"]["buckets"]
                for c in b["cells"]["buckets"]
            },
        )

    @staticmethod
    def _order(sort: str, *, has_text: bool) -> tuple[str | None, Any]:
        if sort == "newest":
            return "newest", Order.Desc
        if sort == "oldest":
            return "newest", Order.Asc
        if sort == "title":
            return "title_key", Order.Asc
        if sort == "added" or not has_text:
            # With no words to rank by, "relevance" means the newest additions first.
            return "added", Order.Desc
        return None, Order.Desc

    def _hits(
        self,
        searcher: tantivy.Searcher,
        text: Query | None,
        raw_hits: list[tuple[Any, tantivy.DocAddress]],
        with_documents: bool,
    ) -> list[EngineHit]:
        if not raw_hits:
            return []
        addresses = [address for _, address in raw_hits]
        ids = searcher.fast_field_values("id", addresses)
        hits = [
            EngineHit(id=int(resource_id or 0), score=float(score))
            for (score, _), resource_id in zip(raw_hits, ids, strict=True)
        ]
        if not with_documents:
            return hits
        generators = None
        if text is not None:
            title_gen = tantivy.SnippetGenerator.create(searcher, text, SCHEMA, "title")
            title_gen.set_max_num_chars(1000)
            body_gen = tantivy.SnippetGenerator.create(searcher, text, SCHEMA, "description")
            body_gen.set_max_num_chars(SNIPPET_CHARS)
            generators = (title_gen, body_gen)
        for hit, address in zip(hits, addresses, strict=True):
            doc = searcher.doc(address)
            hit.display = json.loads(bytes(doc.get_first("display") or b"{}"))
            if generators:
                title = str(doc.get_first("title") or "")
                hit.title_html = _highlight(generators[0].snippet_from_doc(doc), title)
                hit.snippet_html = _highlight(generators[1].snippet_from_doc(doc))
        return hits

    def _aggregations_needed(self, q: EngineQuery) -> list[_Need]:
        """The aggregations a page's facet counts are made of: one over the hits, and one per
        selected facet for its disjunctive counts, over the hits with every filter but that
        facet's own (so a reader sees what widening that choice would add)."""
        if not q.facet_keys:
            return []
        selected = tuple(sorted((k, tuple(sorted(v))) for k, v in q.filters.items() if v))
        base = (self.version(), tuple(q.clauses), q.year_from, q.year_to)
        needed = [_Need(base, selected)]
        for key, _ in selected:
            if key in q.facet_keys:
                others = tuple(item for item in selected if item[0] != key)
                needed.append(_Need(base, others, for_key=key))
        return needed

    def _cached_aggregation(self, need: _Need) -> _Aggregated | None:
        """A page's facet counts are cached by aggregation, not by page: the counts over "rural"
        are the first page's and also the disjunctive counts of "rural" with one domain ticked,
        so refining a search costs one aggregation, not one per selected facet."""
        with self._facet_cache_lock:
            for key in need.cache_keys():
                cached = self._facet_cache.get(key)
                if cached is not None:
                    self._facet_cache.move_to_end(key)
                    return cached
        return None

    def _remember(self, key: tuple[Any, ...], value: Any) -> None:
        """Keep ``value`` in the facet cache, dropping the least recently used beyond its size."""
        with self._facet_cache_lock:
            self._facet_cache[key] = value
            while len(self._facet_cache) > FACET_CACHE_SIZE:
                self._facet_cache.popitem(last=False)

    def _count_facets(
        self,
        searcher: tantivy.Searcher,
        common: list[Query],
        filters: dict[str, Query],
        missing: list[_Need],
        by_terms: bool = False,
    ) -> dict[_Need, _Aggregated]:
        """Run the aggregations not cached, each over the words and years with its filters:
        by walking each facet value's postings against the matching records when ``by_terms``
        (many hits), otherwise by tantivy's terms aggregation over the matching records.

        (Writing a page's disjunctive counts in one call, as ``filter`` buckets over the
        words-and-years set, was measured at 100k: 7 ms instead of 5.5 ms a query, since every
        bucket then walks the larger set. The calls stay separate.)
        """
        done: dict[_Need, _Aggregated] = {}
        for need in missing:
            query = _combine(common + [_as_filter(filters[key]) for key, _ in need.filters])
            # One facet's terms only for its disjunctive counts: fewer postings to walk.
            prefix = "" if need.for_key is None else f"{need.for_key}:"
            if by_terms:
                counted = _walk_terms(searcher, prefix, query)
            else:
                # Every value counted either way (an "include" pattern made it slower).
                result = searcher.aggregate(
                    query, {"facets": {"terms": {"field": "facets", "size": FACET_AGG_SIZE}}}
                )
                counted = [
                    (b["key"], b["doc_count"])
                    for b in result["facets"]["buckets"]
                    if str(b["key"]).startswith(prefix)
                ]
            counts: dict[str, dict[str, int]] = {}
            for term, number in counted:
                key, _, slug = str(term).partition(":")
                counts.setdefault(key, {})[slug] = int(number)
            years = [int(y) for y in counts.pop(YEAR_KEY, {})]
            year_range = (min(years), max(years)) if years else (None, None)
            done[need] = (counts, year_range)
            self._remember(need.cache_keys()[0], done[need])
        return done

    def suggest_word(self, word: str) -> str | None:
        """The indexed word closest in spelling to ``word`` (edit distance ≤ 2), or None.

        Bounded: at most ``SPELLING_TERMS_PER_PREFIX`` indexed words are read for each of four
        prefixes (the word's first four, three and two letters; then, if none of those is
        close, its first letter), whatever the size of the index.
        """
        folded = fold(word)
        if len(folded) < 3 or " " in folded:
            return None
        searcher = self.index.searcher()
        if searcher.doc_freq("spell", folded) > 0:
            return None
        frequencies: dict[str, int] = {}
        for prefixes in ((folded[:4], folded[:3], folded[:2]), (folded[:1],)):
            fresh: dict[str, int] = {}
            for prefix in prefixes:
                for term, freq in searcher.terms_with_prefix(
                    "spell", prefix, limit=SPELLING_TERMS_PER_PREFIX
                ):
                    if abs(len(term) - len(folded)) <= 2 and term not in frequencies:
                        fresh[term] = freq
            frequencies.update(fresh)
            found = closest(folded, list(fresh), limit=2)
            if found:
                return min(found, key=lambda f: (f[1], -frequencies[f[0]], f[0]))[0]
        return None


def _highlight(snippet: tantivy.Snippet, full_text: str | None = None) -> str:
    """Escaped text with <mark> around the matched ranges.

    With ``full_text`` the whole text is returned (titles); otherwise the snippet's fragment,
    with an ellipsis where it cuts the text. tantivy reports ranges as UTF-8 byte offsets
    within the fragment, so the slicing is done on bytes.
    """
    fragment_range = snippet.fragment_range()
    fragment_start, fragment_end = fragment_range.start, fragment_range.end
    if full_text is not None:
        text = full_text.encode("utf-8")
        shift = fragment_start
    else:
        text = snippet.fragment().encode("utf-8")
        shift = 0
    if not text:
        return ""
    parts: list[str] = []
    position = 0
    for span in snippet.highlighted():
        begin, end = span.start + shift, span.end + shift
        if begin < position or end > len(text):
            continue
        parts.append(html.escape(text[position:begin].decode("utf-8", "replace")))
        parts.append(f"<mark>{html.escape(text[begin:end].decode('utf-8', 'replace'))}</mark>")
        position = end
    parts.append(html.escape(text[position:].decode("utf-8", "replace")))
    result = "".join(parts)
    if full_text is None and parts:
        if fragment_start > 0:
            result = "… " + result
        if (
            snippet.fragment()
            and fragment_end > 0
            and not snippet.fragment().endswith((".", "!", "?"))
        ):
            result = result + " …"
    return result
