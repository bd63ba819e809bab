"""Chinese full-text search over published information, on SQLite and PostgreSQL.

Chinese has no spaces, and one- and two-character words matter (“税”, “许可”). We segment text
the way CJK search engines do without a dictionary: every Chinese character is a unigram, every
pair of neighbouring characters a bigram, and letters and digits form words. A one-character
query word needs its unigram, a two-character word its bigram, a longer word its bigrams *in a
row* (a phrase), and a Latin/digit word matches as a prefix. Positions keep phrases exact: the
bigrams of “信息化公开” occurring apart in a text never make a hit.

Results come most relevant first (see "Ranking" below), or newest published first when the
visitor asks for it (按时间排序). Entry ids do not follow publication (a scheduled entry
is written before the ones published in the meantime; imports arrive in any order), so each
document has a *sort key*: its publication time in whole seconds, times 10^8, plus its entry id
(ids below 10^8, dates between the years 1000 and 4000). Keys are unique, order like
(published_at, id), and give back the entry id as `key mod 10^8`. The newest matches then come
straight off the index (ORDER BY key DESC ... LIMIT 20) however common the term, and the
visibility rules are those of `selectors.catalogue_listed()`, compiled into the query.

Index: on SQLite a contentless FTS5 table (columns `uni`, `bi`) whose rowid is the sort key,
kept by triggers on the document table; on PostgreSQL a tsvector column written by us with
explicit positions (no text-search parser or locale involved) and a GIN index, and the sort key
in a column that the GIN indexes hold too (a window of the newest documents is one index scan). A
tsvector keeps at most 256 positions per lexeme and none past 16,383, so documents beyond that
are flagged `long_text` and matched on their tokens plus an exact substring check instead.
Both live in the database of the records and change inside the publishing transaction, so the
index never disagrees with what is published.

Ranking. A visitor who types a document number (文号), an index number (索引号) or a title wants
that document, not the newest text that mentions its pieces. Each document therefore also keeps
its *head*: the tokens of its title, 文号 and 索引号 in order, each field between breaks
(`SearchDocument.head`, indexed for phrases in a second FTS5 table on SQLite and a second
tsvector on PostgreSQL). Matches are ordered by
  1. the whole query equal to one of those fields (吉工信规〔2026〕1号 = the 文号), then every
     query word occurring as a phrase in them;
  2. how many of the query's tokens and neighbouring-token pairs the head holds (coverage);
  3. publication, newest first.
Every query word as a phrase of the head means full coverage, so the newest such matches come
straight off the head index, whatever their age; only when it has fewer than the results shown
(the paginator's cap) are the other matches scored, in Python from their short heads, among the
newest RANK_WINDOW of them — a query that matches more than that and names no title or number
is answered from the newest ones.
"""

from __future__ import annotations

import functools
import html
import itertools
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

# The characters of a query that are searched, as the major search engines bound theirs (百度: 38
# 汉字). A phrase is checked in every title holding all its characters, so a long phrase of a few
# common ones (“通知” fifty times) cost SQLite 190 ms; for 38, see SearchResults._none_match.
MAX_QUERY_LENGTH = 38
CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
# A run of Chinese characters, or a word of other letters and digits.
PIECES = re.compile(rf"([{CJK}]+)|([^\W_{CJK}]+)")
# Between two runs in the FTS5 bigram column, so a phrase never spans a run boundary.
RUN_BREAK = "qqbreak"
PG_MAX_POSITION = 16383
PG_MAX_POSITIONS_PER_LEXEME = 256


def searched_part(typed: str, *, quoted: int = 20) -> tuple[str, str]:
    """What of a typed query is searched (its first MAX_QUERY_LENGTH characters), and the beginning
    (`quoted` characters) of what is not, for the results page to say, as 百度 says it."""
    typed = (typed or "").strip()
    searched = typed[:MAX_QUERY_LENGTH]
    return searched, typed[len(searched) :][:quoted].strip()


def normalise(text: str) -> str:
    """Full-width to half-width, lower case: what both the index and the queries see."""
    return unicodedata.normalize("NFKC", text or "").lower()


def _pieces(text: str):
    for match in PIECES.finditer(normalise(text)):
        yield match.group(1) or "", match.group(2) or ""


def _bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


@dataclass
class Terms:
    unigrams: list[str]  # Chinese characters and Latin/digit words, in order
    bigrams: list[list[str]]  # the bigrams of each Chinese run of two or more characters


def document_terms(text: str) -> Terms:
    terms = Terms([], [])
    for chinese, word in _pieces(text):
        terms.unigrams.extend(chinese or [word])
        if len(chinese) > 1:
            terms.bigrams.append(_bigrams(chinese))
    return terms


def document_tokens(text: str) -> list[str]:
    """The distinct tokens of a document, in first-seen order (for tests and inspection)."""
    terms = document_terms(text)
    tokens = dict.fromkeys(terms.unigrams)
    for run in terms.bigrams:
        tokens.update(dict.fromkeys(run))
    return list(tokens)


@dataclass(frozen=True)
class Query:
    words: tuple[str, ...]  # normalised query words
    unigrams: tuple[str, ...]  # single Chinese characters
    phrases: tuple[tuple[str, ...], ...]  # bigram sequences that must occur in a row
    prefixes: tuple[str, ...]  # Latin/digit words that must start an indexed word
    sequences: tuple[tuple[str, ...], ...] = ()  # each word's tokens in order (for the ranking)
    whole: tuple[str, ...] = ()  # Latin/digit words that must be an indexed word

    @property
    def empty(self) -> bool:
        return not (self.unigrams or self.phrases or self.prefixes or self.whole)


def parse_query(raw: str) -> Query:
    words, unigrams, phrases, prefixes, sequences, whole = [], [], [], [], [], []
    for word in normalise(raw)[:MAX_QUERY_LENGTH].split():
        pieces = list(_pieces(word))
        if not pieces:
            continue
        words.append(word)
        sequences.append(tuple(document_terms(word).unigrams))
        for i, (chinese, latin) in enumerate(pieces):
            if latin:
                # Only the word's last piece may be unfinished (typed as far as one knows it): the
                # digits of “吉工信〔2018〕4号” are whole numbers, and as prefixes “4” also found 45
                # and 400 (and read all their documents: 文号 searches took 100–250 ms).
                (prefixes if i == len(pieces) - 1 else whole).append(latin)
            elif len(chinese) == 1:
                unigrams.append(chinese)
            else:
                phrases.append(tuple(_bigrams(chinese)))
    unique = dict.fromkeys
    return Query(tuple(unique(words)), tuple(unique(unigrams)), tuple(unique(phrases)), tuple(unique(prefixes)),
                 tuple(unique(sequences)), tuple(unique(whole)))


# --- Backends: the only vendor-specific SQL --------------------------------------------------

FTS_TABLE = "disclosure_search_fts"
SEARCH_WINDOW = 400  # PostgreSQL: the newest documents searched first (see _newest_in_windows)
DOCUMENT_TABLE = "disclosure_searchdocument"
ENTRY_TABLE = "disclosure_catalogueentry"
SORT_KEY_IDS = 10**8  # the sort key is publication second * SORT_KEY_IDS + entry id


def sort_key(entry) -> int:
    """Unique, in publication order (then entry id); the entry id is `key mod SORT_KEY_IDS`."""
    return _sort_key(entry.published_at, entry.pk)


def _sort_key(published_at, entry_id: int) -> int:
    return math.floor(published_at.timestamp()) * SORT_KEY_IDS + entry_id


# The same key in SQLite's SQL (datetimes are stored as UTC text there). The statements using
# it are run by the schema editor, which takes "%%" for a literal "%".
def _sqlite_key(entry: str) -> str:
    return f"CAST(strftime('%%s', {entry}.published_at) AS INTEGER) * {SORT_KEY_IDS} + {entry}.id"


_SQLITE_KEY = _sqlite_key(ENTRY_TABLE)
# The entry id back from a key (also for keys of dates before 1970, which are negative), in a
# query run with parameters ("%%" is "%").
_SQLITE_ENTRY_ID = f"(({FTS_TABLE}.rowid %% {SORT_KEY_IDS}) + {SORT_KEY_IDS}) %% {SORT_KEY_IDS}"


def _fts_insert(row: str) -> str:
    return (f"INSERT INTO {FTS_TABLE}(rowid, uni, bi) SELECT {_SQLITE_KEY}, {row}.uni, {row}.bi "
            f"FROM {ENTRY_TABLE} WHERE {ENTRY_TABLE}.id = {row}.entry_id;")


def _fts_delete(row: str) -> str:
    # A contentless table forgets a row through the 'delete' command with the values it indexed.
    return (f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, uni, bi) SELECT 'delete', {_SQLITE_KEY}, {row}.uni, "
            f"{row}.bi FROM {ENTRY_TABLE} WHERE {ENTRY_TABLE}.id = {row}.entry_id;")


