"""Text extraction throughput: articles/s on one core, on articles generated from templates.

    .venv/bin/python bench/bench_extract.py                 # 400 articles + 2,000 notes, best of 3
    .venv/bin/python bench/bench_extract.py --articles 50 --notes 100 --repeat 1 --no-baseline   # smoke
    .venv/bin/python bench/bench_extract.py --record-outputs /tmp/before    # outputs, for a speed change:
    .venv/bin/python bench/bench_extract.py --compare-outputs /tmp/before /tmp/after   # ... same event by event

The generator writes seeded news-style articles (headline, a lead paragraph with one
or two events, follow-up sentences with casualties, quotes, background and
commentary paragraphs; ~2.8k characters, the seed article's length) and one-sentence
notes (~130 characters, like ACLED notes) from templates and word lists. Everything is
timed in this one run, pinned to one core, warm (gazetteer and lexicon loaded), the
three contenders back to back in every repetition (best of ``--repeat``), so that a
busy machine slows them alike:

- ``current``: ``intensity.extract`` as installed;
- ``ungated``: the same extractor with the first-word gates switched off
  (``intensity.extract.scan.set_gating(False)``: every lexicon regex scans every
  sentence, as the first implementation did; the other speed-ups stay); outputs
  must be identical, and are checked here;
- ``baseline``: the first implementation (``git archive`` of ``--baseline-ref``, in a
  worker process on the same core, the same documents and the same reference data),
  when the repository history is available; the share of documents with identical
  output is reported.

Articles/s are wall-clock; the CPU-time figures beside them (``time.process_time``)
are less sensitive to other processes on the machine.

Writes ``bench/out/bench_extract.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out"
BASELINE_REF = "3dfb8f44da6b37443a52aae611b59eb0736be703"  # the first extractor (before the speed work)

# ----------------------------------------------------------------------------- generator

PLACES = {  # (settlement, region phrase, country word)
    "UKR": [("Kharkiv", "Kharkiv region", "Ukraine"), ("Kherson", "Kherson oblast", "Ukraine"),
            ("Nikopol", "Dnipropetrovsk region", "Ukraine"), ("Avdiivka", "Donetsk region", "Ukraine"),
            ("Kupiansk", "Kharkiv oblast", "Ukraine"), ("Zaporizhzhia", "Zaporizhzhia region", "Ukraine"),
            ("Odesa", "Odesa region", "Ukraine"), ("Sumy", "Sumy region", "Ukraine"),
            ("Pokrovsk", "Donetsk oblast", "Ukraine"), ("Chernihiv", "Chernihiv region", "Ukraine")],
    "RUS": [("Belgorod", "Belgorod region", "Russia"), ("Shebekino", "Belgorod region", "Russia"),
            ("Kursk", "Kursk region", "Russia"), ("Bryansk", "Bryansk region", "Russia"),
            ("Syzran", "Samara region", "Russia"), ("Novoshakhtinsk", "Rostov region", "Russia")],
    "AFG": [("Kandahar", "Kandahar province", "Afghanistan"), ("Lashkar Gah", "Helmand province", "Afghanistan"),
            ("Ghazni", "Ghazni province", "Afghanistan"), ("Kunduz", "Kunduz province", "Afghanistan"),
            ("Jalalabad", "Nangarhar province", "Afghanistan"), ("Pul-e-Khumri", "Baghlan province", "Afghanistan")],
    "NGA": [("Maiduguri", "Borno state", "Nigeria"), ("Kaduna", "Kaduna state", "Nigeria")],
    "SOM": [("Mogadishu", "Banadir region", "Somalia"), ("Kismayo", "Lower Juba region", "Somalia")],
}
ACTORS = {"UKR": ("Russian forces", "Ukrainian forces"), "RUS": ("Ukrainian forces", "Russian forces"),
          "AFG": ("Taliban militants", "Afghan security forces"), "NGA": ("Boko Haram fighters", "Nigerian troops"),
          "SOM": ("Al Shabaab militants", "Somali forces")}
WHEN = ["on Saturday", "yesterday", "overnight", "last night", "on Friday", "early on Thursday", "on {day} {month}",
        "earlier this week", "in recent days", "this morning"]
NUM = ["two", "three", "five", "a dozen", "at least 4", "more than 10", "dozens of", "one", "12", "7", "several"]
EVENTS = [
    "{actor} shelled {place} {when}, killing {n} civilians and injuring {m} others, {reporter} said.",
    "A drone struck an oil refinery in {place}, {region}, {when}, causing a fire but no casualties.",
    "{when_cap}, {n} missiles and {m} Shahed drones were launched at {place}; air defences shot down most of them.",
    "{actor} clashed with {actor2} near {place} in the {region} {when}, leaving {n} fighters dead.",
    "A roadside bomb exploded near a police checkpoint in {place}, {region}, {when}, wounding {m} officers.",
    "{when_cap}, hundreds of residents protested in {place} against power cuts; police dispersed the crowd with tear gas.",
    "Authorities evacuated {n} families from villages in the {region} {when} as the shelling intensified.",
    "{actor} used Grad rockets and artillery to strike residential areas of {place} {when}.",
    "Police arrested {n} suspects in {place} {when} over the attack on a market.",
    "Gunmen abducted {n} aid workers on the road to {place}, {region}, {when}.",
    "Air defences intercepted {n} drones over the {region} {when}; no one was hurt, {reporter} reported.",
    "A suicide bomber blew himself up at the entrance of a government building in {place} {when}, killing {n} people.",
]
FOLLOW = [
    "The attack damaged {m} houses, a school and several cars.",
    "Emergency services said {m} people were taken to hospital.",
    "The death toll rose to {n} by the evening, according to local officials.",
    "Rescuers were still searching the rubble on {weekday}.",
    "It was the {ordinal} such incident in the area this month.",
    "Residents described hearing {m} loud explosions before the power went out.",
]
QUOTES = [
    "\"We heard the whistle and then everything shook,\" said one resident, who asked not to be named.",
    "\"The situation remains difficult but under control,\" the regional governor wrote on Telegram.",
    "A spokesman for the ministry said an investigation had been opened.",
    "Officials did not say which units were involved.",
]
BACKGROUND = [
    "The region has seen a marked rise in violence since the start of the year, with civilians bearing the brunt.",
    "Analysts say the pattern of attacks could point to a wider campaign aimed at infrastructure.",
    "The international community has repeatedly called for restraint and for the protection of civilians.",
    "Such strikes highlight the vulnerability of energy facilities far from the front line.",
    "Humanitarian groups warn that the winter months could make the situation considerably worse.",
    "The conflict has displaced millions of people and destroyed large parts of the local economy.",
    "Observers expect negotiations to resume, although neither side has signalled a willingness to compromise.",
    "Previous rounds of talks collapsed over disagreements about prisoner exchanges and humanitarian corridors.",
    "Local media reported long queues at petrol stations and shortages of medicine in {place}.",
    "The government has promised to rebuild damaged schools and hospitals once the fighting subsides.",
    "{place}, home to about {pop} people before the war, lies {km} kilometres from the nearest front line.",
    "In {month}, the authorities in the {region} introduced a curfew from 11 pm to 5 am.",
    "Schools in {place} switched to online classes in {month} and have not reopened since.",
    "Aid convoys reached {place} twice last month, carrying food, water and generators.",
    "The mayor of {place} said electricity had been restored to most districts by the evening.",
    "Trade through the {region} has fallen by a third, according to figures published by the chamber of commerce.",
    "Farmers near {place} say they cannot harvest their fields because of unexploded ordnance.",
    "The road between {place} and the regional capital was reopened after repairs on {weekday}.",
    "A {ordinal} round of talks is scheduled for {month}, diplomats in Geneva said.",
    "{place} has a long history as a trading town on the river and a railway junction.",
    "Many families who fled in {month} have started to return, despite the risks.",
    "The United Nations estimates that {pop} people in the {region} need humanitarian assistance.",
    "Journalists are rarely allowed to visit the area, and reports are difficult to verify independently.",
    "Prices for bread and fuel in {place} have doubled since {month}, residents told reporters.",
    "The hospital in {place} is running on generators and treating patients in its basement.",
    "Volunteers in {place} have set up kitchens serving hot meals to about {km}0 people a day.",
]
HEADINGS = ["Aftermath", "Background", "Reactions", "What happens next"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
REPORTERS = ["the regional governor", "local officials", "the defence ministry", "police"]
ORDINALS = ["second", "third", "fourth", "fifth"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _fill(rng: random.Random, tpl: str, iso3: str, published: date) -> str:
    place, region, _ = rng.choice(PLACES[iso3])
    a1, a2 = ACTORS[iso3]
    day = published - timedelta(days=rng.randint(0, 6))
    when = rng.choice(WHEN).format(day=day.day, month=MONTHS[day.month - 1])
    return tpl.format(actor=a1, actor2=a2, place=place, region=region, when=when, when_cap=when[0].upper() + when[1:],
                      n=rng.choice(NUM), m=rng.choice(NUM), reporter=rng.choice(REPORTERS),
                      weekday=rng.choice(WEEKDAYS), ordinal=rng.choice(ORDINALS),
                      month=rng.choice(MONTHS), pop=f"{rng.randint(5, 900) * 1000:,}", km=rng.randint(5, 80))


def generate_articles(n: int = 400, *, seed: int = 7, target_chars: int = 2800) -> list[dict]:
    """``n`` seeded news-style articles of about ``target_chars`` characters (see the module docstring)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        iso3 = rng.choice(list(PLACES))
        published = date(2024, 1, 1) + timedelta(days=rng.randint(0, 365))
        lead = [_fill(rng, rng.choice(EVENTS), iso3, published) for _ in range(rng.choice((1, 1, 2)))]
        lead += [_fill(rng, rng.choice(FOLLOW), iso3, published) for _ in range(rng.randint(1, 3))]
        paras = [" ".join(lead), " ".join([rng.choice(QUOTES), _fill(rng, rng.choice(FOLLOW), iso3, published)])]
        if rng.random() < 0.5:
            paras.append(" ".join([_fill(rng, rng.choice(EVENTS), iso3, published), rng.choice(QUOTES)]))
        while sum(map(len, paras)) < target_chars - 150:
            if rng.random() < 0.25:
                paras.append(rng.choice(HEADINGS))
            paras.append(" ".join(_fill(rng, t, iso3, published) for t in rng.sample(BACKGROUND, rng.randint(2, 3))))
        title = _fill(rng, rng.choice(EVENTS), iso3, published).split(",")[0]
        out.append({"id": f"gen-{seed}-{i}", "published": published, "title": title, "text": "\n\n".join(paras)})
    return out


