"""Rules that turn one article into events (see docs/extraction.md for the full rule list).

Per sentence: commentary sentences are dropped; trigger words (suppressed after
a generic cue such as "ongoing") and weapon names score the 25 sub-event types;
a few ordered rules settle the hard cases (clash beats shelling; an interception
with nothing getting through is ``disrupted_weapons_use``; killing civilians
without a remote weapon is violence against civilians); places, dates, numbers
and actors of the sentence are attached. Mentions are then grouped into events
by location, and sentences without a trigger that refer back ("the attack",
"casualties") add their numbers to the latest event.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from bisect import bisect_right
from collections import defaultdict
from datetime import date
from itertools import pairwise
from types import SimpleNamespace

from intensity import taxonomy
from intensity.extract import dates as datelib
from intensity.extract import gazetteer as gaz
from intensity.extract.lexicon import NEVER as _NEVER
from intensity.extract.lexicon import Lexicon, lexicon_dir, read_rows
from intensity.extract.lexicon import literal_alternation as _alternation
from intensity.extract.model import EXTRACTOR_VERSION, Evidence, ExtractedEvent
from intensity.extract.numbers import Number, find_numbers, prefix_of
from intensity.extract.scan import ArticleScan, Scan, gate
from intensity.extract.text import Sentence, split_sentences

# what a generic attack is, when the next sentence names its weapon
_REFINES_ATTACK = frozenset({"air_drone_strike", "shelling_artillery_missile_attack"})
# Tie-break between equally scored sub-types: the more specific first.
_PRIORITY = [
    "suicide_bomb", "chemical_weapon", "sexual_violence", "abduction_forced_disappearance",
    "government_regains_territory", "non_state_actor_overtakes_territory", "excessive_force_against_protesters",
    "protest_with_intervention", "armed_clash", "air_drone_strike", "remote_explosive_landmine_ied",
    "shelling_artillery_missile_attack", "grenade", "disrupted_weapons_use", "attack", "mob_violence",
    "violent_demonstration", "peaceful_protest", "arrests", "agreement", "looting_property_destruction",
    "headquarters_or_base_established", "non_violent_transfer_of_territory", "change_to_group_activity", "other",
]
_REMOTE = {"shelling_artillery_missile_attack", "air_drone_strike", "remote_explosive_landmine_ied", "grenade",
           "suicide_bomb", "chemical_weapon"}
# The words the rules read are the lexicon's (rules.csv and grammar.csv of a language); what
# is left here is language-neutral: sub-types, ACLED's actor names, digits and punctuation.
_DISRUPTABLE = {"air_drone_strike", "shelling_artillery_missile_attack"}  # what an interception stops
_WEAPON_SUB = {"mlrs": "shelling_artillery_missile_attack", "missile": "shelling_artillery_missile_attack",
               "artillery": "shelling_artillery_missile_attack", "drone": "air_drone_strike",
               "air": "air_drone_strike", "ied": "remote_explosive_landmine_ied"}
# rules.csv keys the pipeline reads (a language without one simply lacks that rule), and the ones
# it also reads behind a first-word gate
_RULES = ("other_side", "name_head", "anaphora", "according", "attribution", "cas_verb", "count_prefix",
          "and_before", "own_object", "cas_break", "copula", "intercept_before", "intercept_before_bare",
          "n_of_m_stopped", "rest_stopped", "intercept_after", "zero_fatal", "zero_hurt", "zero_injured",
          "combatant", "civilian", "aircraft_obj", "drone_word", "captured_people", "harm", "harm_verb",
          "combat_harm_verb", "taken_place", "clause_end", "killed_too", "air_to_air", "launched_from",
          "from_before", "excessive_force", "intervention", "passive_before", "by_after", "by_end", "in_district",
          "by_before", "near_before", "nominal_by", "attacked", "not_asserted", "accident", "died", "earlier",
          "coord_and", "including_before", "among_after", "general_noun", "own_verb", "named_facility_after",
          "source_after", "speaker_after", "in_direction", "metonym_owned", "injury_noun", "coder_statement",
          "count_to_region", "count_in_place", "each_before_count", "coord_place", "in_place_after",
          "modified_noun_after", "quote_before", "camera_after", "camera_before", "given_name_before")
_GATED_RULES = ("according", "anaphora", "n_of_m_stopped", "rest_stopped", "combatant", "civilian", "accident")
_SPACES = re.compile(r"\s*")
_BARE_NUMBER = re.compile(r"(?<![\w-])\d+(?![\w-])")
_MUNITION_GAP = re.compile(r"[\s\w-]{0,16}")
_BRACKETS = re.compile(r"\[[^\]]*\]")
_ANY_DIGIT = re.compile(r"\d")
# a headline's source after a dash or colon, at its end: "... killed in fighting: Kiev."
_SOURCE_BEFORE = re.compile(r"(?:\s[-\u2013\u2014]|:)\s*$")
_NAME_NEXT = re.compile(r"\s+(?-i:[A-Z])")
_WORD_NEXT = re.compile(r"\s+\w")
_LAST_WORD = re.compile(r"([^\W\d_]+)\s+$")
_RUN_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def _cap_run(text: str, start: int) -> str:
    """The capitalised words from ``start`` on ("Jebel Marra" of "Jebel Marra, Central Darfur"), in any script."""
    m = _RUN_WORD.match(text, start)
    end = m.end() if m else start
    while end + 1 < len(text) and text[end] == " " and text[end + 1].isupper():
        nxt = _RUN_WORD.match(text, end + 1)
        if not nxt:
            break
        end = nxt.end()
    return text[start:end]


# (ACLED's actor names, not the text's words)
_FORCES_OF = re.compile(r"^(?:Military|Police|Security|Armed) Forces of (.+?)(?: \(|$)")
_CRIME = frozenset({"attack", "sexual_violence", "abduction_forced_disappearance"})
_NOT_ARMED = frozenset({"Civilians", "Protesters", "Rioters", "Unidentified Armed Group"})
# (a city this large is meant by its name even where a region shares it)
_BIG_CITY = 200_000
# (a name this short that matches a place only by the loose key is more likely a word: "JFO", "Man", "All")
_SHORT_WORD = 4
_TERRITORY = ("non_state_actor_overtakes_territory", "government_regains_territory")
_STATE = re.compile(r"^(Military|Police) Forces")
# counts of people listed with a comma share one casualty word (and rules.csv coord_and)
_COORD_COMMA = re.compile(r"\s+(?:[^\W\d]+\s+){0,2}?[^\W\d]+,\s+")


def _coordinate(text: str, nums: list, fields: list, cas, skip: set, rules) -> None:
    """Give a count without a casualty word the field of the count it is listed with."""
    def joined(i: int, rx: re.Pattern) -> bool:
        s, e = nums[i].end, nums[i + 1].start
        # (only nouns between: no verb, no casualty word, "2 were killed and 7 injured")
        return rx.fullmatch(text, s, e) is not None and not rules.copula.search(text, s, e) \
            and not any(s <= cs < e for cs, _, _ in cas)

    links = []  # (i, joined by a comma)
    for i in range(len(nums) - 1):
        if joined(i, rules.coord_and):
            links.append((i, False))
        elif nums[i].kind != "article" and i + 2 < len(nums) and joined(i, _COORD_COMMA) and joined(i + 1, rules.coord_and):
            links.append((i, True))

    def countable(k: int) -> bool:
        n = nums[k]
        if n.start in skip or n.kind == "zero" or fields[k][0]:
            return False
        # not "3 houses and 2 people": nothing that is not people
        return not any(fld == "not_people" and s >= n.end and len(text[n.end:s].split()) <= 1 for s, _, fld in cas)

    for order in (links, links[::-1]):
        for i, comma in order:
            (fa, _), (fb, _) = fields[i], fields[i + 1]
            if fb and countable(i):
                fields[i] = (fb, (nums[i].start, nums[i].end))
            # forward only over "and", and not to a count with a verb of its own ("killed 6
            # villagers and 20 others were abducted"); "killed 12 people, 5 soldiers and 7
            # civilians" is one total and its breakdown
            elif fa and countable(i + 1) and not rules.own_verb.match(text, nums[i + 1].end) \
                    and not (comma and rules.general_noun.match(text, nums[i].end)):
                fields[i + 1] = (fa, (nums[i + 1].start, nums[i + 1].end))
    # "two people were killed in Kharkiv and three in Sumy": the second count, of another place,
    # is of the same victims as the first
    for i in range(len(nums) - 1):
        if fields[i][0] and countable(i + 1) and rules.coord_place.fullmatch(text, nums[i].end, nums[i + 1].start) \
                and rules.in_place_after.match(text, nums[i + 1].end):
            fields[i + 1] = (fields[i][0], (nums[i + 1].start, nums[i + 1].end))
    # "at least 8 people, including 3 women and 2 children, were killed": the counts after
    # "including" are part of the one before; their casualty word is that count's
    for k in range(1, len(nums)):
        if fields[k][0] and rules.including_before.search(text, max(0, nums[k].start - 16), nums[k].start):
            p = k - 1
            if not fields[p][0] and countable(p):
                fields[p] = (fields[k][0], (nums[p].start, nums[p].end))
            j = k
            while True:
                fields[j] = (None, (0, 0))
                # (the list goes on over "and", not into ", and 6 others were wounded")
                if not any(i == j and not c for i, c in links) or j + 1 >= len(nums) \
                        or "," in text[nums[j].end:nums[j + 1].start]:
                    break
                j += 1
    # "at least 8 people, 3 women and 2 children among them, were killed": a list after a total
    # that adds up to it is its breakdown
    for i, comma in links:
        if comma and fields[i][0] and rules.general_noun.match(text, nums[i].end):
            j = i + 1
            while any(k == j and not c for k, c in links):
                j += 1
            if sum(n.value for n in nums[i + 1:j + 1]) == nums[i].value or rules.among_after.match(text, nums[j].end):
                for k in range(i + 1, j + 1):
                    fields[k] = (None, (0, 0))


def _runs_joined(text: str, places: list[gaz.Mention]) -> list[gaz.Mention]:
    """Two names in one capitalised run that the gazetteer knows only apart, the region after it
    ("shelled Chervonyi Mayak, Kherson"): one name as written, in that region, with the word
    before the run; not its first word alone (a Chervone elsewhere)."""
    out = list(places)
    k = 0
    while k + 1 < len(out):
        m, nxt = out[k], out[k + 1]
        if m.prep and not nxt.prep and nxt.qualifier and nxt.start == m.end + 1 and text[m.end] == " " \
                and not (m.country or m.demonym or m.admin_word or nxt.country or nxt.demonym):
            out[k:k + 2] = [dataclasses.replace(nxt, prep=m.prep, start=m.start, surface=text[m.start:nxt.end])]
        else:
            k += 1
    return out


_SPLIT_COUNTS = ("fatalities", "fatalities_low", "fatalities_high", "injured", "munitions", "intercepted")


def _per_place(ev: ExtractedEvent, also: list[tuple[dict, Evidence]],
               counts: tuple[str, list[int]] | None) -> list[ExtractedEvent]:
    """One event per place of a list ("12 drones over the Belgorod, Kursk and Bryansk regions").

    Counts stated for all of them together are split evenly, as ACLED does with a total it
    cannot attribute (the remainder to the places named first), so that sums over places keep
    the stated totals; ``notes`` records the totals. Counts stated place by place (``counts``:
    their kind and values) are kept: weapons go to the interceptions where the total was of
    those; victims ("two in Kharkiv and three in Kherson") to the casualty field whose total they
    add up to, and where none does, the event is left as one.
    """
    n = len(also) + 1
    totals = {f: getattr(ev, f) for f in _SPLIT_COUNTS}
    own_field = None
    if counts and counts[0] == "weapons":
        own_field = "intercepted" if ev.intercepted is not None or (
            ev.munitions is None and ev.sub_event_type == "disrupted_weapons_use") else "munitions"
    elif counts:
        own_field = next((f for f in ("fatalities", "injured") if totals[f] == sum(counts[1])), None)
        if own_field is None:
            return [ev]
        if own_field == "fatalities":
            totals["fatalities_low"] = totals["fatalities_high"] = None
    if own_field:
        totals.pop(own_field)
    stated = {f: v for f, v in totals.items() if v is not None and f in ("fatalities", "injured", "munitions", "intercepted")}
    note = f"one of {n} places named together" + (f"; {own_field} as stated per place" if own_field else "") + (
        "; counts split evenly, totals " + ", ".join(f"{f} {v}" for f, v in stated.items()) if stated else "")
    own = [e for e in ev.evidence if e.field in ("admin1_code", "location")][:1]
    out = [ev]
    for g, e in also:
        out.append(dataclasses.replace(
            ev, country_iso3=g["country_iso3"], admin1_code=g["admin1_code"], admin1=g["admin1"], admin2=None,
            location=g["location"], latitude=g["lat"], longitude=g["lon"], geo_precision=g["geo"],
            article_ids=list(ev.article_ids), sentences=list(ev.sentences),
            evidence=[x for x in ev.evidence if x not in own] + [e]))
    for i, x in enumerate(out):
        for f, v in totals.items():
            q, rem = divmod(v, n) if v is not None else (None, 0)
            setattr(x, f, None if v is None else q + (i < rem))
        if own_field:
            setattr(x, own_field, counts[1][i])
        x.notes = note if not x.notes else f"{x.notes}; {note}"
    return out


class _Cues:
    """The cue matches of one sentence, each kind scanned only when a rule asks for it."""

    __slots__ = ("scan", "gates", "found", "own_day")

    def __init__(self, scan: Scan, gates: dict):  # (gates: cue kind -> gate)
        self.scan = scan
        self.gates = gates
        self.found: dict[str, list[re.Match]] = {}
        self.own_day: bool | None = None  # the sentence states a day of its own (read once, on demand)

    def get(self, kind: str, default=None) -> list[re.Match]:
        got = self.found.get(kind)
        if got is None:
            g = self.gates.get(kind)
            got = self.scan.finditer(g) if g is not None else []
            self.found[kind] = got
        return got if got or default is None else default


class _Mention:
    """What one sentence says (its numbers are read only when a rule needs them)."""

    __slots__ = ("sent", "sub", "trigger", "places", "_dates", "_read_dates", "_numbers", "weapon", "actors", "reporter",
                 "intercepted", "impact", "_evidence", "weak", "_read", "_scan", "lazy_scan", "captor")

    def __init__(self, sent: Sentence, sub, trigger, places, dates, numbers, weapon, actors, reporter,
                 intercepted: bool, impact: bool, evidence=None, weak: bool = False, read=None):
        self.sent = sent
        self.sub = sub
        self.trigger = trigger
        self.places = places
        self._dates = dates if not callable(dates) else None
        self._read_dates = dates if callable(dates) else None  # deferred: () -> dates
        self._numbers = numbers
        self.weapon = weapon
        self.actors = actors
        self.reporter = reporter
        self.intercepted = intercepted
        self.impact = impact
        self._evidence = evidence if evidence is not None else []
        self.weak = weak  # only generic or victim words ("a civilian was killed"): a follow-up, not a new event
        self._read = read  # deferred number reading: () -> (numbers, evidence)
        self._scan: Scan | None = None
        self.lazy_scan = None  # () -> Scan, for a sentence scanned only on demand
        self.captor: str | None = None  # who took a place (territory events)

    def _load(self) -> None:
        if self._read is not None:
            self._numbers, self._evidence = self._read()
            self._read = None

    @property
    def scan(self) -> Scan | None:
        if self._scan is None and self.lazy_scan is not None:
            self._scan, self.lazy_scan = self.lazy_scan(), None
        return self._scan

    @scan.setter
    def scan(self, value: Scan | None) -> None:
        self._scan = value

    @property
    def dates(self) -> list[datelib.DateMention]:
        if self._read_dates is not None:
            self._dates, self._read_dates = self._read_dates(), None
        return self._dates

    @property
    def numbers(self) -> dict:
        self._load()
        return self._numbers

    @property
    def evidence(self) -> list[Evidence]:
        self._load()
        return self._evidence


def _body(sents: list[Sentence]) -> list[Sentence]:
    """The sentences that are not headings; a text of heading-like lines only (a one-line
    report without a full stop, "Children's hospital damaged in Mariupol") is read as sentences."""
    body = [s for s in sents if not s.heading]
    return body if body or not sents else [s._replace(heading=False) for s in sents]


def _paragraph_date(mentions: list[_Mention], j: int) -> tuple[int, datelib.DateMention] | None:
    """The first date of the latest sentence before ``j`` in the same paragraph that has one."""
    par = mentions[j].sent.paragraph
    for i in range(j - 1, -1, -1):
        m = mentions[i]
        if m.sent.paragraph != par:
            return None
        if m.dates:
            return (par, m.dates[0])
    return None


def _plain(name: str) -> str:
    """A name's letters, lower case, without marks ("Abéché" -> "abeche", "Ma'an" -> "maan")."""
    return "".join(c for c in unicodedata.normalize("NFKD", name.lower()) if c.isalnum())


