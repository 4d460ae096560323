"""The ``intensity`` command line: parse, call the library, print, map errors to exit codes.

Heavy modules (DuckDB, Polars, statsmodels, matplotlib) are imported inside the
commands, so ``intensity --help`` stays fast.
"""

from __future__ import annotations

import functools
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer

from intensity import __version__
from intensity.errors import EXIT_BUG, EXIT_IOERR, IntensityError, UsageError

app = typer.Typer(
    name="intensity",
    help="Conflict-intensity analytics on a local DuckDB event store.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain Click help: typer's rich help imports rich.markdown and markdown-it, which
    # doubled `intensity --help` (0.89 s -> 0.31 s on a loaded 2-core machine; bench/run.py).
    rich_markup_mode=None,
)

DbOption = Annotated[
    Optional[Path],
    typer.Option("--db", envvar="INTENSITY_DB", show_envvar=True,
                 help="Event store file [default: data/intensity.duckdb]."),
]
FormatOption = Annotated[str, typer.Option("--format", "-f", help="Output: table, csv, json or jsonl.")]
SinceOption = Annotated[
    Optional[str],
    typer.Option("--since", help="Window start: 2024, 2024-03, 2024-03-15, or 30d / 8w / 6m / 1y before --as-of."),
]
UntilOption = Annotated[
    Optional[str],
    typer.Option("--until", help="Window end (a month means its last day) [default: last day with data]."),
]
SourceOption = Annotated[
    Optional[str], typer.Option("--source", help="Only the events of this source (acled, gdelt, ...; see status).")
]
AsOfOption = Annotated[
    Optional[str], typer.Option("--as-of", help="Reference day for relative dates [default: the last day with data].")
]
# ingest.STAGERS, written out: importing the registry would load DuckDB for every --help
# (tests/test_cli_errors.py checks that the two agree).
INGEST_FORMATS = ("csv", "jsonl", "parquet", "acled", "ucdp", "gdelt", "articles", "mapped")
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]


def _err(message: str) -> None:
    typer.echo(message, err=True)


def handled(fn):
    """Turn expected errors into one clean message and their exit code (the one place)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except IntensityError as exc:
            _err(f"error: {exc}")
            if exc.hint:
                _err(f"hint: {exc.hint}")
            raise typer.Exit(code=exc.exit_code) from None
        except KeyboardInterrupt:
            _err("interrupted")
            raise typer.Exit(code=130) from None
        except BrokenPipeError:
            raise typer.Exit(code=0) from None
        except OSError as exc:  # the file system said no: name the path, not a traceback
            where = f": {exc.filename}" if exc.filename else ""
            _err(f"error: {exc.strerror or exc}{where}")
            _err("hint: check that the path exists and that its folder is writable (or choose another path)")
            raise typer.Exit(code=EXIT_IOERR) from None
        except Exception as exc:  # a bug: say so, briefly, with where to look
            duckdb = sys.modules.get("duckdb")
            # Ctrl-C inside a query: DuckDB raises RuntimeError("Query interrupted") or its own type
            if (duckdb is not None and isinstance(exc, duckdb.InterruptException)) or (
                    isinstance(exc, RuntimeError) and str(exc) == "Query interrupted"):
                _err("interrupted")
                raise typer.Exit(code=130) from None
            if duckdb is not None and (isinstance(exc, duckdb.IOException) or "No space left on device" in str(exc)):
                _err(f"error: {str(exc).splitlines()[0]}")
                _err("hint: check that the database file and its folder are readable and writable, "
                     "and that the disk has room (the store's writes were rolled back)")
                raise typer.Exit(code=EXIT_IOERR) from None
            import traceback

            traceback.print_exc()
            _err(f"internal error ({type(exc).__name__}): this is a bug in intensity {__version__}")
            raise typer.Exit(code=EXIT_BUG) from None

    return wrapper


def _check_format(fmt: str, choices: tuple[str, ...] | None = None) -> str:
    from intensity.output import FORMATS

    choices = choices or FORMATS
    if fmt not in choices:
        raise UsageError(f"unknown --format {fmt!r}", hint=f"--format takes one of: {', '.join(choices)}")
    return fmt


def _as_of(value: Optional[str]) -> Optional[date]:
    from intensity.dates import parse_date

    return parse_date(value) if value else None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"intensity {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Conflict-intensity analytics on a local DuckDB event store.

    Exit codes: 0 ok, 1 bug, 2 usage, 65 bad input data, 74 file system (I/O) error,
    75 database busy.
    """