SQLITE_SETUP = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(uni, bi, content='', "
    "tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON {DOCUMENT_TABLE} BEGIN {_fts_insert('new')} END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON {DOCUMENT_TABLE} BEGIN {_fts_delete('old')} END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE ON {DOCUMENT_TABLE} BEGIN "
    f"{_fts_delete('old')} {_fts_insert('new')} END",
]
# The document's rows go with its entry when the entry is deleted first (`manage.py flush`, and the
# test suite's between transactional tests, empty the tables in name order): the document's own
# trigger then finds no entry to compute the row's key from, and the row stayed, to be found for
# a later entry with the same id published in the same second (a sequence starts again at 1 after
# a flush). In a deletion through Django the document goes first, and this finds nothing. Added by
# migration 0026; Django's SQLite schema editor drops a table's triggers when it rebuilds the table,
# so a migration that alters the entries' table must run these again (test_search checks they hold).
SQLITE_ENTRY_DELETE = [
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_entry_bd BEFORE DELETE ON {ENTRY_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, uni, bi) SELECT 'delete', {_sqlite_key('old')}, d.uni, d.bi "
    f"FROM {DOCUMENT_TABLE} d WHERE d.entry_id = old.id; END",
]
SQLITE_TEARDOWN = [f"DROP TABLE IF EXISTS {FTS_TABLE}"] + [
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{suffix}" for suffix in ("ai", "ad", "au", "entry_bd")
]
# Index the documents already stored (after a change of the index's layout).
SQLITE_FILL = [
    f"INSERT INTO {FTS_TABLE}(rowid, uni, bi) SELECT {_SQLITE_KEY}, d.uni, d.bi FROM {DOCUMENT_TABLE} d "
    f"JOIN {ENTRY_TABLE} ON {ENTRY_TABLE}.id = d.entry_id",
]
POSTGRES_SETUP = [
    f"ALTER TABLE {DOCUMENT_TABLE} ADD COLUMN IF NOT EXISTS vector tsvector",
    f"CREATE INDEX IF NOT EXISTS disclosure_search_gin ON {DOCUMENT_TABLE} USING GIN (vector)",
    f"ALTER TABLE {DOCUMENT_TABLE} ADD COLUMN IF NOT EXISTS sort_key bigint",
    f"CREATE INDEX IF NOT EXISTS disclosure_search_sort ON {DOCUMENT_TABLE} (sort_key)",
]
POSTGRES_TEARDOWN = [
    "DROP INDEX IF EXISTS disclosure_search_sort", f"ALTER TABLE {DOCUMENT_TABLE} DROP COLUMN IF EXISTS sort_key",
    "DROP INDEX IF EXISTS disclosure_search_gin", f"ALTER TABLE {DOCUMENT_TABLE} DROP COLUMN IF EXISTS vector",
]
POSTGRES_FILL = [
    f"UPDATE {DOCUMENT_TABLE} d SET sort_key = floor(extract(epoch FROM e.published_at))::bigint * {SORT_KEY_IDS} "
    f"+ e.id FROM {ENTRY_TABLE} e WHERE e.id = d.entry_id AND d.sort_key IS NULL",
]


# The head index (title, 文号, 索引号 as phrases: the ranking), added by migration 0007. Its own
# FTS5 table and triggers on SQLite, so that the statements above stay what earlier migrations ran.
HEAD_FTS_TABLE = "disclosure_search_head_fts"
FIELD_BREAK = RUN_BREAK  # between the fields of a head, so a phrase never spans two of them
FIELD_KEY = "qqfield"  # + a field's tokens run together: one token, so "the field is the query" is one lookup
# The head index's rowid is the sort key negated (HEAD_PAIRS_SQLITE_SETUP): the entry id back from it,
# as _SQLITE_ENTRY_ID, and newest first.
_HEAD_ENTRY_ID = f"((-{HEAD_FTS_TABLE}.rowid %% {SORT_KEY_IDS}) + {SORT_KEY_IDS}) %% {SORT_KEY_IDS}"
_HEAD_NEWEST_FIRST = f" ORDER BY {HEAD_FTS_TABLE}.rowid"


def _head_fts_insert(row: str) -> str:
    return (f"INSERT INTO {HEAD_FTS_TABLE}(rowid, head) SELECT {_SQLITE_KEY}, {row}.head "
            f"FROM {ENTRY_TABLE} WHERE {ENTRY_TABLE}.id = {row}.entry_id;")


def _head_fts_delete(row: str) -> str:
    return (f"INSERT INTO {HEAD_FTS_TABLE}({HEAD_FTS_TABLE}, rowid, head) SELECT 'delete', {_SQLITE_KEY}, {row}.head "
            f"FROM {ENTRY_TABLE} WHERE {ENTRY_TABLE}.id = {row}.entry_id;")


HEAD_SQLITE_SETUP = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {HEAD_FTS_TABLE} USING fts5(head, content='', "
    "tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER IF NOT EXISTS {HEAD_FTS_TABLE}_ai AFTER INSERT ON {DOCUMENT_TABLE} BEGIN "
    f"{_head_fts_insert('new')} END",
    f"CREATE TRIGGER IF NOT EXISTS {HEAD_FTS_TABLE}_ad AFTER DELETE ON {DOCUMENT_TABLE} BEGIN "
    f"{_head_fts_delete('old')} END",
    f"CREATE TRIGGER IF NOT EXISTS {HEAD_FTS_TABLE}_au AFTER UPDATE ON {DOCUMENT_TABLE} BEGIN "
    f"{_head_fts_delete('old')} {_head_fts_insert('new')} END",
]
HEAD_SQLITE_ENTRY_DELETE = [  # as SQLITE_ENTRY_DELETE
    f"CREATE TRIGGER IF NOT EXISTS {HEAD_FTS_TABLE}_entry_bd BEFORE DELETE ON {ENTRY_TABLE} BEGIN "
    f"INSERT INTO {HEAD_FTS_TABLE}({HEAD_FTS_TABLE}, rowid, head) SELECT 'delete', {_sqlite_key('old')}, d.head "
    f"FROM {DOCUMENT_TABLE} d WHERE d.entry_id = old.id; END",
]
HEAD_SQLITE_TEARDOWN = [f"DROP TABLE IF EXISTS {HEAD_FTS_TABLE}"] + [
    f"DROP TRIGGER IF EXISTS {HEAD_FTS_TABLE}_{suffix}" for suffix in ("ai", "ad", "au", "entry_bd")
]
HEAD_SQLITE_FILL = [
    f"INSERT INTO {HEAD_FTS_TABLE}(rowid, head) SELECT {_SQLITE_KEY}, d.head FROM {DOCUMENT_TABLE} d "
    f"JOIN {ENTRY_TABLE} ON {ENTRY_TABLE}.id = d.entry_id",
]
# The head index as migration 0027 lays it out on SQLite (the statements above are those of migrations
# 0010 and 0026, which made the first layout): beside the head's tokens, a column of its pairs of
# neighbouring Chinese characters (`SearchDocument.head_pairs`), and the sort key negated as the rowid.
# A word of Chinese characters is then a phrase of pairs, whose documents are far fewer than its
# characters' (a common character is in 40,000 titles); and FTS5 reads a term's documents in rowid
# order, newest first only by loading all of them, so with the key negated the newest come first and
# LIMIT stops the read. The head-phrase query of a two-word search: 3.3 → 1.2 ms at 100,000 records.
_HEAD_COLUMNS = f"{HEAD_FTS_TABLE}(rowid, head, pairs)"
_HEAD_DELETE = f"{HEAD_FTS_TABLE}({HEAD_FTS_TABLE}, rowid, head, pairs)"


def _head_rows(row: str, *, delete: bool = False) -> str:
    command = "'delete', " if delete else ""
    return (f"SELECT {command}-({_SQLITE_KEY}), {row}.head, {row}.head_pairs FROM {ENTRY_TABLE} "
            f"WHERE {ENTRY_TABLE}.id = {row}.entry_id;")