_LONG_WORD = re.compile(r"[^\W\d_][\w'’-]{3,}")


def _title_case(text: str) -> bool:
    """A headline in title case: (nearly) every word of four letters or more is capitalised."""
    words = _LONG_WORD.findall(text)
    return len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)




def _words_re(words: list[str], before: str = r"\b", after: str = r"\b", flags: int = re.IGNORECASE) -> re.Pattern:
    """Any of the lexicon's ``words`` between ``before`` and ``after`` (never matching when the
    lexicon has none, so that a language without the entry simply lacks the rule)."""
    return re.compile(rf"{before}(?:{_alternation(words)}){after}", flags) if words else _NEVER


def _demonyms() -> dict[str, str]:
    """Country adjectives (lower case) -> ISO3, from the gazetteer's countries_en.csv."""
    out = {}
    for r in read_rows(gaz.reference_dir() / "gazetteer" / "countries_en.csv"):
        for n in r["demonyms"].split("|"):
            if n.strip():
                out[n.strip().lower()] = r["country_iso3"]
    return out


def _territory_pattern(nouns: list[str], dem: dict[str, str], control: list[str]) -> re.Pattern | None:
    """A capitalised country adjective before a territory noun (grammar.csv ``territory_noun``),
    at most one word between ("Ukrainian critical infrastructure")."""
    if not nouns or not dem:
        return None
    noun = _alternation(nouns)
    # Case-sensitive adjective: a capital letter is what makes "Russian" the country's.
    alt = _alternation([_title(w) for w in dem])
    # "Russian-occupied territories" are not Russia's: a word of control between is refused.
    ctl = rf"(?!(?:{_alternation(control)})\b)" if control else ""
    return re.compile(rf"\b(?P<dem>{alt})(?:\s+{ctl}"
                      rf"[a-z][\w-]*)?\s+(?i:{noun})\b")


def _title(words: str) -> str:
    """"south sudanese" -> "South Sudanese", "bissau-guinean" -> "Bissau-Guinean"."""
    return re.sub(r"(^|[\s-])(\w)", lambda m: m.group(1) + m.group(2).upper(), words)