@app.command()
@handled
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories to load.")],
    db: DbOption = None,
    format: Annotated[
        Optional[str], typer.Option("--format", help="Input format: " + ", ".join(INGEST_FORMATS)
                                    + " [default: from content or extension].")
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Load nothing from a file with any reject.")] = False,
    map_: Annotated[
        Optional[str],
        typer.Option("--map", help="Read any event-like CSV: field=column or field='constant', "
                     "comma-separated, e.g. \"date=started_at,region=oblast,country='UKR',type='other'\"."),
    ] = None,
    mapping: Annotated[
        Optional[Path], typer.Option("--mapping", help="A TOML column mapping ([columns], [constants], [options]).")
    ] = None,
    quiet: QuietOption = False,
    published: Annotated[
        Optional[str], typer.Option("--published", help="Publication day (YYYY-MM-DD) of article files that state none.")
    ] = None,
    lang: Annotated[
        Optional[str], typer.Option("--lang", help="Lexicon language of article records that name none: en, ru, uk "
                                    "[default: en].")
    ] = None,
) -> None:
    """Load event files (CSV, JSON Lines, Parquet) into the store, idempotently.

    Article files (.txt, .html, JSON Lines with `text`) go to `articles` and their
    extracted events to `events` (see `intensity extract`).

    ACLED, UCDP GED and GDELT 2.0 exports are detected (or --format acled|ucdp|gdelt);
    any other event-like CSV loads with --map or --mapping (a bad mapping: exit 2).

    Invalid rows go to the `rejects` table with their line number and reason;
    the rest load. Exit 65 when a file cannot be read, or under --strict when
    any row is rejected.
    """
    from intensity.db import connect
    from intensity.errors import EXIT_DATAERR
    from intensity.ingest import expand_paths, ingest_files
    from intensity.progress import file_progress

    files = expand_paths(paths)
    if not files:
        raise UsageError("no input files found")
    article_defaults = {}  # (the article stager reads them; set for this command only)
    if published is not None:
        from intensity.extract.hook import PUBLISHED
        from intensity.extract.readers import check_published

        article_defaults[PUBLISHED] = check_published(published)
    if lang is not None:
        from intensity.extract import get_extractor
        from intensity.extract.hook import LANG

        get_extractor(lang)  # (an unknown language is a usage error before any file is read)
        article_defaults[LANG] = lang
    options = None
    if map_ is not None or mapping is not None:
        from intensity.importers.mapped import MappingSpec, check_required, load_mapping, parse_map

        if format not in (None, "csv", "mapped"):
            raise UsageError(f"--map and --mapping read generic CSV; they do not apply to --format {format}")
        spec = load_mapping(mapping) if mapping is not None else MappingSpec()
        if map_ is not None:
            spec = spec.merged(parse_map(map_))
        check_required(spec)
        format, options = "mapped", {"spec": spec}
    con = connect(db)
    tokens = [(var, var.set(value)) for var, value in article_defaults.items()]
    try:
        with file_progress(len(files), quiet=quiet) as advance:
            results = ingest_files(con, files, format=format, strict=strict, on_file=advance,
                                   options=options)
    finally:
        for var, token in tokens:
            var.reset(token)
        con.close()
    if not quiet:
        _print_ingest_summary(results)
    failed = [r for r in results if r.status != "ok"]
    for r in failed:
        _err(f"error: {r.error_line()}")
    if failed:
        raise typer.Exit(code=EXIT_DATAERR)


