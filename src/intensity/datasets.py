"""Seeded synthetic conflict events with known escalations (the embedded demo).

Everything here is SIMULATED. The generator draws daily counts per
(region, sub-event type) series from a negative binomial (gamma-Poisson,
variance ``mu + alpha * mu**2``) with weekday reporting effects, then expands
them into canonical event rows with places, actors, fatalities and munitions.
Known changes are injected at known days (:data:`DEMO_INJECTIONS`), so tests
and the report can check that they are found, like ``ruptures.datasets``.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

DEMO_SOURCE = "simulated"
DEMO_START = date(2023, 9, 1)
DEMO_END = date(2024, 4, 30)
DEMO_SEED = 20240324

# Reporting is thinner on weekends and catches up on Monday (Mon..Sun).
WEEKDAY_FACTOR = np.array([1.15, 1.05, 1.0, 1.0, 1.0, 0.9, 0.8])


@dataclass(frozen=True)
class Injection:
    """A known change in one series: rates are multiplied by ``factor`` from ``start``.

    ``kind`` is ``step`` (at once), ``ramp`` (linearly over ``ramp_days``),
    ``emergence`` (the series is silent before ``start``; ``factor`` is then the
    new daily rate) or ``drop`` (a step below 1, e.g. a local ceasefire).
    """

    country_iso3: str
    admin1_code: str
    sub_event_type: str
    start: date
    kind: str
    factor: float
    ramp_days: int = 0


DEMO_INJECTIONS = (
    Injection("RUS", "RU-BEL", "shelling_artillery_missile_attack", date(2024, 3, 12), "step", 3.0),
    Injection("UKR", "UA-59", "shelling_artillery_missile_attack", date(2024, 3, 1), "ramp", 3.0, 21),
    Injection("SDN", "SD-DN", "attack", date(2024, 3, 20), "step", 2.5),
    Injection("RUS", "RU-KRS", "air_drone_strike", date(2024, 3, 5), "emergence", 1.5),
    Injection("UKR", "UA-65", "shelling_artillery_missile_attack", date(2024, 3, 10), "drop", 0.3),
    Injection("GEO", "GE-TB", "peaceful_protest", date(2024, 4, 10), "step", 4.0),
)

# (country, admin1_code, places [(name, lat, lon)], {sub_event_type: events per day})
# Coordinates are GeoNames' for each place, rounded.
_REGIONS = (
    ("UKR", "UA-14", [("Bakhmut", 48.596, 38.000), ("Avdiivka", 48.139, 37.750), ("Kramatorsk", 48.723, 37.556)],
     {"shelling_artillery_missile_attack": 6.0, "armed_clash": 4.0, "air_drone_strike": 2.0,
      "remote_explosive_landmine_ied": 0.3, "attack": 0.1, "disrupted_weapons_use": 0.3}),
    ("UKR", "UA-63", [("Kharkiv", 49.994, 36.230), ("Kupiansk", 49.711, 37.616), ("Vovchansk", 50.291, 36.941)],
     {"shelling_artillery_missile_attack": 3.0, "armed_clash": 1.0, "air_drone_strike": 1.2,
      "disrupted_weapons_use": 0.4}),
    ("UKR", "UA-59", [("Sumy", 50.908, 34.798), ("Shostka", 51.863, 33.470)],
     {"shelling_artillery_missile_attack": 1.5, "air_drone_strike": 0.4, "disrupted_weapons_use": 0.1,
      "change_to_group_activity": 0.05}),
    ("UKR", "UA-65", [("Kherson", 46.635, 32.617), ("Beryslav", 46.840, 33.425)],
     {"shelling_artillery_missile_attack": 4.0, "air_drone_strike": 1.0, "armed_clash": 0.3}),
    ("UKR", "UA-23", [("Zaporizhzhia", 47.839, 35.140), ("Orikhiv", 47.568, 35.785)],
     {"shelling_artillery_missile_attack": 2.5, "armed_clash": 1.0, "air_drone_strike": 0.8}),
    ("UKR", "UA-12", [("Nikopol", 47.567, 34.396), ("Marhanets", 47.649, 34.617)],
     {"shelling_artillery_missile_attack": 1.2, "air_drone_strike": 0.3}),
    ("UKR", "UA-30", [("Kyiv", 50.450, 30.523)],
     {"disrupted_weapons_use": 0.3, "air_drone_strike": 0.1, "peaceful_protest": 0.2}),
    ("UKR", "UA-51", [("Odesa", 46.483, 30.723)],
     {"air_drone_strike": 0.3, "disrupted_weapons_use": 0.2}),
    ("RUS", "RU-BEL", [("Belgorod", 50.600, 36.598), ("Shebekino", 50.408, 36.888)],
     {"shelling_artillery_missile_attack": 1.0, "air_drone_strike": 0.5, "disrupted_weapons_use": 0.4}),
    ("RUS", "RU-KRS", [("Kursk", 51.730, 36.193), ("Sudzha", 51.192, 35.271)],
     {"shelling_artillery_missile_attack": 0.4, "disrupted_weapons_use": 0.2}),
    ("RUS", "RU-BRY", [("Bryansk", 53.252, 34.372), ("Klimovo", 52.378, 32.193)],
     {"shelling_artillery_missile_attack": 0.5, "air_drone_strike": 0.15}),
    ("SDN", "SD-KH", [("Khartoum", 15.501, 32.560), ("Omdurman", 15.645, 32.478)],
     {"armed_clash": 2.0, "air_drone_strike": 0.6, "shelling_artillery_missile_attack": 1.0,
      "attack": 0.8, "looting_property_destruction": 0.3}),
    ("SDN", "SD-DN", [("El Fasher", 13.628, 25.349)],
     {"armed_clash": 0.6, "attack": 0.6, "abduction_forced_disappearance": 0.1}),
    ("SDN", "SD-DW", [("El Geneina", 13.453, 22.447)],
     {"armed_clash": 0.3, "attack": 0.4, "sexual_violence": 0.05}),
    ("GEO", "GE-TB", [("Tbilisi", 41.715, 44.827)],
     {"peaceful_protest": 0.5, "protest_with_intervention": 0.05, "arrests": 0.05}),
)

_ACTORS = {
    "UKR": ("Military Forces of Russia", "Military Forces of Ukraine"),
    "RUS": ("Military Forces of Ukraine", "Military Forces of Russia"),
    "SDN": ("Rapid Support Forces", "Military Forces of Sudan"),
    "GEO": ("Protesters (Georgia)", "Police Forces of Georgia"),
}
# Mean fatalities per event by sub-event type (others: 0.1).
_FATALITY_MEAN = {"armed_clash": 1.5, "attack": 1.2, "air_drone_strike": 0.6,
                  "shelling_artillery_missile_attack": 0.3, "remote_explosive_landmine_ied": 0.8}
_WEAPONS = {"shelling_artillery_missile_attack": ("artillery", "Grad MLRS", "mortar", "Iskander-M"),
            "air_drone_strike": ("Shahed drone", "FPV drone", "KAB glide bomb"),
            "disrupted_weapons_use": ("Shahed drone", "Kh-101 missile")}


def _multiplier(inj: Injection, days: np.ndarray) -> np.ndarray:
    t = (days - np.datetime64(inj.start, "D")).astype(int)
    after = t >= 0
    if inj.kind == "ramp":
        frac = np.clip((t + 1) / max(inj.ramp_days, 1), 0, 1)
        return np.where(after, 1 + (inj.factor - 1) * frac, 1.0)
    if inj.kind == "emergence":
        return after.astype(float)
    return np.where(after, inj.factor, 1.0)


def simulate_events(
    *,
    seed: int = DEMO_SEED,
    start: date = DEMO_START,
    end: date = DEMO_END,
    alpha: float = 0.5,
    injections: tuple[Injection, ...] = DEMO_INJECTIONS,
) -> tuple[pl.DataFrame, tuple[Injection, ...]]:
    """Simulate canonical events for the demo regions.

    Args:
        seed: random seed; the same seed gives the same events.
        start, end: first and last simulated day.
        alpha: negative-binomial dispersion (variance ``mu + alpha mu^2``).
        injections: the known changes to apply.

    Returns:
        ``(events, injections)``: canonical event rows (source ``simulated``) and
        the changes that were injected.
    """
    rng = np.random.default_rng(seed)
    days = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1)
    weekday = WEEKDAY_FACTOR[(days.astype(int) + 3) % 7]  # 1970-01-01 was a Thursday
    frames = []
    by_key = {(i.admin1_code, i.sub_event_type): i for i in injections}
    for country, code, places, rates in _REGIONS:
        subtypes = dict(rates)
        for inj in injections:  # emergent series have no base rate of their own
            if inj.admin1_code == code and inj.kind == "emergence":
                subtypes.setdefault(inj.sub_event_type, inj.factor)
        for sub, base in subtypes.items():
            mu = base * weekday
            inj = by_key.get((code, sub))
            if inj is not None:
                mu = mu * _multiplier(inj, days)
            # gamma-Poisson: lambda ~ Gamma(shape 1/alpha, scale alpha*mu)
            lam = rng.gamma(1.0 / alpha, alpha * np.maximum(mu, 1e-12))
            n = rng.poisson(np.where(mu > 0, lam, 0.0))
            total = int(n.sum())
            if total == 0:
                continue
            ev_days = np.repeat(days, n)
            place = rng.integers(0, len(places), total)
            fat_mean = _FATALITY_MEAN.get(sub, 0.1)
            fatalities = rng.negative_binomial(1, 1 / (1 + fat_mean), total).astype(float)
            fatalities[rng.random(total) < 0.1] = np.nan  # not reported
            weapons = _WEAPONS.get(sub)
            a1, a2 = _ACTORS[country]
            frames.append(
                pl.DataFrame(
                    {
                        "event_date": ev_days,
                        "country_iso3": country,
                        "admin1_code": code,
                        "location": [places[i][0] for i in place],
                        "latitude": [places[i][1] for i in place] + rng.normal(0, 0.02, total),
                        "longitude": [places[i][2] for i in place] + rng.normal(0, 0.02, total),
                        "sub_event_type": sub,
                        "actor1": a1,
                        "actor2": a2 if not sub.endswith("protest") else None,
                        "fatalities": fatalities,
                        "injured": rng.negative_binomial(1, 1 / (1 + 2 * fat_mean), total),
                        "munitions": (rng.negative_binomial(2, 0.15, total) + 1) if weapons else None,
                        "weapon": [weapons[i] for i in rng.integers(0, len(weapons), total)] if weapons else None,
                    },
                    strict=False,
                )
            )
    from intensity import taxonomy

    parents = {s: taxonomy.parent(s) for s in taxonomy.sub_event_types()}
    events = (
        pl.concat(frames, how="diagonal_relaxed")
        .with_columns(pl.col("event_date").cast(pl.Date))
        .sort(["event_date", "admin1_code", "sub_event_type", "location"])
        .with_columns(
            event_type=pl.col("sub_event_type").replace_strict(parents),
            fatalities=pl.col("fatalities").fill_nan(None).cast(pl.Int32),
            source=pl.lit(DEMO_SOURCE),
            date_precision=pl.lit(1),
            geo_precision=pl.lit(1),
            source_count=pl.lit(1),
        )
        .with_row_index("n", offset=1)
        .with_columns(
            event_id=pl.format("demo:{}", pl.col("n")),
            source_event_id=pl.col("n").cast(pl.String),
            notes=pl.format("[SIMULATED] {} in {} ({})", pl.col("sub_event_type"), pl.col("location"),
                            pl.col("admin1_code")),
        )
        .drop("n")
    )
    return events, tuple(injections)


def _not_a_demo_store(path: Path) -> str | None:
    """Why ``path`` must not be replaced by a demo store, or ``None`` when it may.

    Replaceable: nothing there, an empty file, a DuckDB file without tables, or a
    store whose events and ingested files all come from :func:`simulate_events`.
    """
    import duckdb

    from intensity.db import is_duckdb_file

    if not path.exists() or path.stat().st_size == 0:
        return None
    if not is_duckdb_file(path):
        return "is not a DuckDB database"
    con = duckdb.connect(str(path), read_only=True, config={"autoload_known_extensions": False})
    try:
        tables = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if not tables:
            return None
        if not {"events", "ingest_files"} <= tables:
            return "is a DuckDB database, not an intensity demo store"
        (other,) = con.execute("SELECT count(*) FROM events WHERE source IS DISTINCT FROM ?",
                               [DEMO_SOURCE]).fetchall()[0]
        (files,) = con.execute("SELECT count(*) FROM ingest_files WHERE path NOT LIKE 'simulated:%'").fetchall()[0]
    finally:
        con.close()
    if other or files:
        return f"is an event store with {other} non-simulated event(s) from {files} file(s)"
    return None


def build_demo(path: str | Path, *, seed: int = DEMO_SEED, replace: bool = True, force: bool = False) -> dict:
    """Create the demo database at ``path`` from :func:`simulate_events`.

    The events go through the normal ingest path (a Parquet file, validated and
    upserted), so the demo exercises the same code as real data.

    Args:
        path: the store to (re)build.
        seed: random seed of the simulation.
        replace: delete an existing demo store at ``path`` first. Anything else
            there (another store, a CSV, a directory) raises :class:`UsageError`
            and is left untouched, unless ``force``.
        force: replace whatever file is at ``path``.

    Returns:
        A summary: path, number of events, window and the injected changes.

    Raises:
        UsageError: ``path`` holds something that is not a demo store.
    """
    from intensity.db import connect, set_meta
    from intensity.errors import UsageError
    from intensity.ingest import ingest_files

    path = Path(path)
    if replace:
        if path.is_dir():
            raise UsageError(f"{path} is a directory, not a database file",
                             hint=f"choose a file for the demo, e.g. --db {path / 'demo.duckdb'}")
        why = None if force else _not_a_demo_store(path)
        if why:
            raise UsageError(
                f"{path} {why}; building the demo there would delete it",
                hint="choose another --db for the demo, or pass --force to replace it",
            )
        for p in (path, path.with_name(path.name + ".wal")):
            p.unlink(missing_ok=True)
    events, injections = simulate_events(seed=seed)
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "simulated_events.parquet"
        events.write_parquet(file)
        con = connect(path)
        try:
            (result,) = ingest_files(con, [file], format="parquet")
            # The temporary path means nothing later; record what it was instead.
            con.execute("UPDATE ingest_files SET path = 'simulated:seed=' || ? WHERE file_id = ?",
                        [str(seed), result.file_id])
            set_meta(con, "simulated", "true")
            set_meta(con, "demo_seed", str(seed))
            set_meta(con, "demo_injections", json.dumps([asdict(i) for i in injections], default=str))
        finally:
            con.close()
    return {
        "path": str(path),
        "events": result.loaded + result.replaced + result.unchanged,
        "rejected": result.rejected,
        "start": str(DEMO_START),
        "end": str(DEMO_END),
        "injections": injections,
    }