HEAD_PAIRS_SQLITE_SETUP = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {HEAD_FTS_TABLE} USING fts5(head, pairs, content='', "
    "tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER IF NOT EXISTS {HEAD_FTS_TABLE}_ai AFTER INSERT ON {DOCUMENT_TABLE} BEGIN "
    f"INSERT INTO {_HEAD_COLUMNS} {_head_rows('new')} END",
    f"CREATE TRIGGER IF NOT EXISTS {HEAD_FTS_TABLE}_ad AFTER DELETE ON {DOCUMENT_TABLE} BEGIN "
    f"INSERT INTO {_HEAD_DELETE} {_head_rows('old', delete=True)} END",
    f"CREATE TRIGGER IF NOT EXISTS {HEAD_FTS_TABLE}_au AFTER UPDATE ON {DOCUMENT_TABLE} BEGIN "
    f"INSERT INTO {_HEAD_DELETE} {_head_rows('old', delete=True)} "
    f"INSERT INTO {_HEAD_COLUMNS} {_head_rows('new')} END",
    f"CREATE TRIGGER IF NOT EXISTS {HEAD_FTS_TABLE}_entry_bd BEFORE DELETE ON {ENTRY_TABLE} BEGIN "
    f"INSERT INTO {_HEAD_DELETE} SELECT 'delete', -({_sqlite_key('old')}), d.head, d.head_pairs "
    f"FROM {DOCUMENT_TABLE} d WHERE d.entry_id = old.id; END",
]
HEAD_PAIRS_SQLITE_FILL = [
    f"INSERT INTO {_HEAD_COLUMNS} SELECT -({_SQLITE_KEY}), d.head, d.head_pairs FROM {DOCUMENT_TABLE} d "
    f"JOIN {ENTRY_TABLE} ON {ENTRY_TABLE}.id = d.entry_id",
]
HEAD_POSTGRES_SETUP = [
    f"ALTER TABLE {DOCUMENT_TABLE} ADD COLUMN IF NOT EXISTS head_vector tsvector",
    f"CREATE INDEX IF NOT EXISTS disclosure_search_head_gin ON {DOCUMENT_TABLE} USING GIN (head_vector)",
]
HEAD_POSTGRES_TEARDOWN = [
    "DROP INDEX IF EXISTS disclosure_search_head_gin",
    f"ALTER TABLE {DOCUMENT_TABLE} DROP COLUMN IF EXISTS head_vector",
]
# Each token of the head at its place in it, the breaks included (a phrase between two breaks is a
# whole field). The same vector as _pg_head_vector, in SQL, for existing rows.
HEAD_POSTGRES_FILL = [
    f"UPDATE {DOCUMENT_TABLE} d SET head_vector = coalesce((SELECT string_agg(quote_literal(t) || ':' || n, ' ') "
    f"FROM regexp_split_to_table(btrim(d.head), ' +') WITH ORDINALITY AS x(t, n) WHERE t <> ''), '')::tsvector",
]


# The hint index (issue #18, migration 0014), PostgreSQL only: the neighbouring-character pairs and
# the Latin/digit words of each head (title, 文号, 索引号), no positions, and each of them's number of
# heads (HINT_COUNT_TABLE), kept by a trigger in the transaction that changes the document. Hints
# are titles that share the pairs of a request; the full-text vector holds the bodies too, where a
# common pair is in most documents, and counting a pair through a GIN bitmap visits a heap page per
# match (3–8 ms for each of a request's pairs at 100,000 records). On SQLite the head's FTS5 table
# answers the same pairs as two-token phrases, and counts them as fast.
HINT_COUNT_TABLE = "disclosure_search_hint_count"
HINT_POSTGRES_COLUMN = [f"ALTER TABLE {DOCUMENT_TABLE} ADD COLUMN IF NOT EXISTS hint_vector tsvector"]
HINT_POSTGRES_SETUP = [
    f"CREATE TABLE IF NOT EXISTS {HINT_COUNT_TABLE} (term text PRIMARY KEY, documents integer NOT NULL)",
    # Rows are locked in the terms' order, so two documents published at once never deadlock.
    f"""CREATE OR REPLACE FUNCTION {HINT_COUNT_TABLE}_keep() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' AND OLD.hint_vector IS NOT NULL THEN
            PERFORM 1 FROM {HINT_COUNT_TABLE} WHERE term = ANY (tsvector_to_array(OLD.hint_vector))
                ORDER BY term FOR UPDATE;
            UPDATE {HINT_COUNT_TABLE} SET documents = documents - 1
                WHERE term = ANY (tsvector_to_array(OLD.hint_vector));
        END IF;
        IF TG_OP <> 'DELETE' AND NEW.hint_vector IS NOT NULL THEN
            INSERT INTO {HINT_COUNT_TABLE} (term, documents)
                SELECT t, 1 FROM unnest(tsvector_to_array(NEW.hint_vector)) AS t ORDER BY t
                ON CONFLICT (term) DO UPDATE SET documents = {HINT_COUNT_TABLE}.documents + 1;
        END IF;
        RETURN NULL;
    END $$""",
    f"DROP TRIGGER IF EXISTS {HINT_COUNT_TABLE}_keep ON {DOCUMENT_TABLE}",
    f"CREATE TRIGGER {HINT_COUNT_TABLE}_keep AFTER INSERT OR DELETE OR UPDATE OF hint_vector ON {DOCUMENT_TABLE} "
    f"FOR EACH ROW EXECUTE FUNCTION {HINT_COUNT_TABLE}_keep()",
]
# After the rows are written (one build instead of a trigger call and an index insertion per row).
HINT_POSTGRES_INDEX = [
    f"CREATE INDEX IF NOT EXISTS disclosure_search_hint_gin ON {DOCUMENT_TABLE} USING GIN (hint_vector)",
    f"DELETE FROM {HINT_COUNT_TABLE}",
    f"INSERT INTO {HINT_COUNT_TABLE} (term, documents) SELECT t, count(*) FROM {DOCUMENT_TABLE}, "
    f"unnest(tsvector_to_array(hint_vector)) AS t GROUP BY t",
]
HINT_POSTGRES_TEARDOWN = [
    f"DROP TRIGGER IF EXISTS {HINT_COUNT_TABLE}_keep ON {DOCUMENT_TABLE}",
    f"DROP FUNCTION IF EXISTS {HINT_COUNT_TABLE}_keep()",
    f"DROP TABLE IF EXISTS {HINT_COUNT_TABLE}",
    "DROP INDEX IF EXISTS disclosure_search_hint_gin",
    f"ALTER TABLE {DOCUMENT_TABLE} DROP COLUMN IF EXISTS hint_vector",
]


def head_setup_statements(vendor: str) -> list[str]:
    return {"sqlite": HEAD_SQLITE_SETUP, "postgresql": HEAD_POSTGRES_SETUP}.get(vendor, [])


def head_teardown_statements(vendor: str) -> list[str]:
    return {"sqlite": HEAD_SQLITE_TEARDOWN, "postgresql": HEAD_POSTGRES_TEARDOWN}.get(vendor, [])


def head_fill_statements(vendor: str) -> list[str]:
    return {"sqlite": HEAD_SQLITE_FILL, "postgresql": HEAD_POSTGRES_FILL}.get(vendor, [])


def setup_statements(vendor: str) -> list[str]:
    return {"sqlite": SQLITE_SETUP, "postgresql": POSTGRES_SETUP}.get(vendor, [])


def teardown_statements(vendor: str) -> list[str]:
    return {"sqlite": SQLITE_TEARDOWN, "postgresql": POSTGRES_TEARDOWN}.get(vendor, [])


def fill_statements(vendor: str) -> list[str]:
    return {"sqlite": SQLITE_FILL, "postgresql": POSTGRES_FILL}.get(vendor, [])


def _sqlite_match(query: Query) -> str:
    terms = [f'uni : "{u}"' for u in query.unigrams]
    terms += ['bi : "' + " ".join(phrase) + '"' for phrase in query.phrases]
    terms += [f'uni : "{w}"*' for w in query.prefixes]
    terms += [f'uni : "{w}"' for w in query.whole]
    return " AND ".join(terms)


def _tsquery(query: Query, *, in_a_row: bool) -> str:
    join = " <-> " if in_a_row else " & "
    terms = [f"'{u}'" for u in query.unigrams]
    terms += ["(" + join.join(f"'{b}'" for b in phrase) + ")" for phrase in query.phrases]
    terms += [f"'{w}':*" for w in query.prefixes]
    terms += [f"'{w}'" for w in query.whole]
    return " & ".join(terms)


def _like(words, table: str) -> tuple[str, list[str]]:
    escaped = [w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in words]
    return "".join(f" AND {table}.text LIKE %s ESCAPE '\\'" for _ in escaped), [f"%{w}%" for w in escaped]


# Where `_in_window` puts a window's bound on PostgreSQL: inside the documents' subquery, before the
# entries' conditions (a literal integer read off our own index, so the parameters keep their order),
# on the sort key as the marker names it.
_WINDOW_MARKER = re.compile(r"/\* window (.+?) \*/")
# The full-text index holds the sort key as this expression, which no other index holds (migration
# 0028): a window of the full text is then read through that index alone. Given a plain `sort_key`
# bound, the planner took the head or hint index's sort key column to find the window's documents
# and tested each one's tsvector, a TOASTed value it does not count the reading of (400 documents:
# 4.2 ms; the full-text index: 1.3 ms).
FULL_TEXT_KEY = "(d.sort_key + 0)"


def _window_marker(key: str = "d.sort_key") -> str:
    return f"/* window {key} */"