@app.command()
@handled
def extract(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Article files: .jsonl, .txt, .html.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="Output: jsonl (one event per line) or table.")] = "jsonl",
    published: Annotated[
        Optional[str], typer.Option("--published", help="Publication day (YYYY-MM-DD) of files that state none.")
    ] = None,
    reprocess: Annotated[
        bool, typer.Option("--reprocess", help="Re-extract stored articles made by an older extractor, replacing their events.")
    ] = False,
    lang: Annotated[
        str, typer.Option("--lang", help="Lexicon language of article records that name none (data/reference/lexicon/<lang>/): en, ru, uk.")
    ] = "en",
    db: DbOption = None,
) -> None:
    """Print the conflict events found in articles, without storing them.

    One JSON object per event: the canonical event columns, `article_id`,
    `reported_by`, `intercepted` and `evidence` (sentence and character offsets
    per field). With --reprocess, re-run the current extractor over the store's
    articles instead.
    """
    import json

    from intensity.extract.readers import check_published

    _check_format(fmt, ("jsonl", "table"))
    from intensity.extract import get_extractor

    get_extractor(lang)  # (an unknown language is a usage error before any file is read)
    if reprocess:  # (each stored article in the language it was read in)
        from intensity.db import connect
        from intensity.extract.store import reprocess as run

        con = connect(db, create=False)  # a mistyped --db is an error, not a new empty store
        try:
            res = run(con)
        finally:
            con.close()
        typer.echo(f"re-extracted: {res.warnings[-1] if res.warnings else ''}; events loaded {res.loaded}, "
                   f"replaced {res.replaced}, unchanged {res.unchanged}, rejected {res.rejected}")
        return
    if not paths:
        raise UsageError("give article files (or --reprocess)")
    from intensity.extract import extract_events, read_articles
    from intensity.ingest import expand_paths

    day = check_published(published)
    rows = []
    files = expand_paths(paths)
    if not files:
        raise UsageError("no input files found", hint="article files end in .jsonl, .json, .txt or .html")
    for path in files:
        bad: list = []
        arts = read_articles(path, published=day, rejects=bad)
        for line, reason, _ in bad[:20]:  # as ingest rejects them: the other articles still count
            _err(f"warning: {path}:{line}: skipped: {reason}")
        if len(bad) > 20:
            _err(f"warning: {path}: {len(bad) - 20} more record(s) skipped, {len(bad)} in all")
        for art in arts:
            for ev in extract_events(art.text, published=art.published, title=art.title, article_id=art.article_id,
                                     lang=art.lang or lang):
                if fmt == "jsonl":
                    typer.echo(json.dumps(ev.to_json(), ensure_ascii=False, default=str))
                else:
                    rows.append(ev.row())
    if fmt == "table":
        import polars as pl

        from intensity.output import write

        cols = ["article_id", "event_date", "date_precision", "country_iso3", "admin1_code", "location",
                "sub_event_type", "fatalities", "injured", "munitions", "weapon", "confidence"]
        write(pl.DataFrame(rows, infer_schema_length=None).select(cols) if rows else pl.DataFrame({c: [] for c in cols}), "table")


def _print_ingest_summary(results) -> None:
    from intensity.output import table

    columns = ["file", "format", "status", "read", "loaded", "replaced", "unchanged", "rejected", "unresolved"]
    # skipped (e.g. GDELT roots outside the conflict set) and merged (GDELT duplicates)
    # only appear when an importer used them
    if any(r.skipped or r.merged for r in results):
        columns += ["skipped", "merged"]
    rows = [[r.path, r.format, r.status, r.rows_read, r.loaded, r.replaced, r.unchanged, r.rejected,
             r.unresolved, r.skipped, r.merged][: len(columns)] for r in results]
    table(columns, rows, numeric=[i >= 3 for i in range(len(columns))])
    for r in results:
        for n in r.notes:
            _err(f"note: {r.path}: {n}")
        for w in r.warnings:
            _err(f"warning: {r.path}: {w}")
        if r.reject_samples and r.status == "rejected":
            # --strict rolled the file back, its rejects with it
            _err(f"rejects in {r.path} (first {len(r.reject_samples)} of {r.rejected}; nothing of the file "
                 "was stored under --strict: without it the rest loads and all rejects go to `rejects`):")
        elif r.reject_samples and r.status != "error":
            _err(f"rejects in {r.path} (first {len(r.reject_samples)}; all in the `rejects` table):")
        if r.status != "error":
            for line, reason in r.reject_samples:
                _err(f"  line {line}: {reason}")


