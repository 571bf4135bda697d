#!/usr/bin/env python3
"""Generate a synthetic sitegen archive (and, optionally, the same articles as a Hugo site).

    python benchmarks/synth.py OUT_DIR --articles 10000 --entities 1000 --rules 200 \
        [--profile zipf|hot] [--seed 1] [--hugo HUGO_DIR] [--force]

Everything is drawn from seeded ``random.Random`` instances, so the same
arguments always give byte-identical output. Articles are assembled from the
paragraphs of the repository's example seed (``seeds/000_e90d1dc293122756.txt``),
so the text has the shape and the spinner damage of a real article; see
``benchmarks/README.md`` for what is produced and why.

Only the standard library is needed. If ``pyahocorasick`` is importable (it is
a sitegen dependency), every generated article is also checked for
overlapping correction matches and the per-rule hit counts are exact;
otherwise those figures are counted by construction.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import json
import re
import shutil
import statistics
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SEED_FILE = REPO / "seeds" / "000_e90d1dc293122756.txt"
MARKER = ".synth.json"  # written into OUT_DIR; --force only clears directories holding it


def _words(text: str, sep: str | None = None) -> tuple[str, ...]:
    return tuple(text.split(sep))


# Paragraph numbers (1-based) of the example seed, from the roles of its editorial
# file (content/articles/000_e90d1dc293122756.md): sub-headings and photo captions.
HEADING_POOL = (160, 172, 183, 190)
CAPTION_POOL_SPEC = _words(
    "8-12 25-29 57 74-75 77-82 106-109 134-138 144-147 157-159 164 170-171 179 188-189 193 200-202 "
    "208-209 221 229-230 245-246 263 282 289-290",
)

# --------------------------------------------------------------------------------------------
# Correction rules. Real substitutions made by the article spinner that damaged the seed
# (find = the reading in the seed, replace = what the original said), in priority order.
# The generator keeps those that occur in the seed, only at word starts (and not inside
# a longer word), and that can never overlap one another; see pick_spinner_rules().
# --------------------------------------------------------------------------------------------
E, R = "error", "regularisation"
SPINNER_RULES: tuple[tuple[str, str, str], ...] = (
    ("struggle", "war", E),
    ("navy", "military", E),
    ("mentioned", "said", R),
    ("Center East", "Middle East", E),
    ("Quds Drive", "Quds Force", E),
    ("dying", "death", E),
    ("Supreme Chief", "Supreme Leader", E),
    ("towards", "against", E),
    ("motion", "action", E),
    ("final night time", "last night", E),
    ("assault", "attack", R),
    ("worldwide regulation", "international law", E),
    ("normal", "general", E),
    ("Common", "General", E),
    ("cease", "stop", R),
    ("financial", "economic", E),
    ("prime", "top", R),
    ("individuals", "people", R),
    ("throughout", "during", R),
    ("solely", "only", R),
    ("management", "leadership", E),
    ("Beneath", "Under", R),
    ("coverage", "policy", E),
    ("eradicate", "eliminate", R),
    ("discover", "find", R),
    ("shield", "protect", R),
    ("mandatory", "necessary", R),
    ("phrases", "words", R),
    ("bodily", "physically", R),
    ("precipitated", "caused", R),
    ("attainable", "possible", R),
    ("signifies", "indicates", R),
    ("safety", "security", E),
    ("generally known as", "known as", R),
    ("anticipated", "expected", R),
    ("in a foreign country", "out of the country", E),
    ("for the reason that", "since", R),
    ("combat", "fight", R),
    ("recommendation", "advice", R),
    ("workplace", "office", E),
    ("relations of", "relatives of", E),
    ("company watch", "guests watch", E),
    ("seems to be via", "looks through", E),
    ("Semi-Computerized", "Semi-Automatic", E),
    ("to sentence the", "to condemn the", E),
    ("maintain a picture", "hold a picture", E),
    ("illustration", "demonstration", E),
    ("closely", "heavily", E),
    ("within", "in", R),
    ("sturdy", "strong", R),
    ("sufferer", "victim", E),
    ("penalties", "consequences", E),
    ("at my path", "at my direction", E),
    ("efficiently", "successfully", E),
    ("wherever", "anywhere", R),
    ("planet", "world", R),
    ("residents", "citizens", R),
    ("a whole bunch of", "hundreds of", E),
    ("together with", "including", R),
    ("take consolation", "take comfort", R),
    ("figuring out", "knowing", R),
    ("way back", "long ago", R),
    ("authorities", "government", E),
    ("unbelievable", "incredible", R),
    ("limitless", "unlimited", R),
    ("Nevertheless", "However", R),
    ("area", "region", R),
    ("longer term", "future", R),
    ("peaceable", "peaceful", R),
    ("absolutely recognized", "fully identified", E),
    ("particular operations", "special operations", E),
    ("with out", "without", R),
    ("pursuits", "interests", E),
    ("nice", "great", R),
    ("concord", "harmony", R),
    ("livid", "furious", R),
    ("instructed", "told", R),
    ("concerning", "about", R),
    ("nonetheless", "still", R),
    ("Military troops", "Army troops", E),
    ("1000’s", "Thousands", R),
    ("12 months", "year", E),
    ("perpetually", "forever", R),
    ("insured", "ensured", E),
    ("Similtaneously", "Simultaneously", E),
    ("Nationwide", "National", E),
    ("Appearing Secretary", "Acting Secretary", E),
    ("native companions", "local partners", E),
    ("oil costs", "oil prices", E),
    ("buyers", "investors", E),
    ("bought caught", "got caught", E),
    ("not directly", "indirectly", R),
    ("accountable", "responsible", R),
    ("thousands and thousands", "millions", E),
    ("massive variety", "large number", R),
    ("correctly", "properly", R),
    ("surface world", "outside world", E),
    ("rationalization", "explanation", R),
    ("despatched", "sent", R),
    ("in energy", "in power", E),
    ("subsequent", "next", R),
    ("pictured proper", "pictured right", E),
    ("constructing", "building", E),
    ("outdoors", "outside", R),
    ("selection", "choice", R),
    ("increasingly more", "more and more", R),
    ("by no means", "never", R),
    ("exhibits", "shows", R),
    ("settlement", "agreement", E),
    ("sanctions aid", "sanctions relief", E),
    ("keep away from", "avoid", R),
    ("marketing campaign", "campaign", E),
    ("sequence of", "series of", E),
    ("troopers", "soldiers", R),
    ("autos", "vehicles", R),
    ("automobiles", "cars", R),
    ("physique", "body", E),
    ("useless", "dead", E),
    ("Well-liked", "Popular", E),
    ("Mobilzation", "Mobilization", E),
    ("amongst", "among", R),
    ("White Home", "White House", E),
    ("Division", "Department", E),
    ("scenario", "situation", R),
    ("menace", "threat", R),
    ("depart", "leave", R),
    ("occasions", "times", R),
    ("Thanks very a lot", "Thank you very much", R),
    ("additionally", "also", R),
    ("extra", "more", R),
    ("simply", "just", R),
    ("introduced", "announced", E),
    ("instantly", "immediately", R),
    ("specialists", "experts", R),
    ("hardly ever", "rarely", R),
    ("famous", "noted", E),
    ("transfer", "move", E),
    ("international minister", "foreign minister", E),
    ("airstike", "airstrike", E),
    ("Worldwide Airport", "International Airport", E),
    ("phrase for", "word for", E),
    ("determine", "figure", E),
)
# The headline substitutions (the example's editorial note and policy name most of them):
# always kept, even where the find also occurs inside a longer word ('struggled').
CORE_RULES = ("struggle", "navy", "mentioned", "Center East", "Quds Drive", "dying")
NOTE_ERROR = "Article-spinner damage: '{find}' stands for '{replace}' and changes or obscures the meaning."
NOTE_REG = "Article-spinner substitution of '{replace}' by '{find}'; style only, the meaning is unchanged."

# Synthetic rules: '<Name> <misspelling>' → '<Name> <spelling>', inserted into a few articles.
SYNTH_TYPOS = (
    ("Comission", "Commission", E),
    ("Goverment", "Government", E),
    ("Parliment", "Parliament", E),
    ("Embasy", "Embassy", E),
    ("Ministery", "Ministry", E),
    ("Assembley", "Assembly", E),
    ("Tribunel", "Tribunal", E),
    ("Comittee", "Committee", E),
    ("Councel", "Council", E),
    ("Organisation", "Organization", R),
    ("Programme", "Program", R),
    ("Labour Office", "Labor Office", R),
    ("Defence Board", "Defense Board", R),
    ("Harbour Authority", "Harbor Authority", R),
)
SYNTH_SENTENCES = (
    " The {f} issued a statement.",
    " A report by the {f} was cited.",
    " Officials from the {f} attended.",
    " The {f} had been informed beforehand.",
)

# --------------------------------------------------------------------------------------------
# Fake names.
# --------------------------------------------------------------------------------------------
# Names are two or three of these syllables: "Varen Tolsky", "Ordan Mirel Institute".
FIRST_SYLLABLES = _words(
    "va to or mi ka ve ma do bri ze lo vi sa no ta ri mo le ha li ar be ro ne dra fe gu pe ru sto ti al "
    "el o i e a kor tam bel sor mer dar kal ser vor hal tor lin mar nes dal rav ost",
)
NEXT_SYLLABLES = _words(
    "ren sky dan rel las ta vel mar dor nan zen vik nor ka ri len tar nis ven mas lan si dro ska ber ma "
    "no ra lo vin ros sel min tov rin das va na lia ko rek sen tin vas ler mon ta gan rov ich ez ani ola "
    "ek ard esk ine ova",
)
ORG_SUFFIXES = _words(
    "Institute Council Party Front Group Foundation Agency Bank Union Movement Brigade Authority Company "
    "Alliance Federation Network Trust Syndicate League Bureau",
)
PLACE_FORMS = _words(
    "{w} Valley|{w} Province|{w} Bay|{w} Heights|Port {w}|{w} City|North {w}|{w} Strait|{w} Plain|"
    "Lake {w}|Mount {w}|{w} Islands",
    "|",
)
EVENT_FORMS = _words(
    "{w} Summit|{w} Accords|Siege of {w}|Battle of {w}|{w} Conference|{w} Protests|{w} Uprising|"
    "{w} Talks|{w} Crisis",
    "|",
)
OTHER_FORMS = _words(
    "Operation {w}|{w} Prize|{w} Doctrine|{w} Pipeline|{w} Report|{w} Plan|{w} Fund|{w} Treaty", "|"
)
PERSON_TITLES = ("Minister", "General", "Senator", "Ambassador", "Judge", "Governor", "Colonel")
KINDS = ("person", "organization", "place", "event", "other")
KIND_WEIGHTS = (40, 25, 20, 8, 7)
DESCRIPTIONS = {
    "person": ("{role} from {place}; a fictional person made up for benchmarks.",),
    "organization": ("A fictional {what} based in {place}, made up for benchmarks.",),
    "place": ("A fictional {what}, made up for benchmarks.",),
    "event": ("A fictional {what} held in {place}, made up for benchmarks.",),
    "other": ("A fictional {what} associated with {place}, made up for benchmarks.",),
}
ROLES_BY_KIND = {
    "person": ("Politician", "Diplomat", "Army officer", "Journalist", "Cleric", "Economist", "Activist"),
    "organization": ("militia", "ministry", "think tank", "newspaper", "trade union", "party", "charity"),
    "place": ("city", "province", "port", "border town", "district", "island"),
    "event": ("summit", "conference", "round of talks", "protest movement", "siege"),
    "other": ("weapons programme", "policy", "pipeline project", "prize", "treaty"),
}

# Real names in the seed that a mention of a fake entity of the same kind may replace.
REPLACEABLE = {
    "person": (
        "Qassem Soleimani",
        "Qasem Soleimani",
        "Soleimani",
        "Majid Takht Ravanchi",
        "Ravanchi",
        "Mark Milley",
        "Milley",
        "Mike Pompeo",
        "Pompeo",
        "Donald Trump",
        "Trump",
        "Robert O’Brien",
        "O’Brien",
        "Chad Wolf",
        "Ali Khamenei",
        "Khamenei",
        "al-Muhandis",
    ),
    "place": ("Baghdad", "Tehran", "Lahore", "Damascus", "Kerman", "Miami", "Kuwait"),
    "organization": ("Pentagon", "Hezbollah", "CNN"),
}
MENTION_CLAUSES = {  # inserted before a sentence's final full stop
    "person": (
        ", said {e}",
        ", according to {e}",
        ", {e} told reporters",
        ", {e} said on Friday",
        ", a claim disputed by {e}",
    ),
    "organization": (", according to {e}", ", a spokesman for {e} said", ", {e} said in a statement"),
    "place": (", in {e}", ", near {e}", ", officials in {e} said"),
    "event": (", weeks after {e}", ", as during {e}", ", echoing {e}"),
    "other": (", as {e} had warned", ", citing {e}", ", under {e}"),
}
MENTION_SENTENCES = {  # inserted after a sentence
    "person": (
        " {e} declined to comment.",
        " {e} was not available for comment.",
        " {e} called the strike reckless.",
        " Aides to {e} did not respond.",
    ),
    "organization": (
        " {e} issued a statement.",
        " A spokesman for {e} declined to comment.",
        " {e} called for restraint.",
    ),
    "place": (
        " Similar protests were reported in {e}.",
        " Flights to {e} were suspended.",
        " Security was tightened in {e}.",
    ),
    "event": (" Officials compared it with {e}.", " Analysts recalled {e}."),
    "other": (" The report cited {e}.", " Critics pointed to {e}."),
}

TAG_TOPICS = _words(
    "iran iraq syria lebanon israel russia china united-states europe gulf middle-east oil diplomacy "
    "sanctions elections protests military nuclear terrorism militias drone airstrike embassy congress "
    "white-house pentagon united-nations refugees economy markets media human-rights intelligence cyber "
    "shipping energy religion law courts aviation",
)
TAG_ASPECTS = _words(
    "|policy|crisis|talks|reaction|analysis|history|timeline|leaders|casualties|security|trade|opinion|"
    "investigation",
    "|",
)
HEADLINE_VERBS = _words(
    "vows revenge after|condemns|warns of escalation over|defends|calls for calm after|"
    "rejects claims about|responds to|questions|demands inquiry into|mourns victims of|blames|praises",
    "|",
)
HEADLINE_OBJECTS = _words(
    "the airstrike|the embassy attack|new sanctions|the drone strike|the funeral marches|"
    "the rocket attack|the ceasefire|the talks|the election|the protests|the troop deployment|"
    "the oil shock",
    "|",
)

# sitegen's defaults for an article without an editorial file: title = derived_title() of the
# first body paragraph, slug = slugify(title, max_words=5). Mirrored here (from sitegen/text.py)
# only to give the Hugo copy the same URLs; uniqueness does not depend on it (see choose_lead()).
# sitegen's slugify is python-slugify's; on the Latin text made here, these steps are its.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[’'\"”]?\s+(?=[‘'\"“(]?[A-Z0-9])")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_TITLE_CLAUSE = re.compile(r"[,;:](?=\s)|\s[–—-](?=\s)")
SLUG_WORDS = 5
TITLE_LENGTH = 80
TITLE_LONGEST = 100


def slugify(text: str, max_length: int = 60, max_words: int | None = None) -> str:
    # python-slugify: an ASCII apostrophe separates words ("mayor-s"), a typographic one
    # (transliterated to ASCII and then dropped) does not ("irans").
    dashed = text.replace("'", "-").replace("—", "-").replace("–", "-")
    ascii_text = unicodedata.normalize("NFKD", dashed).encode("ascii", "ignore").decode("ascii").lower()
    ascii_text = re.sub(r"(?<=\d),(?=\d)", "", ascii_text)
    slug = _NON_ALNUM.sub("-", ascii_text).strip("-")
    if max_words is not None:
        slug = "-".join(slug.split("-")[:max_words])
    if len(slug) > max_length:
        slug = slug[: max_length + 1].rsplit("-", 1)[0] if "-" in slug[:max_length] else slug[:max_length]
    return slug


def first_sentence(text: str, max_length: int = 120) -> str:
    sentence = _SENTENCE_END.split(text, maxsplit=1)[0].strip()
    if len(sentence) > max_length:
        sentence = sentence[:max_length].rsplit(" ", 1)[0].rstrip(",;:–—-") + "…"
    return sentence


def derived_title(text: str) -> str:
    sentence = _SENTENCE_END.split(text, maxsplit=1)[0].strip()
    clauses = [m.start() for m in _TITLE_CLAUSE.finditer(sentence) if 20 <= m.start() <= TITLE_LENGTH]
    if clauses:
        return sentence[: clauses[-1]].rstrip()
    if len(sentence) <= TITLE_LONGEST:
        return sentence[:-1] if sentence.endswith(".") and not sentence.endswith("..") else sentence
    return sentence[:TITLE_LENGTH].rsplit(" ", 1)[0].rstrip(",;:–—-") + "…"


def q(value: str) -> str:
    """A double-quoted string valid in both TOML and YAML (JSON escaping)."""
    return json.dumps(value, ensure_ascii=False)


# --------------------------------------------------------------------------------------------
# The seed.
# --------------------------------------------------------------------------------------------
def read_seed_paragraphs(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8").removeprefix("\ufeff").replace("\r\n", "\n")
    text = re.sub(r"^\s*date[ \t]+\S+[ \t]*", "", text, count=1)
    return [" ".join(p.split()) for p in re.split(r"\n[ \t]*\n", text) if p.strip()]


def expand_spec(spec: tuple[str, ...]) -> list[int]:
    numbers: list[int] = []
    for item in spec:
        lo, _, hi = item.partition("-")
        numbers.extend(range(int(lo), int(hi or lo) + 1))
    return numbers


def words_lower(text: str) -> list[str]:
    return re.findall(r"\w+(?:[’'-]\w+)*", text.lower())


def ngrams(words: list[str], max_n: int | None = None) -> set[str]:
    top = len(words) if max_n is None else min(max_n, len(words))
    return {" ".join(words[i : i + n]) for n in range(1, top + 1) for i in range(len(words) - n + 1)}


def occurrences(text: str, find: str) -> list[int]:
    out, start = [], text.find(find)
    while start != -1:
        out.append(start)
        start = text.find(find, start + 1)
    return out


# --------------------------------------------------------------------------------------------
# Rules.
# --------------------------------------------------------------------------------------------
@dataclass
class Rule:
    find: str
    replace: str
    type: str
    note: str
    kind: str  # spinner | synthetic-frequent | synthetic-rare
    category: str = ""  # sitegen's optional rule category: spinner | typo (default: other)
    rate: float = 0.0  # synthetic-frequent: share of articles it is inserted into
    count: int = 0  # synthetic-rare: number of articles it is inserted into


def can_overlap(a: str, b: str) -> bool:
    """Could matches of finds a and b ever overlap in running text (case-insensitively)?

    True if one contains the other, or a word-aligned end of one is the start of the other
    ('Supreme Chief' / 'Chief Ayatollah'). Overlaps that would need a word glued to another
    ('navy' + 'year' in 'navyear') cannot occur in our text; the generated articles are
    checked for real overlaps afterwards.
    """
    a, b = a.lower(), b.lower()
    if a in b or b in a:
        return True
    for x, y in ((a, b), (b, a)):
        for i in range(1, len(x)):
            tail = x[i:]
            if not (x[i - 1].isalnum() != x[i].isalnum() or not x[i].isalnum()) or not y.startswith(tail):
                continue
            k = len(tail)
            if k == len(y) or y[k - 1].isalnum() != y[k].isalnum() or not y[k].isalnum():
                return True
    return False


def pick_spinner_rules(seed_text: str) -> list[Rule]:
    kept: list[Rule] = []
    lower = seed_text.lower()
    for find, replace, kind in SPINNER_RULES:
        if "." in find or not occurrences(seed_text, find):
            continue
        ok = True
        for start in occurrences(lower, find.lower()) if find not in CORE_RULES else ():
            before = lower[start - 1] if start else " "
            end = start + len(find)
            after = lower[end : end + 2]
            # must start at a word start and end at a word end (a plural 's' is fine)
            if before.isalnum() or (
                after[:1].isalnum() and not (after[:1] == "s" and not after[1:2].isalnum())
            ):
                ok = False
                break
        if not ok or any(can_overlap(find, r.find) for r in kept):
            continue
        note = (NOTE_ERROR if kind == E else NOTE_REG).format(find=find, replace=replace)
        kept.append(Rule(find, replace, kind, note, "spinner", category="spinner"))
    return kept


# --------------------------------------------------------------------------------------------
# Names, with a registry of every surface form so that nothing collides.
# --------------------------------------------------------------------------------------------
class NameRegistry:
    """Surface forms (names, aliases, synthetic rule finds) and their owners.

    A new surface is refused if it equals a word n-gram of another owner's surface, or one
    of its word n-grams is another owner's surface, or it occurs in the seed, or a correction
    rule's find occurs inside it (case-insensitive throughout).
    """

    def __init__(self, seed_text: str, finds: list[str]) -> None:
        self.seed_grams = ngrams(words_lower(seed_text), 5)
        self.finds = [f.lower() for f in finds]
        self.surface_owner: dict[str, str] = {}
        self.gram_owner: dict[str, set[str]] = {}
        for find in finds:
            self.claim("rule:" + find, [find], check=False)

    def ok(self, owner: str, surfaces: list[str]) -> bool:
        seen = set()
        for surface in surfaces:
            s = surface.lower()
            if s in seen:
                return False
            seen.add(s)
            words = words_lower(s)
            if not words or " ".join(words) in self.seed_grams:
                return False
            if any(f in s for f in self.finds):
                return False
            if any(o != owner for o in self.gram_owner.get(" ".join(words), ())):
                return False
            for gram in ngrams(words):
                other = self.surface_owner.get(gram)
                if other is not None and other != owner:
                    return False
        return True

    def claim(self, owner: str, surfaces: list[str], check: bool = True) -> bool:
        if check and not self.ok(owner, surfaces):
            return False
        for surface in surfaces:
            words = words_lower(surface)
            self.surface_owner[" ".join(words)] = owner
            for gram in ngrams(words):
                self.gram_owner.setdefault(gram, set()).add(owner)
        return True


_AWKWARD = re.compile(r"(.)\1|[aeiou]{3}|[^aeiouy]{3}")


def fake_words(rng: Random) -> str:
    """A pronounceable made-up word: two syllables, sometimes three."""
    while True:
        count = 2 if rng.random() < 0.7 else 3
        word = rng.choice(FIRST_SYLLABLES) + "".join(rng.choice(NEXT_SYLLABLES) for _ in range(count - 1))
        if 4 <= len(word) <= 10 and not _AWKWARD.search(word):
            return word.capitalize()


@dataclass
class Entity:
    id: str
    name: str
    kind: str
    aliases: list[str]
    description: str

    @property
    def surfaces(self) -> list[str]:
        return [self.name, *self.aliases]


def make_entity(rng: Random, kind: str, place_hint: str) -> tuple[str, list[str], str]:
    w1, w2 = fake_words(rng), fake_words(rng)
    if kind == "person":
        name = f"{w1} {w2}"
        options = [w2, f"{w1[0]}. {w2}", f"{rng.choice(PERSON_TITLES)} {w2}"]
        if rng.random() < 0.3:  # a middle initial; the plain name becomes an alias
            name = f"{w1} {fake_words(rng)[0]}. {w2}"
            options.append(f"{w1} {w2}")
    elif kind == "organization":
        suffix = rng.choice(ORG_SUFFIXES)
        if rng.random() < 0.5:
            name = f"{w1} {w2} {suffix}"
            options = [w1[0] + w2[0] + suffix[0], f"{w1} {suffix}", f"{w1}-{w2} {suffix}"]
        else:
            name = f"{suffix} of {w1}"
            options = [suffix[0] + "O" + w1[0], f"{w1} {suffix}", f"{w1}ian {suffix}"]
    elif kind == "place":
        name = rng.choice(PLACE_FORMS).format(w=w1)
        options = [w1, f"Greater {w1}", f"{w1} District"]
    elif kind == "event":
        year = rng.randint(1990, 2024)
        name = rng.choice(EVENT_FORMS).format(w=w1)
        options = [f"{name} of {year}", f"{w1} {year}", f"{w1} affair"]
    else:
        name = rng.choice(OTHER_FORMS).format(w=w1)
        options = [f"Project {w1}", f"{w1} initiative", f"{name} {rng.choice(('II', 'III', 'IV'))}"]
    aliases = rng.sample(options, rng.randint(1, 3))
    role = rng.choice(ROLES_BY_KIND[kind])
    description = rng.choice(DESCRIPTIONS[kind]).format(role=role, what=role, place=place_hint)
    return name, aliases, description


def make_entities(rng: Random, count: int, registry: NameRegistry) -> list[Entity]:
    width = max(4, len(str(count)))
    entities: list[Entity] = []
    places = [f"{fake_words(rng)} Province" for _ in range(30)]  # only used in descriptions
    for index in range(1, count + 1):
        entity_id = f"e{index:0{width}d}"
        kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
        for _attempt in range(1000):
            name, aliases, description = make_entity(rng, kind, rng.choice(places))
            if registry.claim(entity_id, [name, *aliases]):
                break
        else:  # pragma: no cover - the name space is large
            raise SystemExit(f"could not find a unique name for {entity_id}")
        entities.append(Entity(entity_id, name, kind, aliases, description))
    return entities


def make_synthetic_rules(
    rng: Random, count: int, frequent: int, n_articles: int, registry: NameRegistry, existing: list[Rule]
) -> list[Rule]:
    rules: list[Rule] = []
    rare_max = 2 + n_articles // 2000
    for index in range(count):
        typo, fixed, kind = rng.choice(SYNTH_TYPOS)
        for _attempt in range(1000):
            stem = fake_words(rng)
            find, replace = f"{stem} {typo}", f"{stem} {fixed}"
            if registry.ok("rule:" + find, [find, replace]) and not any(
                can_overlap(find, r.find) for r in (*existing, *rules)
            ):
                registry.claim("rule:" + find, [find, replace], check=False)
                registry.finds.append(find.lower())
                break
        else:  # pragma: no cover
            raise SystemExit("could not find a unique synthetic rule")
        category = "typo" if kind == E else ""
        note = (
            f"Misspelling in the source: '{typo}' for '{fixed}'."
            if kind == E
            else f"Spelling regularised to house style: '{typo}' → '{fixed}'."
        )
        if index < frequent:
            rules.append(
                Rule(find, replace, kind, note, "synthetic-frequent", category, rate=rng.uniform(0.05, 0.3))
            )
        else:
            rules.append(
                Rule(find, replace, kind, note, "synthetic-rare", category, count=rng.randint(1, rare_max))
            )
    return rules


def make_tags(rng: Random, count: int = 200) -> list[str]:
    tags = [t for t in TAG_TOPICS]
    combos = [f"{t}-{a}" for t in TAG_TOPICS for a in TAG_ASPECTS if a]
    rng.shuffle(combos)
    tags.extend(combos[: max(0, count - len(tags))])
    return tags[:count]


# --------------------------------------------------------------------------------------------
# Articles.
# --------------------------------------------------------------------------------------------
@dataclass
class Plan:
    """One article before its text is written: seed paragraph indexes (0-based) and roles."""

    id: str
    date: dt.date
    paras: list[int]
    roles: dict[int, str] = field(default_factory=dict)  # position (0-based) -> heading|caption
    editorial: bool = False
    mentions: list[tuple[int, int]] = field(default_factory=list)  # (entity index, surface index)
    synth: list[int] = field(default_factory=list)  # synthetic rule indexes inserted here


@dataclass
class Archive:
    paragraphs: list[str]
    rules: list[Rule]
    entities: list[Entity]
    tags: list[str]
    plans: list[Plan]
    n_spinner: int


def choose_pools(paragraphs: list[str]) -> tuple[list[int], list[int], list[int], list[int]]:
    n = len(paragraphs)
    headings = [i - 1 for i in HEADING_POOL if i <= n]
    captions = [i - 1 for i in expand_spec(CAPTION_POOL_SPEC) if i <= n]
    special = set(headings) | set(captions)
    body = [i for i in range(n) if i not in special]
    # Leads: body paragraphs of ordinary length whose opening sentences differ in their
    # first 40 slug characters, so that two leads never give the same default slug.
    leads, seen = [], set()
    for i in body:
        text = paragraphs[i]
        key = slugify(derived_title(text), max_words=SLUG_WORDS)
        if 120 <= len(text) <= 600 and key and key not in seen and _SENTENCE_END.search(text):
            seen.add(key)
            leads.append(i)
    return headings, captions, body, leads


def plan_articles(args: argparse.Namespace, paragraphs: list[str]) -> tuple[list[Plan], list[int]]:
    headings, captions, body, leads = choose_pools(paragraphs)
    width = max(6, len(str(args.articles)))
    last_day = dt.date(2024, 12, 31).toordinal()
    # 2015-2024; an archive too large for ten years of unique (day, lead) pairs at half
    # occupancy starts earlier, a year at a time (smaller archives are unchanged).
    first_year = 2015
    while args.articles > len(leads) * (last_day - dt.date(first_year, 1, 1).toordinal() + 1) // 2:
        first_year -= 1
    first_day = dt.date(first_year, 1, 1).toordinal()
    used_leads: set[tuple[int, int]] = set()  # (day, opening paragraph) of every article
    plans: list[Plan] = []
    for index in range(1, args.articles + 1):
        rng = Random(f"{args.seed}:article:{index}")
        count = rng.randint(8, 20)
        editorial = rng.random() < args.editorial_share
        n_head, n_cap = rng.randint(1, 2), rng.randint(1, 3)
        day = rng.randint(first_day, last_day)
        lead = rng.choice(leads)
        while (day, lead) in used_leads:  # the default title/slug must be unique on a given day
            lead = rng.choice(leads)
            day = rng.randint(first_day, last_day) if rng.random() < 0.2 else day
        used_leads.add((day, lead))
        rest = rng.sample([i for i in body if i != lead], count - 1 - n_head - n_cap)
        order: list[tuple[int, str]] = [(i, "body") for i in rest]
        for i in rng.sample(headings, n_head):
            order.insert(rng.randint(0, len(order)), (i, "heading"))
        for i in rng.sample(captions, n_cap):
            order.insert(rng.randint(0, len(order)), (i, "caption"))
        order.insert(0, (lead, "body"))
        plan = Plan(
            f"a{index:0{width}d}", dt.date.fromordinal(day), [i for i, _ in order], editorial=editorial
        )
        if editorial:
            plan.roles = {pos: role for pos, (_, role) in enumerate(order) if role != "body"}
        plans.append(plan)
    return plans, body


def rules_by_paragraph(paragraphs: list[str], rules: list[Rule]) -> list[frozenset[int]]:
    return [frozenset(r for r, rule in enumerate(rules) if rule.find in text) for text in paragraphs]


def ensure_spinner_coverage(plans: list[Plan], paragraphs: list[str], rules: list[Rule], rng: Random) -> None:
    """Every spinner rule fires in at least one article (matters for small archives only)."""
    present = rules_by_paragraph(paragraphs, rules)
    fired: set[int] = set()
    for plan in plans:
        for i in plan.paras:
            fired |= present[i]
    for r, rule in enumerate(rules):
        if r in fired or not plans:
            continue
        holders = [i for i, text in enumerate(paragraphs) if rule.find in text]
        plan = rng.choice(plans)
        choice = rng.choice(holders)
        if choice in plan.paras:
            continue
        if len(plan.paras) < 20:
            plan.paras.append(choice)
        else:
            last = len(plan.paras) - 1
            plan.paras[last] = choice
            plan.roles.pop(last, None)


def assign_mentions(plans: list[Plan], entities: list[Entity], profile: str, rng: Random) -> None:
    if not entities:
        return
    ranked = list(range(len(entities)))
    rng.shuffle(ranked)  # rank k (0-based) → entity index
    cum = list(itertools.accumulate(1.0 / (k + 1) ** 1.1 for k in range(len(ranked))))
    hot = ranked[:40]
    for plan in plans:
        if profile == "hot":
            chosen = list(hot)
        else:
            m = rng.randint(3, 25)
            chosen = [ranked[bisect.bisect_left(cum, rng.random() * cum[-1])] for _ in range(m)]
        for e in chosen:
            surfaces = entities[e].surfaces
            s = 0 if rng.random() < 0.6 else rng.randrange(1, len(surfaces))
            plan.mentions.append((e, s))


def assign_synthetic(plans: list[Plan], rules: list[Rule], first_synth: int, rng: Random) -> None:
    if not plans:
        return
    for r in range(first_synth, len(rules)):
        rule = rules[r]
        if rule.kind == "synthetic-frequent":
            chosen = [p for p in plans if rng.random() < rule.rate] or [rng.choice(plans)]
        else:
            chosen = rng.sample(plans, min(rule.count, len(plans)))
        for plan in chosen:
            plan.synth.append(r)


_NAME_RES: dict[str, re.Pattern[str]] = {}


def name_pattern(kind: str) -> re.Pattern[str] | None:
    if kind not in REPLACEABLE:
        return None
    if kind not in _NAME_RES:
        names = sorted(REPLACEABLE[kind], key=len, reverse=True)
        _NAME_RES[kind] = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, names)) + r")(?![\w-])")
    return _NAME_RES[kind]


_CLAUSE_END = re.compile(r"(?<=[a-z0-9])\.(?=\s|$)")


@dataclass
class Edit:
    start: int
    end: int
    text: str


def write_paragraph(
    text: str,
    protect_until: int,
    spans: list[tuple[int, int]],
    inserts: list[tuple[str, str | None]],
    rng: Random,
) -> str:
    """Apply mentions and synthetic-rule sentences to one seed paragraph.

    ``inserts`` holds (surface, kind) for a mention, or (sentence, None) for a ready
    sentence. Nothing is edited before ``protect_until`` or inside a rule match span.
    """

    def free(start: int, end: int) -> bool:
        # strictly outside every rule match; clear of (and not touching) every earlier edit
        if start < protect_until:
            return False
        return not any(s < end and start < e if start < end else s < start < e for s, e in spans) and not any(
            s <= end and start <= e for s, e in taken
        )

    taken: list[tuple[int, int]] = []
    edits: list[Edit] = []
    ends = [m.start() for m in _CLAUSE_END.finditer(text)]
    for surface, kind in inserts:
        if kind is None:  # a sentence for a synthetic rule
            slots = [e + 1 for e in ends if free(e + 1, e + 1)]
            pos = rng.choice(slots) if slots else len(text)
            edits.append(Edit(pos, pos, surface))
            taken.append((pos, pos))
            continue
        placed = False
        pattern = name_pattern(kind)
        if pattern is not None and rng.random() < 0.4:
            matches = [m for m in pattern.finditer(text) if free(m.start(), m.end())]
            if matches:
                m = rng.choice(matches)
                edits.append(Edit(m.start(), m.end(), surface))
                taken.append((m.start(), m.end()))
                placed = True
        if not placed:
            slots = [e for e in ends if free(e, e) and free(e + 1, e + 1)]
            if slots:
                pos = rng.choice(slots)
                if rng.random() < 0.5:
                    edits.append(Edit(pos, pos, rng.choice(MENTION_CLAUSES[kind]).format(e=surface)))
                else:
                    edits.append(
                        Edit(pos + 1, pos + 1, rng.choice(MENTION_SENTENCES[kind]).format(e=surface))
                    )
                taken.append((pos, pos + 1))
            else:  # no free sentence end (a caption, say): add a sentence at the end
                pos = len(text)
                sentence = rng.choice(MENTION_SENTENCES[kind]).format(e=surface)
                edits.append(Edit(pos, pos, sentence))
                taken.append((pos, pos))
    if text[-1:].isalnum() and any(edit.start == len(text) for edit in edits):
        edits.append(Edit(len(text), len(text), "."))  # close the last sentence first (applied last)
    # apply from the end; of insertions at one position, the later in the list ends up first
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text


def render_article(plan: Plan, archive: Archive, spans_by_para: list[list[tuple[int, int]]]) -> list[str]:
    rng = Random(f"text:{plan.id}")
    paragraphs = archive.paragraphs
    # mentions go to body and caption paragraphs, never to headings
    targets = [
        pos
        for pos in range(len(plan.paras))
        if plan.roles.get(pos) != "heading" and (pos != 0 or _SENTENCE_END.search(paragraphs[plan.paras[0]]))
    ]
    body_targets = [pos for pos in targets if plan.roles.get(pos) is None] or targets
    per_pos: dict[int, list[tuple[str, str | None]]] = {}
    for e, s in plan.mentions:
        entity = archive.entities[e]
        per_pos.setdefault(rng.choice(targets), []).append((entity.surfaces[s], entity.kind))
    for r in plan.synth:
        sentence = rng.choice(SYNTH_SENTENCES).format(f=archive.rules[r].find)
        per_pos.setdefault(rng.choice(body_targets), []).append((sentence, None))
    out = []
    for pos, index in enumerate(plan.paras):
        text = paragraphs[index]
        inserts = per_pos.get(pos)
        if inserts:
            protect = 0
            if pos == 0:  # keep the first sentence (the default title) as it is
                match = _SENTENCE_END.search(text)
                protect = match.end() if match else len(text) + 1
            text = write_paragraph(text, protect, spans_by_para[index], inserts, rng)
        out.append(text)
    return out


def rule_spans(text: str, finds: list[str]) -> list[tuple[int, int]]:
    lower = text.lower()
    return [(s, s + len(f)) for f in finds for s in occurrences(lower, f)]


# --------------------------------------------------------------------------------------------
# Writing.
# --------------------------------------------------------------------------------------------
def article_title(plan: Plan, texts: list[str], archive: Archive, rng: Random) -> str:
    if plan.mentions:
        entity = archive.entities[rng.choice(plan.mentions)[0]]
        return f"{entity.name} {rng.choice(HEADLINE_VERBS)} {rng.choice(HEADLINE_OBJECTS)}"
    return derived_title(texts[0])


HugoRow = tuple[Plan, str, str, list[str], list[str]]  # plan, title, slug, tags, paragraphs


def write_sitegen(out: Path, archive: Archive, checker: Checker) -> list[HugoRow]:
    (out / "seeds").mkdir(parents=True)
    (out / "content" / "articles").mkdir(parents=True)
    (out / "content" / "entities").mkdir(parents=True)
    (out / "content" / "pages").mkdir(parents=True)
    (out / "sitegen.toml").write_text(
        "# A synthetic archive generated by benchmarks/synth.py; do not edit, regenerate.\n"
        f"title = {q(f'Synthetic archive ({len(archive.plans)} articles)')}\n"
        'description = "A synthetic archive for benchmarks, assembled from the paragraphs of the '
        'example seed."\n'
        'language = "en"\n'
        'base_url = "https://example.org/"\n'
        'publisher = "The sitegen benchmarks"\n'
        "\n# Hugo is not asked to build a search index either; Pagefind's cost is measured apart.\n"
        "[search]\nenabled = false\n",
        encoding="utf-8",
    )
    (out / "content" / "pages" / "about.md").write_text(
        '---\ntitle: "About this archive"\n---\n'
        "A synthetic archive generated by `benchmarks/synth.py` from the paragraphs of the example seed. "
        "The people, places and organisations in it are made up.\n",
        encoding="utf-8",
    )
    tag_weights = list(itertools.accumulate(1.0 / (k + 1) for k in range(len(archive.tags))))
    taken: dict[dt.date, set[str]] = {}
    hugo_rows: list[HugoRow] = []
    for plan in archive.plans:
        texts = checker.article_texts(plan)
        default_title = derived_title(texts[0])
        day_slugs = taken.setdefault(plan.date, set())
        seed = f"date {plan.date.isoformat()} " + "\n\n".join(texts) + "\n"
        (out / "seeds" / f"{plan.id}.txt").write_text(seed, encoding="utf-8")
        default_slug = slugify(default_title, max_words=SLUG_WORDS) or slugify(plan.id)
        title, slug, tags = default_title, default_slug, []
        if plan.editorial:
            rng = Random(f"editorial:{plan.id}")
            title = article_title(plan, texts, archive, rng)
            slug = base = slugify(title, max_words=SLUG_WORDS) or plan.id
            n = 2
            while slug in day_slugs:
                slug, n = f"{base}-{n}", n + 1
            picks: list[str] = []
            want = rng.randint(2, 4)
            while len(picks) < want:
                tag = archive.tags[bisect.bisect_left(tag_weights, rng.random() * tag_weights[-1])]
                if tag not in picks:
                    picks.append(tag)
            tags = picks
            roles: dict[str, list[int]] = {}
            for pos, role in sorted(plan.roles.items()):
                roles.setdefault(role, []).append(pos + 1)
            lines = [
                "---",
                f"title: {q(title)}",
                f"slug: {q(slug)}",
                f"tags: [{', '.join(tags)}]",
                "roles:",
                *(f"  {role}: [{', '.join(map(str, numbers))}]" for role, numbers in sorted(roles.items())),
                "---",
                "Synthetic article assembled from paragraphs of the example seed; "
                f"it mentions {len({e for e, _ in plan.mentions})} made-up entities.",
                "",
            ]
            (out / "content" / "articles" / f"{plan.id}.md").write_text("\n".join(lines), encoding="utf-8")
        elif slug in day_slugs:  # cannot happen: leads are unique per day (choose_lead)
            raise SystemExit(f"internal error: default slug '{slug}' repeats on {plan.date}")
        day_slugs.add(slug)
        hugo_rows.append((plan, title, slug, tags, texts))
    for entity in archive.entities:
        lines = [
            "---",
            f"name: {q(entity.name)}",
            f"kind: {entity.kind}",
            "aliases:",
            *(f"  - {q(a)}" for a in entity.aliases),
            f"description: {q(entity.description)}",
            "---",
            "",
        ]
        (out / "content" / "entities" / f"{entity.id}.md").write_text("\n".join(lines), encoding="utf-8")
    # Every article is spun: the collection is accepted for all of them.
    rules_text = ["# Correction rules generated by benchmarks/synth.py.", 'articles = ["*"]', ""]
    for rule in archive.rules:
        rules_text += [
            "[[rule]]",
            f"find = {q(rule.find)}",
            f"replace = {q(rule.replace)}",
            f"type = {q(rule.type)}",
            *([f"category = {q(rule.category)}"] if rule.category else []),
            f"note = {q(rule.note)}",
            "",
        ]
    (out / "content" / "corrections.toml").write_text("\n".join(rules_text), encoding="utf-8")
    return hugo_rows


HUGO_CONFIG = """\
# A plain Hugo site generated by benchmarks/synth.py: the same articles as the sitegen archive.
baseURL = "https://example.org/"
title = {title}
languageCode = "en"
# Keep Hugo to what the sitegen build also produces: home (paginated), one page per article,
# the about page and a 404 page. No taxonomies, feeds or sitemaps.
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "section"]
paginate = 50
enableGitInfo = false
[permalinks]
  posts = "/:year/:month/:day/:slug/"
