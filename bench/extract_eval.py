"""Score the text extractor on real event descriptions it was not written from.

ACLED ``notes`` (one per event, coded by ACLED's staff) are treated as articles
published on the event's ``event_date``; the best-matching extracted event (same
admin1, else same country, else the first) is compared with ACLED's coding.
Development used ONE file (``DEV`` below); the others are reported as held out
and no rule was tuned on them. The Bellingcat/CIR 2022 events (title + brief
description + province) give admin1 accuracy, also held out. The Russian MoD's
Telegram posts score the Russian lexicon's regions against the file's noisy
``oblasts`` keys (agreement, not accuracy; 2023 developed on, later posts held out).

Conventions (documented in docs/extraction.md):
- ACLED codes "not reported" as 0, so an extracted NULL counts as 0 for fatalities.
- ACLED 2016 (Africa) has the old typology without sub-event types: event_type is
  mapped (Battle-* -> battles, Remote violence -> explosions_remote_violence,
  Riots/Protests -> protests or riots, both accepted, ...); sub-types are scored
  only for the three old types that name one.
- ACLED admin1 truth is the ISO 3166-2 code ``intensity ingest`` stores for that
  row (the importer also resolves old names through admin2, "Darfur" + "Nyala" ->
  South Darfur, and reads the country names ACLED spells its own way); the count of
  rows whose admin1 *name* alone does not resolve is reported beside it. CIR's
  province is resolved by name. Rows without a truth code are left out of admin1
  scoring (counted).

Run:  .venv/bin/python bench/extract_eval.py  (writes bench/out/extract_eval.json and .md)
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
OUT = REPO / "bench" / "out"

DEV = "acled_ukraine_peacerep_sample/ACLED-Ukraine.csv"
HELD_OUT = [
    "acled_ukraine_pynetworkfriction/ACLED.csv",
    "acled_afghanistan_2020/ACLED.csv",
    "acled_africa_2016/acled.csv",
]
BELLINGCAT = "bellingcat_cir_events_2022/events.csv"
UCDP = "ucdp_ged_ukraine/UCDP-Ukraine.csv"  # (headlines; a second development set, places only)
# Russian MoD Telegram posts, read with the Russian lexicon: 2023 developed on, 2024 on held out
TELEGRAM = "telegram_mod_russia/mod_russia_clean.csv"

OLD_TYPES = {
    "battle-no change of territory": ("battles", "armed_clash"),
    "battle-government regains territory": ("battles", "government_regains_territory"),
    "battle-non-state actor overtakes territory": ("battles", "non_state_actor_overtakes_territory"),
    "remote violence": ("explosions_remote_violence", None),
    "violence against civilians": ("violence_against_civilians", None),
    "riots/protests": ("protests|riots", None),
    "strategic development": ("strategic_developments", None),
    "headquarters or base established": ("strategic_developments", "headquarters_or_base_established"),
    "non-violent transfer of territory": ("strategic_developments", "non_violent_transfer_of_territory"),
    "non-violent activity by a conflict actor": ("strategic_developments", None),
}


def snake(label: str | None) -> str | None:
    if not label:
        return None
    from intensity import taxonomy

    low = label.strip().lower()
    for r in taxonomy.rows():
        if r["sub_event_type_label"].lower() == low:
            return r["sub_event_type"]
        if r["event_type_label"].lower() == low:
            return r["event_type"]
    return low.replace("/", "_").replace(" ", "_").replace("-", "_")


def parse_acled_date(s: str) -> date | None:
    s = (s or "").strip()
    for fmt in ("%d %B %Y", "%Y-%m-%d", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y"):
        try:
            return datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    return None


class Admin1Resolver:
    """ACLED/CIR admin1 names -> ISO 3166-2 with the store's region aliases (plus the extractor's)."""

    def __init__(self):
        from intensity.extract import gazetteer as gaz

        self.idx = gaz.load_index()
        self.gaz = gaz

    def __call__(self, name: str | None, iso3: str | None) -> str | None:
        if not name:
            return None
        # "Kyiv Oblast" names the oblast (UA-32), not the city of Kyiv (UA-30) that shares its name
        region_word = self.gaz.admin_loose(name) != self.gaz.loose(name)
        for key in (self.gaz.admin_loose(name), self.gaz.loose(name)):
            codes = [c for c in self.idx.admin1_keys.get(key, ()) if not iso3 or self.idx.region_info.get(c, ("", ""))[1] == iso3]
            if len(codes) > 1 and region_word:
                codes = list(self.gaz.region_not_city(tuple(codes), self.idx))
            if len(codes) == 1:
                return codes[0]
        return None

    def cities_in(self) -> dict[str, set[str]]:
        """Region -> the city regions named like it in the same country (Kyiv Oblast -> the city of Kyiv)."""
        out: dict[str, set[str]] = defaultdict(set)
        for codes in self.idx.admin1_keys.values():
            cities = [c for c in codes if c in self.idx.city_regions]
            for c in codes:
                if c not in self.idx.city_regions:
                    for city in cities:
                        if self.idx.region_info.get(city, ("", ""))[1] == self.idx.region_info.get(c, ("", ""))[1]:
                            out[c].add(city)
        return out


def stored_places(rel: str) -> dict[str, tuple[str | None, str | None]]:
    """ACLED event id -> (country_iso3, admin1_code) as ``intensity ingest`` stores the file."""
    import intensity

    con = intensity.connect(":memory:")
    try:
        intensity.ingest_files(con, [SHARED / rel], format="acled", strict=True)
        rows = con.execute("SELECT event_id, country_iso3, admin1_code FROM events").fetchall()
    finally:
        con.close()
    return {eid.removeprefix("acled:"): (iso3, a1) for eid, iso3, a1 in rows}


def load_acled(rel: str) -> list[dict]:
    import pycountry

    df = pl.read_csv(SHARED / rel, infer_schema=False)
    stored = stored_places(rel)
    rows = []
    for r in df.iter_rows(named=True):
        d = parse_acled_date(r.get("event_date"))
        if d is None or not (r.get("notes") or "").strip():
            continue
        iso3 = r.get("iso3")
        if not iso3:
            c = pycountry.countries.get(name=r.get("country")) if r.get("country") else None
            if c is None and r.get("country"):
                try:
                    c = pycountry.countries.search_fuzzy(r["country"])[0]
                except LookupError:
                    c = None
            iso3 = c.alpha_3 if c else None
        et_raw = r.get("event_type")
        sub = snake(r.get("sub_event_type")) if r.get("sub_event_type") else None
        if et_raw and et_raw.strip().lower() in OLD_TYPES:
            et, sub_old = OLD_TYPES[et_raw.strip().lower()]
            sub = sub or sub_old
        else:
            et = snake(et_raw)
        fat = r.get("fatalities")
        eid = r.get("event_id_cnty") or r.get("data_id")
        iso3_stored, a1_stored = stored.get(eid, (None, None))
        rows.append({"id": eid, "text": r["notes"], "published": d,
                     "event_type": et, "sub_event_type": sub, "country_iso3": iso3_stored or iso3,
                     "admin1_name": r.get("admin1"), "admin1_code": a1_stored,
                     "fatalities": int(float(fat)) if fat not in (None, "") else None})
    return rows


def best_match(events, truth_admin1, truth_iso3):
    if not events:
        return None
    for e in events:
        if truth_admin1 and e.admin1_code == truth_admin1:
            return e
    for e in events:
        if truth_iso3 and e.country_iso3 == truth_iso3:
            return e
    return events[0]


def macro_f1(pairs: list[tuple[str, str]]) -> float:
    labels = sorted({t for t, _ in pairs})
    f1s = []
    for lab in labels:
        tp = sum(1 for t, p in pairs if t == lab and p == lab)
        fp = sum(1 for t, p in pairs if t != lab and p == lab)
        fn = sum(1 for t, p in pairs if t == lab and p != lab)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return sum(f1s) / len(f1s) if f1s else float("nan")


def score_acled(rel: str, resolve: Admin1Resolver) -> dict:
    from intensity.extract import extract_events, get_extractor

    rows = load_acled(rel)
    n = len(rows)
    et_ok = sub_n = sub_ok = a1_n = a1_ok = date_ok = fat_ok = none = none_unplaced = 0
    a1_unresolved = 0
    a1_miss: Counter = Counter()
    pairs: list[tuple[str, str]] = []
    confusion: dict[str, Counter] = defaultdict(Counter)
    type_confusion: dict[str, Counter] = defaultdict(Counter)
    t0 = time.perf_counter()
    n_events = 0
    for r in rows:
        evs = extract_events(r["text"], published=r["published"], article_id=str(r["id"]))
        n_events += len(evs)
        ta1 = r["admin1_code"]
        if r["admin1_name"] and resolve(r["admin1_name"], r["country_iso3"]) is None:
            a1_unresolved += 1  # (by name alone; the importer's code is the truth)
        e = best_match(evs, ta1, r["country_iso3"])
        if e is None:
            none += 1
            # (an event needs a place: how many of these name none the gazetteer knows)
            none_unplaced += get_extractor().locate(r["text"], published=r["published"]) is None
        pe = e.event_type if e else "(none)"
        ps = e.sub_event_type if e else "(none)"
        if r["event_type"] and pe in r["event_type"].split("|"):
            et_ok += 1
        type_confusion[r["event_type"] or "(none)"][pe] += 1
        if r["sub_event_type"]:
            sub_n += 1
            sub_ok += ps == r["sub_event_type"]
            pairs.append((r["sub_event_type"], ps))
            confusion[r["sub_event_type"]][ps] += 1
        if ta1:
            a1_n += 1
            a1_ok += bool(e and e.admin1_code == ta1)
            if not (e and e.admin1_code == ta1):  # (what kind of miss: where to look)
                a1_miss[("no event" if e is None else "other country" if e.country_iso3 != r["country_iso3"]
                         else "country only" if e.admin1_code is None else "other region")] += 1
        date_ok += bool(e and e.event_date == r["published"] and e.date_precision == 1)
        pf = (e.fatalities or 0) if e else 0
        fat_ok += pf == (r["fatalities"] or 0)
    secs = time.perf_counter() - t0
    return {
        "file": rel, "notes": n, "events_per_note": round(n_events / n, 3) if n else None,
        "no_event": none, "no_event_no_place": none_unplaced,
        "event_type_acc": round(et_ok / n, 4) if n else None,
        "sub_event_type_n": sub_n,
        "sub_event_type_acc": round(sub_ok / sub_n, 4) if sub_n else None,
        "sub_event_type_macro_f1": round(macro_f1(pairs), 4) if pairs else None,
        "admin1_n": a1_n, "admin1_name_unresolved": a1_unresolved,
        "admin1_acc": round(a1_ok / a1_n, 4) if a1_n else None,
        "admin1_misses": dict(a1_miss.most_common()),
        "date_exact": round(date_ok / n, 4) if n else None,
        "fatalities_exact": round(fat_ok / n, 4) if n else None,
        "seconds": round(secs, 3),
        "confusion": {t: dict(c.most_common()) for t, c in sorted(confusion.items())},
        "type_confusion": {t: dict(c.most_common()) for t, c in sorted(type_confusion.items())},
    }


def score_bellingcat(resolve: Admin1Resolver) -> dict:
    from intensity.extract import extract_events, get_extractor

    df = pl.read_csv(SHARED / BELLINGCAT, infer_schema=False)
    iso = {"ukraine": "UKR", "russia": "RUS", "belarus": "BLR", "moldova": "MDA"}
    n = ok = ok_city = unresolved = no_event = loc_ok = 0
    cities_in = resolve.cities_in()
    ex = get_extractor()
    for r in df.iter_rows(named=True):
        d = parse_acled_date(r.get("date"))
        prov = r.get("province")
        iso3 = iso.get((r.get("country") or "").strip().lower())
        if d is None or not prov or not iso3:
            continue
        truth = resolve(prov, iso3)
        if truth is None:
            unresolved += 1
            continue
        title = (r.get("title") or "").strip()
        desc = (r.get("brief description") or "").strip()
        # The title repeats the description after a DD/MM/YYYY prefix: use the description, title as fallback.
        text = desc if desc else title
        evs = extract_events(text, published=d, title=title)
        n += 1
        e = best_match(evs, truth, iso3)
        if e is None:
            no_event += 1
        ok += bool(e and e.admin1_code == truth)
        # CIR's provinces are geographic: events in the city of Kyiv are listed under "Kyiv Oblast"
        ok_city += bool(e and (e.admin1_code == truth or e.admin1_code in cities_in.get(truth, ())))
        # the place rules alone, event word or not (most descriptions name no event: "Footage of ...")
        loc = ex.locate(text, published=d, title=None)
        loc_ok += bool(loc and loc["admin1_code"] == truth)
    with_event = n - no_event
    return {"file": BELLINGCAT, "rows_scored": n, "province_unresolved": unresolved, "no_event": no_event,
            "admin1_acc": round(ok / n, 4) if n else None,
            "admin1_acc_when_event": round(ok / with_event, 4) if with_event else None,
            "admin1_acc_city_in_region": round(ok_city / n, 4) if n else None,
            "admin1_acc_city_in_region_when_event": round(ok_city / with_event, 4) if with_event else None,
            "admin1_acc_place_rules_alone": round(loc_ok / n, 4) if n else None}


def score_ucdp() -> dict:
    """UCDP GED Ukraine: the headlines of each event's sources as one text, against the region
    ``intensity ingest`` stores for the row (as for ACLED).

    A development set (rows were read while writing the place rules of session 19). Headlines
    often name no place below the country ("Ukraine fighting kills 9"), so the useful figure is
    how often an event is put somewhere *wrong* (another region or country), beside accuracy.
    """
    import intensity
    from intensity.extract import extract_events

    con = intensity.connect(":memory:")
    try:
        intensity.ingest_files(con, [SHARED / UCDP], format="ucdp", strict=True)
        rows = con.execute("SELECT event_date, country_iso3, admin1_code, notes FROM events").fetchall()
    finally:
        con.close()
    n = ok = left_out = 0
    kinds: Counter = Counter()
    for d, iso3, truth, notes in rows:
        heads = [h.strip().rstrip(".") for h in (notes or "").split(";") if h.strip()]
        if truth is None or not heads:
            left_out += 1
            continue
        n += 1
        e = best_match(extract_events(". ".join(heads) + ".", published=d), truth, iso3)
        if e is not None and e.admin1_code == truth:
            ok += 1
        else:
            kinds["no event" if e is None else "other country" if e.country_iso3 != iso3
                  else "country only" if e.admin1_code is None else "other region"] += 1
    wrong = kinds["other region"] + kinds["other country"]
    return {"file": UCDP, "role": "dev", "rows_scored": n, "rows_left_out": left_out,
            "admin1_acc": round(ok / n, 4) if n else None,
            "misplaced_share_of_events": round(wrong / (n - kinds["no event"]), 4) if n > kinds["no event"] else None,
            "misses": dict(kinds.most_common())}


def score_telegram() -> list[dict]:
    """The Russian lexicon on the Russian MoD's Telegram posts: regions against the file's ``oblasts``.

    There is no coded truth: ``oblasts`` is the region keys its author's keyword code found in the
    post (SOURCE.md: noisy), so the figures are agreement, not accuracy. Per post with a key: does an
    event fall in one of its regions; per event of such a post: is its region one of them.
    Posts of 2023 were read while writing the lexicon; the later ones were not.
    """
    import csv

    from intensity.extract import extract_events, get_extractor
    from intensity.extract import gazetteer as gaz

    keys = get_extractor("ru").idx.admin1_keys
    with open(SHARED / TELEGRAM, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for role, keep in (("dev", lambda y: y == "2023"), ("held-out", lambda y: y > "2023")):
        posts = [r for r in rows if keep(r["date"][:4])]
        subs: Counter = Counter()
        misses: Counter = Counter()
        n_ev = with_ev = labelled = agree = ev_lab = ev_in = 0
        t0 = time.perf_counter()
        for r in posts:
            evs = extract_events(r["text_snippet"] or "", published=r["date"], lang="ru")
            n_ev += len(evs)
            with_ev += bool(evs)
            subs.update(e.sub_event_type for e in evs)
            truth = {next((c for c in keys.get(gaz.loose(k), ()) if c[:2] in ("RU", "UA")), "?" + k)
                     for k in r["oblasts"].split("|") if k and k != "unknown"}
            if not truth:
                continue
            labelled += 1
            got = {e.admin1_code for e in evs}
            agree += bool(got & truth)
            ev_lab += len(evs)
            ev_in += sum(e.admin1_code in truth for e in evs)
            if not got & truth:
                misses["no event" if not evs else "country only" if got == {None} else "other region"] += 1
        secs = time.perf_counter() - t0
        out.append({"file": TELEGRAM, "role": role, "posts": len(posts), "posts_with_event": with_ev,
                    "events": n_ev, "sub_event_types": dict(subs.most_common()), "posts_with_oblasts": labelled,
                    "post_region_agreement": round(agree / labelled, 4) if labelled else None,
                    "event_region_agreement": round(ev_in / ev_lab, 4) if ev_lab else None,
                    "disagreements": dict(misses.most_common()),
                    "posts_per_s": round(len(posts) / secs, 1) if secs else None})
    return out


def throughput(rows: list[dict], repeat: int = 3) -> dict:
    from intensity.extract import extract_events

    best = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        for r in rows:
            extract_events(r["text"], published=r["published"])
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    chars = sum(len(r["text"]) for r in rows)
    return {"articles": len(rows), "seconds_best_of_3": round(best, 3),
            "articles_per_s": round(len(rows) / best, 1), "chars_per_article": round(chars / len(rows), 1)}


def seed_throughput(repeat: int = 200) -> dict:
    from intensity.extract import extract_events, read_articles

    seed = REPO.parent / "shared" / "seed" / "belgorod-2024-03-24.txt"
    if not seed.exists():
        return {}
    a = read_articles(seed)[0]
    t0 = time.perf_counter()
    for _ in range(repeat):
        extract_events(a.text, published=a.published)
    dt = time.perf_counter() - t0
    return {"article_chars": len(a.text), "articles_per_s": round(repeat / dt, 1)}


def markdown(res: dict) -> str:
    lines = [("| file | role | notes | event_type acc | sub_event_type acc | sub macro-F1 | admin1 acc | date exact | "
              "fatalities exact | no event (no place named) |"),
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in res["acled"]:
        lines.append(f"| {r['file'].split('/')[0]} | {r['role']} | {r['notes']} | {r['event_type_acc']} | "
                     f"{r['sub_event_type_acc']} | {r['sub_event_type_macro_f1']} | {r['admin1_acc']} | "
                     f"{r['date_exact']} | {r['fatalities_exact']} | {r['no_event']} ({r['no_event_no_place']}) |")
    b = res.get("bellingcat")
    if b:
        lines += ["", f"Bellingcat/CIR 2022 (held out): admin1 accuracy {b['admin1_acc']} over {b['rows_scored']} rows "
                      f"({b['province_unresolved']} rows with an unresolvable province left out, {b['no_event']} gave no event); "
                      f"{b['admin1_acc_when_event']} over the {b['rows_scored'] - b['no_event']} rows that gave an event. "
                      f"Counting the city of Kyiv (UA-30) as inside CIR's \"Kyiv Oblast\" (UA-32): "
                      f"{b['admin1_acc_city_in_region']} over all rows, {b['admin1_acc_city_in_region_when_event']} "
                      f"over the rows with an event. The place rules alone (`Extractor.locate`, event word or not) "
                      f"on every row: {b['admin1_acc_place_rules_alone']}."]
    u = res.get("ucdp")
    if u:
        lines += ["", f"UCDP GED Ukraine source headlines (development, places only): admin1 accuracy {u['admin1_acc']} "
                      f"over {u['rows_scored']} rows; of the events found, {u['misplaced_share_of_events']} put in another "
                      "region or country; misses: " + ", ".join(f"{k} {v}" for k, v in u["misses"].items()) + "."]
    for r in res.get("telegram", []):
        lines += ["", f"Russian lexicon, MoD Telegram posts ({r['role']}, {r['posts']} posts; agreement with the "
                      f"file's noisy `oblasts` keys, not accuracy): {r['posts_with_event']} posts gave "
                      f"{r['events']} events ({', '.join(f'{k} {v}' for k, v in r['sub_event_types'].items())}); "
                      f"of the {r['posts_with_oblasts']} posts with keys, {r['post_region_agreement']} have an event in "
                      f"one of their regions; {r['event_region_agreement']} of their events are; disagreements: "
                      + (", ".join(f"{k} {v}" for k, v in r["disagreements"].items()) or "none")
                      + f". {r['posts_per_s']} posts/s."]
    t = res["throughput"]
    lines += ["", f"Throughput (one core, warm, best of 3 over {t['articles']} dev notes of {t['chars_per_article']} chars): "
                  f"**{t['articles_per_s']} articles/s**; seed-sized article ({res['seed_throughput'].get('article_chars')} chars): "
                  f"{res['seed_throughput'].get('articles_per_s')} articles/s. Cold start (gazetteer from cache): "
                  f"{res['startup_seconds']} s. Peak RSS {res['peak_rss_mb']} MB."]
    lines += ["", ("Event types, truth -> predicted counts (every file; Africa 2016's Riots/Protests is "
                   "`protests|riots`, either accepted):"), ""]
    for r in res["acled"]:
        lines.append(f"- {r['file'].split('/')[0]} ({r['role']}): " + "; ".join(
            f"{t}: " + ", ".join(f"{p} {n}" for p, n in c.items()) for t, c in r["type_confusion"].items()))
    lines += ["", "Admin1 misses by kind (no event; another country; the right country but no region; another region):", ""]
    for r in res["acled"]:
        lines.append(f"- {r['file'].split('/')[0]} ({r['role']}): "
                     + (", ".join(f"{k} {v}" for k, v in r["admin1_misses"].items()) or "none"))
    lines += ["", "Confusion (dev file, truth -> predicted counts):", ""]
    for r in res["acled"]:
        if r["role"] == "dev":
            for t_, c in r["confusion"].items():
                lines.append(f"- {t_}: " + ", ".join(f"{k} {v}" for k, v in c.items()))
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Score the text extractor")
    ap.add_argument("--dev-only", action="store_true", help="score the development file only")
    args = ap.parse_args(argv)
    if not (SHARED / DEV).exists():
        print(f"shared samples not found under {SHARED}", file=sys.stderr)
        return 1
    t0 = time.perf_counter()
    from intensity.extract import extract_events, get_extractor

    get_extractor()
    extract_events("warm-up", published=date(2024, 1, 1))
    startup = round(time.perf_counter() - t0, 2)
    resolve = Admin1Resolver()
    res = {"acled": [], "startup_seconds": startup}
    for rel, role in [(DEV, "dev")] + ([] if args.dev_only else [(h, "held-out") for h in HELD_OUT]):
        if not (SHARED / rel).exists():
            continue
        r = score_acled(rel, resolve)
        r["role"] = role
        res["acled"].append(r)
        print(json.dumps({k: v for k, v in r.items() if k not in ("confusion", "type_confusion")}))
    if (SHARED / UCDP).exists():
        res["ucdp"] = score_ucdp()
        print(json.dumps(res["ucdp"]))
    if not args.dev_only and (SHARED / BELLINGCAT).exists():
        res["bellingcat"] = score_bellingcat(resolve)
        print(json.dumps(res["bellingcat"]))
    if (SHARED / TELEGRAM).exists():
        res["telegram"] = [r for r in score_telegram() if not args.dev_only or r["role"] == "dev"]
        for r in res["telegram"]:
            print(json.dumps(r))
    res["throughput"] = throughput(load_acled(DEV))
    res["seed_throughput"] = seed_throughput()
    res["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(res["throughput"]), json.dumps(res["seed_throughput"]), "peak MB", res["peak_rss_mb"])
    if not args.dev_only:
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / "extract_eval.json").write_text(json.dumps(res, indent=2, default=str) + "\n")
        (OUT / "extract_eval.md").write_text(markdown(res))
        print(f"wrote {OUT / 'extract_eval.json'} and {OUT / 'extract_eval.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
