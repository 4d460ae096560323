"""Articles from files: JSON Lines, plain text and HTML.

- ``.jsonl``: one object per line with ``text`` and ``published`` (date or
  datetime), optional ``id``, ``title``, ``url``, ``source``.
- ``.txt``: one article; a leading ``date YYYY-MM-DD`` (as in the seed file)
  gives the publication day, else ``published=`` must be passed.
- ``.html``/``.htm``: markup stripped; scripts, styles, navigation, headers,
  footers, asides, forms and comments dropped; ``<article>`` or ``<main>`` used
  when present; boilerplate lines (cookies, subscribe, share, copyright) removed;
  ``<title>``/``<h1>`` give the title and ``<meta property="article:published_time">``
  or ``<time datetime>`` the day.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass
from functools import cache
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from intensity.errors import InputDataError, UsageError

_DATE_HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*\n?")


@dataclass
class Article:
    """One article: body text and what is known about it."""

    article_id: str
    text: str
    published: date
    title: str | None = None
    url: str | None = None
    source: str | None = None
    path: str | None = None
    line: int | None = None
    lang: str | None = None  # the record's own language ("lang"), else the reader's default

    @property
    def content_hash(self) -> str:
        """sha256 of title and text: the deduplication key of the ``articles`` table."""
        return content_hash(self.text, self.title)


def content_hash(text: str, title: str | None = None) -> str:
    """sha256 hex of the article's title and body."""
    h = hashlib.sha256()
    h.update((title or "").strip().encode("utf-8", "surrogatepass"))
    h.update(b"\x1f")
    h.update(text.strip().encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _parse_day(value, where: str) -> date:
    s = str(value or "").strip()
    try:
        return date.fromisoformat(s[:10])
    except ValueError:
        raise InputDataError(f"{where}: published must be a date or datetime (YYYY-MM-DD...), not {value!r}") from None


def read_articles(path: str | Path, *, published: date | None = None,
                  rejects: list[tuple[int, str, str]] | None = None) -> list[Article]:
    """Read the articles a file holds.

    Args:
        path: a ``.jsonl``, ``.txt`` or ``.html`` file, or a ``.json`` file holding JSON
            Lines or one JSON array of article records.
        published: publication day for files that do not state one (``.txt``
            without a date header, HTML without a date); overrides nothing stated.
        rejects: if given, a JSON Lines record that is not a usable article is appended
            to it as ``(line, reason, raw line)`` and the other records are still read;
            without it such a record raises.

    Raises:
        InputDataError: the file cannot be read, or an article lacks a date.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputDataError(f"cannot read {p}: {exc.strerror}") from None
    text = raw.decode("utf-8", errors="replace").removeprefix("\ufeff")
    if suffix in (".jsonl", ".ndjson", ".json"):
        if text.lstrip().startswith("["):  # one JSON array of articles (a feed export), not JSON Lines
            return list(_json_array(text, p, published, rejects))
        return list(_jsonl(text, p, published, rejects))
    if suffix in (".html", ".htm"):
        return [_html(text, p, published)]
    return [_txt(text, p, published)]


def _txt(text: str, p: Path, published: date | None) -> Article:
    m = _DATE_HEADER.match(text)
    if m:
        day = _parse_day(m.group(1), str(p))
        body = text[m.end():]
    elif published is not None:
        day, body = published, text
    else:
        raise InputDataError(f"{p}: no leading 'date YYYY-MM-DD' line", hint="pass --published YYYY-MM-DD")
    body = body.strip("\n")
    return Article(content_hash(body)[:16], body, day, path=str(p))


def _jsonl(text: str, p: Path, published: date | None, rejects: list | None = None):
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            obj = InputDataError(f"{p}:{n}: not JSON ({exc.msg})")
        art = _article_or_reject(obj, line, p, n, published, rejects)
        if art is not None:
            yield art


def _json_array(text: str, p: Path, published: date | None, rejects: list | None = None):
    """The articles of a file holding one JSON array, each numbered by the line its element starts on."""
    dec = json.JSONDecoder()
    items = []
    i = text.index("[") + 1
    line, seen = 1, 0  # line numbers counted incrementally: one pass over the text
    try:
        while True:
            i = _skip_ws(text, i)
            if text.startswith("]", i) and not items:
                break
            start = i
            obj, i = dec.raw_decode(text, i)
            line, seen = line + text.count("\n", seen, start), start
            items.append((line, obj))
            i = _skip_ws(text, i)
            if text.startswith(",", i):
                i += 1
                continue
            if text.startswith("]", i):
                break
            raise json.JSONDecodeError("expected ',' or ']'", text, i)
    except json.JSONDecodeError as exc:
        raise InputDataError(f"{p}: not a JSON array of articles ({exc.msg}, line {exc.lineno})",
                             hint="write one JSON object per line (JSON Lines), or a valid JSON array") from None
    if text[i + 1:].strip():
        line = text.count("\n", 0, i) + 1
        raise InputDataError(f"{p}: not a JSON array of articles (text after its end, line {line})")
    for n, obj in items:
        art = _article_or_reject(obj, json.dumps(obj, ensure_ascii=False)[:4000], p, n, published, rejects)
        if art is not None:
            yield art


def _skip_ws(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


def _article_or_reject(obj, raw: str, p: Path, n: int, published: date | None, rejects: list | None):
    """The record ``obj`` (or the InputDataError that reading it raised) as an Article, or a reject."""
    try:
        if isinstance(obj, InputDataError):
            raise obj
        day = _article_day(obj, p, n, published)
    except InputDataError as exc:
        if rejects is None:
            raise
        rejects.append((n, str(exc).removeprefix(f"{p}:{n}: "), raw))
        return None
    lang = obj.get("lang", obj.get("language"))
    if lang is not None and lang not in languages():
        if rejects is None:
            raise InputDataError(f"{p}:{n}: no extraction lexicon for language {lang!r}",
                                 hint=f"languages: {', '.join(languages())}")
        rejects.append((n, f"no extraction lexicon for language {lang!r} (languages: {', '.join(languages())})", raw))
        return None
    title = obj.get("title") if isinstance(obj.get("title"), str) else None
    aid = str(obj["id"]) if obj.get("id") not in (None, "") else content_hash(obj["text"], title)[:16]
    return Article(aid, obj["text"], day, title=title, url=obj.get("url"), source=obj.get("source"),
                   path=str(p), line=n, lang=lang)


@cache
def languages() -> tuple[str, ...]:
    """The languages that have an extraction lexicon (``data/reference/lexicon/<lang>/``)."""
    from intensity.resources import reference_dir

    return tuple(sorted(d.name for d in (reference_dir() / "lexicon").iterdir() if (d / "triggers.csv").exists()))


def _article_day(obj, p: Path, n: int, published: date | None) -> date:
    """The publication day of one article record, or InputDataError."""
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise InputDataError(f"{p}:{n}: an article needs a string 'text' field")
    pub = obj.get("published") or obj.get("date")
    day = _parse_day(pub, f"{p}:{n}") if pub else published
    if day is None:
        raise InputDataError(f"{p}:{n}: no 'published' date", hint="pass --published YYYY-MM-DD")
    return day


_SKIP = {"script", "style", "nav", "header", "footer", "aside", "form", "noscript", "svg", "iframe", "button",
         "select", "template", "figure"}
_BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "main", "tr",
          "blockquote", "pre", "ul", "ol", "table", "dd", "dt", "hr"}
_BOILER = re.compile(r"cookie|subscribe|sign up|newsletter|share this|share on|follow us|all rights reserved|©|"
                     r"advertisement|read more|related articles|log in|privacy policy|terms of use", re.IGNORECASE)


class _Stripper(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.parts: list[str] = []
        self.article_parts: list[str] | None = None
        self.article_depth = 0
        self.title: str | None = None
        self.h1: str | None = None
        self._in_title = False
        self._in_h1 = False
        self.published: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and (a.get("property") in ("article:published_time", "og:published_time")
                              or a.get("name") in ("date", "pubdate", "publish-date", "article:published_time")):
            self.published = self.published or a.get("content")
        if tag == "time" and a.get("datetime"):
            self.published = self.published or a.get("datetime")
        if tag in _SKIP:
            self.skip += 1
            return
        if tag == "title":
            self._in_title = True
        if tag == "h1":
            self._in_h1 = True
        if tag in ("article", "main"):
            self.article_depth += 1
            if self.article_parts is None:
                self.article_parts = []
        if tag in _BLOCK:
            self._emit("\n\n" if tag not in ("br", "li") else "\n")

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if tag == "title":
            self._in_title = False
        if tag == "h1":
            self._in_h1 = False
        if tag in ("article", "main"):
            self.article_depth = max(0, self.article_depth - 1)
        if tag in _BLOCK:
            self._emit("\n\n")

    def handle_data(self, data):
        if self._in_title:
            self.title = (self.title or "") + data
            return
        if self.skip:
            return
        if self._in_h1:
            self.h1 = (self.h1 or "") + data
        self._emit(data)

    def _emit(self, s):
        self.parts.append(s)
        if self.article_depth and self.article_parts is not None:
            self.article_parts.append(s)


def html_to_text(markup: str) -> tuple[str, str | None, str | None]:
    """(body text, title, published string) of an HTML document."""
    st = _Stripper()
    try:
        st.feed(markup)
        st.close()
    except Exception:  # html.parser is lenient; anything else degrades to a tag strip
        return re.sub(r"<[^>]*>", " ", html.unescape(markup)), None, None
    parts = st.article_parts if st.article_parts else st.parts
    raw = "".join(parts)
    paras = []
    for block in re.split(r"\n\s*\n", raw):
        b = re.sub(r"[ \t\r\f\v]+", " ", block).strip()
        b = re.sub(r"\s*\n\s*", "\n", b)
        if not b:
            continue
        if len(b) < 160 and _BOILER.search(b):
            continue
        paras.append(b)
    title = (st.h1 or st.title or "").strip() or None
    body = "\n\n".join(paras)
    if title and body.startswith(title):
        body = body[len(title):].lstrip()
    return body, title, st.published


def _html(text: str, p: Path, published: date | None) -> Article:
    body, title, pub = html_to_text(text)
    day = None
    if pub:
        try:
            day = date.fromisoformat(pub.strip()[:10])
        except ValueError:
            day = None
    day = day or published
    if day is None:
        raise InputDataError(f"{p}: no publication date in the page", hint="pass --published YYYY-MM-DD")
    return Article(content_hash(body, title)[:16], body, day, title=title, path=str(p))


def check_published(value: str | None) -> date | None:
    """Parse a ``--published`` option value."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"--published must be YYYY-MM-DD, not {value!r}") from None