def generate_notes(n: int = 2000, *, seed: int = 11) -> list[dict]:
    """``n`` one-sentence event notes (~130 characters), like ACLED's ``notes``."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        iso3 = rng.choice(list(PLACES))
        published = date(2024, 1, 1) + timedelta(days=rng.randint(0, 365))
        out.append({"id": f"note-{seed}-{i}", "published": published, "title": None,
                    "text": _fill(rng, rng.choice(EVENTS), iso3, published)})
    return out


# ----------------------------------------------------------------------------- timing

def _pin_one_core() -> int | None:
    try:
        cpu = sorted(os.sched_getaffinity(0))[-1]
        os.sched_setaffinity(0, {cpu})
        return cpu
    except (AttributeError, OSError):  # not Linux
        return None


def _once(docs: list[dict]) -> tuple[float, float, list]:
    """One pass over ``docs``: wall seconds, CPU seconds, the events."""
    from intensity.extract import extract_events

    t0, c0 = time.perf_counter(), time.process_time()
    res = [extract_events(d["text"], published=d["published"], title=d["title"], article_id=d["id"]) for d in docs]
    return time.perf_counter() - t0, time.process_time() - c0, res


_WORKER = r"""
import json, os, sys, time
from datetime import date
sys.path.insert(0, sys.argv[1])
try:
    os.sched_setaffinity(0, {int(sys.argv[2])})