def _in_window(sql: str, bound: int | None) -> str:
    """`sql` (from `_pg_listed`) restricted to the documents whose sort key is `bound` or higher
    (None: every document)."""
    return _WINDOW_MARKER.sub("" if bound is None else (lambda marker: f" AND {marker[1]} >= {int(bound)}"), sql)


def _pg_listed(match: str, columns: str, where: str, *, check: str = "", key: str = "d.sort_key",
               counting: bool = False) -> str:
    """PostgreSQL: SELECT the entry id and `columns` of documents that `match` and whose entries meet
    `where` and `check`, newest first when the caller adds `PG_NEWEST_FIRST` and a LIMIT.

    `match` is what the GIN index answers exactly (no row is read to confirm it). Its documents in
    the window (`_in_window`, on `key`) are read for their sort keys and sorted; only then, newest first, is
    each one's entry looked up by its primary key and `check` tested — a condition the index cannot
    answer, such as a phrase, which reads the document's vector (a TOASTed value: 10–20 µs a row) —
    and the LIMIT stops both at the last row wanted. Testing the phrase in the scan tested it on
    every match: 1,651 for “稳增长 汽车”, 30 ms at 100,000 records, to keep 201. (OFFSET 0 keeps each
    subquery as written: a join read all 100,000 entries into a hash.) A count with a cap is a plain
    join with `check` in its WHERE clause, which stops at the cap."""
    if counting:
        return (f"SELECT {ENTRY_TABLE}.id, {columns} FROM {ENTRY_TABLE} JOIN {DOCUMENT_TABLE} d "
                f"ON d.entry_id = {ENTRY_TABLE}.id WHERE {match} AND ({where}){f' AND {check}' if check else ''}")
    return (f"SELECT {ENTRY_TABLE}.id, {columns} FROM (SELECT d.entry_id, {columns} FROM {DOCUMENT_TABLE} d "
            f"WHERE {match}{_window_marker(key)}{PG_NEWEST_FIRST} OFFSET 0) d JOIN LATERAL (SELECT {ENTRY_TABLE}.id "
            f"FROM {ENTRY_TABLE} WHERE {ENTRY_TABLE}.id = d.entry_id AND ({where}) OFFSET 0) {ENTRY_TABLE} ON true"
            f"{f' WHERE {check}' if check else ''}")


# The candidates of `_pg_listed` come sorted, so this ORDER BY costs no sort, and a LIMIT after it
# stops the entries' lookups and the checks at the last row wanted.
PG_NEWEST_FIRST = " ORDER BY d.sort_key DESC NULLS LAST"


def _pg_phrase_check(query: Query) -> tuple[str, list]:
    """PostgreSQL: the condition `_pg_listed` tests on each candidate, newest first, of a query with
    a phrase of two bigrams or more (a word of three characters or more): its bigrams in a row, which
    the GIN index cannot tell (it holds no positions), or, in a text too long for a tsvector's
    positions, the word itself as a substring. Other queries need none: their tokens, all present,
    are the match."""
    if not any(len(phrase) > 1 for phrase in query.phrases):
        return "", []
    # The Chinese runs the phrases come from (not the words as typed: “数字化，平台建设” is two).
    long_runs = list(dict.fromkeys(c for w in query.words for c, _latin in _pieces(w) if len(c) > 2))
    likes, patterns = _like(long_runs, "t")
    return (f"(SELECT CASE WHEN t.long_text THEN true{likes} ELSE t.vector @@ %s::tsquery END "
            f"FROM {DOCUMENT_TABLE} t WHERE t.entry_id = d.entry_id)"), [*patterns, _tsquery(query, in_a_row=True)]


def _matching_sql(query: Query, entries: QuerySet, *, with_head: bool = False,
                  counting: bool = False) -> tuple[str, str, list]:
    """SELECT the ids of `entries` that match, and the ORDER BY for newest published first
    (kept apart: a count must not sort, so that it can stop early). `entries` must filter only
    on the catalogue entry's own columns (it is compiled into the WHERE clause as it stands).
    With `with_head`, each row also carries its sort key and head (for the ranking); `counting`:
    the SQL is for a capped count (see `_pg_listed`)."""
    compiler = entries.query.get_compiler(connection=connection)
    where, where_params = compiler.compile(entries.query.where)
    if connection.vendor == "postgresql":
        # Every token of the query (GIN's exact answer), then the phrases in order (see _pg_listed).
        check, check_params = _pg_phrase_check(query)
        columns = "d.sort_key" + (", d.head" if with_head else "")
        return (_pg_listed("d.vector @@ %s::tsquery", columns, where, check=check, key=FULL_TEXT_KEY, counting=counting),
                PG_NEWEST_FIRST, [_tsquery(query, in_a_row=False), *where_params, *check_params])
    # FTS5 yields rowids (sort keys) newest first; each is one primary-key lookup of its entry.
    columns, head_join = f"{ENTRY_TABLE}.id", ""
    if with_head:
        columns = f"{ENTRY_TABLE}.id, {FTS_TABLE}.rowid, d.head"
        head_join = f" JOIN {DOCUMENT_TABLE} d ON d.entry_id = {ENTRY_TABLE}.id"
    # The whole key must match, not only the entry id it ends with: a row left behind for an entry
    # id that is now another entry's (a database emptied and filled again) is not that entry's.
    sql = (f"SELECT {columns} FROM {FTS_TABLE} JOIN {ENTRY_TABLE} ON {ENTRY_TABLE}.id = {_SQLITE_ENTRY_ID} "
           f"AND {FTS_TABLE}.rowid = {_SQLITE_KEY}{head_join} "
           f"WHERE {FTS_TABLE} MATCH %s AND ({where})")
    return sql, f" ORDER BY {FTS_TABLE}.rowid DESC", [_sqlite_match(query), *where_params]


def _head_phrase_sql(query: Query, entries: QuerySet, *, whole: bool = False) -> tuple[str, str, list]:
    """SELECT id and sort key of the entries whose title, 文号 or 索引号 hold every query word as
    a phrase (the head index) — with `whole`, of those with such a field that is the query as a
    whole (its key), and their heads — and the ORDER BY for newest first, as `_matching_sql`.
    Every such entry matches the query too: the head is part of the searchable text."""
    compiler = entries.query.get_compiler(connection=connection)
    where, where_params = compiler.compile(entries.query.where)
    phrases = [(Ranking.of(query).key,)] if whole else query.sequences
    head = ", d.head" if whole else ""
    if connection.vendor == "postgresql":
        tsquery = " & ".join("(" + " <-> ".join(f"'{t}'" for t in phrase) + ")" for phrase in phrases)
        match, params = "d.head_vector @@ %s::tsquery", [tsquery]
        if units := _head_hint_units(phrases):
            match += " AND d.hint_vector @@ %s::tsquery"
            params.append(" & ".join(map(_lexeme, units)))
        return _pg_listed(match, f"d.sort_key{head}", where), PG_NEWEST_FIRST, [*params, *where_params]
    join = f" JOIN {DOCUMENT_TABLE} d ON d.entry_id = {ENTRY_TABLE}.id" if whole else ""
    sql = (f"SELECT {ENTRY_TABLE}.id, -{HEAD_FTS_TABLE}.rowid{head} FROM {HEAD_FTS_TABLE} "
           f"JOIN {ENTRY_TABLE} ON {ENTRY_TABLE}.id = {_HEAD_ENTRY_ID}{join} "
           f"WHERE {HEAD_FTS_TABLE} MATCH %s AND ({where})")
    return sql, _HEAD_NEWEST_FIRST, [_head_match(phrases), *where_params]


def _chinese_runs(tokens) -> list[list[str]]:
    """The runs of Chinese characters among `tokens` (any other token ends a run)."""
    runs, run = [], []
    for token in tokens:
        if _CJK_CHAR.fullmatch(token):
            run.append(token)
        elif run:
            runs.append(run)
            run = []
    return [*runs, run] if run else runs


def _pairs(run) -> str:
    return " ".join(a + b for a, b in itertools.pairwise(run))


def head_pairs(head: str) -> str:
    """The pairs column of the SQLite head index (HEAD_PAIRS_SQLITE_SETUP): each pair of neighbouring
    Chinese tokens of a head (head_text) as one token, in order, RUN_BREAK where a run ends (at a
    field's end, a number or a Latin word), so that the pairs of a word in a row are its characters
    in a row among the head's tokens, as the first layout's phrase of characters found them."""
    return f" {RUN_BREAK} ".join(_pairs(run) for run in _chinese_runs(head.split()) if len(run) > 1)


