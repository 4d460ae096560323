"""Any event-like CSV, through a column mapping (``--map`` or a TOML file via ``--mapping``).

A mapping says which source column feeds each canonical field, or gives a constant::

    --map "date=started_at,region=oblast,country='UKR',type='other',source='ua_air_raid'"

``field=column`` reads a column (matched by name, case and spacing ignored);
``field='value'`` (single or double quotes) is the same value for every row. Options
(``date_format``, ``date_order``, ``timezone``) take a value, quoted or not. The TOML
form has tables ``[columns]``, ``[constants]`` and ``[options]``; see
``data/reference/mappings/`` and ``docs/importers.md``.

Required: ``date``, ``type`` (an event type or sub-event type, code or ACLED label) and
``country`` (or ``region`` holding ISO 3166-2 codes). A bad mapping is a usage error
(exit 2) naming the fields or columns at fault.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from intensity.errors import UsageError
from intensity.importers import common
from intensity.importers.common import ident, lit, scalar
from intensity.ingest import stager

# Field names a mapping may use -> the canonical column (or a special field).
FIELDS = {
    "date": "event_date", "event_date": "event_date",
    "type": "type",
    "event_type": "event_type", "sub_event_type": "sub_event_type",
    "country": "country", "country_iso3": "country",
    "region": "region", "oblast": "region", "province": "region",
    "admin1": "admin1", "admin1_code": "admin1_code", "admin2": "admin2",
    "location": "location", "place": "location",
    "latitude": "latitude", "lat": "latitude",
    "longitude": "longitude", "lon": "longitude", "lng": "longitude",
    "geo_precision": "geo_precision", "date_precision": "date_precision",
    "actor1": "actor1", "actor2": "actor2",
    "fatalities": "fatalities", "killed": "fatalities",
    "fatalities_low": "fatalities_low", "fatalities_high": "fatalities_high",
    "injured": "injured", "munitions": "munitions", "weapon": "weapon",
    "source_count": "source_count", "notes": "notes", "description": "notes",
    "confidence": "confidence", "article_id": "article_id",
    "id": "source_event_id", "source_event_id": "source_event_id",
    "event_id": "event_id", "source": "source",
}
OPTIONS = ("date_format", "date_order", "timezone")
# Canonical columns passed through as written (validation types them).
PLAIN = ("admin1", "admin1_code", "admin2", "location", "latitude", "longitude", "geo_precision",
         "date_precision", "actor1", "actor2", "fatalities", "fatalities_low", "fatalities_high",
         "injured", "munitions", "weapon", "source_count", "notes", "confidence", "article_id",
         "source_event_id", "event_id", "event_type", "sub_event_type")


@dataclass
class MappingSpec:
    """How a CSV's columns become canonical fields.

    Attributes:
        columns: canonical field -> source column name.
        constants: canonical field -> value for every row.
        options: ``date_format`` (strptime, e.g. ``%d.%m.%Y``), ``date_order``
            (``dmy``/``mdy`` for numeric dates; detected by default), ``timezone``
            (IANA name: timestamps with a UTC offset count on that zone's date).
    """

    columns: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)

    def merged(self, other: MappingSpec) -> MappingSpec:
        """This mapping with ``other``'s entries taking precedence."""
        cols = {k: v for k, v in self.columns.items() if k not in other.constants}
        consts = {k: v for k, v in self.constants.items() if k not in other.columns}
        return MappingSpec({**cols, **other.columns}, {**consts, **other.constants},
                           {**self.options, **other.options})

    def fields(self) -> set[str]:
        return set(self.columns) | set(self.constants)


def _field(name: str) -> str:
    key = common.column_key(name)
    if key in OPTIONS:
        return key
    if key not in FIELDS:
        raise UsageError(
            f"unknown mapping field {name!r}",
            hint="fields: " + ", ".join(sorted(set(FIELDS))) + "; options: " + ", ".join(OPTIONS),
        )
    return FIELDS[key]


_ITEM = re.compile(r"""\s*([A-Za-z_][\w ]*?)\s*=\s*('(?:[^']|'')*'|"(?:[^"]|"")*"|[^,]*)\s*(?:,|$)""")


def parse_map(text: str) -> MappingSpec:
    """Parse ``--map`` text: ``field=column`` or ``field='constant'``, comma-separated.

    Raises:
        UsageError: on malformed items or unknown fields.
    """
    spec = MappingSpec()
    pos, text = 0, text.strip()
    while pos < len(text):
        m = _ITEM.match(text, pos)
        if not m or m.end() == pos:
            raise UsageError(f"cannot read --map at {text[pos:]!r}",
                             hint="write field=column or field='constant', separated by commas")
        name, raw = m.group(1), m.group(2).strip()
        pos = m.end()
        f = _field(name)
        quoted = len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\""
        value = raw[1:-1].replace(raw[0] * 2, raw[0]) if quoted else raw
        if not value:
            raise UsageError(f"--map gives {name} no value")
        if f in OPTIONS:
            spec.options[f] = value
        elif quoted:
            spec.constants[f] = value
            spec.columns.pop(f, None)
        else:
            spec.columns[f] = value
            spec.constants.pop(f, None)
    return spec


def load_mapping(path: str | Path) -> MappingSpec:
    """Read a TOML mapping file (tables ``[columns]``, ``[constants]``, ``[options]``)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read mapping file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"mapping file {path} is not valid TOML: {exc}") from None
    unknown = set(data) - {"columns", "constants", "options", "description"}
    if unknown:
        raise UsageError(f"mapping file {path}: unknown table(s) {', '.join(sorted(unknown))}",
                         hint="use [columns], [constants] and [options]")
    spec = MappingSpec()
    for table, target in (("columns", spec.columns), ("constants", spec.constants)):
        for k, v in (data.get(table) or {}).items():
            f = _field(k)
            if f in OPTIONS:
                spec.options[f] = str(v)
            else:
                target[f] = str(v)
    for k, v in (data.get("options") or {}).items():
        if common.column_key(k) not in OPTIONS:
            raise UsageError(f"mapping file {path}: unknown option {k!r}", hint="options: " + ", ".join(OPTIONS))
        spec.options[common.column_key(k)] = str(v)
    return spec


def check_required(spec: MappingSpec) -> None:
    """Raise :class:`UsageError` naming the required fields the mapping leaves unmapped."""
    have = spec.fields()
    missing = []
    if "event_date" not in have:
        missing.append("date")
    if not have & {"type", "event_type", "sub_event_type"}:
        missing.append("type")
    if not have & {"country", "region", "admin1_code"}:
        missing.append("country")
    if missing:
        raise UsageError(
            f"the mapping leaves required field(s) unmapped: {', '.join(missing)}",
            hint="map each to a column (e.g. date=started_at) or give a constant "
                 "(e.g. type='other', country='UKR')",
        )
    if spec.options.get("date_order", "dmy") not in ("dmy", "mdy"):
        raise UsageError("date_order must be dmy or mdy")
    if "timezone" in spec.options:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(spec.options["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            raise UsageError(f"unknown timezone {spec.options['timezone']!r}",
                             hint="use an IANA name such as Europe/Kyiv or UTC") from None
    if "%" not in spec.options.get("date_format", "%"):
        raise UsageError(f"date_format {spec.options['date_format']!r} has no % directive",
                         hint="a strptime format, e.g. %d.%m.%Y")
    if "date_format" in spec.options:
        import duckdb

        check = duckdb.connect()
        try:  # DuckDB's own parser says whether it can use the format ("%Q", a trailing "%")
            check.execute("SELECT try_strptime('', ?)", [spec.options["date_format"]]).fetchall()
        except duckdb.Error as exc:
            raise UsageError(f"date_format {spec.options['date_format']!r} is not a format DuckDB can read: "
                             f"{str(exc).splitlines()[0]}", hint="a strptime format, e.g. %d.%m.%Y") from None
        finally:
            check.close()


def _sub_type(value: str) -> tuple[str, str] | None:
    """(column, code) for a type constant: a sub-event type or an event type, code or label."""
    from intensity import taxonomy

    v = value.strip().lower()
    for r in taxonomy.rows():
        if v in (r["sub_event_type"], r["sub_event_type_label"].lower()):
            return "sub_event_type", r["sub_event_type"]
    for r in taxonomy.rows():
        if v in (r["event_type"], r["event_type_label"].lower()):
            return "event_type", r["event_type"]
    return None


def _source_name(path: Path) -> str:
    return re.sub(r"[^a-z0-9]+", "_", path.stem.lower()).strip("_") or "csv"


def _after(con, res, *, file_id: int) -> None:
    common.cleanup(con)


@stager("mapped", after=_after)
def stage_mapped(con, path: Path, *, spec: MappingSpec | None = None) -> dict[str, str]:
    """Stage a delimited file through ``spec``; see the module docstring."""
    if spec is None:
        raise UsageError("format 'mapped' needs a column mapping", hint="pass --map or --mapping")
    check_required(spec)
    found, encoding = common.stage_source(con, path)
    exact = {v: v for v in found.values()}

    def real(f: str) -> str:
        name = spec.columns[f]
        hit = exact.get(name) or found.get(common.column_key(name))
        if hit is None:
            raise UsageError(
                f"--map {f}={name}: no column {name!r} in {path}",
                hint="its columns are: " + ", ".join(found.values())
                + f"; for a constant write {f}='{name}'",
            )
        return hit

    def col(f: str) -> str:
        return "s." + ident(real(f))

    for f in spec.columns:  # every named column must exist, used or not
        real(f)

    out: dict[str, str] = {}
    joins = ""
    consts = spec.constants

    # date
    if "event_date" in spec.columns:
        c = col("event_date")
        order = spec.options.get("date_order") or common.detect_date_order(
            con, "imp_src", real("event_date"), default="dmy")
        first = [spec.options["date_format"]] if "date_format" in spec.options else None
        common.date_macro(con, order=order, first=first)
        expr = common.date_text(c)
        if "timezone" in spec.options:
            tz = lit(spec.options["timezone"])
            expr = (f"coalesce(CASE WHEN regexp_matches(tidy({c}), '(Z|[+-]\\d{{2}}(:?\\d{{2}})?)$') "
                    f"THEN CAST(CAST(timezone({tz}, try_cast(tidy({c}) AS TIMESTAMPTZ)) AS DATE) AS VARCHAR) END, "
                    f"{expr})")
        if "date_format" in spec.options:
            fmt = lit(spec.options["date_format"])
            expr = f"coalesce(CAST(CAST(try_strptime(tidy({c}), {fmt}) AS DATE) AS VARCHAR), {expr})"
        out["event_date"] = expr
    else:
        out["event_date"] = lit(consts["event_date"])

    # type: an event type or a sub-event type
    if "type" in spec.columns:
        c = col("type")
        con.execute(
            "CREATE OR REPLACE TEMP TABLE imp_sub_keys AS SELECT DISTINCT sub_event_type AS key "
            "FROM event_types UNION SELECT DISTINCT lower(sub_event_type_label) FROM event_types"
        )
        joins += f" LEFT JOIN imp_sub_keys AS sk ON sk.key = lower(tidy({c}))"
        out["sub_event_type"] = f"CASE WHEN sk.key IS NOT NULL THEN tidy({c}) END"
        out["event_type"] = f"CASE WHEN sk.key IS NULL THEN tidy({c}) END"
    elif "type" in consts:
        hit = _sub_type(consts["type"])
        if hit is None:
            raise UsageError(f"type='{consts['type']}' is not an event type or sub-event type",
                             hint="`intensity types` lists the codes")
        out[hit[0]] = lit(hit[1])

    # country: a code, number or name
    if "country" in spec.columns:
        common.country_keys(con)
        c = col("country")
        j, e = common.country_lookup_sql(c, "cty")
        joins += j
        out["country_iso3"] = f"coalesce({e}, tidy({c}))"
    elif "country" in consts:
        common.country_keys(con)
        v = consts["country"]
        iso3 = scalar(
            con,
            "SELECT any_value(country_iso3) FROM imp_country_keys WHERE key IN (upper(tidy(?)), norm_name(?))",
            [v, v],
        )
        if iso3 is None:
            raise UsageError(f"country='{v}' is not a country this store knows",
                             hint="give an ISO 3166-1 code (UKR, UA) or an English name")
        out["country_iso3"] = lit(iso3)

    # region: an ISO 3166-2 code or an admin1 name (resolved by validation)
    if "region" in spec.columns:
        c = col("region")
        joins += f" LEFT JOIN regions AS rc ON rc.admin1_code = upper(tidy({c}))"
        out["admin1_code"] = "rc.admin1_code"
        out["admin1"] = f"CASE WHEN rc.admin1_code IS NULL THEN tidy({c}) END"
        if "country" not in spec.fields():
            names = scalar(
                con,
                f"SELECT count(*) FROM imp_src AS s LEFT JOIN regions AS rc ON rc.admin1_code = upper(tidy({c})) "
                f"WHERE rc.admin1_code IS NULL AND nullif(tidy({c}), '') IS NOT NULL",
            )
            if names:
                raise UsageError(
                    f"the mapping leaves required field(s) unmapped: country ({spec.columns['region']} "
                    "holds names, not ISO 3166-2 codes)",
                    hint="add country=COLUMN or a constant such as country='UKR'",
                )
    elif "region" in consts:
        v = consts["region"]
        code = scalar(con, "SELECT admin1_code FROM regions WHERE admin1_code = upper(tidy(?))", [v])
        out["admin1_code" if code else "admin1"] = lit(code or v)

    for f in PLAIN:
        if f in spec.columns:
            out[f] = f"tidy({col(f)})"
        elif f in consts:
            out[f] = lit(consts[f])

    if "source" in spec.columns:
        out["source"] = f"tidy({col('source')})"
    else:
        out["source"] = lit(consts.get("source") or _source_name(path))
    if "source_event_id" not in out and "event_id" not in out:
        # No id column: the whole source record identifies the row, so re-imports match and
        # two different rows with the same day and place stay two events.
        every = ", ".join(f"coalesce(s.{ident(c)}, '')" for c in found.values())
        out["source_event_id"] = f"substr(md5(concat_ws(chr(31), {every})), 1, 16)"

    select = ", ".join(f"{expr} AS {ident(name)}" for name, expr in out.items())
    con.execute(f"CREATE OR REPLACE TEMP VIEW stg_src AS SELECT s._line, {select} FROM imp_src AS s{joins}")
    mapping = {name: ident(name) for name in out}
    unused = [c for c in found.values() if c not in set(spec.columns.values())]
    notes = []
    if encoding != "utf-8":
        notes.append(f"read as {encoding} (the file is not valid UTF-8)")
    if unused:
        notes.append("unmapped column(s) ignored: " + ", ".join(unused))
    if notes:
        mapping["__warning__"] = "; ".join(notes)
    return mapping