except Exception:
    pass
from intensity.extract import extract_events, get_extractor
get_extractor()
sets = {}
for line in sys.stdin:
    cmd, _, arg = line.rstrip("\n").partition(" ")
    if cmd == "load":
        docs = [json.loads(l) for l in open(arg.split("=", 1)[1])]
        for d in docs:
            d["published"] = date.fromisoformat(d["published"])
        sets[arg.split("=", 1)[0]] = docs
        out = {}
    else:
        docs = sets[arg]
        t0, c0 = time.perf_counter(), time.process_time()
        res = [extract_events(d["text"], published=d["published"], title=d["title"], article_id=d["id"]) for d in docs]
        out = {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0}
        if cmd == "run-keep":
            out["events"] = [[e.to_json() for e in r] for r in res]
    print(json.dumps(out, default=str), flush=True)
"""


class _Baseline:
    """The first implementation (``git archive`` of a commit) in a worker process, fed the same documents."""

    def __init__(self, ref: str, cpu: int | None):
        self.tmp = Path(tempfile.mkdtemp(prefix="intensity-baseline-"))
        arch = subprocess.run(["git", "-C", str(REPO), "archive", ref, "src/intensity"], capture_output=True)
        if arch.returncode != 0:
            raise RuntimeError(f"git archive {ref} failed: {arch.stderr.decode()[:200]}")
        subprocess.run(["tar", "-x", "-C", str(self.tmp)], input=arch.stdout, check=True)
        # the same reference data as the current code, so only the code differs
        (self.tmp / "data").mkdir()
        (self.tmp / "data" / "reference").symlink_to(REPO / "data" / "reference")
        (self.tmp / "sql").symlink_to(REPO / "sql")
        self.proc = subprocess.Popen([sys.executable, "-c", _WORKER, str(self.tmp / "src"),
                                      str(cpu if cpu is not None else -1)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True,
                                     env={**os.environ, "PYTHONPATH": str(self.tmp / "src")})

    def ask(self, line: str) -> dict:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        out = self.proc.stdout.readline()
        if not out:
            raise RuntimeError("the baseline worker stopped")
        return json.loads(out)

    def load(self, name: str, docs: list[dict]) -> None:
        f = self.tmp / f"{name}.jsonl"
        with open(f, "w", encoding="utf-8") as fh:
            for d in docs:
                fh.write(json.dumps({**d, "published": d["published"].isoformat()}) + "\n")
        self.ask(f"load {name}={f}")

    def close(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)


def _same(a: list, b: list) -> float:
    """Share of documents whose events (JSON, evidence included) are identical."""
    return sum(1 for x, y in zip(a, b) if x == y) / len(a) if a else 1.0


def _json(events) -> list:
    return json.loads(json.dumps([[e.to_json() for e in r] for r in events], default=str))


def seed_article() -> list[dict]:
    """The project's example article (``../shared/seed``), when present, as one document."""
    from intensity.extract import read_articles

    seed = REPO.parent / "shared" / "seed" / "belgorod-2024-03-24.txt"
    if not seed.exists():
        return []
    a = read_articles(seed)[0]
    return [{"id": a.article_id, "published": a.published, "title": a.title, "text": a.text}]