def _head_match(phrases) -> str:
    """SQLite: the head index's query for heads holding each of `phrases` (a word's tokens) in a row.
    A word of Chinese characters is its pairs in a row (exact, see head_pairs); any other word its
    tokens in a row, and the pairs of its Chinese runs too, which the index finds among far fewer
    documents than the characters (a 文号's 吉工信规)."""
    terms = []
    for phrase in phrases:
        runs = [run for run in _chinese_runs(phrase) if len(run) > 1]
        if runs != [list(phrase)]:
            terms.append('head : "' + " ".join(phrase) + '"')
        terms += [f'pairs : "{_pairs(run)}"' for run in runs]
    return " AND ".join(terms)


def _head_hint_units(phrases) -> list[str]:
    """PostgreSQL: the hint index's units (pairs of neighbouring Chinese characters, Latin/digit words
    of two or more) that a head holding every phrase must hold: a necessary condition the GIN index
    answers exactly. The head index holds single characters, so a phrase of common ones (“工作通知”,
    no title has it) made the index yield every title with 工, 作, 通 and 知, each then tested for
    the phrase: 42,000 at 100,000 records, 80–280 ms; with its pairs, a handful. A phrase's units
    are those of a head holding only it."""
    return list(dict.fromkeys(unit for phrase in phrases for unit in hint_lexemes(" ".join(phrase))))


# PostgreSQL: a head query whose rarest pair is in this many heads or fewer reads them all at once.
# Windows of the newest documents end early only where matches are dense (201 among the newest 3,200
# documents is one in 16); below this they ended, nearly always, by reading every document anyway,
# after one to three windows had been read in vain (5 ms a search, of a two-word search's 11).
HEAD_WINDOWS_FROM = 5000


def _few_heads(query: Query) -> bool:
    """PostgreSQL: whether the heads holding every word of `query` as a phrase are known to be few, by
    the counts of the hint index's units (pairs, numbers) they all hold (HINT_COUNT_TABLE)."""
    if connection.vendor != "postgresql" or not (units := _head_hint_units(query.sequences)):
        return False
    with connection.cursor() as cursor:
        return min(_term_counts(cursor, units).values()) <= HEAD_WINDOWS_FROM


def _newest(sql: str, order_by: str, params: list, limit: int, offset: int = 0, *, few: bool = False) -> list[tuple]:
    """The rows of a `_matching_sql` or `_head_phrase_sql` query, newest first (on PostgreSQL
    their columns include `sort_key`). `few`: the query is known to match few rows (a field
    key, or a count under the ranking window), which PostgreSQL reads at once."""
    with connection.cursor() as cursor:
        def run(bound: int | None = None) -> list[tuple]:
            cursor.execute(f"{_in_window(sql, bound)}{order_by} LIMIT %s OFFSET %s", [*params, limit, offset])
            return cursor.fetchall()

        if connection.vendor != "postgresql" or few:  # FTS5 already yields the newest matches first
            return run()
        # PostgreSQL cannot read a GIN index newest first, and misjudges how common a phrase
        # is; so look among the newest documents first (those with the highest sort keys) and
        # widen the window only when it holds too few matches. A common phrase is answered from a
        # small window, a rare one from a few cheap index scans; every match newer than the bound
        # is inside the window, so the page is exact. The GIN indexes hold the sort key too
        # (migration 0023), so the window's bound is a condition of the index scan, and only the
        # window's matches are read, sorted, then looked up and checked newest first (_pg_listed).
        return _newest_in_windows(run, limit)


WINDOW_GROWTH = 1.5  # the ladder of window sizes: SEARCH_WINDOW × 1.5^k


def _window_bounds() -> list[tuple[int, int | None]]:
    """PostgreSQL: (size, lowest sort key) of ever wider windows of the newest documents, on a ladder
    of sizes, and (size, None) last, every document. Read once per content version (a bound moves
    only with a publication, and any bound gives exact pages: it only decides how many windows are
    tried), in one walk of the catalogue entries' index in publication order: the documents have no
    b-tree on their sort key (migration 0028), and entries and documents are published together.
    Read on every search, walking 32,000 index entries to a bound cost 20–80 ms, and a window past
    the last document walked all of them."""
    sizes = sorted({int(SEARCH_WINDOW * WINDOW_GROWTH**k) for k in range(60)})

    def read() -> list[list[int]]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT n - 1, published_at, id FROM (SELECT published_at, id, row_number() OVER "
                           f"(ORDER BY published_at DESC, id DESC) AS n FROM {ENTRY_TABLE}) "
                           "ranked WHERE n = ANY(%s) ORDER BY n", [[size + 1 for size in sizes]])
            return [[size, _sort_key(published_at, pk)] for size, published_at, pk in cursor.fetchall()]

    from portal.pagecache import per_version

    bounds = [(size, bound) for size, bound in per_version(f"search-windows:{SEARCH_WINDOW}", read)]
    return [*bounds, (int(bounds[-1][0] * WINDOW_GROWTH) if bounds else SEARCH_WINDOW, None)]


def _newest_in_windows(run, limit: int) -> list[tuple]:
    """PostgreSQL: `run(bound)` — `bound` the lowest sort key of a window of the newest documents, None
    for every document — in wider windows until it returns `limit` rows or has searched
    every document. Each next window is sized from the matches the last one held (a phrase in 161 of
    the newest 4,000 documents needs about 6,000 for a page of 200, not 32,000, and each match is a
    tsvector read from the table), eight times wider when it held none."""
    windows = _window_bounds()  # the last one, every document, is as large as the ladder goes
    i = 0
    while True:
        size, bound = windows[i]
        rows = run(bound)
        if bound is None or len(rows) >= limit:
            return rows
        wanted = size * (limit / len(rows) * 1.25 if rows else 8)
        # The GIN index reads a window's bound as one entry per document in it: a window of a
        # quarter of the documents or more costs more than reading every match (a term with no hit
        # spent 25 ms on a window of 25,600).
        if wanted * 4 >= windows[-1][0]:
            wanted = windows[-1][0]
        i = next(k for k in range(i + 1, len(windows)) if windows[k][1] is None or windows[k][0] >= wanted)


def _pg_vector(terms: Terms) -> tuple[str, bool]:
    """A tsvector literal with bigram positions (a gap between runs); unigrams and words need
    no positions. Returns it and whether the text exceeds what a tsvector can position."""
    positions: dict[str, list[int]] = defaultdict(list)
    position = 1
    for run in terms.bigrams:
        for bigram in run:
            positions[bigram].append(position)
            position += 1
        position += 1  # the gap: a phrase never spans two runs
    long_text = position > PG_MAX_POSITION or any(len(p) > PG_MAX_POSITIONS_PER_LEXEME for p in positions.values())
    lexemes = [f"'{b}':" + ",".join(str(min(p, PG_MAX_POSITION)) for p in ps[:PG_MAX_POSITIONS_PER_LEXEME])
               for b, ps in positions.items()]
    lexemes += [f"'{u}'" for u in dict.fromkeys(terms.unigrams) if u not in positions]
    return " ".join(lexemes), long_text


# --- Keeping the index current (called by services inside the publishing transaction) -------


def searchable_text(record) -> str:
    """What a search may find: title, summary, numbers, and the body only of proactively
    disclosed information (依申请公开 content must not be discoverable)."""
    from disclosure.models import DisclosureAttribute

    parts = [record.title, record.summary, record.document_number or "", record.index_number or ""]
    if record.attribute == DisclosureAttribute.PROACTIVE:
        parts.append(strip_tags(record.body or ""))
    return "\n".join(part for part in parts if part)


def head_text(*, title: str, document_number: str, index_number: str) -> str:
    """The tokens of the title, 文号 and 索引号, each field between breaks, space-separated and
    space-padded (" qqbreak 关 于 … qqbreak 吉 工 信 规 2026 1 号 qqbreak … "), so that a token, a
    pair or a phrase is found with a plain substring test (`_head_has`); then each field's key
    (“qqfield吉工信规20261号”), by which the index finds a field that is the query as a whole."""
    tokens, keys = [FIELD_BREAK], []
    for field in (title, document_number, index_number):
        field_tokens = document_terms(field or "").unigrams
        if field_tokens:
            tokens += [*field_tokens, FIELD_BREAK]
            keys.append(FIELD_KEY + "".join(field_tokens))
    return " " + " ".join(tokens + keys) + " "


def _pg_head_vector(head: str) -> str:
    positions: dict[str, list[int]] = defaultdict(list)
    for position, token in enumerate(head.split(), start=1):
        positions[token].append(position)
    return " ".join(f"'{token}':" + ",".join(map(str, ps)) for token, ps in positions.items())


