"""Small text helpers shared by every bibliographic format (pure code).

Functions:

- ``clean(value)``: collapse runs of whitespace (including newlines and NBSP) to one space, strip.
- ``normalize_doi(value)``: a bare DOI as written ("10.1000/XYZ") from "https://doi.org/…",
  "http://dx.doi.org/…", "doi:…", "DOI …", "… [doi]"; "" when the value holds no DOI.
- ``doi_key(value)``: the same, lower-cased: DOIs are compared case-insensitively.
- ``normalize_pmid(value)``: the PubMed id digits from "123", "PMID: 123", "pmid:123",
  "https://pubmed.ncbi.nlm.nih.gov/123/", "123 [pubmed]"; "" when there is none.
- ``find_pmid(text)``: a PMID mentioned anywhere in free text ("PMID: 123", "{PMID:} 123"); "".
- ``normalize_pmcid(value)``: "PMC123" from "PMC123", "pmc123", "PMCID: PMC123"; "".
- ``normalize_title(value)``: a matching key for duplicate detection: casefolded, accents and
  punctuation removed, English stop words dropped, spaces collapsed.
- ``extract_year(value)``: the first plausible four-digit year in a messy date ("2019///",
  "2019/05/01/", "Spring 2018", "2015 Oct-Dec") as an int, or None.
- ``parse_date(value)``: (year, month, day) from a messy date; English month names and numeric
  forms are understood, unknown parts are None.
- ``month_number(value)``: 1-12 from "Jun", "June", "06", "6" (English names only); or None.
- ``join_pages(start, end)``: "SP-EP", "SP" or "" from the two halves of a page range.
- ``split_pages(pages)``: (start, end) from "12-34", "12\u201334", "12--34", "e123".
- ``split_list(value, separators)``: split a multi-value cell ("a; b; c") into clean, non-empty parts.
- ``standard_numbers(value)``: (ISSNs, ISBNs, others) from an identifier cell that packs several
  ("1128-045X 1123-6337", "2689-6575(ELECTRONIC),26896567(PRINT)", "978-…; 978-…"); ISSNs come back
  as "NNNN-NNNC".
- ``decode(data)``: text from the bytes of an uploaded file: BOM first (UTF-8/16/32), then strict
  UTF-8, then UTF-8 with replacement when only a few bytes are bad, then charset-normalizer's
  best guess (GBK, Windows-1252, …); the BOM is removed. ``decode_with_note(data)`` also says
  how the encoding was guessed, for the import report.
- ``strip_accents(value)``: "Gödel" → "Godel".
- ``edit_distance(a, b, limit=…)``: Levenshtein distance counting a swap of neighbours as one edit
  (optimal string alignment); ``limit + 1`` for anything farther than ``limit``.
- ``closest(word, candidates, limit=…)``: (candidate, distance, index) of the candidates within
  ``limit`` edits of ``word``, nearest first.
- ``similarity(a, b)``: 0-1, how much of two strings is common (2 x common subsequence / lengths).
- ``unique(values)``: first-seen order, no duplicates or empty strings.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterable, Sequence

import charset_normalizer
from rapidfuzz import process
from rapidfuzz.distance import OSA, Indel

# A DOI is "10." + registrant code + "/" + suffix; the suffix may hold almost anything but
# whitespace. Trailing sentence punctuation is trimmed afterwards because exports often glue it on.
_DOI_RE = re.compile(r"10\.\d{4,9}/\S+", re.IGNORECASE)
_PMID_URL_RE = re.compile(r"(?:pubmed\.ncbi\.nlm\.nih\.gov|ncbi\.nlm\.nih\.gov/pubmed)/(\d{1,9})")
_PMID_LABEL_RE = re.compile(r"\bPMID\W{0,4}(\d{1,10})\b", re.IGNORECASE)
_PMCID_RE = re.compile(r"\bPMC\s*(\d{1,10})\b", re.IGNORECASE)
_YEAR_RE = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d|2100)(?!\d)")

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip

# The one list of English function words. Duplicate keys drop them because they vary between
# two exports of the same title ("The effect of …" vs "Effect of …"); the search engine does not
# require them in every result (library.engine), though "phrases" still match them.
STOP_WORDS = frozenset(
    """a an and are as at be but by for from has have in into is it its of on or that the
    their this to was were which with""".split()
)


def clean(value: object) -> str:
    """Collapse whitespace (newlines, tabs, non-breaking spaces) to single spaces and strip."""
    if value is None:
        return ""
    # str.split() splits on exactly what the regex \s matches (Unicode whitespace, NBSP
    # included) and is five times faster; this runs ~70 times per imported PubMed record.
    return " ".join(str(value).split())


def normalize_doi(value: object) -> str:
    """Return the bare DOI held in ``value`` as it was written ("" if none).

    DOIs are case-insensitive but shown as registered ("10.1056/NEJMoa1715274"): compare them
    with ``doi_key``.
    """
    text = clean(value)
    if not text:
        return ""
    # Percent-encoded slashes appear in DOIs copied from resolver URLs.
    text = text.replace("%2F", "/").replace("%2f", "/")
    match = _DOI_RE.search(text)
    if not match:
        return ""
    doi = match.group(0)
    # MEDLINE LID/AID values end in " [doi]" (already cut by the \S+), and prose adds ".", ",", ";".
    doi = doi.rstrip(".,;:)]}>\"'")
    # BibTeX exports escape underscores in DOIs ("10.1000/a\_b").
    doi = doi.replace("\\_", "_")
    return doi


def doi_key(value: object) -> str:
    """The DOI held in ``value`` in the form to compare by: bare and lower-case."""
    return normalize_doi(value).lower()


def normalize_pmid(value: object) -> str:
    """Return the PubMed id digits in ``value`` ("" if none)."""
    text = clean(value)
    if not text:
        return ""
    if text.isdigit():
        return text.lstrip("0") or ""
    for pattern in (_PMID_URL_RE, _PMID_LABEL_RE):
        match = pattern.search(text)
        if match:
            return match.group(1).lstrip("0")
    # "12345678 [pubmed]" and similar: digits followed by a bracketed qualifier.
    match = re.fullmatch(r"(\d{1,9})\s*\[[^\]]*\]", text)
    return match.group(1).lstrip("0") if match else ""


def find_pmid(text: object) -> str:
    """Find a PMID mentioned in free text (notes, extra fields); "" if there is none.

    Only labelled mentions count ("PMID: 123", "{PMID:} 123", a PubMed URL): a bare number in a
    note is as likely a grant or page number.
    """
    value = clean(text).replace("{", "").replace("}", "")
    for pattern in (_PMID_URL_RE, _PMID_LABEL_RE):
        match = pattern.search(value)
        if match:
            return match.group(1).lstrip("0")
    return ""


def normalize_pmcid(value: object) -> str:
    """Return "PMC<digits>" from a PMCID in ``value`` ("" if none)."""
    match = _PMCID_RE.search(clean(value))
    return f"PMC{match.group(1)}" if match else ""


def strip_accents(value: str) -> str:
    """Remove combining marks after compatibility decomposition ("Gödel" → "Godel")."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def edit_distance(a: str, b: str, *, limit: int) -> int:
    """Edits (insert, delete, substitute, swap neighbours) from ``a`` to ``b``; past ``limit``,
    ``limit + 1``."""
    distance: int = OSA.distance(a, b, score_cutoff=limit)
    return distance


