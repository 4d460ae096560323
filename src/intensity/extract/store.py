"""Articles and their events in the store, through the same staged, transactional ingest path.

``stage_articles`` is the ``articles`` stager of :mod:`intensity.ingest`: it
upserts the file's articles into ``articles`` (deduplicated by content hash: a
text already stored keeps its first ``article_id``), removes the events of any
article whose text or extractor version changed, extracts events and stages them
as canonical rows (``event_id`` ``text:<hash>``), so ``load_staged`` validates
and upserts them like any other source; evidence goes to ``event_evidence``.
All of it runs inside the ingest transaction of that file.

``reprocess`` re-runs the current extractor over stored articles whose
``extractor_version`` is older, replacing their events, in one transaction.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from intensity.db import utcnow
from intensity.extract import EXTRACTOR_VERSION, extract_events
from intensity.extract.hook import LANG, PUBLISHED
from intensity.extract.model import CANONICAL_FIELDS
from intensity.extract.readers import Article, read_articles
from intensity.sql import ident as _ident


def _stored(con, articles: list[Article]) -> tuple[dict, dict]:
    hashes = [a.content_hash for a in articles]
    ids = [a.article_id for a in articles]
    by_hash = dict(con.execute(
        "SELECT content_hash, article_id FROM articles WHERE list_contains(?, content_hash)", [hashes]).fetchall())
    by_id = {r[0]: (r[1], r[2], r[3] or "en") for r in con.execute(
        "SELECT article_id, content_hash, extractor_version, lang FROM articles WHERE list_contains(?, article_id)",
        [ids]).fetchall()}
    return by_hash, by_id


def _drop_events(con, article_ids: list[str]) -> None:
    if article_ids:
        from intensity import rollup

        # load_staged, which always follows, recomputes these days in the rollup
        rollup.touch(con, "SELECT event_date FROM events WHERE source = 'text' AND list_contains(?, article_id)",
                     [article_ids])
        con.execute("DELETE FROM events WHERE source = 'text' AND list_contains(?, article_id)", [article_ids])
        con.execute("DELETE FROM event_evidence WHERE list_contains(?, article_id)", [article_ids])


def _stage_events(con, articles: list[Article]) -> int:
    """Extract events, create stg_src / stg_raw / stg_csv_rejects, write evidence. Returns #events."""
    rows, raws, evid = [], [], []
    now = utcnow()
    line = 0
    for a in articles:
        for ev in extract_events(a.text, published=a.published, title=a.title, article_id=a.article_id,
                                 lang=a.lang or "en"):
            line += 1
            r = {k: (None if v is None else str(v)) for k, v in ev.row().items()}
            r["_line"] = line
            rows.append(r)
            js = ev.to_json()
            raws.append({"_line": line, "_raw": json.dumps(js, ensure_ascii=False, default=str)})
            evid.append({"event_id": ev.event_id, "article_id": a.article_id, "reported_by": ev.reported_by,
                         "intercepted": ev.intercepted,
                         "evidence": json.dumps(js["evidence"], ensure_ascii=False),
                         "extractor_version": ev.extractor_version, "extracted_at": now})
    schema = {"_line": pl.Int64, **{c: pl.String for c in CANONICAL_FIELDS}}
    src = pl.DataFrame(rows, schema=schema)
    raw = pl.DataFrame(raws, schema={"_line": pl.Int64, "_raw": pl.String})
    con.execute("CREATE TEMP TABLE stg_src AS SELECT * FROM src")
    con.execute("CREATE TEMP TABLE stg_raw AS SELECT * FROM raw")
    con.execute("CREATE TEMP TABLE stg_csv_rejects (line BIGINT, reason VARCHAR, raw VARCHAR)")
    if evid:
        ev_df = pl.DataFrame(evid, schema={"event_id": pl.String, "article_id": pl.String, "reported_by": pl.String,
                                           "intercepted": pl.Int32, "evidence": pl.String,
                                           "extractor_version": pl.String, "extracted_at": pl.Datetime})
        con.execute("DELETE FROM event_evidence WHERE event_id IN (SELECT event_id FROM ev_df)")
        con.execute("INSERT INTO event_evidence SELECT event_id, article_id, reported_by, intercepted, "
                    "CAST(evidence AS JSON), extractor_version, extracted_at FROM ev_df")
    return len(rows)