def document_for(entry):
    """An unsaved SearchDocument for a catalogue entry (also used in bulk by generate_records)."""
    from disclosure.models import SearchDocument

    text = searchable_text(entry.record)
    terms = document_terms(text)
    vector, long_text = _pg_vector(terms)
    head = head_text(title=entry.title, document_number=entry.record.document_number,
                     index_number=entry.index_number)
    document = SearchDocument(
        entry=entry, text=normalise(text), uni=" ".join(terms.unigrams),
        bi=f" {RUN_BREAK} ".join(" ".join(run) for run in terms.bigrams), long_text=long_text, head=head,
        # SQLite's head index only (PostgreSQL's is a tsvector): on PostgreSQL it stays empty.
        head_pairs=head_pairs(head) if connection.vendor == "sqlite" else "",
    )
    document.pg_vector = vector
    document.pg_head_vector = _pg_head_vector(head)
    document.pg_hint_vector = pg_hint_vector(head)
    document.sort_key = sort_key(entry)
    return document


def write_vectors(documents) -> None:
    """PostgreSQL only: store the tsvectors and the sort key of each document (columns Django does
    not manage). On SQLite the triggers of migrations 0006 and 0010 index each document as it is saved."""
    if connection.vendor != "postgresql" or not documents:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {DOCUMENT_TABLE} SET vector = %s::tsvector, sort_key = %s, head_vector = %s::tsvector, "
            "hint_vector = %s::tsvector WHERE entry_id = %s",
            [(d.pg_vector, d.sort_key, d.pg_head_vector, d.pg_hint_vector, d.entry_id) for d in documents],
        )


def index_entry(entry) -> None:
    from disclosure.models import SearchDocument

    document = document_for(entry)
    SearchDocument.objects.filter(entry=entry).delete()
    document.save()
    write_vectors([document])


def remove_entry(entry_id: int) -> None:
    from disclosure.models import SearchDocument

    SearchDocument.objects.filter(entry_id=entry_id).delete()


# --- Reading ---------------------------------------------------------------------------------


# How many matches are ranked: the most a visitor is shown (views.SearchPaginator's cap), so
# every page is a slice of the same ranking.
RANK_WINDOW = 200
# SQLite: a phrase of this many pairs (eight characters) or more is first looked for in the pairs'
# index (SearchResults._none_match). Below it the head index's test costs at most about 26 ms at
# 100,000 records (“的” eight times; eleven took 36 ms), and the look costs a found phrase 2–6 ms.
LONG_PHRASE = 7


def _needle(tokens) -> str:
    """A run of tokens as a head holds it: the head's tokens are separated by single spaces."""
    return f" {' '.join(tokens)} "


def _head_has(head: str, tokens) -> bool:
    return _needle(tokens) in head


@dataclass(frozen=True)
class Ranking:
    """How a document's head (title, 文号, 索引号) answers the query: see the module docstring."""

    whole: tuple[str, ...]  # the query's tokens between field breaks: one field equals the query
    sequences: tuple[tuple[str, ...], ...]  # each word's tokens: a phrase of the head
    units: tuple[tuple[str, ...], ...]  # distinct tokens and neighbouring pairs: coverage
    key: str  # the field key (head_text) of a field that is the query as a whole

    @classmethod
    def of(cls, query: Query) -> Ranking:
        tokens = tuple(t for sequence in query.sequences for t in sequence)
        units = dict.fromkeys((t,) for t in tokens)
        for sequence in query.sequences:
            units.update(dict.fromkeys(tuple(sequence[i : i + 2]) for i in range(len(sequence) - 1)))
        return cls((FIELD_BREAK, *tokens, FIELD_BREAK), query.sequences, tuple(units), FIELD_KEY + "".join(tokens))

    @functools.cached_property
    def _needles(self) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
        # Made once per query, not for each of the RANK_WINDOW heads scored (issue #22).
        return _needle(self.whole), tuple(map(_needle, self.sequences)), tuple(map(_needle, self.units))

    def score(self, head: str) -> tuple[int, int]:
        whole, sequences, units = self._needles
        if whole in head:
            tier = 2
        elif all(sequence in head for sequence in sequences):
            tier = 1
        else:
            tier = 0
        return tier, sum(unit in head for unit in units)


class SearchResults:
    """Matching catalogue entries, most relevant first (or newest published first with
    `by_date`), sliceable and countable like a queryset (for the paginator), reading only the
    rows of the page shown (by date) or of the ranking window (by relevance)."""

    def __init__(self, raw_query: str, entries: QuerySet, *, page_rows: Callable[[list[int]], list],
                 by_date: bool = False):
        self.query = parse_query(raw_query)
        self.entries = entries
        self.by_date = by_date
        self.page_rows = page_rows
        self._ranked: list[int] | None = None
        self._ranked_limit = 0
        self._counted: int | None = None  # the number of matches, once count() found it exactly
        self._more = False  # the ranking saw more matches than it holds

    def _rows(self, limit: int, offset: int = 0, *, with_head: bool = False) -> list[tuple]:
        """Matches newest first: (id,) or, `with_head`, (id, sort key, head)."""
        if self.query.empty:
            return []
        return _newest(*_matching_sql(self.query, self.entries, with_head=with_head), limit, offset)

    def _ids(self, limit: int, offset: int = 0) -> list[int]:
        if not self.by_date:
            return self._ranked_ids(offset + limit)[offset : offset + limit]
        return [row[0] for row in self._rows(limit, offset)]

    def _ranked_ids(self, limit: int) -> list[int]:
        """The first RANK_WINDOW (or `limit`) matches by relevance, read mostly off the head index:
        the entries with a field that is the query (a few, with their heads to confirm it), then
        the newest with every word as a phrase of the title or numbers — they outrank the rest
        and all cover the query, so no head is needed — and, only when those are too few, the
        other matches, scored from the heads of the newest RANK_WINDOW."""
        limit = max(limit, RANK_WINDOW)
        if self._ranked is not None and limit <= self._ranked_limit:
            return self._ranked
        if self.query.empty or self._counted == 0:
            return []
        ranking = Ranking.of(self.query)
        scores: dict[int, tuple[int, int, int]] = {}
        if self._counted is not None and self._counted <= limit:  # every match is ranked: score them all
            sql, order_by, params = _matching_sql(self.query, self.entries, with_head=True)
            for pk, key, head in _newest(sql, order_by, params, limit, few=True):
                scores[pk] = (*ranking.score(head), key or 0)
        elif self._none_match():
            self._counted = 0
            return []
        else:
            for pk, key, head in _newest(*_head_phrase_sql(self.query, self.entries, whole=True), limit, few=True):
                scores[pk] = (*ranking.score(head), key or 0)
            # One row past `limit` tells whether there are more matches than are ranked (count()).
            phrases = _newest(*_head_phrase_sql(self.query, self.entries), limit + 1, few=_few_heads(self.query))
            self._more = len(phrases) > limit
            for pk, key, *_rest in phrases[:limit]:
                scores.setdefault(pk, (1, len(ranking.units), key or 0))
            if not self._more:
                rows = self._rows(limit + 1, with_head=True)
                self._more = len(rows) > limit
                for pk, key, head in rows[:limit]:
                    scores.setdefault(pk, (*ranking.score(head), key or 0))
        self._ranked = sorted(scores, key=scores.__getitem__, reverse=True)[:limit]
        self._ranked_limit = limit
        return self._ranked

    def _none_match(self) -> bool:
        """SQLite: whether a query with a long phrase matches nothing, asked of the pairs' index
        first. The head index holds single characters, so a phrase is tested in every title holding
        all its characters, at a cost that grows with its length: 38 common ones (“的” or “关于”
        repeated) that no title holds cost 120 ms at 100,000 records. Such a phrase has a pair no
        document holds (“的的”, “于关”), which the pairs' index answers at once; a phrase that is
        found stops at its first, newest match."""
        if connection.vendor == "postgresql" or max(map(len, self.query.phrases), default=0) < LONG_PHRASE:
            return False  # PostgreSQL: the head query already asks the pairs' index (_head_hint_units)
        return not self._rows(1)

    def count(self, cap: int | None = None) -> int:
        """The number of matches, counting no further than `cap` + 1."""
        if self.query.empty:
            return 0
        if cap is not None and cap <= RANK_WINDOW and not self.by_date:
            # The page reads the ranking anyway: it holds the newest RANK_WINDOW matches and knows
            # whether there are more. A count of its own tested every document holding a rare
            # phrase's terms, and walked a common one's (50–170 ms on PostgreSQL at 100,000).
            ranked = self._ranked_ids(RANK_WINDOW)
            if self._more:
                return cap + 1
            self._counted = len(ranked)
            return min(self._counted, cap + 1)
        sql, _order_by, params = _matching_sql(self.query, self.entries, counting=True)
        limit = " LIMIT %s" if cap is not None else ""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}{limit}) matches", [*params, *([cap + 1] if cap else [])])
            count = cursor.fetchone()[0]
        if cap is None or count <= cap:  # exact: the ranking need not look for more (_ranked_ids)
            self._counted = count
        return count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        return self.page_rows(self._ids(limit=(stop - start) if stop is not None else 10**9, offset=start))


