"""Load a language's extraction lexicon from ``data/reference/lexicon/<lang>/``.

The pipeline never names a word itself: everything language-specific (event
words, weapon names, number words, date words, cues, actors, grammar words) is a
CSV file in that folder, compiled here into regular expressions once per
process. Adding Russian or Ukrainian is adding a sibling folder with the same
files; see ``data/reference/lexicon/en/README.md``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from intensity.errors import UsageError
from intensity.resources import reference_dir


def lexicon_dir(lang: str) -> Path:
    """Folder of one language's lexicon."""
    return reference_dir() / "lexicon" / lang


def read_rows(path: Path) -> list[dict]:
    """CSV rows, skipping blank lines and lines that start with ``#``."""
    with open(path, newline="", encoding="utf-8") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.lstrip().startswith("#")]
    rows = []
    for n, r in enumerate(csv.DictReader(lines), start=2):
        if None in r:  # an unquoted comma inside a pattern
            raise ValueError(f"{path}: record {n} has more fields than the header (quote patterns with commas)")
        rows.append({k: (v or "").strip() for k, v in r.items()})
    return rows


NEVER = re.compile(r"(?!x)x")  # the regex of a rule a language lacks
_REF = re.compile(r"\$\{(\w+)\}")


def literal_alternation(words: list[str]) -> str:
    """A regex alternation of literal words, the longest first."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def compile_rules(rows: list[dict], grammar: dict[str, list[str]]) -> dict[str, re.Pattern]:
    """The patterns of ``rules.csv``, compiled: ``${key}`` is another rule's pattern or the
    alternation of a grammar list (never matching when the list is empty).

    Raises:
        ValueError: a reference to an unknown key, a cycle, or a pattern that does not compile.
    """
    raw = {r["key"]: r for r in rows}
    done: dict[str, str] = {}

    def expand(key: str, stack: tuple[str, ...]) -> str:
        if key in done:
            return done[key]
        if key in stack:
            raise ValueError(f"rules.csv: {key!r} refers to itself ({' -> '.join(stack + (key,))})")

        def ref(m: re.Match) -> str:
            k = m.group(1)
            if k in raw:
                return expand(k, stack + (key,))
            if k in grammar:
                return literal_alternation(grammar[k]) if grammar[k] else NEVER.pattern
            raise ValueError(f"rules.csv: {key!r} refers to {k!r}, which is neither a rule nor a grammar.csv key")

        done[key] = _REF.sub(ref, raw[key]["pattern"])
        return done[key]

    out = {}
    for key, r in raw.items():
        flags = re.IGNORECASE if "i" in r.get("flags", "") else 0
        try:
            out[key] = re.compile(expand(key, ()), flags)
        except re.error as e:
            raise ValueError(f"rules.csv: the pattern of {key!r} does not compile: {e}") from None
    return out


def _bounded(pattern: str) -> str:
    # Word boundaries only where the pattern starts/ends with a word character.
    left = r"(?<![\w-])" if re.match(r"[\w(]", pattern) else ""
    right = r"(?![\w])"
    return f"{left}(?:{pattern}){right}"


# A pattern ending in an optional group that ends in a space ("withdrew (?:from )?") can never
# match before a word: the word boundary after it fails whether the group is taken or not.
_DEAD_END = re.compile(r" \)[?*]$")


def alternation(patterns: list[str], flags: int = re.IGNORECASE) -> re.Pattern:
    """One compiled regex with a named group ``g<i>`` per pattern (``m.lastgroup`` tells which)."""
    if not patterns:
        return re.compile(r"(?!x)x")
    bad = [p for p in patterns if _DEAD_END.search(p)]
    if bad:
        raise ValueError(f"lexicon pattern ends in an optional group with a trailing space (write "
                         f"'word(?: from)?', not 'word (?:from )?'): {bad[0]!r}")
    # Patterns that start at a word share one leading boundary test, so the engine rejects
    # most positions before trying the alternatives (a 3x speed-up on long alternations).
    word = [i for i, p in enumerate(patterns) if re.match(r"[\w(]", p)]
    rx = _alternation_of(patterns, range(len(patterns)), word, flags)
    if len(patterns) > 1:
        # the gated scanner tries, at a word, only the alternatives that can start with it
        from intensity.extract.scan import register_alternation

        word_set = frozenset(word)
        register_alternation(rx, len(patterns),
                             lambda keep: _alternation_of(patterns, keep, word_set, flags))
    return rx


def _alternation_of(patterns: list[str], keep, word, flags: int) -> re.Pattern:
    """The alternation of ``patterns[i]`` for ``i`` in ``keep`` (in order), groups named by ``i``."""
    keep = list(keep)
    ws = [i for i in keep if i in word]
    other = [i for i in keep if i not in word]
    parts = []
    if ws:
        inner = "|".join(rf"(?P<g{i}>(?:{patterns[i]})(?![\w]))" for i in ws)
        parts.append(rf"(?<![\w-])(?=\w)(?:{inner})")
    parts += [f"(?P<g{i}>{_bounded(patterns[i])})" for i in other]
    return re.compile("|".join(parts), flags)


@dataclass(frozen=True)
class Trigger:
    sub_event_type: str
    weight: float
    role: str


@dataclass(frozen=True)
class Weapon:
    name: str
    category: str


@dataclass
class Lexicon:
    """A compiled lexicon (one language)."""

    lang: str
    triggers: list[Trigger]
    trigger_re: re.Pattern
    weapons: list[Weapon]
    weapon_re: re.Pattern
    numbers: dict[str, tuple[int, str]]
    number_word_re: re.Pattern
    casualty_fields: list[str]
    casualty_re: re.Pattern
    munition_kinds: list[str]
    munition_re: re.Pattern
    date_entries: list[tuple[str, str]]
    date_patterns: list[str]
    date_re: re.Pattern
    cue_kinds: list[str]
    cue_re: dict[str, re.Pattern]
    actors: list[str]
    actor_re: re.Pattern
    not_places: frozenset[str]
    facility_re: re.Pattern
    grammar: dict[str, list[str]]
    extra: dict = field(default_factory=dict)
    number_label_re: re.Pattern | None = None  # grammar's number_label words, right before a number
    # The same regexes behind a first-word gate (``intensity.extract.scan``): name -> Gated.
    gates: dict = field(default_factory=dict)
    # Names of forces and groups that belong to one country (actor_countries.csv): context, not actors.
    actor_countries: list[str] = field(default_factory=list)
    actor_areas: list[tuple[str, ...]] = field(default_factory=list)  # (the regions they operate in, if one area)
    actor_country_re: re.Pattern | None = None
    # (generic actor, country ISO3) -> that country's forces (national_forces.csv)
    national: dict = field(default_factory=dict)
    # The pipeline's rule wording (rules.csv): key -> compiled regex; a missing key never fires.
    rules: dict = field(default_factory=dict)

    def gate(self, name: str):
        """The gated form of one of the lexicon's regexes (``trigger``, ``cue_generic``, ...)."""
        return self.gates[name]

    def rule(self, key: str) -> re.Pattern:
        """The compiled pattern of a ``rules.csv`` key (one that never matches when the language lacks it)."""
        return self.rules.get(key, NEVER)

    def trigger_of(self, m: re.Match) -> Trigger:
        return self.triggers[int(m.lastgroup[1:])]

    def weapon_of(self, m: re.Match) -> Weapon:
        return self.weapons[int(m.lastgroup[1:])]