@app.command()
@handled
def counts(
    db: DbOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    as_of: AsOfOption = None,
    country: Annotated[Optional[str], typer.Option("--country", help="ISO 3166-1 alpha-3, e.g. UKR.")] = None,
    region: Annotated[
        Optional[str], typer.Option("--region", help="ISO 3166-2 code or admin1 name, e.g. UA-63 or Kharkiv.")
    ] = None,
    type_: Annotated[
        Optional[str], typer.Option("--type", help="Event type or sub-event type code.")
    ] = None,
    by: Annotated[str, typer.Option("--by", help="day, or week (ACLED's Saturday-Friday weeks; the window widens to "
                                                   "whole weeks, so the first and last may hold days outside it).")] = "day",
    subtypes: Annotated[bool, typer.Option("--subtypes", help="Split series by sub-event type.")] = False,
    source: SourceOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Zero-filled daily (or weekly) counts per country, region and event type.

    The window defaults to the 90 days up to the last day with data.
    """
    from intensity.aggregate import counts as compute
    from intensity.db import connect
    from intensity.output import write

    _check_format(fmt)
    con = connect(db, read_only=True)
    try:
        df = compute(con, since=since, until=until, as_of=_as_of(as_of), country=country,
                     region=region, event_type=type_, by=by, by_subtype=subtypes, source=source)
    finally:
        con.close()
    write(df, fmt)


@app.command("sql")
@handled
def sql_command(
    query: Annotated[Optional[str], typer.Argument(help="SQL to run (read-only).")] = None,
    file: Annotated[Optional[Path], typer.Option("--file", "-F", help="Read the SQL from a file.")] = None,
    db: DbOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Run read-only SQL against the store (tables and the stable v_* views).

    Anything but a query (INSERT, DROP, COPY, ATTACH, ...) is refused (exit 2).
    """
    from intensity.db import connect, query as run_query
    from intensity.output import write

    _check_format(fmt)
    if (query is None) == (file is None):
        raise UsageError("give either a query or --file FILE")
    text = query if query is not None else _read_text(file)
    con = connect(db, read_only=True)
    try:
        df = run_query(con, text)
    finally:
        con.close()
    write(df, fmt)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}",
                         hint="-F takes the path of a file holding one SELECT; or give the query itself") from None


@app.command()
@handled
def demo(
    db: Annotated[Path, typer.Option("--db", help="Where to build the demo store.")] = Path("data/demo.duckdb"),
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the simulation.")] = 20240324,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the file at --db even if it is not a demo store.")
    ] = False,
    quiet: QuietOption = False,
) -> None:
    """Build a demo store of SIMULATED events with known, injected escalations.

    An existing demo store at --db is rebuilt; anything else there (another
    store, a CSV) is refused (exit 2) unless --force.
    """
    from intensity.datasets import build_demo

    summary = build_demo(db, seed=seed, force=force)
    if not quiet:
        typer.echo(
            f"built {summary['path']}: {summary['events']} SIMULATED events, "
            f"{summary['start']} to {summary['end']} (seed {seed})"
        )
        typer.echo("injected changes (the truth a detector should find):")
        for inj in summary["injections"]:
            extra = f" over {inj.ramp_days} days" if inj.ramp_days else ""
            typer.echo(f"  {inj.admin1_code} {inj.sub_event_type}: {inj.kind} x{inj.factor:g}{extra} from {inj.start}")


@app.command()
@handled
def types(fmt: FormatOption = "table") -> None:
    """List the event taxonomy (ACLED's 6 types and 25 sub-types)."""
    import polars as pl

    from intensity import taxonomy
    from intensity.output import write

    _check_format(fmt)
    write(pl.DataFrame(list(taxonomy.rows())).select(
        "event_type", "sub_event_type", "sub_event_type_label", "severity"), fmt)


@app.command()
@handled
def regions(
    country: Annotated[Optional[str], typer.Option("--country", help="ISO 3166-1 alpha-3 code.")] = None,
    db: DbOption = None,
    fmt: FormatOption = "table",
) -> None:
    """List admin1 regions with their ISO 3166-2 codes and accepted spellings.

    Without a store (and no --db), the shipped reference data is listed from memory.
    """
    from intensity.aggregate import check_country
    from intensity.config import db_path
    from intensity.db import connect, query as run_query
    from intensity.output import write

    _check_format(fmt)
    # The gazetteer is reference data, the same in every store: no store is needed to list it.
    in_memory = db is None and not db_path(None).exists()
    con = connect(":memory:") if in_memory else connect(db, read_only=True)
    try:
        df = run_query(
            con,
            "SELECT country_iso3, admin1_code, admin1, local_name, aliases FROM regions "
            "WHERE is_admin1 AND ($country IS NULL OR country_iso3 = $country) ORDER BY admin1_code",
            params={"country": check_country(con, country)},
        )
    finally:
        con.close()
    write(df, fmt)