def _upsert_articles(con, articles: list[Article]) -> tuple[list[Article], int, int]:
    """Store new/changed articles; return the articles to extract (ids resolved by content
    hash), how many of them were not stored yet, and how many of those replace a stored
    article of the same id (an updated text; its old events are dropped).

    A text already stored keeps its stored id. A new text takes its own id, unless another
    text of this batch holds that id (a feed repeating a link, or the old version listed
    beside the new): then it is stored as ``id#<its hash>``, so that nothing is lost and
    re-reading the file changes nothing. Otherwise a stored article of that id is replaced.
    """
    by_hash, by_id = _stored(con, articles)
    unique, seen = [], set()  # the first record of each text, in file order
    for a in articles:
        if a.content_hash not in seen:
            seen.add(a.content_hash)
            unique.append(a)
    claimed = {by_hash[a.content_hash]: a.content_hash for a in unique if a.content_hash in by_hash}
    batch = {a.content_hash for a in unique}
    out, changed = [], []
    new = updated = 0
    now = utcnow()
    for a in unique:
        h = a.content_hash
        if h in by_hash:
            a.article_id = by_hash[h]
            old = by_id.get(a.article_id)
            # (read in another language this time, "--lang ru": its events are the new reading's)
            if old and (old[1] != EXTRACTOR_VERSION or old[2] != a.lang):
                changed.append(a.article_id)
                con.execute("UPDATE articles SET extractor_version = ?, lang = ? WHERE article_id = ?",
                            [EXTRACTOR_VERSION, a.lang, a.article_id])
            out.append(a)
            continue
        stored = by_id.get(a.article_id)
        if claimed.get(a.article_id, h) != h or (stored and stored[0] in batch):
            a.article_id = f"{a.article_id}#{h[:12]}"
        elif stored:  # same id, new text: the article was updated
            changed.append(a.article_id)
            updated += 1
            con.execute("DELETE FROM articles WHERE article_id = ?", [a.article_id])
        claimed[a.article_id] = h
        con.execute(
            "INSERT INTO articles (article_id, source, url, title, published, text, content_hash, extractor_version,"
            " ingested_at, lang) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [a.article_id, a.source, a.url, a.title, a.published, a.text, h, EXTRACTOR_VERSION, now, a.lang])
        out.append(a)
        new += 1
    _drop_events(con, changed)
    return out, new, updated


def stage_articles(con: duckdb.DuckDBPyConnection, path: Path, *, published: date | None = None, **_ignored) -> dict:
    """The ``articles`` stager (see the module docstring)."""
    from intensity.ingest import _drop_staging

    bad: list[tuple[int, str, str]] = []
    arts = read_articles(path, published=published or PUBLISHED.get(), rejects=bad)
    for a in arts:
        a.lang = a.lang or LANG.get() or "en"
    n_read = len(arts)
    _drop_staging(con)
    arts, n_new, n_updated = _upsert_articles(con, arts)
    n_events = _stage_events(con, arts)
    if bad:
        # A broken record is one reject (with its line), as for event files; the rest load.
        con.executemany("INSERT INTO stg_csv_rejects VALUES (?, ?, ?)", [list(b) for b in bad])
    mapping = {c: _ident(c) for c in CANONICAL_FIELDS}
    # The summary's rows are the extracted events; this says what happened to the articles.
    repeated = n_read - len(arts)
    mapping["__note__"] = (
        f"{n_read} article(s) read: {n_new} new" + (f" ({n_updated} of them updating a stored one)" if n_updated else "")
        + f", {len(arts) - n_new} already stored"
        + (f", {repeated} repeating another in this file" if repeated else "")
        + f"; {n_events} event(s) extracted (the counts above are of events)")
    return mapping


def reprocess(con: duckdb.DuckDBPyConnection, *, force: bool = False):
    """Re-extract stored articles whose extractor_version is not the current one (all with ``force``).

    Returns:
        An :class:`intensity.ingest.IngestResult` for the pseudo-file ``reprocess:<version>``.
    """
    from intensity.ingest import IngestResult, _drop_staging, create_stg, load_staged

    res = IngestResult(path=f"reprocess:{EXTRACTOR_VERSION}", format="articles")
    con.begin()
    try:
        rows = con.execute(
            "SELECT article_id, text, CAST(published AS DATE), title, url, source, lang FROM articles "
            "WHERE ? OR extractor_version IS DISTINCT FROM ?", [force, EXTRACTOR_VERSION]).fetchall()
        # (each in the language it was stored in; NULL: stored before languages were, English)
        arts = [Article(r[0], r[1], r[2] or date.today(), title=r[3], url=r[4], source=r[5], lang=r[6] or "en")
                for r in rows]
        _drop_events(con, [a.article_id for a in arts])
        _drop_staging(con)
        _stage_events(con, arts)
        create_stg(con, {c: _ident(c) for c in CANONICAL_FIELDS})
        now = utcnow()
        load_staged(con, res, now=now)
        file_id = res.file_id
        con.execute("UPDATE articles SET extractor_version = ? WHERE list_contains(?, article_id)",
                    [EXTRACTOR_VERSION, [a.article_id for a in arts]])
        con.execute("INSERT INTO ingest_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [file_id, res.path, EXTRACTOR_VERSION, "articles", res.rows_read, res.loaded, res.replaced,
                     res.unchanged, res.rejected, res.unresolved, now])
        con.commit()
    except BaseException:
        con.rollback()
        raise
    finally:
        _drop_staging(con)
    res.warnings.append(f"{len(arts)} article(s) re-extracted with {EXTRACTOR_VERSION}")
    return res