def closest(word: str, candidates: Sequence[str], *, limit: int) -> list[tuple[str, int, int]]:
    """(candidate, distance, index in ``candidates``) for each candidate within ``limit`` edits."""
    found = process.extract(word, candidates, scorer=OSA.distance, score_cutoff=limit, limit=None)
    return [(str(term), int(distance), int(index)) for term, distance, index in found]


def similarity(a: str, b: str) -> float:
    """How alike two strings are, from 0 to 1: twice their longest common subsequence over the
    sum of their lengths (what difflib's ratio approximates)."""
    score: float = Indel.normalized_similarity(a, b)
    return score


def normalize_title(value: object) -> str:
    """A key for duplicate matching: casefold, no accents or punctuation, no stop words."""
    text = strip_accents(clean(value)).casefold()
    # Every non-alphanumeric character (punctuation, symbols, LaTeX braces) separates words.
    text = "".join(ch if ch.isalnum() else " " for ch in text)
    words = [w for w in text.split() if w not in STOP_WORDS]
    return " ".join(words)


def extract_year(value: object) -> int | None:
    """The first plausible year (1500-2100) in a messy date string, or None."""
    if isinstance(value, int):
        return value if 1500 <= value <= 2100 else None
    match = _YEAR_RE.search(clean(value))
    return int(match.group(1)) if match else None