def search_entries(raw_query: str, entries: QuerySet, *, page_rows: Callable[[list[int]], list],
                   by_date: bool = False) -> SearchResults:
    """Entries (already restricted to what is public, see selectors) that match the query, most
    relevant first or, `by_date`, newest published first. `page_rows(ids)` reads the entries of
    the page shown, in that order (selectors.search_entries: with what a result shows)."""
    return SearchResults(raw_query, entries, by_date=by_date, page_rows=page_rows)


class _Folding(dict):
    """Code point → its `normalise`d form (one character), or the character lower-cased where NFKC
    expands it (ligatures), filled as characters are met: a few thousand in Chinese text."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = normalise(char)
        self[code] = folded if len(folded) == 1 else char.lower()
        return self[code]


_FOLDING = _Folding()


def _aligned(text: str) -> str:
    """`normalise` character by character, keeping positions aligned with `text`. One
    `str.translate`: normalising each character of a search page's 20 excerpts in Python cost
    about 40 ms of CPU per page."""
    return text.translate(_FOLDING)


def _bounded(term: str) -> str:
    """A regex for `term` that never marks part of a number: digits at its edges must not
    continue into more digits (“1” is not marked inside “2026” or “10”); a Latin word is marked
    where a word starts (the search matches it as a prefix)."""
    pattern = re.escape(term)
    if term[0].isascii() and term[0].isalnum():
        pattern = ("(?<![0-9])" if term[0].isdigit() else "(?<![0-9a-z])") + pattern
    if term[-1].isascii() and term[-1].isdigit():
        pattern += "(?![0-9])"
    return pattern


@functools.lru_cache(maxsize=256)  # a results page highlights four fields of each of 20 entries for one query
def highlight_terms(raw_query: str) -> tuple[str, ...]:
    """What to mark for a query, longest first: each word as typed (so “吉工信规〔2026〕3号” is
    marked whole where it occurs) and those of its pieces that say something on their own —
    two or more characters (“工业，平台” marks 工业 and 平台 wherever they are found apart,
    “〔2026〕” marks the year), never a lone character or digit of a longer word (the “1” and “号”
    of “1号”), which would light up every page."""
    terms: dict[str, None] = {}
    for word in parse_query(raw_query).words:
        pieces = [chinese or latin for chinese, latin in _pieces(word)]
        terms[word if len(pieces) > 1 else pieces[0]] = None
        for piece in pieces:
            if len(piece) > 1:
                terms[piece] = None
    return tuple(sorted(terms, key=len, reverse=True))


@functools.lru_cache(maxsize=256)
def _highlight_pattern(raw_query: str) -> re.Pattern | None:
    terms = highlight_terms(raw_query)
    return re.compile("|".join(_bounded(t) for t in terms), re.IGNORECASE) if terms else None


def _first_hit(text: str, pattern: re.Pattern | None) -> int | None:
    return hit.start() if pattern and (hit := pattern.search(_aligned(text))) else None


def _window_start(hit: int | None, width: int) -> int:
    return 0 if hit is None else max(0, hit - width // 3)


def _window(text: str, start: int, width: int) -> str:
    return ("…" if start else "") + text[start : start + width] + ("…" if start + width < len(text) else "")


def highlight(text: str, raw_query: str, *, width: int | None = None) -> SafeString:
    """Escape `text` and mark the query's terms; with `width`, cut a window around the first hit."""
    text = " ".join((text or "").split())
    pattern = _highlight_pattern(raw_query)
    if width and len(text) > width:
        text = _window(text, _window_start(_first_hit(text, pattern), width), width)
    return _marked(text, pattern)


EXCERPT_WIDTH = 120


def mark_results(entries, raw_query: str) -> None:
    """What a results page shows of each entry, the query's terms marked: its title, its numbers (a
    match on them alone is then seen) and an excerpt, of the summary and, only for proactively
    disclosed information, of the body: 依申请公开 content is neither searched (`searchable_text`)
    nor shown. Entries come with `record` holding document_number and body (selectors.search_entries)."""
    from disclosure.models import DisclosureAttribute

    for entry in entries:
        entry.title_highlighted = highlight(entry.title, raw_query)
        entry.index_number_highlighted = highlight(entry.index_number, raw_query)
        entry.document_number_highlighted = highlight(entry.record.document_number, raw_query)
        if entry.attribute == DisclosureAttribute.PROACTIVE:
            entry.excerpt_highlighted = excerpt(entry.summary, entry.record.body, raw_query, width=EXCERPT_WIDTH)
        else:
            entry.excerpt_highlighted = highlight(entry.summary, raw_query, width=EXCERPT_WIDTH)


# A result's excerpt reads this many characters of its body's HTML first (see `excerpt`).
EXCERPT_HTML = 2000


def excerpt(summary: str, body_html: str, raw_query: str, *, width: int) -> SafeString:
    """`highlight(summary + " " + strip_tags(body_html), width=width)`, from the beginning of a long
    body alone when the window around the first hit lies there: stripping each result's whole body
    and folding it to find that hit was 2 of a two-word search's 11 ms (issue #22). The beginning is
    cut after a tag; its text is the whole text's up to any "<" (what is left of a tag the cut
    split) or its end, and the window is used only if it ends before that. No hit starts earlier in
    the whole text: it would reach past the window's end, longer than any query."""
    if len(body_html) > EXCERPT_HTML:
        beginning = body_html[: body_html.rfind(">", 0, EXCERPT_HTML) + 1]
        text = " ".join(f"{summary} {strip_tags(beginning)}".split())
        pattern = _highlight_pattern(raw_query)
        hit = _first_hit(text, pattern)
        start = _window_start(hit, width)
        cut = text.find("<")  # what is left of a tag the cut split: the text is the whole one's before it
        if (hit is not None or pattern is None) and start + width < (len(text) if cut < 0 else cut):
            return _marked(_window(text, start, width), pattern)
    return highlight(f"{summary} {strip_tags(body_html)}", raw_query, width=width)


def _marked(text: str, pattern: re.Pattern | None) -> SafeString:
    if not pattern:
        return escape(text)
    # The standard library's escape, which Django's wraps (the same text): Django's checks each
    # argument for a lazy string, and a results page escapes some 250 pieces (issue #22).
    out, last = [], 0
    for hit in pattern.finditer(_aligned(text)):
        out += [html.escape(text[last : hit.start()]), "<mark>", html.escape(text[hit.start() : hit.end()]), "</mark>"]
        last = hit.end()
    out.append(html.escape(text[last:]))
    return mark_safe("".join(out))


# --- Loose matching: hints while a citizen writes an application (issue #18) ------------------
#
# A request is worded freely (“请提供2025年度省级工业互联网平台认定名单”): no title holds it as a
# phrase, so the hint query is an OR of its neighbouring-character pairs and Latin/digit words. A hint
# is a title (with its 文号 and 索引号: the head) that shares them, so only heads are searched: the
# hint vector on PostgreSQL (HINT_POSTGRES_SETUP), the head's FTS5 table on SQLite (a pair is a
# two-token phrase there). Pairs found in very many titles (“工业”) say little and would make the
# OR read much of the index, so each pair's number of titles is read first (kept by a trigger on
# PostgreSQL; counted up to RARE_CAP and cached until the next publication on SQLite), and only the
# rarer pairs are ORed, the rarest first, while they match OR_BUDGET titles at most. The matches are
# ranked (FTS5's bm25; on PostgreSQL the share of all the pairs in the hint vector), and the best
# candidates re-ranked as the search ranks (coverage, then publication, newest first): by how many of
# all the pairs their title holds, then newest first. When every pair is common, or the rare ones
# find few titles, the newest titles holding the first two pairs are candidates too.

# Pairs that every request says and that tell nothing about the information wanted.
HINT_STOP_PAIRS = frozenset({
    "请提", "提供", "申请", "公开", "政府", "信息", "相关", "有关", "关于", "我想", "想要", "需要", "了解", "获取",
    "查询", "情况", "文件", "内容", "本人", "我单", "单位", "贵厅", "以及", "具体", "如下", "希望", "能否", "是否",
    "请问", "麻烦", "谢谢", "我们", "一下",
})
HINT_TEXT_MAX = 400  # what is read of the text typed: its beginning names the information
HINT_MAX_TERMS = 16
RARE_CAP = 1000  # a pair in more titles than this is common
RARE_TERMS = 6  # the rarest pairs ORed at most
OR_BUDGET = 2 * RARE_CAP  # the titles they may match together (the rarest pair is always taken)
HINT_CANDIDATES = 30  # ranked by the index, then re-ranked by title
COUNT_SECONDS = 3600  # a term's count is kept this long at most (and only while nothing is published)
_CJK_CHAR = re.compile(f"[{CJK}]")