class Extractor:
    """A compiled extractor for one language (lexicon + gazetteer); reuse it across articles."""

    def __init__(self, lex: Lexicon, index: gaz.Index):
        self.lex = lex
        self.idx = index
        self.coding = [(gate(re.compile(r["pattern"], re.IGNORECASE)), r["field"])
                       for r in read_rows(lexicon_dir(lex.lang) / "coding_notes.csv")]
        self.parents = {r["sub_event_type"]: r["event_type"] for r in taxonomy.rows()}
        self._weapon_category = {w.name: w.category for w in lex.weapons}
        self.spot = gaz.Spotter(index, not_places=lex.not_places, grammar=lex.grammar, rules=lex.rules)
        g = lex.grammar
        # the rules' own wording (rules.csv), some also behind a first-word gate
        self.rx = SimpleNamespace(**{k: lex.rule(k) for k in _RULES})
        self.gates_rx = {k: gate(getattr(self.rx, k)) for k in _GATED_RULES}
        self._report_verbs = tuple(g.get("report_verb", []))  # (a substring test spares the attribution search)
        # region names that are compass words ("West", "North" in Cameroon): without a region word
        # they are directions ("the West", "North America"), not the region
        self._compass = frozenset(g.get("compass_word", []))
        self._given_names = frozenset(g.get("given_name", []))  # ("Kamala Harris": no place Kamala)
        self._sector_words = frozenset(g.get("sector_word", []))  # (a front sector is the region of its town)
        self._adj_endings = tuple(gaz.loose(w) for w in g.get("adjective_ending", []))  # (of region names: "Курской")
        self._event_prep_words = frozenset(g.get("event_prep", []))  # (places where it happened)
        self._origin_preps = frozenset(g.get("origin_prep", []))  # (where fire came from)
        self._owner_nouns = frozenset(w.lower() for w in g.get("owner_noun", []))
        self._target_verbs = frozenset(g.get("target_verb", []))
        self._event_preps = self._event_prep_words | self._target_verbs
        self.cue_gates = {k[4:]: g for k, g in lex.gates.items() if k.startswith("cue_")}  # kind -> gate
        # The lexicon's own words (event words, weapons, numbers, cues, facilities): capitalised at
        # a sentence start or in a headline ("Drone footage ...", "Tank fires ...", "One person
        # killed") they are that word, not a namesake town (Dronero, Tonk, Onex) unless something
        # marks them as a place (a preposition, a qualifying region or country, a region word).
        self.lex_words = frozenset().union(*(g.words for k, g in lex.gates.items()
                                             if k not in ("actor", "actor_country", "date")),
                                           (w.lower() for w in lex.grammar.get("person_noun", [])))
        self._demonym_countries = _demonyms()
        self._territory = _territory_pattern(g.get("territory_noun", []), self._demonym_countries,
                                             g.get("control_word", []))
        # falling debris ("fragments hit a house") is no weapon getting through an interception
        debris = self.cue_gates.get("debris")
        self._debris = (debris.rx.search if debris is not None else lambda _text: None)
        # the munition words that say which kind of weapon was shot down ("shot down 4 missiles")
        self._munition_word = {w.lower(): kind for kind in ("missile", "drone")
                               for w in g.get(f"munition_{kind}_word", [])}
        self._munition_re = _words_re(list(self._munition_word))
        self._victim = _words_re(g.get("victim_word", []))
        # (the name's end is before a possessive "'s", which the spotter drops)
        self._metonym_bare = _words_re(g.get("metonym_noun", []), r"(?:\s+|(?=-))")
        self._metonym_force = _words_re(g.get("metonym_force", []), r"\s+")
        nouns = g.get("actor_noun", [])
        self._actor_after = _words_re(nouns, r"[\s-]+") if nouns else None

    # ------------------------------------------------------------------ per sentence

    def _own_day(self, cues: _Cues, published: date) -> bool:
        """Whether the sentence states a day of its own ("On 5 March ..."): the weak cues (modal,
        habitual and court wording) count only in a sentence that does not."""
        if cues.own_day is None:
            sc = cues.scan
            cues.own_day = any(d.precision == 1 for d in datelib.find_dates(sc.text, published, self.lex, sc))
        return cues.own_day

    def _commentary(self, cues: _Cues, published: date) -> bool:
        """Analysis and forecasts; modal wording ("would", "might") only in a sentence without a date."""
        if cues.get("commentary"):
            return True
        if cues.get("commentary_weak"):
            return not self._own_day(cues, published)
        return False

    def _triggers(self, scan: Scan, cues: _Cues, cands: list | None = None,
                  published: date | None = None) -> list[tuple[str, float, int, int, str]]:
        g = self.lex.gates["trigger"]
        found = scan.finditer(g) if cands is None or not scan.exact else scan.finditer_at(g, cands)
        if not found:
            return []
        out = []
        generic = [m.span() for m in cues.get("generic", [])]
        weak = cues.get("generic_weak", [])
        if weak and not (published is not None and self._own_day(cues, published)):
            generic += [m.span() for m in weak]
        for m in found:
            t = self.lex.trigger_of(m)
            # "ongoing shelling", "threat of shelling", "protect residents from shelling"; inside
            # the cue too ("sending HIMARS rockets": both weapon words)
            if any(gs <= m.start() and m.start() - ge <= 12 for gs, ge in generic):
                continue
            if self._camera(scan.text, m):
                continue  # "drone footage shows a missile strike": the drone filmed it
            out.append((t.sub_event_type, t.weight, m.start(), m.end(), t.role))
        return out

    def _camera(self, text: str, m: re.Match) -> bool:
        """The event or weapon word is the camera that filmed it ("drone footage", "filmed by a drone")."""
        return self.rx.camera_after.match(text, m.end()) is not None \
            or self.rx.camera_before.search(text, max(0, m.start() - 40), m.start()) is not None

    def _classify(self, text: str, trig, weapons, cues, actors) -> str | None:
        scores: dict[str, float] = defaultdict(float)
        roles = defaultdict(list)
        for sub, w, _, _, role in trig:
            roles[role].append((sub, w))
            if role in ("generic", "blast", "disrupt", "civilian", "territory", "property"):
                continue
            if role == "harm" and not self.rx.harm.search(text):
                continue
            scores[sub] += w
        cats = {w.category for w, _, _ in weapons}
        for c in cats:
            if c in _WEAPON_SUB:
                scores[_WEAPON_SUB[c]] += 1.5
        has_generic = bool(roles.get("generic")) or bool(roles.get("blast"))
        intercept = bool(cues.get("interception")) or bool(roles.get("disrupt"))
        impact = bool(cues.get("impact"))
        sc = cues.scan if isinstance(cues, _Cues) and cues.scan.text is text else Scan(text)
        combatant = sc.search(self.gates_rx["combatant"]) is not None
        civ = sc.search(self.gates_rx["civilian"])
        civ_victims = civ is not None and not combatant
        if civ is None and not combatant and roles.get("civilian"):
            civ_victims = self._victim.search(text) is not None  # "The victim was stabbed": no armed man named
        if civ is not None and combatant and roles.get("civilian"):
            # "Unknown gunmen shot and killed a journalist": armed men named only before the
            # killing verb are its perpetrators, and the civilians after it its victims.
            # The victims are named in the verb's own clause: not "..., officials said".
            k0 = min(s for _, _, s, _, role in trig if role == "civilian")
            end = self.rx.clause_end.search(text, k0)
            # (a former or off-duty policeman is a civilian: his "policeman" is no combatant)
            civ_spans = [m.span() for m in sc.finditer(self.gates_rx["civilian"])]
            civ_victims = self.rx.civilian.search(text, k0, end.start() if end else len(text)) is not None \
                and all(m.end() <= k0 or any(a <= m.start() < b for a, b in civ_spans)
                        for m in sc.finditer(self.gates_rx["combatant"]))
            def victims_before_by(by, lo: int, hi: int) -> bool:
                # civilians named in [lo, hi), every armed man after the "by" (or a civilian himself)
                return by is not None and self.rx.civilian.search(text, lo, hi) is not None \
                    and all(m.start() >= by.end() or any(a <= m.start() < b for a, b in civ_spans)
                            for m in sc.finditer(self.gates_rx["combatant"]))

            if not civ_victims and self.rx.passive_before.search(text, max(0, k0 - 24), k0):
                # "Two civilians were killed by soldiers": the victims come before the verb, the
                # armed men after its "by"
                civ_victims = victims_before_by(self.rx.by_after.match(text, k0), 0, k0)
            if not civ_victims and (by := self.rx.nominal_by.match(text, k0)):
                # "Killing of a civilian by unknown gunmen": the victims between "of" and "by"
                civ_victims = victims_before_by(by, k0, by.end())
        # Captures of places change territory; who gains it (the government of the place, or a
        # non-state or foreign force) is settled once the place is known (see _territory_sub).
        # Capturing people ("captured two soldiers") is part of a clash.
        took_place = False
        for sub, w, s, e, role in trig:
            if role == "territory":
                if self.rx.captured_people.match(text, e):
                    scores["armed_clash"] += w
                elif self.rx.taken_place.match(text, e):
                    scores[sub] += w
                    took_place = True
                # (anything else taken, "seized weapons", is no territory)
        # Interception: shooting down an aircraft is anti-air fire (shelling/missile); stopping
        # drones or missiles with nothing getting through is disrupted weapons use.
        if intercept:
            if self.rx.aircraft_obj.search(text) and not self.rx.drone_word.search(text):
                # the aircraft is the target: fighters shooting it down is an (air) clash, anything
                # else is anti-air fire
                if not (scores.keys() - {"air_drone_strike"}):
                    return "armed_clash" if self.rx.air_to_air.search(text) else "shelling_artillery_missile_attack"
            elif not impact and (scores.get("air_drone_strike") or scores.get("shelling_artillery_missile_attack")
                                 or cats & {"drone", "missile", "mlrs", "air"}):
                return "disrupted_weapons_use"
        # (a mob's victims make mob violence, not an attack: ACLED's attacks are by organised groups)
        accident = False
        if (roles.get("civilian") or has_generic) and not cats and not combatant:
            a = sc.search(self.gates_rx["accident"])
            k = min((s for _, _, s, _, role in trig if role in ("civilian", "generic")), default=len(text))
            accident = a is not None and a.start() < k
        if roles.get("civilian") and not scores.get("mob_violence") and not accident:
            w = sum(w for _, w in roles["civilian"])
            # (civilians killed by an explosion are a remote explosive's victims, below)
            if not (set(scores) & _REMOTE) and civ_victims and not roles.get("blast"):
                scores["attack"] += w + 1
            elif not scores and combatant:
                scores["armed_clash"] += w
        if has_generic and not scores:
            if cats:
                for c in cats:
                    if c in _WEAPON_SUB:
                        scores[_WEAPON_SUB[c]] += 1
            elif roles.get("blast") and self.rx.harm.search(text):
                scores["remote_explosive_landmine_ied"] += 1
            elif civ_victims and not accident and self.rx.harm_verb.search(text):
                scores["attack"] += 1
            elif combatant and self.rx.combat_harm_verb.search(text):
                scores["armed_clash"] += 1
            elif any(a[0] not in _NOT_ARMED for a in actors) and self._asserted_attack(text):
                # "Taliban attacked Imam Sahib district", "Boko Haram attacked Damboa": a named armed
                # group's attack with no victim named is fighting (ACLED's usual coding); not
                # "gunmen attacked Hassan" (a person), "attacks fell", "denied they attacked"
                scores["armed_clash"] += 1
        # A place taken (not people) is a territorial event, also when fighting preceded it.
        if took_place:
            terr = max(_TERRITORY, key=lambda t: scores.get(t, 0))
            if scores.get(terr):
                return terr
        # Clash beats shelling when both are reported in one sentence (ACLED's rule); small arms
        # named beside mortars are not a clash word (their score still counts).
        clash_words = scores.get("armed_clash", 0) - sum(w for _, w in roles.get("arms", []))
        if clash_words >= 3 and set(scores) & {"shelling_artillery_missile_attack", "air_drone_strike"}:
            return "armed_clash"
        # The air force named as striking: an air strike, also when artillery joined in.
        if roles.get("air") and scores.get("shelling_artillery_missile_attack"):
            return "air_drone_strike"
        # Abducted and killed: the killing is the event (an attack).
        if scores.get("abduction_forced_disappearance") and self.rx.killed_too.search(text):
            scores["attack"] += scores["abduction_forced_disappearance"] + 1
        # Protest refinements: intervention and excessive force.
        if scores.get("peaceful_protest"):
            # ACLED: lethal or potentially lethal force on a peaceful protest is excessive force; any
            # other attempt to stop it (dispersal, arrests, tear gas) is an intervention.
            if self.rx.excessive_force.search(text):
                return "excessive_force_against_protesters"
            if self.rx.intervention.search(text):
                if self.rx.died.search(text):
                    return "excessive_force_against_protesters"
                scores["protest_with_intervention"] += scores["peaceful_protest"] + 1
        if scores.get("violent_demonstration") and scores.get("peaceful_protest"):
            scores["violent_demonstration"] += 1
        # Property burnt, looted or shot at counts only when nothing else happened.
        if not scores and roles.get("property"):
            scores["looting_property_destruction"] += sum(w for _, w in roles["property"])
        if not scores:
            return None
        best = max(scores.values())
        for sub in _PRIORITY:
            if scores.get(sub) == best:
                return sub
        return max(scores, key=scores.get)

    def _asserted_attack(self, text: str) -> bool:
        """"X attacked <place>" as a fact: no denial or modal before the verb, no civilian (lower
        case: not "Imam Sahib") as its object."""
        m = self.rx.attacked.search(text)
        if m is None or self.rx.not_asserted.search(text, 0, m.start()):
            return False
        end = self.rx.clause_end.search(text, m.end())
        return not any(c.group()[0].islower() for c in self.rx.civilian.finditer(text, m.end(), end.start() if end else len(text)))

    def _numbers(self, scan: Scan, offset: int, cues: _Cues, sidx: int) -> tuple[dict, list[Evidence]]:
        """fatalities / injured / munitions / intercepted counts of one sentence, with evidence."""
        text = scan.text
        ev: list[Evidence] = []
        res: dict[str, int | None] = {}
        # (a coder statement's count is group n, so it needs a digit)
        for rx, fld in (self.coding if _ANY_DIGIT.search(text) else ()):
            m = scan.search(rx)
            if m:
                k = m.groupdict().get("k")
                res["coded_" + fld] = int(m.group("n")) // max(int(k), 1) if k else int(m.group("n"))
                ev.append(Evidence(fld, sidx, offset + m.start(), offset + m.end(), m.group(), "coding_note"))
        # Bracketed editorial remarks ("[Russian MoD reported 150 fatalities ...]") repeat or qualify
        # the claim: only explicit coder statements are read from them.
        if "[" in text:
            text = _BRACKETS.sub(lambda m: " " * len(m.group()), text)
            if text != scan.text:
                scan = Scan(text)
        nums = self._numbers_of(scan)
        # casualty and munition words matter only next to a number
        cas = [(m.start(), m.end(), self.lex.casualty_fields[int(m.lastgroup[1:])])
               for m in scan.finditer(self.lex.gates["casualty"])] if nums else []
        mun = [(m.start(), m.end(), self.lex.munition_kinds[int(m.lastgroup[1:])])
               for m in scan.finditer(self.lex.gates["munition"])] if nums else []
        used_for_munitions = set()
        munitions = 0
        intercepted = None
        nm = scan.search(self.gates_rx["n_of_m_stopped"]) if nums else None
        launched = 0
        if nm:
            intercepted, launched = int(nm.group(1)), int(nm.group(2))
            used_for_munitions.update(n.start for n in nums if n.start in (nm.start(1), nm.start(2)))
            ev.append(Evidence("intercepted", sidx, offset + nm.start(), offset + nm.end(), nm.group(), "count_intercepted"))
        for n in nums:
            if n.start in used_for_munitions:
                continue
            # "22 shells", "63 Shahed drones", "88 missiles"
            hit = next(((s, e, k) for s, e, k in mun if k == "munition" and 0 <= s - n.end <= 16
                        and _MUNITION_GAP.fullmatch(text[n.end:s] or " ") and
                        len(text[n.end:s].split()) <= 2), None)
            if hit and n.kind != "article":
                # "shot down 37 drones" / "intercepted 30 missiles" count interceptions, not launches.
                pre = text[max(0, n.start - 20):n.start].lower()
                if self.rx.intercept_before.search(pre) or self.rx.intercept_after.match(text, hit[1]):
                    intercepted = (intercepted or 0) + n.value
                    ev.append(Evidence("intercepted", sidx, offset + n.start, offset + hit[1], text[n.start:hit[1]], "count_intercepted"))
                else:
                    munitions += n.value
                    ev.append(Evidence("munitions", sidx, offset + n.start, offset + hit[1], text[n.start:hit[1]], "count_munitions"))
                used_for_munitions.add(n.start)
                continue
            pre = text[max(0, n.start - 20):n.start].lower()
            if self.rx.intercept_before_bare.search(pre) or (n.kind in ("digits", "word") and self.rx.intercept_after.match(text, n.end)):
                intercepted = (intercepted or 0) + n.value
                used_for_munitions.add(n.start)
                ev.append(Evidence("intercepted", sidx, offset + n.start, offset + n.end, text[n.start:n.end], "count_intercepted"))
        # ("Russia attacked with 25 drones; 20 of 25 were destroyed": one salvo of 25)
        munitions = max(munitions, launched)
        if munitions:
            res["munitions"] = munitions
        if scan.search(self.gates_rx["rest_stopped"]):
            res["all_intercepted"] = True
        if intercepted is not None:
            res["intercepted"] = intercepted
        totals = {"fatalities": 0, "injured": 0}
        found = {"fatalities": False, "injured": False}
        low_high = {"fatalities": [0, 0]}
        fields = [(None, (0, 0)) if n.start in used_for_munitions or n.kind == "zero"
                  else self._casualty_field(text, n, cas) for n in nums]
        _coordinate(text, nums, fields, cas, used_for_munitions, self.rx)
        for n, (fld, span) in zip(nums, fields):
            if not fld:
                continue
            totals[fld] += n.value
            found[fld] = True
            if fld == "fatalities":
                low_high["fatalities"][0] += n.value
                low_high["fatalities"][1] += n.high if n.high is not None else n.value
            s, e = min(n.start, span[0]), max(n.end, span[1])
            rule = "count_range_low" if n.high is not None else ("count_vague" if n.kind == "vague" else "count")
            p = prefix_of(text, n, self.lex)
            if p:
                rule += f"({p})"
            ev.append(Evidence(fld, sidx, offset + s, offset + e, text[s:e], rule))
        for fld in ("fatalities", "injured"):
            if found[fld]:
                res[fld] = totals[fld]
        if found["fatalities"] and low_high["fatalities"][1] != low_high["fatalities"][0]:
            res["fatalities_low"], res["fatalities_high"] = low_high["fatalities"]
        for m in cues.get("zero_casualties", []):
            g = m.group().lower()
            fields = []
            if self.rx.zero_fatal.search(g):
                fields = ["fatalities"]
            elif self.rx.zero_hurt.search(g):
                fields = ["injured"] if self.rx.zero_injured.search(g) else ["fatalities", "injured"]
            else:
                fields = ["fatalities", "injured"]
            for fld in fields:
                if fld not in res:
                    res[fld] = 0
                    ev.append(Evidence(fld, sidx, offset + m.start(), offset + m.end(), m.group(), "zero_casualties"))
        for m in cues.get("unknown_casualties", []):
            res.setdefault("unknown", 1)
            ev.append(Evidence("fatalities", sidx, offset + m.start(), offset + m.end(), m.group(), "unknown_casualties"))
        return res, ev

    def _numbers_of(self, scan: Scan) -> list[Number]:
        """The numbers of a sentence, read once for the rules that need them (not to be modified)."""
        if scan.numbers is None:
            scan.numbers = find_numbers(scan.text, self.lex, scan)
        return scan.numbers

    def _casualty_field(self, text: str, n: Number, cas) -> tuple[str | None, tuple[int, int]]:
        # A count of things that are not people ("200 cows", "3 houses", at most one word between).
        for s, e, fld in cas:
            if s >= n.end:
                if fld == "not_people" and len(text[n.end:s].split()) <= 1:
                    return None, (0, 0)
                break
        # A casualty verb right before the number: "killing 3", "injuring 8 civilians", "killed two".
        for s, e, fld in cas:
            if e <= n.start and fld in ("fatalities", "injured") and (
                    (n.start - e <= 3 and _SPACES.fullmatch(text, e, n.start)) or self.rx.count_prefix.fullmatch(text, e, n.start)):
                if self.rx.cas_verb.match(text, s, e):
                    return fld, (s, e)
        # "leaving 3 dead", "3 civilians were killed", "an injury", "2 policemen including a commander were killed"
        limit = 6 if n.kind != "article" else 2
        for s, e, fld in cas:
            if s >= n.end:
                between = text[n.end:s]
                words = between.split()
                if len(words) > limit or self.rx.cas_break.search(between):
                    break
                # another real number in between takes this casualty word
                if _BARE_NUMBER.search(between):
                    break
                if fld == "not_people":
                    continue
                if fld == "either" or (self.rx.and_before.search(between) and not self.rx.copula.search(between)
                                       and self.rx.own_object.match(text, e)):
                    return None, (0, 0)
                if n.kind == "article" and not (len(words) == 0 or self.rx.copula.search(between)):
                    if not (len(words) <= 1 and fld == "injured" and self.rx.injury_noun.match(text, s, e)):
                        return None, (0, 0)
                return fld, (s, e)
        return None, (0, 0)

    def _actors(self, scan: Scan) -> list[tuple[str, int, int, str]]:
        return [(self.lex.actors[int(m.lastgroup[1:])], m.start(), m.end(), m.group())
                for m in scan.finditer(self.lex.gates["actor"])]

    def _reporter(self, text: str, cues: dict) -> tuple[str, int, int] | None:
        if self.gates_rx["according"].maybe_in(text):
            m = self.rx.according.search(text)
            if m:
                return m.group(1).strip(), m.start(1), m.end(1)
        # (the attribution needs one of its verbs: a substring test spares the slow search)
        if any(v in text for v in self._report_verbs):
            m = self.rx.attribution.search(text)
            if m:
                return m.group(1).strip(), m.start(1), m.end(1)
        return None

    # ------------------------------------------------------------------ article

    def extract(self, text: str, *, published: date, title: str | None = None,
                article_id: str | None = None) -> list[ExtractedEvent]:
        """Events of one article. See :func:`intensity.extract.extract_events`."""
        text = text if isinstance(text, str) else str(text)
        sents = _body(split_sentences(text))
        title_sent = None
        if title and title.strip():
            title_sent = Sentence(-1, 0, len(title), title, -1)
        # Cap absurd inputs: the rules are linear, but evidence lists should stay readable.
        sents = sents[:2000]
        # Sentences without a single trigger word cannot hold an event: one look at the whole
        # article finds the others (their own scan below decides exactly).
        # (each such sentence is handed its candidates, so its own trigger scan does not look for them again)
        art = ArticleScan(text)
        trigger = self.lex.gates["trigger"]
        maybe = None
        cand = art.word_candidates(trigger) if sents else None
        if cand is not None:
            starts = [s.start for s in sents]
            maybe = {}
            for p, w in cand:
                j = bisect_right(starts, p) - 1
                if j >= 0 and p < sents[j].end:
                    maybe.setdefault(j, []).append((p - starts[j], w))
            # No sentence can hold an event, nor the title, which is read only then: no events, and
            # the places (the article context) need not be spotted at all.
            if not maybe and (title_sent is None or not Scan(title).may_match(trigger)):
                return []
        ctx_countries: dict[str, int] = defaultdict(int)
        ctx_admin: dict[str | tuple, int] = defaultdict(int)  # (ISO code, or ("area", code) hints)
        # Forces and groups of one country count towards it (actor_countries.csv); a name inside
        # a longer group name is no place ("Shabaab" of "Al Shabaab", "Raia" of "Raia Mutomboki")
        # unless a preposition makes it one ("in the Donetsk People's Republic").
        hint = self.lex.gates.get("actor_country")
        groups: dict[str, list[tuple[int, int]]] = {"title": [], "text": []}  # (spans in each's own offsets)
        if hint is not None:
            for key, doc in (("title", Scan(title)), ("text", art)) if title_sent else (("text", art),):
                for m in doc.finditer(hint):
                    k = int(m.lastgroup[1:])
                    ctx_countries[self.lex.actor_countries[k]] += 1
                    for code in self.lex.actor_areas[k] if self.lex.actor_areas else ():
                        ctx_admin[("area", code)] += 1  # (favours places there; never a region of its own)
                    groups[key].append(m.span())
        spotted: dict[int, list[gaz.Mention]] = {}
        for s in ([title_sent] if title_sent else []) + sents:
            ms = self._places_in(s.text)
            spans = groups["title" if s.index < 0 else "text"]
            if spans and ms:
                off = 0 if s.index < 0 else s.start
                ms = [m for m in ms if m.prep is not None or not any(
                    a <= off + m.start and off + m.end <= b and b - a > m.end - m.start for a, b in spans)]
            spotted[s.index] = ms
            self._add_context(s.text, ms, ctx_countries, ctx_admin)
        mentions: list[_Mention] = []
        for j, s in enumerate(sents):
            if maybe is None or j in maybe:
                mentions.append(self._mention(s, s.start, published, spotted[s.index], art,
                                              maybe[j] if maybe is not None and art.exact else None))
            else:
                mentions.append(self._quiet_mention(s, s.start, published, spotted[s.index], art=art))
        # (which sentences may refer back to an event: one look at the article, taken when first needed)
        near: list = []

        def refs() -> set[int] | None:
            if not near:
                got = art.needle_sentences(self.gates_rx["anaphora"], starts_, [s.end for s in sents])
                near.append(got if got is None else {sents[i].index for i in got})
            return near[0]

        starts_ = [s.start for s in sents]
        events = self._group(mentions, published, ctx_countries, ctx_admin, text, refs)
        if not events and title_sent is not None:
            tm = self._mention(title_sent, 0, published, spotted[-1])
            events = self._group([tm], published, ctx_countries, ctx_admin, title)
        aid = article_id or hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        seen = defaultdict(int)
        for ev in events:
            ev.article_id = aid
            ev.article_ids = [aid]
            key = f"{aid}|{ev.sub_event_type}|{ev.event_date}|{ev.admin1_code}|{ev.location}"
            seen[key] += 1
            if seen[key] > 1:
                key += f"|{seen[key]}"
            ev.event_id = "text:" + hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:20]
        return events

    def locate(self, text: str, *, published: date, title: str | None = None) -> dict | None:
        """Where the text is about, by the same place rules as its events, event word or not.

        The first sentence (title first) that names a place gives it, resolved with the whole
        text as context; else the text's most-mentioned region or country. Returns a dict with
        ``country_iso3``, ``admin1_code``, ``admin1``, ``location``, ``geo`` (or None). Used to
        score the gazetteer on its own (``bench/extract_eval.py``).
        """
        sents = _body(split_sentences(text or ""))[:2000]
        if title and title.strip():
            sents = [Sentence(-1, 0, len(title), title, -1)] + sents
        ctx_countries: dict[str, int] = defaultdict(int)
        ctx_admin: dict[str | tuple, int] = defaultdict(int)  # (ISO code, or ("area", code) hints)
        spotted = [(s, self._places_in(s.text)) for s in sents]
        for s, ms in spotted:
            self._add_context(s.text, ms, ctx_countries, ctx_admin)
        for s, ms in spotted:
            if not ms:
                continue
            place, _ = self._place_of(self._quiet_mention(s, max(s.start, 0), published, ms), ctx_countries, ctx_admin)
            if place is not None:
                return place
        return self._fallback_place(ctx_countries, ctx_admin)

    def _loose_short(self, m: gaz.Mention) -> bool:
        """A short bare word that names a place only by the loose key ("Man" for Ma'an, "JFO" for
        Ifo): none of its places or regions is spelled so, and none is a large city."""
        if len(m.surface) > _SHORT_WORD or m.prep or m.country or m.demonym or m.admin_word or m.qualifier \
                or not m.places:
            return False
        idx, word = self.idx, _plain(m.surface)
        return all(_plain(idx.places[i][0]) != word and idx.places[i][5] < _BIG_CITY for i in m.places[:200]) \
            and self._loose_region(m)

    def _loose_region(self, m: gaz.Mention) -> bool:
        """A short word (no region word after it) that names its region only by the loose key ("Man"
        for Ma'an): no region of its regions is spelled so."""
        return len(m.surface) <= _SHORT_WORD and not m.admin_word and all(
            _plain(self.idx.region_info.get(c, ("", ""))[0]) != _plain(m.surface) for c in m.admin1)

    def _population(self, m: gaz.Mention, iso3: str) -> int:
        """The largest population of the places of that country the name may be."""
        places = self.idx.places
        return max((places[i][5] for i in m.places[:200] if places[i][1] == iso3), default=0)

    def _government(self, text: str, m: gaz.Mention) -> bool:
        """A city name standing for its government or army, not for a place: "Moscow said",
        "Kiev forces shelling ..." (a capital), "... three soldiers killed: Kiev." (a headline's source)."""
        if m.admin_word or m.admin2_word or m.qualifier or m.country:
            return False
        if not m.prep and self.rx.speaker_after.match(text, m.end):
            return True
        if self.idx.capitals.isdisjoint(m.places[:200]):
            return False  # ("Puntland forces", "Donetsk militia", "- Mariupol Council": of the place)
        for rx in (self.rx.metonym_owned, self._metonym_force) if m.prep else \
                (self.rx.metonym_owned, self._metonym_force, self._metonym_bare):
            if rx.match(text, m.end):
                return True
        return not m.prep and _SOURCE_BEFORE.search(text, 0, m.start) is not None \
            and self.rx.source_after.fullmatch(text, m.end) is not None

    def _places_in(self, text: str) -> list[gaz.Mention]:
        """The gazetteer's names in a sentence, less those that are part of another name."""
        return [m for m in self.spot(text) if not self._name_part(text, m)]

    def _name_part(self, text: str, m: gaz.Mention) -> bool:
        """The name belongs to another name, not a place: "Киевский режим", "Черноморского флота"
        (the lexicon's nouns an adjective of a place modifies), a quoted system, ship or unit name
        ("САУ «Малка»"), or a person's name: a surname after a given name ("Hugh Grant", "Jim
        Jordan"), a given name before another name ("Kamala Harris")."""
        return not m.admin_word and (self.rx.modified_noun_after.match(text, m.end) is not None
                                     or self.rx.quote_before.search(text, max(0, m.start - 2), m.start) is not None
                                     or self.rx.given_name_before.search(text, max(0, m.start - 16), m.start) is not None
                                     or (m.surface in self._given_names and _NAME_NEXT.match(text, m.end) is not None))

    def _owned(self, text: str, start: int) -> bool:
        """A country named as the owner of an institution right before it ("Минобороны России"):
        whose it is, not where anything happened (grammar.csv ``owner_noun``)."""
        w = _LAST_WORD.search(text, max(0, start - 40), start)
        return w is not None and w.group(1).lower() in self._owner_nouns

    def _add_context(self, text: str, ms: list[gaz.Mention], ctx_countries, ctx_admin) -> None:
        """Count one sentence's places, countries and country adjectives towards the article context."""
        for m in ms:
            if m.prep in self._origin_preps and self.rx.launched_from.search(text, 0, m.start):
                continue  # where fire was launched from tells nothing of where it landed
            if self._government(text, m) or self._loose_short(m):
                continue
            if m.country and not (self._owner_nouns and not m.prep and self._owned(text, m.start)):
                ctx_countries[m.country] += 2
            # "Israeli airstrikes", "Turkish drones": the attacker's adjective says nothing of where
            # (it made the event Israel's when the sentence named no place)
            if m.demonym and not (self._actor_after is not None and self._actor_after.match(text, m.end)):
                ctx_countries[m.demonym] += 1
            if m.admin1 and (m.admin_word or not m.places or m.qualifier is None) and len(m.admin1) == 1 \
                    and (m.admin_word or m.surface.lower() not in self._compass) and not self._loose_region(m):
                ctx_admin[m.admin1[0]] += 1
                ctx_countries[self.idx.region_info.get(m.admin1[0], ("", ""))[1]] += 1
            if m.qualifier and "|" not in m.qualifier:
                ctx_admin[m.qualifier] += 1

    def _quiet_mention(self, s: Sentence, offset: int, published: date, places: list[gaz.Mention],
                       prepared: tuple | None = None, art: ArticleScan | None = None) -> _Mention:
        """A sentence with no trigger word: no event of its own; its dates and numbers are read on demand."""
        state: dict = {}
        if prepared is not None:
            state["scan"], state["_cues"] = prepared

        def scan() -> Scan:
            if "scan" not in state:
                state["scan"] = art.sentence(s.text, s.start) if art is not None else Scan(s.text)
            return state["scan"]

        def cues() -> tuple[_Cues, bool]:
            if "cues" not in state:
                c = state.get("_cues") or _Cues(scan(), self.cue_gates)
                state["cues"] = (c, self._commentary(c, published))
            return state["cues"]

        def dates():
            _, commentary = cues()
            return [] if commentary else datelib.find_dates(s.text, published, self.lex, scan())

        def numbers():
            c, commentary = cues()
            return ({}, []) if commentary else self._numbers(scan(), offset, c, s.index)

        # (a commentary sentence's places are never read: its numbers are empty)
        m = _Mention(s, None, None, places, dates, None, None, [], None, False, False, read=numbers)
        m.lazy_scan = scan
        return m

    def _mention(self, s: Sentence, offset: int, published: date, places: list[gaz.Mention],
                 art: ArticleScan | None = None, trigger_cands: list | None = None) -> _Mention:
        t = s.text
        # (a sentence of the article takes its scan from the article's; the title is not in it)
        scan = art.sentence(t, s.start) if art is not None else Scan(t)
        cues = _Cues(scan, self.cue_gates)
        trig = self._triggers(scan, cues, trigger_cands, published)
        if not trig:  # (no event word after all: as if it had none, commentary read on demand)
            return self._quiet_mention(s, offset, published, places, prepared=(scan, cues))
        if self._commentary(cues, published):
            m = _Mention(s, None, None, [], [], {}, None, [], None, False, False)
            m.scan = scan
            return m
        # Weapons, actors and the reporter matter only to a sentence with an event word.
        weapons = [(self.lex.weapon_of(m), m.start(), m.end()) for m in scan.finditer(self.lex.gates["weapon"])
                   if not self._camera(t, m)] \
            if trig else []
        actors = self._actors(scan) if trig else []
        sub = self._classify(t, trig, weapons, cues, actors) if trig else None
        if sub in _CRIME and cues.get("court") and not self._own_day(cues, published):
            sub = None  # "Man convicted of killing two traders ...": a trial, not the killing
        # Dates are read when a rule needs them: the event's own, or the paragraph's for a later event.
        dts = (lambda: datelib.find_dates(t, published, self.lex, scan))
        wp = None
        if weapons:
            # the most specific weapon named (a model name over a class word)
            w, ws, we = max(weapons, key=lambda x: (x[0].name not in ("drone", "aircraft", "mortar", "artillery"), x[2] - x[1]))
            wp = (w.name, ws, we)
        trigger = None
        reporter = None
        if sub:
            cand = [x for x in trig if x[0] == sub] or trig
            _, _, ts, te, _ = cand[0]
            trigger = (ts, te, t[ts:te])
            reporter = self._reporter(t, cues)
        read = (lambda: self._numbers(scan, offset, cues, s.index))
        m = _Mention(s, sub, trigger, places, dts, None, wp, actors, reporter,
                     bool(cues.get("interception")) if trig else False, bool(cues.get("impact")) if trig else False,
                     weak=bool(trig) and all(x[4] in ("civilian", "generic", "blast") for x in trig) and not weapons,
                     read=read)
        m.scan = scan
        if sub in _TERRITORY:
            m.captor = self._captor(t, trigger[0], actors)
        return m

    def _captor(self, text: str, pos: int, actors) -> str | None:
        """The actor that took the place: "by X", else the last actor named before the trigger."""
        cand = [a for a in actors if a[0] not in ("Civilians", "Protesters", "Rioters")]
        for a in cand:  # (the agent of a passive after the trigger, not "repelled an attack by X and retook")
            if a[1] >= pos and self.rx.by_end.search(text[max(0, a[1] - 8):a[1]]):
                return a[0]
        # (not the other side: "Russian forces clashed with Ukrainian forces and captured X")
        before = [a for a in cand if a[1] < pos and not self.rx.other_side.search(text, max(0, a[1] - 9), a[1])]
        return before[-1][0] if before else None

    def _territory_sub(self, mt: _Mention, country_iso3: str | None) -> str:
        """ACLED's rule: the government of the place regains it; anyone else (a non-state group or a
        foreign state's forces) overtakes it. Without a named captor the trigger word decides."""
        if mt.sub not in _TERRITORY or not mt.captor:
            return mt.sub
        if not _STATE.match(mt.captor):
            return "non_state_actor_overtakes_territory"
        m = _FORCES_OF.match(mt.captor)
        own = None
        if m:
            own = self.idx.country_keys.get(gaz.loose_memo(m.group(1)))
        if own is None or own == country_iso3:  # a government's forces (of this country, or unnamed)
            return "government_regains_territory"
        return "non_state_actor_overtakes_territory"

    def _resolve(self, m: gaz.Mention, ctx_countries, ctx_admin) -> dict | None:
        """Pick a settlement / region for one spotted name, using the article's context."""
        idx = self.idx
        if not m.admin_word and m.surface.lower() in self._compass:
            return None  # "North Waziristan", "the West": not Cameroon's West, nor North Salt Lake
        # A region word makes the name a region, except a front sector's word after a town no
        # region is named after ("на Курском направлении": the town, Kursk).
        sector_town = m.admin_word in self._sector_words and m.places and not m.admin1
        if (m.admin_word and not sector_town) or (m.admin1 and not m.places):
            return self._region(m, ctx_countries, ctx_admin)
        if not m.places:
            return None
        qual = set(m.qualifier.split("|")) if m.qualifier else set()
        cq = m.country_qualifier
        best_i, best_score = None, -1e9
        places = idx.places
        pop_score = gaz.population_score
        own_region = bool(m.admin1) and not self._loose_region(m)  # ("Man" is no spelling of Ma'an's region)
        for i in m.places[:200]:
            # (the raw row: name, iso3, admin1_code or "", lat, lon, population, kind, curated)
            _, iso3, a1, _, _, pop, kind, curated = places[i]
            a1 = a1 or None
            sc = pop_score(pop) * 0.6
            if curated:  # (a district, without coordinates, yields to a town of its name: a shade below)
                sc += 1.5 if kind != "district" else -0.1
            if qual and a1 in qual:
                sc += 6
            if a1 and ctx_admin.get(a1):
                sc += 2.5
            elif a1 and ctx_admin.get(("area", a1)):
                sc += 1.5
            sc += min(ctx_countries.get(iso3, 0), 3) * 1.2
            if own_region and a1 in m.admin1:
                sc += 1
            if cq and iso3 == cq:
                sc += 6
            if sc > best_score:
                best_i, best_score = i, sc
        best = idx.place(best_i) if best_i is not None else None
        if qual and best is not None and best.admin1_code not in qual:
            # the qualifying region wins; of several with that name, the one the article is about
            def rank(c):
                return (bool(cq) and idx.region_info.get(c, ("", ""))[1] == cq,
                        ctx_countries.get(idx.region_info.get(c, ("", ""))[1], 0), ctx_admin.get(c, 0))
            ranked = sorted(sorted(qual), key=rank, reverse=True)
            code = ranked[0]
            name, iso3 = idx.region_info.get(code, (None, None))
            if len(ranked) > 1 and rank(ranked[1]) == rank(code) and idx.region_info.get(ranked[1], ("", ""))[1] == iso3 \
                    and idx.city_regions.isdisjoint(ranked):  # ("Kyiv" names the city and its oblast: as before)
                # "Pisky in Donbas": two regions of one country and nothing to choose between them
                return {"admin1_code": None, "admin1": None, "country_iso3": iso3, "location": m.surface, "geo": 1,
                        "lat": None, "lon": None}
            return {"admin1_code": code, "admin1": name, "country_iso3": iso3, "location": m.surface, "geo": 1,
                    "lat": None, "lon": None}
        # A small place with no support from context is more likely a coincidence of names, unless
        # the sentence places the event there ("in X", "near X") and the name belongs to one country.
        if best is None or (cq and best.country_iso3 != cq):
            return None  # ("Darwaz, Tajikistan": not the Afghan district of that name)
        # A region's own name beats a small namesake town abroad that nothing in the article
        # supports ("in Borno" is Borno State, Nigeria, not Borna, Germany).
        if m.admin1 and not qual and not (cq and best.country_iso3 == cq) \
                and not ctx_countries.get(best.country_iso3) and places[best_i][5] < _BIG_CITY \
                and (best.admin1_code not in m.admin1
                     or len({idx.region_info.get(c, ("", ""))[1] for c in m.admin1}) > 1):
            # (also a town named after its own region where regions of several countries share the
            # name: "in Florida" is the US state, not the town of Florida, Uruguay)
            return self._region(m, ctx_countries, ctx_admin)
        if best_score < 2.0 and not qual and not (cq and best.country_iso3 == cq):
            # (after an attack verb, "shelled Novoselivka", only a name of one region: the verb
            # says less than "in" does that a place is meant, and villages share names)
            one = {places[i][1:3] if m.prep in self._target_verbs else places[i][1] for i in m.places[:200]}
            if not (m.prep in self._event_preps and not m.surface.isupper() and len(one) == 1):
                return None
        name = idx.region_info.get(best.admin1_code, (None, None))[0] if best.admin1_code else None
        return {"admin1_code": best.admin1_code, "admin1": name, "country_iso3": best.country_iso3,
                "location": best.name if not best.curated else m.surface if gaz.loose_memo(m.surface) == gaz.loose_memo(best.name) else best.name,
                "geo": 2 if best.kind == "district" else 1, "lat": best.latitude, "lon": best.longitude}

    def _region(self, m: gaz.Mention, ctx_countries, ctx_admin) -> dict | None:
        """The admin1 a region name stands for; of several, the one the qualifier or article names."""
        idx = self.idx
        if not m.admin1:
            return None
        cq = m.country_qualifier
        if cq and all(idx.region_info.get(c, ("", ""))[1] != cq for c in m.admin1):
            return None  # "North-West Syria": no region of that country has the name
        word = (m.admin_word or "").lower()
        code = max(m.admin1, key=lambda c: (idx.region_info.get(c, ("", ""))[1] == cq if cq else 0,
                                            word in idx.region_types.get(c, ()),
                                            ctx_countries.get(idx.region_info.get(c, ("", ""))[1], 0), ctx_admin.get(c, 0),
                                            idx.region_population.get(c, 0)))
        name, iso3 = idx.region_info.get(code, (m.surface, None))
        return {"admin1_code": code, "admin1": name, "country_iso3": iso3, "location": None, "geo": 3,
                "lat": None, "lon": None}

    def _place_of(self, mt: _Mention, ctx_countries, ctx_admin) -> tuple[dict | None, list[Evidence]]:
        t = mt.sent.text
        off = mt.sent.start if mt.sent.index >= 0 else 0
        trig_pos = mt.trigger[0] if mt.trigger else 0
        scored = []
        origins = []
        runs = _runs_joined(t, mt.places)
        # "Vovchansk in Chuhuiv district": the settlement is the finer place of the district named after it
        inside = {id(a) for a, b in pairwise(runs) if b.admin2_word and self.rx.in_district.fullmatch(t, a.end, b.start)}
        # the countries the sentence places something in ("in Ukraine", "in eastern Ukraine")
        land_named = {m.country for m in runs if m.country and (m.prep in self._event_prep_words or self.rx.in_direction.search(t, 0, m.start))
                      and not _NAME_NEXT.match(t, m.end)}  # (not "near Mali Scherbaky", a village)
        for m in runs:
            if m.country:
                continue  # a country name is never the settlement ("Ukraine", Spain)
            if m.demonym and not m.admin1:
                continue  # an adjective of a country ("Syrian forces"), not its namesake town (Sirjan, Iran)
            if m.prep in self._origin_preps:
                origins.append(m)  # where fire came from: the place only when no other is named
                continue
            if self._government(t, m):
                continue
            bare = not (m.prep or m.qualifier or m.country_qualifier or m.admin_word or m.admin2_word)
            if bare and m.surface.lower() in self.lex_words:
                continue
            if not (m.admin_word or m.admin2_word) and self.rx.named_facility_after.match(t, m.end):
                continue  # "at Kipling station in Toronto": the name of a station, the place is named next
            if m.admin2_word and not (m.prep or m.qualifier or m.country_qualifier) \
                    and self.rx.name_head.search(t, max(0, m.start - 40), m.start):
                continue  # "in Pashtun Kot district": the district is a longer name than the Kot found
            r = self._resolve(m, ctx_countries, ctx_admin)
            if not r:
                continue
            if bare and len(m.surface) <= _SHORT_WORD and r["location"] and _plain(m.surface) != _plain(r["location"]) \
                    and self._population(m, r["country_iso3"]) < _BIG_CITY:
                continue  # "SUV hits landmine", "- JFO HQ", "Man arrested": not Suva, Ifo or Ma'an
            if bare and r["location"] and not m.admin1 and _title_case(t) \
                    and self._population(m, r["country_iso3"]) < _BIG_CITY:
                continue  # "... Goes Aboard A Carrier For The First Time": every word is capitalised, a town needs "In"
            if bare and land_named and r["location"] and r["country_iso3"] not in land_named \
                    and ctx_countries.get(r["country_iso3"], 0) < max(ctx_countries.get(c, 0) for c in land_named):
                continue  # "Man killed in eastern Ukraine": not Ma'an, Jordan (the sentence names the country)
            # (a settlement its region qualifies, "Bucha in Kyiv Oblast", is placed as firmly as one
            # after a preposition)
            score = (2 if (m.prep and m.prep not in self._target_verbs) or (m.qualifier and r["location"])
                     else 1 if m.prep else 0) + (1 if r["location"] else 0) \
                - abs(m.start - trig_pos) / 200
            if id(m) in inside and r["location"]:
                score += 1.5
            scored.append((score, m, r))
        ev: list[Evidence] = []
        facility = None
        sc = mt.scan
        fm = sc.search(self.lex.gates["facility"]) if sc is not None and sc.text is t else self.lex.facility_re.search(t)
        if fm:
            facility = fm
        if not scored:
            # Country-level: "deep inside Russia"
            for m in mt.places:
                if m.country and (m.prep or m.country in land_named):
                    ev.append(Evidence("country_iso3", mt.sent.index, off + m.start, off + m.end, m.surface, "country_name"))
                    r = {"admin1_code": None, "admin1": None, "country_iso3": m.country, "location": None, "geo": 3,
                         "lat": None, "lon": None}
                    if facility:
                        r["location"] = facility.group()
                    elif gaz.loose_memo(m.surface) in self.idx.area_keys:
                        r["location"] = m.surface  # "in Donbas": the area, no region guessed
                    return r, ev
            # "Drone footage from Bucha": a place after "from" is the only one the sentence names;
            # where fire was launched from ("fired missiles from Crimea at Ukrainian cities")
            # yields to the target's country below.
            aimed = self._territory is not None and self._territory.search(t) is not None
            for m in origins:
                if aimed and self.rx.launched_from.search(t, 0, m.start):
                    continue
                r = self._resolve(m, ctx_countries, ctx_admin)
                if r:
                    scored.append((0, m, r))
                    break
            # "Russia launched 40 missiles at Ukrainian cities": the target's country, not the
            # attacker's, which the article context would give (where that context agrees, its
            # finer region stays). Not "from Ukrainian territory": where fire came from.
            land = None
            if not scored and self._territory is not None:
                land = next((a for a in self._territory.finditer(t) if not self.rx.from_before.search(t, 0, a.start())), None)
            if land:
                iso3 = self._demonym_countries[land.group("dem").lower()]
                fb = self._fallback_place(ctx_countries, ctx_admin)
                if fb is None or fb["country_iso3"] != iso3:
                    ev.append(Evidence("country_iso3", mt.sent.index, off + land.start("dem"), off + land.end("dem"),
                                       land.group("dem"), "territory_demonym"))
                    return {"admin1_code": None, "admin1": None, "country_iso3": iso3,
                            "location": facility.group() if facility else None, "geo": 3,
                            "lat": None, "lon": None}, ev
            if not scored:
                return None, ev
        scored.sort(key=lambda x: -x[0])
        _, m, r = scored[0]
        r = dict(r)
        # "13 over Crimea and three over the Volgograd region": an event in each region, with its count;
        # "over the Belgorod, Kursk and Bryansk regions": an event in each, the first named first
        got = self._place_counts(t, runs, mt.scan, ctx_countries, ctx_admin) if len(runs) > 1 else None
        kind, regs = got if got else (None, None)
        if regs is None and m.region_list is not None and r["location"] is None:
            regs = []
            for o in runs:
                if o.region_list == m.region_list:
                    g = self._region(o, ctx_countries, ctx_admin)
                    if g and all(g["admin1_code"] != x["admin1_code"] for x, _, _ in regs):
                        regs.append((g, o, None))
        if regs and len(regs) > 1:
            (r, m, _), rest = regs[0], regs[1:]
            r["also"] = [(g, Evidence("location" if g["location"] else "admin1_code", mt.sent.index, off + o.start,
                                      off + o.end, o.surface, "place_list")) for g, o, _ in rest]
            if kind:
                r["counts"] = (kind, [n for _, _, n in regs])
        if m.admin2_word:
            r["admin2"] = m.surface
        rule = "admin1_name" if r["location"] is None else ("settlement+qualifier" if m.qualifier else "settlement")
        fld = "admin1_code" if r["location"] is None else "location"
        ev.append(Evidence(fld, mt.sent.index, off + m.start, off + m.end, m.surface, rule))
        # A settlement with no region named: take the region from another mention in the sentence if it agrees.
        if r["location"] and not m.qualifier:
            for o in scored[1:]:
                if o[2]["location"] is None and o[2]["admin1_code"]:
                    if r["admin1_code"] == o[2]["admin1_code"] or (
                            r["admin1_code"] is None and o[2]["country_iso3"] == r["country_iso3"]):
                        r["admin1_code"], r["admin1"] = o[2]["admin1_code"], o[2]["admin1"]
                        r["country_iso3"] = o[2]["country_iso3"]
                    elif o[2]["country_iso3"] != r["country_iso3"] and not ctx_countries.get(r["country_iso3"]) \
                            and ctx_countries.get(o[2]["country_iso3"]):
                        # A namesake abroad that nothing in the article supports ("Kuda in Madagali,
                        # Adamawa State" is not the Kuda in India): a region named as a place wins,
                        # and the settlement keeps the name as written, unlocated.
                        if self._named_as_place(t, o[1]):
                            r = {**o[2], "location": _cap_run(t, m.start) or m.surface, "geo": 1}
                    break
        if r["location"] is None and facility:
            r["location"] = facility.group()
            ev.append(Evidence("location", mt.sent.index, off + facility.start(), off + facility.end(), facility.group(), "facility"))
        elif facility and r["location"]:
            # "Syzran oil refinery": keep the facility with its settlement
            if 0 <= facility.start() - m.end <= 2 or 0 <= m.start - facility.end() <= 4:
                r["location"] = f"{r['location']} {facility.group()}"
        if r["location"] and self.rx.near_before.search(t[max(0, m.start - 16):m.start]):
            r["geo"] = 2
        return r, ev

    def _place_counts(self, text: str, runs: list[gaz.Mention], scan: Scan | None, ctx_countries,
                      ctx_admin) -> tuple[str, list[tuple[dict, gaz.Mention, int]]] | None:
        """A breakdown of one count by place: its kind and the places with their counts, in text order.

        Weapons by region ("16 drones, 13 over Crimea and three over the Volgograd region"; "по два
        над Курской и Самарской областями", two each; a count before a list of regions without
        "each" is split among them) or victims by place ("killed two civilians in Kharkiv and three
        in Kherson"). None unless two counts of one kind are stated, or one for each region of a list.
        """
        nums = [n for n in (self._numbers_of(scan) if scan is not None and scan.text is text
                            else find_numbers(text, self.lex)) if n.kind != "article"]
        if not nums:
            return None
        out: list[tuple[dict, gaz.Mention, int]] = []
        done: set = set()
        kind = None
        units = 0  # (count statements; one count split over a list is the plain list's case)
        for o in runs:
            if o.country or o.demonym or not (o.admin1 or o.qualifier or o.places) or id(o) in done:
                continue
            found = self._count_before(text, nums, o, kind)
            if found is None:
                continue
            kind, n, gap = found
            members = [x for x in runs if x.region_list == o.region_list] if o.region_list is not None else [o]
            done.update(id(x) for x in members)
            each = (gap.groupdict().get("each") is not None
                    or self.rx.each_before_count.search(text, max(0, n.start - 8), n.start) is not None)
            units += 1 + (each and len(members) > 1)
            q, rem = divmod(n.value, len(members))
            for i, x in enumerate(members):
                # (a region, also by its adjective alone, "10 - над Курской"; else the settlement)
                as_region = x.admin1 and (x.admin_word or not x.places or x.region_list is not None
                                          or (kind == "weapons" and gaz.adjectival(x.surface, self._adj_endings)))
                g = self._region(x, ctx_countries, ctx_admin) if as_region else self._resolve(x, ctx_countries, ctx_admin)
                if g and g["admin1_code"] and all((g["admin1_code"], g["location"] if kind == "victims" else None)
                                                  != (y["admin1_code"], y["location"] if kind == "victims" else None)
                                                  for y, _, _ in out):
                    out.append((g, x, n.value if each else q + (i < rem)))
        return (kind, out) if len(out) > 1 and units > 1 else None

    def _count_before(self, text: str, nums: list[Number], o: gaz.Mention, kind: str | None):
        """The nearest count stated for place ``o``, as (kind, number, the words between), or None.

        Weapons are counted over regions ("13 over Crimea"), victims in any place ("three in
        Kherson"); once a sentence's breakdown has a kind (``kind``), only that kind is read.
        """
        for n in reversed(nums):
            if not 0 <= o.start - n.end <= 40:
                continue
            for k, rule in (("weapons", self.rx.count_to_region), ("victims", self.rx.count_in_place)):
                if kind in (None, k) and (k == "victims" or o.admin1 or o.qualifier):
                    gap = rule.fullmatch(text, n.end, o.start)
                    if gap:
                        return k, n, gap
        return None

    def _named_as_place(self, text: str, m: gaz.Mention) -> bool:
        """The region name is a place in this sentence ("Adamawa State", "in Adamawa", or between
        a comma and the end of a clause: "Jebel Marra, Central Darfur."), not an adjective
        ("On Tuesday, Chechen forces") or a model name ("a Kh-22 missile")."""
        if m.admin_word or m.prep in self._event_prep_words:
            return True
        return text[max(0, m.start - 2):m.start] == ", " and not _WORD_NEXT.match(text, m.end)

    def _group(self, mentions: list[_Mention], published: date, ctx_countries, ctx_admin, text: str,
               refs=None) -> list[ExtractedEvent]:
        events: list[tuple[ExtractedEvent, dict]] = []
        for j, mt in enumerate(mentions):
            if mt.sub is None:
                # A sentence without a trigger adds to the latest event when it refers back to it.
                # (numbers are read last: most such sentences refer to nothing)
                # (an explicit coder statement, "5 fatalities coded to this event", always belongs to it)
                if events and (events[-1][0].sentences[-1] == mt.sent.index - 1
                               or self._refers_back(mt, refs) or self.rx.coder_statement.search(mt.sent.text)) and mt.numbers:
                    ev, st = events[-1]
                    if not mt.places or self._same_place(mt, st, ctx_countries, ctx_admin):
                        self._add_numbers(ev, st, mt)
                        ev.sentences.append(mt.sent.index)
                continue
            place, pev = self._place_of(mt, ctx_countries, ctx_admin)
            target = None
            if place is None and events:
                # continuation: "the attack", "22 shells ..." without a place
                ev, st = events[-1]
                if self._joins(ev, mt) or mt.trigger is None or mt.weak:
                    target = events[-1]
                elif st.get("generic_clash") and mt.sub in _REFINES_ATTACK and ev.sentences[-1] == mt.sent.index - 1:
                    # "Russian forces attacked Lozova. Drones hit an enterprise.": the weapon of the next
                    # sentence says what the attack (a clash only for want of a better word) was
                    ev.sub_event_type, ev.event_type = mt.sub, self.parents[mt.sub]
                    st["generic_clash"] = False
                    target = events[-1]
            elif place is not None:
                for ev, st in events:
                    if (ev.admin1_code == place["admin1_code"] and ev.country_iso3 == place["country_iso3"]
                            and (ev.location == place["location"] or not place["location"] or not ev.location)
                            and self._joins(ev, mt)):
                        target = (ev, st)
                        break
                # "An attack on Russia was thwarted. 22 rockets were destroyed over Belgorod region.": the
                # event the previous sentence placed in a country only is the one the region now places
                if target is None and events and place["admin1_code"]:
                    ev, st = events[-1]
                    if ev.admin1_code is None and ev.country_iso3 == place["country_iso3"] \
                            and ev.sentences[-1] == mt.sent.index - 1 and self._joins(ev, mt):
                        ev.admin1_code, ev.admin1, ev.admin2 = place["admin1_code"], place["admin1"], place.get("admin2")
                        ev.geo_precision = place["geo"]
                        ev.evidence = [e for e in ev.evidence if e.field != "country_iso3"] + pev
                        target = events[-1]
                # Victims reported right after an event ("160 soldiers were killed near X") are that
                # event's, unless the sentence names a region of its own that differs.
                if target is None and mt.weak and events and events[-1][0].sentences[-1] >= mt.sent.index - 1:
                    ev = events[-1][0]
                    explicit = any(e.rule in ("settlement+qualifier", "admin1_name") for e in pev)
                    if not explicit or place["admin1_code"] == ev.admin1_code:
                        target = events[-1]
            if target is not None:
                ev, st = target
                pair = {ev.sub_event_type, mt.sub}
                if "disrupted_weapons_use" in pair and pair & _DISRUPTABLE:  # (a strike and its interception)
                    st["strike"] = mt.sub if mt.sub in _DISRUPTABLE else ev.sub_event_type
                if mt.sub == "disrupted_weapons_use":
                    st["stopped_seen"] = True
                elif mt.sub in _DISRUPTABLE and st.get("stopped_seen") and mt.impact and not self._debris(mt.sent.text):
                    st["hit"] = True  # (a hit reported after the interception: something got through)
                self._add_numbers(ev, st, mt)
                ev.sentences.append(mt.sent.index)
                if place and not ev.location and place.get("location"):
                    ev.location = place["location"]
                    ev.geo_precision = place["geo"]
                    ev.latitude, ev.longitude = place["lat"], place["lon"]
                    ev.evidence.extend(pev)
                if mt.weapon and not ev.weapon:
                    self._set_weapon(ev, mt)
                if mt.reporter and not ev.reported_by:
                    self._set_reporter(ev, mt)
                continue
            if place is None:
                place = self._fallback_place(ctx_countries, ctx_admin)
                if place is None:
                    continue
                pev = [Evidence("admin1_code" if place["admin1_code"] else "country_iso3", -2, 0, 0, "",
                                "article_context")]
            d, prec, dev = self._date_of(mt, published, lambda j=j: _paragraph_date(mentions, j))
            sub = self._territory_sub(mt, place["country_iso3"])
            ev = ExtractedEvent(
                event_date=d, date_precision=prec, country_iso3=place["country_iso3"],
                event_type=self.parents[sub], sub_event_type=sub, admin1_code=place["admin1_code"],
                admin1=place["admin1"], admin2=place.get("admin2"), location=place["location"],
                latitude=place["lat"], longitude=place["lon"], geo_precision=place["geo"],
                intercepted=None, extractor_version=EXTRACTOR_VERSION,
            )
            off = mt.sent.start if mt.sent.index >= 0 else 0
            ts, te, tt = mt.trigger
            ev.evidence.append(Evidence("sub_event_type", mt.sent.index, off + ts, off + te, tt, "trigger"))
            ev.evidence.extend(pev)
            ev.evidence.extend(dev)
            st = {"fat": [], "inj": [], "mun": [], "coded": None, "unknown": False, "explicit_date": dev and dev[0].rule != "published_default",
                  "context_place": bool(pev and pev[0].rule == "article_context"), "weight": 0,
                  "hit": False, "stopped_seen": sub == "disrupted_weapons_use",
                  "generic_clash": mt.weak and sub == "armed_clash" and not mt.weapon, "also": place.get("also"),
                  "counts": place.get("counts")}
            self._add_numbers(ev, st, mt)
            ev.sentences.append(mt.sent.index)
            if mt.weapon:
                self._set_weapon(ev, mt)
            if mt.reporter:
                self._set_reporter(ev, mt)
            self._set_actors(ev, mt)
            events.append((ev, st))
        out = []
        for ev, st in events:
            self._finish(ev, st)
            out.extend(_per_place(ev, st["also"], st["counts"]) if st["also"] else [ev])
        return out

    def _joins(self, ev: ExtractedEvent, mt: _Mention) -> bool:
        """Whether a mention of the same place and day adds to ``ev`` rather than being an event of its own.

        Of one parent type, it does; so does an interception of the same weapons as a strike
        ("launched missiles at Pavlohrad. Air defence shot down two missiles."): one attack, whose
        sub-type ``_finish`` settles from what got through.
        """
        a, b = ev.sub_event_type, mt.sub
        if a == b or self.parents.get(a) == self.parents.get(b):
            return True
        if {a, b} <= _DISRUPTABLE | {"disrupted_weapons_use"} and "disrupted_weapons_use" in (a, b):
            if mt.dates and all(d.day != ev.event_date for d in mt.dates):
                return False
            # (the weapons named must be of the strike's kind: shelling and then drones shot down are two events)
            strike = a if a != "disrupted_weapons_use" else b
            cats = [self._weapon_category.get(w) for w in (ev.weapon, mt.weapon[0] if mt.weapon else None) if w]
            if not mt.weapon:  # ("shot down 4 missiles": a munition word, no weapon name)
                words = {self._munition_word[w.lower()] for w in self._munition_re.findall(mt.sent.text)}
                cats += list(words) if len(words) == 1 else []
            return all(_WEAPON_SUB.get(c, strike) == strike for c in cats)
        return False

    def _refers_back(self, mt: _Mention, refs=None) -> bool:
        near = refs() if refs is not None else None
        if near is not None:
            if mt.sent.index not in near:  # (the article-wide form of the maybe_in test below)
                return False
        elif not self.gates_rx["anaphora"].maybe_in(mt.sent.text):
            return False
        if mt.scan is not None and mt.scan.text is mt.sent.text:
            return mt.scan.search(self.gates_rx["anaphora"]) is not None
        return self.rx.anaphora.search(mt.sent.text) is not None

    def _same_place(self, mt: _Mention, st: dict, ctx_countries, ctx_admin) -> bool:
        place, _ = self._place_of(mt, ctx_countries, ctx_admin)
        return place is None or place["admin1_code"] == st.get("admin1_code_cache", place["admin1_code"])

    def _fallback_place(self, ctx_countries, ctx_admin) -> dict | None:
        regions = [c for c in ctx_admin if isinstance(c, str)]  # (not the ("area", code) hints)
        if regions:
            code = max(regions, key=ctx_admin.get)
            name, iso3 = self.idx.region_info.get(code, (None, None))
            if iso3:
                return {"admin1_code": code, "admin1": name, "country_iso3": iso3, "location": None, "geo": 3,
                        "lat": None, "lon": None}
        if ctx_countries:
            iso3 = max(ctx_countries, key=ctx_countries.get)
            if iso3:
                return {"admin1_code": None, "admin1": None, "country_iso3": iso3, "location": None, "geo": 3,
                        "lat": None, "lon": None}
        return None

    def _date_of(self, mt: _Mention, published: date, last_date) -> tuple[date, int, list[Evidence]]:
        off = mt.sent.start if mt.sent.index >= 0 else 0
        if mt.dates:
            d = min(mt.dates, key=lambda x: (x.precision, x.start))
            return d.day, d.precision, [Evidence("event_date", mt.sent.index, off + d.start, off + d.end,
                                                 mt.sent.text[d.start:d.end], f"date_{d.rule}")]
        last = last_date()
        if last and last[0] == mt.sent.paragraph:
            d = last[1]
            return d.day, d.precision, [Evidence("event_date", mt.sent.index, 0, 0, "", f"date_from_paragraph_{d.rule}")]
        if mt.sent.paragraph > 0 and self.rx.earlier.search(mt.sent.text):
            d = datelib._mid(published.replace(day=1) if published.day > 1 else published, published)
            return d, 3, [Evidence("event_date", mt.sent.index, 0, 0, "", "date_before_publication")]
        return published, 1, [Evidence("event_date", mt.sent.index, 0, 0, "", "published_default")]

    def _add_numbers(self, ev: ExtractedEvent, st: dict, mt: _Mention) -> None:
        n = mt.numbers
        if not n:
            return
        if "coded_fatalities" in n:
            st["coded"] = n["coded_fatalities"]
        if "fatalities" in n:
            st["fat"].append((n["fatalities"], n.get("fatalities_low"), n.get("fatalities_high")))
        if "injured" in n:
            st["inj"].append(n["injured"])
        if "munitions" in n:
            st["mun"].append(n["munitions"])
        if "intercepted" in n:
            ev.intercepted = max(ev.intercepted or 0, n["intercepted"])
        if n.get("all_intercepted"):
            st["all_intercepted"] = True
        if n.get("unknown"):
            st["unknown"] = True
        ev.evidence.extend(mt.evidence)

    def _set_weapon(self, ev: ExtractedEvent, mt: _Mention) -> None:
        name, s, e = mt.weapon
        ev.weapon = name
        off = mt.sent.start if mt.sent.index >= 0 else 0
        ev.evidence.append(Evidence("weapon", mt.sent.index, off + s, off + e, mt.sent.text[s:e], "weapon_name"))

    def _set_reporter(self, ev: ExtractedEvent, mt: _Mention) -> None:
        name, s, e = mt.reporter
        ev.reported_by = name
        off = mt.sent.start if mt.sent.index >= 0 else 0
        ev.evidence.append(Evidence("reported_by", mt.sent.index, off + s, off + e, name, "reporting_phrase"))

    def _set_actors(self, ev: ExtractedEvent, mt: _Mention) -> None:
        t = mt.sent.text
        off = mt.sent.start if mt.sent.index >= 0 else 0
        acts = [a for a in mt.actors if not (mt.reporter and mt.reporter[1] <= a[1] < mt.reporter[2])]
        if not acts:
            return
        ts = mt.trigger[0] if mt.trigger else 0
        a1 = None
        for a in acts:
            # (the agent after "by", also with a word before its name: "by unknown gunmen")
            if self.rx.by_before.search(t, max(0, a[1] - 24), a[1]):
                a1 = a
                break
        if a1 is None:
            before = [a for a in acts if a[1] < ts and a[0] not in ("Civilians",)]
            a1 = before[-1] if before else None
        if a1 is None:
            cand = [a for a in acts if a[0] not in ("Civilians",)]
            a1 = cand[0] if cand else None
        rest = [a for a in acts if a is not a1 and (a1 is None or a[0] != a1[0])]
        a2 = rest[0] if rest else None
        if a1:
            ev.actor1 = self.lex.national.get((a1[0], ev.country_iso3), a1[0])
            ev.evidence.append(Evidence("actor1", mt.sent.index, off + a1[1], off + a1[2], a1[3], "actor_name"))
        if a2:
            ev.actor2 = self.lex.national.get((a2[0], ev.country_iso3), a2[0])
            ev.evidence.append(Evidence("actor2", mt.sent.index, off + a2[1], off + a2[2], a2[3], "actor_name"))

    def _finish(self, ev: ExtractedEvent, st: dict) -> None:
        # Numbers: an explicit coder statement wins; otherwise the largest per-sentence total
        # (later sentences usually repeat or restate the same victims, so they are not added up).
        if st["coded"] is not None:
            ev.fatalities = st["coded"]
        elif st["fat"]:
            best = max(st["fat"], key=lambda x: x[0])
            ev.fatalities, ev.fatalities_low, ev.fatalities_high = best
        if st["inj"]:
            ev.injured = max(st["inj"])
        if st["mun"]:
            ev.munitions = max(st["mun"])
        # "12 missiles ..., 8 were intercepted": the rest got through, so it is the attack itself;
        # so too when the downed drones or their debris killed or injured people (ACLED codes
        # "shot down two drones which crashed onto houses, injuring civilians" as the strike)
        harm = (ev.fatalities or 0) > 0 or (ev.injured or 0) > 0
        stopped = st.get("all_intercepted") or bool(ev.munitions and ev.intercepted and ev.intercepted >= ev.munitions)
        if "strike" in st and not harm and not st["hit"] and stopped:
            # a strike and its interception reported apart: all of it was stopped
            ev.sub_event_type = "disrupted_weapons_use"
        elif ev.sub_event_type == "disrupted_weapons_use" and (
                (ev.munitions and ev.intercepted is not None and ev.munitions > ev.intercepted
                 and not st.get("all_intercepted")) or harm or st["hit"]):
            # (a later "a missile hit Pavlohrad" is the attack getting through; the debris of
            # a downed one is not: "fragments of the missile damaged houses" stays disrupted)
            cat = self._weapon_category.get(ev.weapon or "")
            ev.sub_event_type = st.get("strike") or _WEAPON_SUB.get(cat, "shelling_artillery_missile_attack")
        ev.event_type = self.parents[ev.sub_event_type]
        conf = 0.45
        if st["explicit_date"]:
            conf += 0.15
        if ev.location and ev.geo_precision == 1:
            conf += 0.15
        elif ev.admin1_code:
            conf += 0.1
        if st["context_place"]:
            conf -= 0.15
        conf += min(len(ev.sentences) - 1, 3) * 0.05
        if any(e.field == "weapon" for e in ev.evidence):
            conf += 0.05
        ev.confidence = round(max(0.05, min(conf, 0.95)), 2)
        ev.sentences = sorted(set(ev.sentences))