def month_number(value: object) -> int | None:
    """1-12 from an English month name or abbreviation, or a number string; None otherwise."""
    text = clean(value).strip(".").casefold()
    if not text:
        return None
    if text.isdigit():
        number = int(text)
        return number if 1 <= number <= 12 else None
    return _MONTHS.get(text[:3]) if text[:3] in _MONTHS and text.isalpha() else None


def parse_date(value: object) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) from dates as exporters write them.

    Understood: "2019", "2019///", "2019/05/01/", "2019/05", "2019-05-01", "2019 May 3",
    "2015 Oct-Dec" (first month kept), "May 2019", "3 May 2019". Anything missing is None.
    """
    text = clean(value)
    year = extract_year(text)
    if year is None:
        return None, None, None
    month: int | None = None
    day: int | None = None
    numeric = re.match(r"^\s*(\d{4})(?:[/\-.](\d{1,2}))?(?:[/\-.](\d{1,2}))?", text)
    if numeric and numeric.group(2):
        month = int(numeric.group(2))
        day = int(numeric.group(3)) if numeric.group(3) else None
        if not 1 <= month <= 12:
            return year, None, None
        if day is not None and not 1 <= day <= 31:
            day = None
        return year, month, day
    for token in re.split(r"[\s,/\-.]+", text):
        if not token or token == str(year):
            continue
        if token.isalpha() and month is None:
            month = month_number(token)
        elif token.isdigit() and len(token) <= 2 and day is None:
            day = int(token) if 1 <= int(token) <= 31 else None
    if month is None:
        day = None
    return year, month, day


def join_pages(start: object, end: object = "") -> str:
    """ "SP-EP" from a start and end page; just "SP" when there is no (different) end page."""
    first, last = clean(start), clean(end)
    if first and last and last != first:
        return f"{first}-{last}"
    return first or last


def split_pages(pages: object) -> tuple[str, str]:
    """(start, end) from a page range in any dash style ("12-34", en dash, "12--34")."""
    text = clean(pages)
    parts = re.split(r"\s*(?:-+|\u2013|\u2014)\s*", text, maxsplit=1)
    if len(parts) == 2:
        return parts[0], parts[1]
    return text, ""


def split_list(value: object, separators: str = ";") -> list[str]:
    """Split a multi-value cell on any of ``separators``; clean and drop empty parts."""
    text = clean(value)
    if not text:
        return []
    pattern = "[" + re.escape(separators) + "]"
    return [part for part in (clean(p) for p in re.split(pattern, text)) if part]


def unique(values: Iterable[str]) -> list[str]:
    """Values in first-seen order without duplicates (case-sensitive) or empty strings."""
    seen: set[str] = set()
    result: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.add(value)
            result.append(value)
    return result


def standard_numbers(value: object) -> tuple[list[str], list[str], list[str]]:
    """Split an ISSN/ISBN cell into (ISSNs, ISBNs, unrecognised values), by the digit count."""
    issns: list[str] = []
    isbns: list[str] = []
    others: list[str] = []
    # Qualifiers like "(electronic)" or "(ISSN)" separate numbers as much as commas do.
    text = re.sub(r"\([^)]*\)", " ", clean(value))
    for token in re.split(r"[;,\s]+", text):
        digits = re.sub(r"[^\dXx]", "", token)
        if not any(ch.isdigit() for ch in digits):
            continue
        if len(digits) == 8:
            issns.append(f"{digits[:4]}-{digits[4:].upper()}")
        elif len(digits) in (10, 13):
            isbns.append(token)
        else:
            others.append(token)
    return unique(issns), unique(isbns), unique(others)


_CJK_LEGACY = frozenset(
    {
        "cp949",
        "euc_kr",
        "johab",
        "big5",
        "big5hkscs",
        "euc_jp",
        "euc_jis_2004",
        "shift_jis",
        "cp932",
    }
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


# One complete, well-formed UTF-8 sequence of two to four bytes.
_UTF8_MULTIBYTE_RE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
# A file is "mostly UTF-8" when it has at least twice as many UTF-8 sequences as bad bytes.
_MOSTLY_UTF8 = 0.5
# Latin-1 letters (À-ÿ without × and ÷) and those of them inside a word of ASCII letters.
_LATIN1_LETTER_RE = re.compile("[\xc0-\xd6\xd8-\xf6\xf8-\xff]")
_LATIN1_IN_WORD_RE = re.compile(
    "(?<=[A-Za-z])[\xc0-\xd6\xd8-\xf6\xf8-\xff]|[\xc0-\xd6\xd8-\xf6\xf8-\xff](?=[A-Za-z])"
)
_ENCODING_LABELS = {
    "cp1252": "Latin-1 / Windows-1252 (Western European)",
    "latin_1": "Latin-1 (ISO 8859-1)",
    "gb18030": "GB18030 (Chinese)",
}


def decode(data: bytes) -> str:
    """Decode an uploaded file's bytes to text, without a leading BOM (see ``decode_with_note``)."""
    return decode_with_note(data)[0]