def hint_terms(text: str) -> list[str]:
    """The neighbouring-character pairs and the Latin/digit words of a request, in the order typed,
    without request boilerplate (what the hint index holds of each head)."""
    terms: dict[str, None] = {}
    for chinese, latin in _pieces(text[:HINT_TEXT_MAX]):
        if latin:
            if len(latin) > 1:
                terms[latin] = None
        else:
            terms.update(dict.fromkeys(pair for pair in _bigrams(chinese) if pair not in HINT_STOP_PAIRS))
        if len(terms) >= HINT_MAX_TERMS:
            break
    return list(terms)[:HINT_MAX_TERMS]


def hint_lexemes(head: str) -> list[str]:
    """What the hint index holds of a head (head_text): each pair of neighbouring Chinese tokens of a
    field and each Latin/digit word of two or more characters — the units `head_hits` counts."""
    lexemes: dict[str, None] = {}
    previous = ""
    for token in head.split():
        if token == FIELD_BREAK or token.startswith(FIELD_KEY):
            previous = ""
            continue
        if _CJK_CHAR.fullmatch(token):
            if previous:
                lexemes[previous + token] = None
            previous = token
        else:
            previous = ""
            if len(token) > 1:
                lexemes[token] = None
    return list(lexemes)


def _lexeme(term: str) -> str:
    return "'" + term.replace("'", "''") + "'"


def pg_hint_vector(head: str) -> str:
    return " ".join(_lexeme(lexeme) for lexeme in hint_lexemes(head))


def _is_pair(term: str) -> bool:
    return len(term) == 2 and bool(re.fullmatch(f"[{CJK}]+", term))


def _fts_head_term(term: str) -> str:
    return f'pairs : "{term}"' if _is_pair(term) else f'head : "{term}"'


def _capped_counts(cursor, terms: list[str], cap: int) -> dict[str, int]:
    """SQLite: each term's number of heads, counting no further than `cap`, in one statement."""
    one = f"(SELECT count(*) FROM (SELECT 1 FROM {HEAD_FTS_TABLE} WHERE {HEAD_FTS_TABLE} MATCH %s LIMIT %s))"
    cursor.execute("SELECT " + ", ".join([one] * len(terms)), [p for t in terms for p in (_fts_head_term(t), cap)])
    return dict(zip(terms, cursor.fetchone(), strict=True))


def _term_counts(cursor, terms: list[str]) -> dict[str, int]:
    """Each term's number of heads (capped at RARE_CAP on SQLite). PostgreSQL reads them from the
    counts its trigger keeps; SQLite counts through the index and keeps the counts in the cache until
    what is public changes (the page cache's content version): one typing session asks for the same
    pairs again and again."""
    if connection.vendor == "postgresql":
        cursor.execute(f"SELECT term, documents FROM {HINT_COUNT_TABLE} WHERE term = ANY(%s)", [terms])
        return {**dict.fromkeys(terms, 0), **dict(cursor.fetchall())}
    from portal.pagecache import public_version

    version = public_version()
    keys = {term: f"hint-count:{version}:{term.encode().hex()}" for term in terms}
    cached = cache.get_many(list(keys.values()))
    counts = {term: cached[key] for term, key in keys.items() if key in cached}
    missing = [term for term in terms if term not in counts]
    found = _capped_counts(cursor, missing, RARE_CAP) if missing else {}
    cache.set_many({keys[term]: n for term, n in found.items()}, COUNT_SECONDS)
    return {**counts, **found}


def loose_matches(terms: list[str], entries: QuerySet) -> list[tuple[int, str, int]]:
    """(id, head, sort key) of up to HINT_CANDIDATES `entries` whose heads share the rarer of `terms`,
    best first by the index; `entries` filters on the entry's own columns only, as in `_matching_sql`."""
    if not terms:
        return []
    # On PostgreSQL the counts are a primary-key lookup and every match is a GIN bitmap read as a
    # whole (OFFSET 0 keeps a LIMIT from turning it into a scan testing each row's vector), so no
    # planner setting is needed: each round trip counts on a busy server.
    with connection.cursor() as cursor:
        return _loose_matches(cursor, terms, entries)


def _loose_matches(cursor, terms: list[str], entries: QuerySet) -> list[tuple[int, str, int]]:
    compiler = entries.query.get_compiler(connection=connection)
    where, where_params = compiler.compile(entries.query.where)
    counts = _term_counts(cursor, terms)
    found = sorted((t for t in terms if counts[t]), key=counts.__getitem__)  # rarest first
    if not found:
        return []
    rare, matched = [], 0
    for term in found:
        if counts[term] >= RARE_CAP or len(rare) == RARE_TERMS or (rare and matched + counts[term] > OR_BUDGET):
            break
        rare.append(term)
        matched += counts[term]
    rows = _or_matches(cursor, rare, where, where_params, found) if rare else []
    # Every pair common, or the rare ones in few titles (“结果” in one): also the titles holding the
    # first two pairs as typed, neighbours in one phrase of the request, which a title holds together
    # more often than the two rarest (“2019年民用爆炸…实施方案”: 年民 and 理实 are never in one title).
    if len(rows) < HINT_CANDIDATES:
        seen = {row[0] for row in rows}
        first = [t for t in terms if counts[t]][:2]
        rows += [row for row in _and_matches(cursor, first, where, where_params, found) if row[0] not in seen]
    return rows


# SQLite: each head-index row's entry (the whole key matching, as in _matching_sql) and document.
_HEAD_JOINS = (f"FROM {HEAD_FTS_TABLE} JOIN {ENTRY_TABLE} ON {ENTRY_TABLE}.id = {_HEAD_ENTRY_ID} "
               f"AND {HEAD_FTS_TABLE}.rowid = -({_SQLITE_KEY}) JOIN {DOCUMENT_TABLE} d ON d.entry_id = {ENTRY_TABLE}.id")


def _or_matches(cursor, chosen: list[str], where: str, where_params: list, ranked: list[str]) -> list[tuple]:
    """Up to HINT_CANDIDATES heads holding any of `chosen`, best first: by bm25 of `chosen` on
    SQLite, by the share of all the `ranked` pairs in the hint vector on PostgreSQL, then newest."""
    if connection.vendor == "postgresql":
        return _pg_best_heads(cursor, " | ".join(map(_lexeme, chosen)), None, where, where_params, ranked)
    cursor.execute(
        f"SELECT {ENTRY_TABLE}.id, d.head, -{HEAD_FTS_TABLE}.rowid {_HEAD_JOINS} "
        f"WHERE {HEAD_FTS_TABLE} MATCH %s AND ({where}) ORDER BY bm25({HEAD_FTS_TABLE}) LIMIT %s",
        [" OR ".join(map(_fts_head_term, chosen)), *where_params, HINT_CANDIDATES])
    return cursor.fetchall()


def _and_matches(cursor, chosen: list[str], where: str, where_params: list, ranked: list[str]) -> list[tuple]:
    """The newest heads holding all of `chosen` (common pairs), best first among them as in
    `_or_matches`. On PostgreSQL among the newest documents first, the window widened while it
    holds too few matches (as _newest does for the search)."""
    if not chosen:
        return []
    if connection.vendor != "postgresql":
        cursor.execute(
            f"SELECT {ENTRY_TABLE}.id, d.head, -{HEAD_FTS_TABLE}.rowid {_HEAD_JOINS} "
            f"WHERE {HEAD_FTS_TABLE} MATCH %s AND ({where}){_HEAD_NEWEST_FIRST} LIMIT %s",
            [" AND ".join(map(_fts_head_term, chosen)), *where_params, HINT_CANDIDATES * 4])
        return cursor.fetchall()
    return _newest_in_windows(
        lambda bound: _pg_best_heads(cursor, " & ".join(map(_lexeme, chosen)), bound, where, where_params, ranked),
        HINT_CANDIDATES)


def _pg_best_heads(cursor, tsquery: str, bound: int | None, where: str, where_params: list, ranked: list[str]) -> list:
    """PostgreSQL: (id, head, sort key) of the HINT_CANDIDATES heads matching `tsquery` in the window from `bound`
    that hold the largest share of the `ranked` pairs, then newest."""
    sql = _pg_listed("d.hint_vector @@ %s::tsquery", "d.head, d.hint_vector, d.sort_key", where)
    cursor.execute(
        f"SELECT id, head, sort_key FROM ({_in_window(sql, bound)}) found "
        "ORDER BY ts_rank(found.hint_vector, %s::tsquery) DESC, found.sort_key DESC NULLS LAST LIMIT %s",
        [tsquery, *where_params, " | ".join(map(_lexeme, ranked)), HINT_CANDIDATES])
    return cursor.fetchall()


def head_hits(head: str, terms: list[str]) -> int:
    """How many of `terms` (pairs, words) a document's head holds."""
    return sum(_head_has(head, tuple(term) if _is_pair(term) else (term,)) for term in terms)
