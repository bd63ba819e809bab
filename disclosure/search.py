"""Chinese full-text search over published information, on SQLite and PostgreSQL.

Chinese has no spaces, and one- and two-character words matter (“税”, “许可”). We segment text
the way CJK search engines do without a dictionary: every Chinese character (unigram) and every
pair of neighbouring characters (bigram) becomes a token; Latin letters and digits form words.
A query must contain all of its tokens — a one-character word needs its unigram, a longer run
all of its bigrams, a Latin/digit word matches as a prefix — and then each query word is checked
as an exact substring of the stored text, so bigrams that happen to co-occur never give a false hit.

The token index is a FTS5 table on SQLite and a GIN index over a tsvector built from the token
array on PostgreSQL (built with array_to_tsvector, so no text-search parser or locale can drop
Chinese characters). Both live in the same database as the records and are updated inside the
publishing transaction, so the index can never disagree with what is published.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

MAX_QUERY_LENGTH = 100
CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
# A run of Chinese characters, or a word of other letters and digits.
PIECES = re.compile(rf"([{CJK}]+)|([^\W_{CJK}]+)")


def normalise(text: str) -> str:
    """Full-width to half-width, lower case: what both the index and the queries see."""
    return unicodedata.normalize("NFKC", text or "").lower()


def _pieces(text: str):
    for match in PIECES.finditer(normalise(text)):
        yield match.group(1) or "", match.group(2) or ""


def document_tokens(text: str) -> list[str]:
    """The distinct tokens of a document, in first-seen order."""
    tokens: dict[str, None] = {}
    for chinese, word in _pieces(text):
        if word:
            tokens[word] = None
        for i, char in enumerate(chinese):
            tokens[char] = None
            if i + 1 < len(chinese):
                tokens[chinese[i : i + 2]] = None
    return list(tokens)


@dataclass(frozen=True)
class Query:
    words: tuple[str, ...]  # each must occur in the text as typed (normalised)
    exact: tuple[str, ...]  # tokens that must be in the index
    prefixes: tuple[str, ...]  # Latin/digit words that must start an indexed word

    @property
    def empty(self) -> bool:
        return not (self.exact or self.prefixes)


def parse_query(raw: str) -> Query:
    words, exact, prefixes = [], [], []
    for word in normalise(raw)[:MAX_QUERY_LENGTH].split():
        pieces = list(_pieces(word))
        if not pieces:
            continue
        words.append(word)
        for chinese, latin in pieces:
            if latin:
                prefixes.append(latin)
            elif len(chinese) == 1:
                exact.append(chinese)
            else:
                exact.extend(chinese[i : i + 2] for i in range(len(chinese) - 1))
    return Query(tuple(dict.fromkeys(words)), tuple(dict.fromkeys(exact)), tuple(dict.fromkeys(prefixes)))


# --- Backends: the only vendor-specific SQL --------------------------------------------------

FTS_TABLE = "disclosure_search_fts"
DOCUMENT_TABLE = "disclosure_searchdocument"
PG_VECTOR = "array_to_tsvector(string_to_array(tokens, ' '))"

SQLITE_SETUP = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(tokens, content='{DOCUMENT_TABLE}', "
    "content_rowid='record_id', tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON {DOCUMENT_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, tokens) VALUES (new.record_id, new.tokens); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON {DOCUMENT_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, tokens) VALUES ('delete', old.record_id, old.tokens); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE ON {DOCUMENT_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, tokens) VALUES ('delete', old.record_id, old.tokens); "
    f"INSERT INTO {FTS_TABLE}(rowid, tokens) VALUES (new.record_id, new.tokens); END",
]
SQLITE_TEARDOWN = [f"DROP TABLE IF EXISTS {FTS_TABLE}"] + [
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{suffix}" for suffix in ("ai", "ad", "au")
]
POSTGRES_SETUP = [f"CREATE INDEX IF NOT EXISTS disclosure_search_gin ON {DOCUMENT_TABLE} USING GIN (({PG_VECTOR}))"]
POSTGRES_TEARDOWN = ["DROP INDEX IF EXISTS disclosure_search_gin"]


def _sqlite_match(query: Query) -> str:
    terms = [f'"{token}"' for token in query.exact] + [f'"{word}"*' for word in query.prefixes]
    return " AND ".join(terms)


def _postgres_tsquery(query: Query) -> str:
    terms = [f"'{token}'" for token in query.exact] + [f"'{word}':*" for word in query.prefixes]
    return " & ".join(terms)


def _needs_recheck(word: str) -> bool:
    """A word is proven by its tokens alone when it is one unigram, one bigram, or a Latin/digit
    prefix; a longer Chinese run (or a mix) is an AND of bigrams and must be checked as a whole."""
    pieces = list(_pieces(word))
    return not (len(pieces) == 1 and (pieces[0][1] or len(pieces[0][0]) <= 2))


def matching_record_ids(query: Query) -> RawSQL:
    """A subquery of the ids of records whose indexed text contains every query word."""
    recheck = [w for w in query.words if _needs_recheck(w)]
    checks = "".join(" AND text LIKE %s ESCAPE '\\'" for _ in recheck)
    patterns = ["%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%" for w in recheck]
    if connection.vendor == "postgresql":
        sql = f"SELECT record_id FROM {DOCUMENT_TABLE} WHERE {PG_VECTOR} @@ %s::tsquery{checks}"
        return RawSQL(sql, [_postgres_tsquery(query), *patterns])
    if not recheck:
        return RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [_sqlite_match(query)])
    sql = (
        f"SELECT record_id FROM {DOCUMENT_TABLE} WHERE record_id IN "
        f"(SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s){checks}"
    )
    return RawSQL(sql, [_sqlite_match(query), *patterns])


def setup_statements(vendor: str) -> list[str]:
    return {"sqlite": SQLITE_SETUP, "postgresql": POSTGRES_SETUP}.get(vendor, [])


def teardown_statements(vendor: str) -> list[str]:
    return {"sqlite": SQLITE_TEARDOWN, "postgresql": POSTGRES_TEARDOWN}.get(vendor, [])


# --- Keeping the index current (called by services inside the publishing transaction) -------


def searchable_text(record) -> str:
    """What a search may find: title, summary, numbers, and the body only of proactively
    disclosed information (依申请公开 content must not be discoverable)."""
    from disclosure.models import DisclosureAttribute

    parts = [record.title, record.summary, record.document_number or "", record.index_number or ""]
    if record.attribute == DisclosureAttribute.PROACTIVE:
        parts.append(strip_tags(record.body or ""))
    return "\n".join(part for part in parts if part)


def index_record(record) -> None:
    from disclosure.models import SearchDocument

    text = searchable_text(record)
    SearchDocument.objects.update_or_create(
        record=record, defaults={"text": normalise(text), "tokens": " ".join(document_tokens(text))}
    )


def remove_record(record_id: int) -> None:
    from disclosure.models import SearchDocument

    SearchDocument.objects.filter(record_id=record_id).delete()


# --- Reading ---------------------------------------------------------------------------------


def filter_entries(entries: QuerySet, raw_query: str) -> QuerySet:
    """Catalogue entries (already restricted to what is public) that match the query."""
    query = parse_query(raw_query)
    if query.empty:
        return entries.none()
    return entries.filter(record_id__in=matching_record_ids(query))


def _aligned(text: str) -> str:
    """`normalise` character by character, keeping positions aligned with `text` (the few
    characters NFKC expands, such as ligatures, are only lower-cased)."""
    out = []
    for char in text:
        folded = normalise(char)
        out.append(folded if len(folded) == 1 else char.lower())
    return "".join(out)


def highlight(text: str, raw_query: str, *, width: int | None = None) -> SafeString:
    """Escape `text` and mark the query words; with `width`, cut a window around the first hit."""
    text = " ".join((text or "").split())
    words = [w for w in parse_query(raw_query).words if w]
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE) if words else None
    if width and len(text) > width:
        start = 0
        if pattern and (hit := pattern.search(_aligned(text))):
            start = max(0, hit.start() - width // 3)
        text = ("…" if start else "") + text[start : start + width] + ("…" if start + width < len(text) else "")
    if not pattern:
        return escape(text)
    out, last = [], 0
    for hit in pattern.finditer(_aligned(text)):
        out += [escape(text[last : hit.start()]), "<mark>", escape(text[hit.start() : hit.end()]), "</mark>"]
        last = hit.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))