@app.command()
@handled
def status(db: DbOption = None, fmt: FormatOption = "table") -> None:
    """What the store holds: events per source and date range, files, rejects.

    One row per source (files: the ingested files its stored events came from), then an
    ``(all)`` row with the store's totals, its rejected rows and schema version.
    """
    from intensity.db import connect, query as run_query
    from intensity.output import write

    _check_format(fmt)
    con = connect(db, read_only=True)
    try:
        df = run_query(
            con,
            """
            SELECT s.*, f.files, NULL::BIGINT AS rejects, NULL::INTEGER AS schema_version
            FROM v_sources AS s
            LEFT JOIN (SELECT source, count(DISTINCT file_id) AS files FROM events GROUP BY source) AS f USING (source)
            UNION ALL BY NAME
            SELECT '(all)' AS source, CAST(coalesce(sum(events), 0) AS BIGINT) AS events,
                   min(first_date) AS first_date, max(last_date) AS last_date,
                   CAST(sum(fatalities) AS BIGINT) AS fatalities,
                   CAST(coalesce(sum(unresolved_region), 0) AS BIGINT) AS unresolved_region,
                   CAST(coalesce(sum(without_region), 0) AS BIGINT) AS without_region,
                   (SELECT count(*) FROM ingest_files) AS files, (SELECT count(*) FROM rejects) AS rejects,
                   (SELECT max(version) FROM schema_version) AS schema_version
            FROM v_sources
            ORDER BY source = '(all)', source
            """,
        )
    finally:
        con.close()
    write(df, fmt)


_DETECT_BRIEF = ("method", "kind", "level", "country_iso3", "admin1_code", "admin1", "event_type",
                 "first_alarm_date", "onset_date", "end_date", "baseline_rate", "recent_count", "rr7", "rr7_lo",
                 "rr7_hi", "q_value", "trend_pct_week", "intensity_ratio")
_RANK_BRIEF = ("rank", "level", "country_iso3", "admin1_code", "admin1", "event_type", "status", "baseline_rate",
               "recent_count", "rr7", "rr7_lo", "rr7_hi", "p_empirical", "q_value", "trend_pct_week",
               "intensity_ratio", "cusum", "threshold")


@app.command()
@handled
def detect(
    db: DbOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    as_of: AsOfOption = None,
    method: Annotated[
        str, typer.Option("--method", "-m",
                          help="nb_cusum (default), acled_surge, hdx_fatalities, ears_c2, pelt; a comma list or all.")
    ] = "nb_cusum",
    country: Annotated[Optional[str], typer.Option("--country", help="ISO 3166-1 alpha-3, e.g. UKR.")] = None,
    region: Annotated[
        Optional[str], typer.Option("--region", help="ISO 3166-2 code or admin1 name, e.g. UA-63 or Kharkiv.")
    ] = None,
    type_: Annotated[
        Optional[str], typer.Option("--type", help="Event type (keep its series) or sub-event type (series of it only).")
    ] = None,
    kind: Annotated[
        Optional[list[str]], typer.Option("--kind", help="Keep only: escalation, emergence, de-escalation.")
    ] = None,
    ranked: Annotated[
        bool, typer.Option("--ranked", help="Instead, rank every series on the --until day by q-value.")
    ] = False,
    source: SourceOption = None,
    totals: Annotated[bool, typer.Option("--totals/--no-totals", help="Include country totals.")] = True,
    save: Annotated[
        bool, typer.Option("--save/--no-save", help="Store the window's signals in the `signals` table.")
    ] = True,
    wide: Annotated[bool, typer.Option("--wide", help="All columns in table output.")] = False,
    fmt: FormatOption = "table",
) -> None:
    """Escalation signals whose first alarm falls in the window, with rate ratios, q-values and trends.

    Each signal is computed only from data up to its first alarm date. The default
    method is a calibrated negative-binomial CUSUM; see docs/detection.md.
    """
    from intensity.db import connect
    from intensity.detect import detect_signals, rank_series
    from intensity.output import write

    _check_format(fmt)
    ref = _as_of(as_of)
    save = save and not ranked
    con = connect(db, read_only=not save, create=False)
    try:
        if ranked:
            df = rank_series(con, day=until, as_of=ref, country=country, region=region, event_type=type_,
                             totals=totals, source=source)
            brief = _RANK_BRIEF
        else:
            df = detect_signals(con, since=since, until=until, as_of=ref, method=method, country=country,
                                region=region, event_type=type_, kinds=kind, totals=totals, save=save,
                                source=source)
            brief = _DETECT_BRIEF
    finally:
        con.close()
    if fmt == "table" and not wide:
        # (series built from one sub-event type say so: the event_type column alone would not)
        keep = brief + (("type_filter",) if "type_filter" in df.columns and df["type_filter"].null_count() < df.height
                        else ())
        df = df.select([c for c in keep if c in df.columns])
    write(df, fmt)


