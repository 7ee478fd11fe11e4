"""The pure parts of the engine: the user's query language, sort keys, spelling distance."""

from __future__ import annotations

import pytest

from socialmission.bibliography.text import edit_distance as _edit_distance
from socialmission.library.engine import (
    Clause,
    analyze,
    expand_synonyms,
    parse_user_query,
    title_sort_key,
)


def test_words_phrases_exclusions_and_or() -> None:
    clauses = parse_user_query('holistic "medical school" -nursing rural OR urban')
    assert clauses[0] == Clause(words=("holistic",))
    assert clauses[1] == Clause(words=("medical", "school"), phrase=True)
    assert clauses[2] == Clause(words=("nursing",), negated=True)
    assert [a.words for a in clauses[3].alternatives] == [("rural",), ("urban",)]
    assert len(clauses) == 4


def test_or_chains_into_one_group() -> None:
    (group,) = parse_user_query("dental OR nursing OR pharmacy")
    assert [a.words[0] for a in group.alternatives] == ["dental", "nursing", "pharmacy"]


@pytest.mark.parametrize(
    "text",
    ['"unbalanced quote', "OR", "-", "* ( ) : ^ ~", "NEAR(a b)", '-"', '""', "OR OR -"],
)
def test_malformed_input_never_raises(text: str) -> None:
    for clause in parse_user_query(text):
        assert clause.words or clause.alternatives


def test_unbalanced_quote_closes_at_end() -> None:
    assert parse_user_query('"community health') == [
        Clause(words=("community", "health"), phrase=True)
    ]


def test_hyphenated_word_is_a_phrase() -> None:
    assert parse_user_query("community-based") == [
        Clause(words=("community", "based"), phrase=True)
    ]


def test_analysis_stems_and_folds_accents() -> None:
    assert analyze("Équité") == analyze("equite")
    assert analyze("admissions") == analyze("admission")


def test_synonym_expansion_matches_longest_run() -> None:
    synonyms = {"underrepresented in medicine": ["URM"], "urm": ["underrepresented in medicine"]}
    (group,) = expand_synonyms(parse_user_query("underrepresented in medicine"), synonyms)
    assert [a.words for a in group.alternatives] == [
        ("underrepresented", "in", "medicine"),
        ("URM",),
    ]
    expanded = expand_synonyms(parse_user_query("URM students"), synonyms)
    assert [a.words for a in expanded[0].alternatives][1] == ("underrepresented", "in", "medicine")
    assert expanded[1] == Clause(words=("students",))


def test_negated_words_are_not_expanded() -> None:
    clauses = parse_user_query("-URM")
    assert expand_synonyms(clauses, {"urm": ["underrepresented in medicine"]}) == clauses


def test_title_sort_key_orders_like_titles_and_skips_articles() -> None:
    titles = ["Zebra studies", "The Anatomy of equity", "apple", "Éclair", "10 lessons"]
    ordered = sorted(titles, key=title_sort_key)
    assert ordered == ["10 lessons", "The Anatomy of equity", "apple", "Éclair", "Zebra studies"]


def test_edit_distance() -> None:
    assert _edit_distance("admisions", "admissions", limit=2) == 1
    assert _edit_distance("pipelnie", "pipeline", limit=2) == 1  # transposition
    assert _edit_distance("abc", "xyz", limit=2) == 3