def run(*, n_articles: int = 400, n_notes: int = 2000, repeat: int = 3, baseline: bool = True,
        baseline_ref: str = BASELINE_REF) -> dict:
    """Run the benchmark; returns the result dictionary (also used by the smoke test).

    Each repetition times, back to back on the same core, the current extractor, the
    same with its gates off, and the first implementation, so that a busy machine slows
    all three alike; the best repetition of each is reported.
    """
    cpu = _pin_one_core()
    t0 = time.perf_counter()
    from intensity.extract import extract_events, get_extractor
    from intensity.extract import scan as scanlib

    get_extractor()
    extract_events("warm-up", published=date(2024, 1, 1))
    startup = time.perf_counter() - t0
    sets = {"articles": generate_articles(n_articles), "notes": generate_notes(n_notes)}
    seed = seed_article()
    if seed:
        sets["seed article (x50)"] = [dict(seed[0], id=f"{seed[0]['id']}-{i}") for i in range(50)]
    res: dict = {"cpu": cpu, "repeat": repeat, "startup_s": round(startup, 3), "sets": {}}
    base = None
    if baseline:
        res["baseline_ref"] = baseline_ref
        if shutil.which("git") is None or not (REPO / ".git").exists():
            res["baseline_skipped"] = "no git history"
        else:
            try:
                base = _Baseline(baseline_ref, cpu)
                for name, docs in sets.items():
                    base.load(name, docs)
            except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
                res["baseline_skipped"] = str(exc)[:300]
                base = None
    try:
        for name, docs in sets.items():
            best = {"current": None, "ungated": None, "baseline": None}
            cpu_best = dict(best)
            outs = outs_ungated = base_events = None
            for rep in range(repeat):
                wall, cput, outs = _once(docs)
                scanlib.set_gating(False)
                try:
                    wall_u, cpu_u, outs_ungated = _once(docs)
                finally:
                    scanlib.set_gating(True)
                timings = [("current", wall, cput), ("ungated", wall_u, cpu_u)]
                if base is not None:
                    b = base.ask(("run-keep " if rep == repeat - 1 else "run ") + name)
                    timings.append(("baseline", b["wall"], b["cpu"]))
                    base_events = b.get("events", base_events)
                for k, w, c in timings:
                    best[k] = w if best[k] is None else min(best[k], w)
                    cpu_best[k] = c if cpu_best[k] is None else min(cpu_best[k], c)
            cur = _json(outs)
            r = {
                "docs": len(docs), "chars_per_doc": round(sum(len(d["text"]) for d in docs) / len(docs), 1),
                "events": sum(map(len, outs)),
                "current_articles_per_s": round(len(docs) / best["current"], 1),
                "current_cpu_articles_per_s": round(len(docs) / cpu_best["current"], 1),
                "ungated_articles_per_s": round(len(docs) / best["ungated"], 1),
                "gated_equals_ungated": _same(cur, _json(outs_ungated)),
            }
            if base is not None:
                r["baseline_articles_per_s"] = round(len(docs) / best["baseline"], 1)
                r["baseline_cpu_articles_per_s"] = round(len(docs) / cpu_best["baseline"], 1)
                r["speedup_vs_baseline"] = round(best["baseline"] / best["current"], 2)
                r["same_output_as_baseline"] = round(_same(cur, base_events), 4)
            res["sets"][name] = r
    finally:
        if base is not None:
            base.close()
    res["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return res


def _identity_sets() -> dict[str, list[dict]]:
    """Documents whose outputs a speed change must not move: the generated sets, the seed, and the
    shared real texts when present (ACLED notes as extract_eval.py reads them, Bellingcat
    descriptions, headlines, Russian Telegram posts)."""
    sys.path.insert(0, str(REPO / "bench"))
    import extract_eval as ev

    sets = {"articles": generate_articles(400), "notes": generate_notes(2000), "seed": seed_article()}
    for rel in [ev.DEV] + ev.HELD_OUT:
        if (ev.SHARED / rel).exists():
            sets["acled_" + rel.split("/")[0]] = [{"id": str(r["id"]), "text": r["text"], "published": r["published"],
                                                   "title": None} for r in ev.load_acled(rel)]
    if (ev.SHARED / ev.BELLINGCAT).exists():
        import polars as pl

        docs = []
        for i, r in enumerate(pl.read_csv(ev.SHARED / ev.BELLINGCAT, infer_schema=False).iter_rows(named=True)):
            d = ev.parse_acled_date(r.get("date"))
            if d is not None:
                title, desc = (r.get("title") or "").strip(), (r.get("brief description") or "").strip()
                docs.append({"id": str(i), "text": desc or title, "title": title, "published": d, "locate": True})
        sets["bellingcat"] = docs
    hl = ev.SHARED / "news_headlines_fwd" / "headlines.json"
    if hl.exists():
        from datetime import UTC, datetime

        rows = json.loads(hl.read_text())
        sets["headlines"] = [{"id": str(i), "text": h.get("title") or "", "title": None, "published": datetime.fromtimestamp(
            int(h["timestamp"]) / (1000 if int(h["timestamp"]) > 1e11 else 1), UTC).date()}
            for i, h in enumerate(rows)]
    tg = ev.SHARED / "telegram_mod_russia" / "mod_russia_clean.csv"
    if tg.exists():
        import polars as pl

        sets["telegram"] = [{"id": str(i), "text": r["text_snippet"] or "", "title": None,
                             "published": date.fromisoformat(r["date"]), "lang": "ru"}
                            for i, r in enumerate(pl.read_csv(tg, infer_schema=False).iter_rows(named=True))]
    return sets


def record_outputs(out_dir: Path) -> dict[str, int]:
    """Write every event (JSON, evidence included) of :func:`_identity_sets`, one line per document."""
    from intensity.extract import extract_events, get_extractor

    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, docs in _identity_sets().items():
        with open(out_dir / f"{name}.jsonl", "w", encoding="utf-8") as fh:
            for d in docs:
                evs = extract_events(d["text"], published=d["published"], title=d.get("title"), article_id=d["id"],
                                     lang=d.get("lang", "en"))
                rec = {"id": d["id"], "events": [e.to_json() for e in evs]}
                if d.get("locate"):
                    rec["locate"] = get_extractor().locate(d["text"], published=d["published"], title=None)
                fh.write(json.dumps(rec, default=str, sort_keys=True) + "\n")
        counts[name] = len(docs)
    return counts


def _unversioned(line: str) -> dict:
    # (a new extractor version alone is no difference in what was extracted)
    doc = json.loads(line)
    for e in doc.get("events", ()):
        e.pop("extractor_version", None)
    return doc


def compare_outputs(before: Path, after: Path) -> int:
    """Documents whose recorded outputs differ between two :func:`record_outputs` folders (printed per set),
    the extractor version aside."""
    bad = 0
    for f in sorted(before.glob("*.jsonl")):
        a = f.read_text(encoding="utf-8").splitlines()
        b = (after / f.name).read_text(encoding="utf-8").splitlines() if (after / f.name).exists() else []
        n = sum(1 for x, y in zip(a, b) if x != y and _unversioned(x) != _unversioned(y)) + abs(len(a) - len(b))
        print(f"{f.stem}: {len(a)} documents, {n} with different output")
        bad += n
    return bad


def markdown(res: dict) -> str:
    lines = ["| documents | n | chars each | articles/s (CPU-time basis) | gates off | first implementation "
             "(CPU-time basis) | speed-up | same output as first |",
             "|---|---|---|---|---|---|---|---|"]
    for name, r in res["sets"].items():
        lines.append(f"| {name} | {r['docs']} | {r['chars_per_doc']} | **{r['current_articles_per_s']}** "
                     f"({r['current_cpu_articles_per_s']}) | {r['ungated_articles_per_s']} | "
                     f"{r.get('baseline_articles_per_s', '-')} ({r.get('baseline_cpu_articles_per_s', '-')}) | "
                     f"{r.get('speedup_vs_baseline', '-')} | {r.get('same_output_as_baseline', '-')} |")
    lines += ["", f"One core (cpu {res['cpu']}), warm, best of {res['repeat']}; start-up (lexicon + gazetteer) "
                  f"{res['startup_s']} s; peak RSS {res['peak_rss_mb']} MB."]
    if res.get("baseline_skipped"):
        lines.append(f"First implementation not timed: {res['baseline_skipped']}.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Text extraction throughput (one core)")
    ap.add_argument("--articles", type=int, default=400)
    ap.add_argument("--notes", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-baseline", action="store_true", help="do not time the first implementation")
    ap.add_argument("--baseline-ref", default=BASELINE_REF)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--record-outputs", type=Path, metavar="DIR",
                    help="instead of timing, write every event of the generated and shared texts to DIR")
    ap.add_argument("--compare-outputs", type=Path, nargs=2, metavar=("BEFORE", "AFTER"),
                    help="instead of timing, compare two --record-outputs folders (exit 1 on any difference)")
    args = ap.parse_args(argv)
    if args.compare_outputs:
        return 1 if compare_outputs(*args.compare_outputs) else 0
    if args.record_outputs:
        print(json.dumps(record_outputs(args.record_outputs)))
        return 0
    res = run(n_articles=args.articles, n_notes=args.notes, repeat=args.repeat, baseline=not args.no_baseline,
              baseline_ref=args.baseline_ref)
    for name, r in res["sets"].items():
        if r["gated_equals_ungated"] != 1.0:
            print(f"ERROR: gated and ungated outputs differ on {name}", file=sys.stderr)
            return 1
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench_extract.json").write_text(json.dumps(res, indent=2) + "\n")
    (args.out / "bench_extract.md").write_text(markdown(res))
    print(markdown(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