@app.command()
@handled
def report(
    db: DbOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    as_of: Annotated[
        Optional[str], typer.Option("--as-of", help="Reference day [default: the last day with data].")
    ] = None,
    country: Annotated[Optional[str], typer.Option("--country", help="ISO 3166-1 alpha-3, e.g. UKR.")] = None,
    region: Annotated[Optional[str], typer.Option("--region", help="ISO 3166-2 code or admin1 name.")] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for <window>/ and the latest link.")] = Path("reports"),
    method: Annotated[Optional[str], typer.Option("--method", help="Detector [default: nb_cusum].")] = None,
    source: SourceOption = None,
    quiet: QuietOption = False,
) -> None:
    """Write the escalation report (index.html, PNG charts, summary.json) and print its folder.

    The window defaults to the 28 days up to the last day with data. The HTML
    is one self-contained file (CSS and images inline) that can be mailed.
    """
    from intensity.db import connect
    from intensity.report import build_report

    from intensity.progress import stage

    con = connect(db, read_only=True)
    try:
        with stage("detecting and rendering the report...", quiet=quiet):
            res = build_report(con, since=since, until=until, as_of=as_of, out=out, country=country,
                               region=region, method=method, source=source)
    finally:
        con.close()
    if not quiet:
        n = len(res.summary["signals"])
        _err(f"{n} signal{'s' if n != 1 else ''} in {res.summary['report']['since']} to "
             f"{res.summary['report']['until']}")
    typer.echo(str(res.path))


@app.command("run")
@handled
def run_command(
    config: Annotated[
        Optional[Path], typer.Option("--config", envvar="INTENSITY_CONFIG", help="Settings file (TOML).")
    ] = None,
    db: DbOption = None,
    inputs: Annotated[
        Optional[list[Path]], typer.Option("--input", help="Folder to ingest new files from (repeatable).")
    ] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Report folder [default: reports].")] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="Report window [default: 28d].")] = None,
    as_of: AsOfOption = None,
    alert_exit_code: Annotated[
        Optional[int], typer.Option("--alert-exit-code", help="Exit with this code when new escalations appear.")
    ] = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="Print only the report's folder (stdout, for scripts) and errors.")] = False,
) -> None:
    """Scheduled job: ingest new input files, refresh signals, publish the report, record the run.

    Exit codes: 0 ok, 65 an input file could not be read (the rest still ran),
    75 another run (or writer) holds the lock, or --alert-exit-code when new
    escalation signals appeared; 2 a configuration error, such as an input folder that
    does not exist; 74 a file or folder that cannot be written. Settings come from intensity.toml: see docs/scheduling.md.
    """
    import logging

    from intensity.config import load_settings
    from intensity.runner import run

    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = load_settings(config, db=db, inputs=inputs, reports=out, since=since, alert_exit_code=alert_exit_code)
    result = run(settings, as_of=_as_of(as_of), quiet=quiet)
    if not quiet:
        _err(f"run {result.run_id}: {result.status}; {result.files_ingested} file(s) ingested, "
             f"{result.signals} signal(s), {result.new_signals} new")
    if result.report_path:
        typer.echo(str(result.report_path))
    for e in result.input_errors:
        _err(f"error: {e}")
    code = result.exit_code(settings)
    if code:
        raise typer.Exit(code=code)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except BrokenPipeError:  # pragma: no cover - e.g. `intensity sql ... | head`
        sys.stderr.close()


if __name__ == "__main__":  # pragma: no cover
    main()