def decode_with_note(data: bytes) -> tuple[str, str]:
    """(text, note): the file's text without a BOM, and "" or a sentence for the import report
    when the encoding was guessed.

    Order matters: a BOM is authoritative; strict UTF-8 is next because almost every modern export
    is UTF-8 and detectors occasionally mislabel short UTF-8 files; a file that is UTF-8 but for a
    few bad bytes stays UTF-8 with those bytes replaced (guessing another encoding would turn each
    of its accents into mojibake); only then is the encoding guessed (old BibTeX files in GBK,
    Latin-1 or Windows-1252).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace"), ""
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError:
        pass
    valid = len(_UTF8_MULTIBYTE_RE.findall(data))
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    if valid and bad <= valid * _MOSTLY_UTF8:
        plural = "s" if bad != 1 else ""
        return text, (
            f"the file is UTF-8 except for {bad} invalid byte{plural}, replaced with \ufffd"
        )
    western = _western(data)
    text, encoding = (western, "cp1252") if western is not None else _guess(data)
    label = _ENCODING_LABELS.get(encoding, encoding)
    return text, f"the file is not UTF-8; its encoding was guessed as {label}"


def _western(data: bytes) -> str | None:
    """The text as Windows-1252 (a superset of Latin-1's letters) when it reads as Western European
    words: its accented letters sit inside words of ASCII letters ("für", "niños"). Detectors tie
    such files with DOS code pages ("f³r"); CJK or Cyrillic bytes make words of accents only."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = len(_LATIN1_LETTER_RE.findall(text))
    if not letters or len(_LATIN1_IN_WORD_RE.findall(text)) < 0.8 * letters:
        return None
    return text


def _guess(data: bytes) -> tuple[str, str]:
    """(text, encoding) from charset-normalizer's guess, ties settled for bibliographic exports."""
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        return data.decode("cp1252", errors="replace"), "cp1252"
    best = matches[0]
    if best.encoding in _CJK_LEGACY:
        # Short CJK files are ambiguous between the East Asian double-byte codecs (a
        # two-character Chinese name decodes "cleanly" as Korean too). Chinese exports (CNKI,
        # Wanfang, old BibTeX) are by far the most common legacy CJK source, so GB18030 wins
        # whenever it decodes the file about as cleanly as the detector's first choice.
        best = next(
            (m for m in matches if m.encoding == "gb18030" and m.chaos <= best.chaos + 0.1), best
        )
    elif best.encoding != "cp1252":
        # Short single-byte files tie between the Windows code pages (ñ in cp1252 is ń in
        # cp1250). Windows-1252 is what EndNote and Reference Manager wrote for the Western
        # European languages most of this literature is in, so it wins a tie.
        best = next((m for m in matches if m.encoding == "cp1252" and m.chaos <= best.chaos), best)
    return str(best).lstrip("\ufeff"), best.encoding