@cache
def load(lang: str = "en") -> Lexicon:
    """Compile the lexicon of ``lang`` (cached per process).

    Raises:
        UsageError: there is no lexicon folder for ``lang``.
    """
    d = lexicon_dir(lang)
    if not d.is_dir():
        raise UsageError(f"no extraction lexicon for language {lang!r} (expected {d})")
    trig = read_rows(d / "triggers.csv")
    weapons = read_rows(d / "weapons.csv")
    numbers = read_rows(d / "numbers.csv")
    cas = read_rows(d / "casualties.csv")
    mun = read_rows(d / "munitions.csv")
    dates = read_rows(d / "dates.csv")
    cues = read_rows(d / "cues.csv")
    actors = read_rows(d / "actors.csv")
    grammar = {r["key"]: [w for w in r["value"].split("|") if w] for r in read_rows(d / "grammar.csv")}
    cue_by_kind: dict[str, list[str]] = {}
    for r in cues:
        cue_by_kind.setdefault(r["kind"], []).append(r["pattern"])
    num_map = {r["word"].lower(): (int(r["value"]), r["kind"]) for r in numbers}
    # Longest words first so "a number of" wins over "a".
    num_words = sorted(num_map, key=len, reverse=True)
    lex = Lexicon(
        lang=lang,
        triggers=[Trigger(r["sub_event_type"], float(r["weight"]), r.get("role", "")) for r in trig],
        trigger_re=alternation([r["pattern"] for r in trig]),
        weapons=[Weapon(r["weapon"], r["category"]) for r in weapons],
        weapon_re=alternation([r["pattern"] for r in weapons]),
        numbers=num_map,
        number_word_re=re.compile(
            r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in num_words) + r")(?![\w])", re.IGNORECASE
        ),
        casualty_fields=[r["field"] for r in cas],
        casualty_re=alternation([r["pattern"] for r in cas]),
        munition_kinds=[r["kind"] for r in mun],
        munition_re=alternation([r["pattern"] for r in mun]),
        date_entries=[(r["kind"], r["value"]) for r in dates],
        date_patterns=[r["pattern"] for r in dates],
        date_re=alternation([r["pattern"] for r in dates]),
        cue_kinds=list(cue_by_kind),
        cue_re={k: alternation(v) for k, v in cue_by_kind.items()},
        actors=[r["actor"] for r in actors],
        actor_re=alternation([r["pattern"] for r in actors]),
        not_places=frozenset(r["word"].lower() for r in read_rows(d / "not_places.csv")),
        facility_re=alternation([r["pattern"] for r in read_rows(d / "facilities.csv")]),
        grammar=grammar,
    )
    from intensity.extract.scan import gate

    if grammar.get("number_label"):
        lex.number_label_re = re.compile(
            r"(?<![\w.])(?:" + "|".join(re.escape(w) for w in grammar["number_label"]) + r")\s*$")

    if (d / "actor_countries.csv").exists():  # optional per language
        hints = read_rows(d / "actor_countries.csv")
        lex.actor_countries = [r["country_iso3"] for r in hints]
        lex.actor_areas = [tuple(c for c in r.get("admin1_codes", "").split("|") if c) for r in hints]
        lex.actor_country_re = alternation([r["pattern"] for r in hints])
        lex.gates["actor_country"] = gate(lex.actor_country_re)
    if (d / "rules.csv").exists():
        lex.rules = compile_rules(read_rows(d / "rules.csv"), grammar)
    if (d / "national_forces.csv").exists():  # optional per language
        lex.national = {(r["actor"], r["country_iso3"]): r["national"] for r in read_rows(d / "national_forces.csv")}
    for name in ("trigger", "weapon", "number_word", "casualty", "munition", "date", "actor", "facility"):
        lex.gates[name] = gate(getattr(lex, f"{name}_re"))
    for kind, rx in lex.cue_re.items():
        lex.gates[f"cue_{kind}"] = gate(rx)
    return lex