[markup.goldmark.renderer]
  unsafe = false
"""
HUGO_LAYOUTS = {
    "_default/baseof.html": """\
<!DOCTYPE html>
<html lang="{{ .Site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ .Site.Title }}</title>
{{ with .Description }}<meta name="description" content="{{ . }}">{{ end }}
<link rel="canonical" href="{{ .Permalink }}">
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a></header>
<main>
{{ block "main" . }}{{ end }}
</main>
</body>
</html>
""",
    "_default/single.html": """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
{{ if not .Date.IsZero }}<p>
<time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>
{{ with .Params.tags }} · {{ delimit . ", " }}{{ end }}</p>{{ end }}
{{ .Content }}
</article>
{{ with .PrevInSection }}<a rel="next" href="{{ .RelPermalink }}">Newer: {{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a rel="prev" href="{{ .RelPermalink }}">Older: {{ .Title }}</a>{{ end }}
{{ end }}
""",
    "_default/list.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>
{{ end }}
</ul>
{{ end }}
""",
    "index.html": """\
{{ define "main" }}
{{/* site.RegularPages is a cached list; filtering it here with 'where' would run again on
     every pager page and make the home page quadratic in the number of articles */}}
{{ $paginator := .Paginate site.RegularPages }}
<ol>
{{ range $paginator.Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2006-01-02" }}</time>
<p>{{ .Description }}</p></li>
{{ end }}
</ol>
<nav>
{{ if $paginator.HasPrev }}<a rel="prev" href="{{ $paginator.Prev.URL }}">Newer</a>{{ end }}
Page {{ $paginator.PageNumber }} of {{ $paginator.TotalPages }}
{{ if $paginator.HasNext }}<a rel="next" href="{{ $paginator.Next.URL }}">Older</a>{{ end }}
</nav>
{{ end }}
""",
    "404.html": """\
{{ define "main" }}<h1>Page not found</h1><p><a href="{{ "/" | relURL }}">Home</a></p>{{ end }}
""",
}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
_MD_LINE_START = re.compile(r"^(\d+)([.)])(\s)|^([-+=])(\s)")


def md_paragraph(text: str) -> str:
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LINE_START.sub(
        lambda m: f"{m.group(1)}\\{m.group(2)}{m.group(3)}" if m.group(1) else f"\\{m.group(4)}{m.group(5)}",
        text,
    )


def write_hugo(hugo: Path, archive: Archive, rows: list[HugoRow]) -> None:
    (hugo / "content" / "posts").mkdir(parents=True)
    title = q(f"Synthetic archive ({len(archive.plans)} articles)")
    (hugo / "hugo.toml").write_text(HUGO_CONFIG.format(title=title), encoding="utf-8")
    for rel, text in HUGO_LAYOUTS.items():
        path = hugo / "layouts" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (hugo / "content" / "about.md").write_text(  # not listed on the home page
        '---\ntitle: "About this archive"\n_build:\n  list: never\n---\n'
        "A synthetic archive generated by `benchmarks/synth.py` from the paragraphs of the example seed. "
        "The people, places and organisations in it are made up.\n",
        encoding="utf-8",
    )
    for plan, title, slug, tags, texts in rows:
        front = [
            "---",
            f"title: {q(title)}",
            f"date: {plan.date.isoformat()}",
            f"slug: {q(slug)}",
            f"description: {q(first_sentence(texts[0], 240))}",
        ]
        if tags:
            front.append(f"tags: [{', '.join(tags)}]")
        front.append("---")
        body = []
        if plan.editorial:
            body.append("*Synthetic article assembled from paragraphs of the example seed.*")
        for pos, text in enumerate(texts):
            body.append(("## " if plan.roles.get(pos) == "heading" else "") + md_paragraph(text))
        (hugo / "content" / "posts" / f"{plan.id}.md").write_text(
            "\n".join(front) + "\n" + "\n\n".join(body) + "\n", encoding="utf-8"
        )


# --------------------------------------------------------------------------------------------
# Checking and statistics.
# --------------------------------------------------------------------------------------------
class Checker:
    """Renders article texts (once) and checks them for overlapping rule matches."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        finds = [r.find.lower() for r in archive.rules]
        self.spans_by_para = [rule_spans(p, finds) for p in archive.paragraphs]
        self.present = rules_by_paragraph(archive.paragraphs, archive.rules[: archive.n_spinner])
        self.rule_hits: Counter[int] = Counter()
        self.mention_articles: Counter[int] = Counter()
        self.overlaps: list[str] = []
        try:
            import ahocorasick
        except ImportError:
            self.automaton = None
        else:
            self.automaton = ahocorasick.Automaton()
            for index, find in enumerate(finds):
                self.automaton.add_word(find, (index, len(find)))
            if finds:
                self.automaton.make_automaton()
            else:
                self.automaton = None
        self.exact = self.automaton is not None or not archive.rules

    def article_texts(self, plan: Plan) -> list[str]:
        texts = render_article(plan, self.archive, self.spans_by_para)
        for e in {e for e, _ in plan.mentions}:
            self.mention_articles[e] += 1
        if self.automaton is not None:
            matches = []
            fired = set()
            for number, text in enumerate(texts, start=1):
                for end, (rule, length) in self.automaton.iter(text.lower()):
                    matches.append((number, end - length + 1, end + 1, rule))
                    fired.add(rule)
            matches.sort()
            for a, b in itertools.pairwise(matches):
                if a[0] == b[0] and b[1] < a[2]:
                    self.overlaps.append(
                        f"{plan.id} ¶{a[0]}: '{self.archive.rules[a[3]].find}' overlaps "
                        f"'{self.archive.rules[b[3]].find}'"
                    )
            self.rule_hits.update(fired)
        else:  # by construction: seed paragraphs' own matches plus inserted synthetic finds
            fired = set(plan.synth)
            for i in plan.paras:
                fired |= self.present[i]
            self.rule_hits.update(fired)
        return texts


def build_archive(args: argparse.Namespace) -> Archive:
    paragraphs = read_seed_paragraphs(SEED_FILE)
    seed_text = "\n\n".join(paragraphs)
    spinner = pick_spinner_rules(seed_text)
    frequent = args.rules // 2
    spinner = spinner[: min(len(spinner), frequent, args.rules)]
    registry = NameRegistry(seed_text, [r.find for r in spinner])
    synthetic = make_synthetic_rules(
        Random(f"{args.seed}:rules"),
        args.rules - len(spinner),
        frequent - len(spinner),
        args.articles,
        registry,
        spinner,
    )
    rules = spinner + synthetic
    entities = make_entities(Random(f"{args.seed}:entities"), args.entities, registry)
    tags = make_tags(Random(f"{args.seed}:tags"), 200)
    plans, _body = plan_articles(args, paragraphs)
    ensure_spinner_coverage(plans, paragraphs, spinner, Random(f"{args.seed}:coverage"))
    assign_synthetic(plans, rules, len(spinner), Random(f"{args.seed}:synthetic"))
    assign_mentions(plans, entities, args.profile, Random(f"{args.seed}:mentions"))
    return Archive(paragraphs, rules, entities, tags, plans, len(spinner))


def dir_size(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def prepare(path: Path, force: bool) -> None:
    if path.exists() and any(path.iterdir()):
        if not force:
            raise SystemExit(f"{path} is not empty; pass --force to replace a directory this script wrote")
        if not (path / MARKER).is_file():
            raise SystemExit(f"{path} was not written by synth.py (no {MARKER}); refusing to delete it")
        shutil.rmtree(path)
    path.mkdir(parents=True, exist_ok=True)


def generate(args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    out = Path(args.out_dir)
    hugo = Path(args.hugo) if args.hugo else None
    if hugo is not None and hugo.resolve() == out.resolve():
        raise SystemExit("the Hugo site needs its own directory")
    prepare(out, args.force)
    if hugo is not None:
        prepare(hugo, args.force)
    archive = build_archive(args)
    checker = Checker(archive)
    rows = write_sitegen(out, archive, checker)
    if hugo is not None:
        write_hugo(hugo, archive, rows)
    seconds = time.perf_counter() - started

    plans = archive.plans
    mentions = [len(p.mentions) for p in plans]
    kinds = Counter(r.kind for r in archive.rules)
    hits_by_kind: dict[str, list[int]] = {}
    for index, rule in enumerate(archive.rules):
        hits_by_kind.setdefault(rule.kind, []).append(checker.rule_hits[index])
    coverage = sorted(checker.mention_articles.values(), reverse=True)
    n = max(1, len(plans))
    files, size = dir_size(out)
    stats = {
        "params": {
            k: getattr(args, k)
            for k in ("articles", "entities", "rules", "profile", "seed", "editorial_share")
        },
        "generator": "benchmarks/synth.py",
        "seconds": round(seconds, 2),
        "articles": len(plans),
        "editorial_files": sum(p.editorial for p in plans),
        "paragraphs_per_article": statistics.median(len(p.paras) for p in plans) if plans else 0,
        "entities": len(archive.entities),
        "entity_kinds": dict(Counter(e.kind for e in archive.entities)),
        "mentions_total": sum(mentions),
        "mentions_per_article": [
            min(mentions, default=0),
            statistics.median(mentions) if mentions else 0,
            max(mentions, default=0),
        ],
        "entities_mentioned": len(coverage),
        "share_of_articles_mentioning_top": {
            str(k): round(coverage[k - 1] / n, 3) for k in (1, 2, 5, 10, 40, 100) if len(coverage) >= k
        },
        "rules": dict(kinds),
        "rule_hits_exact": checker.exact,
        "articles_per_rule_median": {k: statistics.median(v) for k, v in hits_by_kind.items()},
        "articles_per_rule_min": {k: min(v) for k, v in hits_by_kind.items()},
        "overlapping_rule_matches": len(checker.overlaps),
        "site_files": files,
        "site_bytes": size,
    }
    if hugo is not None:
        stats["hugo_files"], stats["hugo_bytes"] = dir_size(hugo)
    for path in (out, *([hugo] if hugo else [])):
        (path / MARKER).write_text(json.dumps(stats, indent=2) + "\n", encoding="utf-8")
    if checker.overlaps:
        print(
            "overlapping rule matches (a sitegen build error):",
            *checker.overlaps[:20],
            sep="\n  ",
            file=sys.stderr,
        )
    return stats


def add_output_args(parser: argparse.ArgumentParser) -> None:
    """The options every archive generator here shares (synth.py, realistic.py)."""
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--editorial-share",
        type=float,
        default=0.3,
        help="share of articles with an editorial file (default 0.3)",
    )
    parser.add_argument("--hugo", metavar="HUGO_DIR", help="also write the articles as a plain Hugo site")
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace OUT_DIR / HUGO_DIR if an earlier run of a generator wrote them",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out_dir", help="where to write the sitegen archive (created; must be empty)")
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--entities", type=int, default=1000)
    parser.add_argument("--rules", type=int, default=200)
    parser.add_argument(
        "--profile",
        choices=("zipf", "hot"),
        default="zipf",
        help="zipf: mentions spread as in a real archive (default); "
        "hot: every article mentions the same 40 entities",
    )
    add_output_args(parser)
    args = parser.parse_args(argv)
    for name in ("articles", "entities", "rules"):
        if getattr(args, name) < 0:
            parser.error(f"--{name} must be zero or more")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stats = generate(args)
    if not args.quiet:
        print(json.dumps(stats, indent=2))
    return 1 if stats["overlapping_rule_matches"] else 0


if __name__ == "__main__":
    sys.exit(main())
