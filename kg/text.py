"""Plain words to entities: a lexical matcher over every label and synonym in the graph.

A phrase and a name match when they reduce to the same *bag of word stems*:

* words are case-folded and split on anything that is not a letter or digit;
* stop words ("in", "the", "my", "of" ...) are dropped, so word order and filler do not matter;
* British spellings meet American ones (anaemia/anemia, oedema/edema, haem/hem,
  -ise/-ize, -our/-or, -tre/-ter): both sides go through the same rewriting;
* a few lay words that clinical names spell differently meet them (:data:`LAY_WORDS`:
  "trouble", "problems", "poor" read as "difficulty");
* each word is reduced to its Snowball (Porter 2) stem, so plurals and -ing forms meet.

"tingling in the hands", "hands tingling" and "hand tingling" (an HPO synonym of Hand
paresthesia) all become ``{hand, tingl}``. Typos are not guessed at: an unknown name still
gets "did you mean" suggestions and no answer.

:func:`annotate` finds the names in a sentence: the longest runs of words that match a
symptom or condition, left to right, none overlapping. A span preceded in its clause by a
negation ("no", "not", "without", "denies") is marked ``negated``.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from .model import Entity

__all__ = ["STOP_WORDS", "LAY_WORDS", "words", "stem_key", "Lexicon", "Span", "annotate", "lexicon"]

#: Words that carry no meaning for matching a symptom's name.
STOP_WORDS = frozenset("""
a an the of in on at to for from with by and or my me i im i'm ive i've we our your his her their its it
is are was were be been being am have has had having do does did get gets got getting some any very
really quite a bit lot lots little much more most all both this that these those there as also about
feel feels feeling felt keep keeps kept
""".split())
#: Lay words read as the word clinical names use for the same thing.
LAY_WORDS = {"trouble": "difficulty", "troubles": "difficulty", "problem": "difficulty", "problems": "difficulty",
             "issue": "difficulty", "issues": "difficulty", "poor": "difficulty", "difficulties": "difficulty",
             "hard": "difficulty"}
_NEGATIONS = frozenset({"no", "not", "without", "denies", "deny", "never", "nor", "negative"})
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_CLAUSE_BREAK = re.compile(r"[.;:!?,()\[\]]|\bbut\b")
# British to American, applied to every word on both sides (so a rare over-reach is harmless).
_SPELLINGS = [
    (re.compile(r"ae"), "e"),  # anaemia, haem, paediatric, aetiology
    (re.compile(r"oe"), "e"),  # oedema, oesophagus, diarrhoea
    (re.compile(r"is(e|ed|es|ing|ation|ations)$"), r"iz\1"),  # -ise, -isation
    (re.compile(r"yse(d|s)?$"), r"yze\1"),  # analyse, paralysed
    (re.compile(r"our(s|ed|ing)?$"), r"or\1"),  # tumour, colour, behaviour
    (re.compile(r"([bt])re(s)?$"), r"\1er\2"),  # fibre, centre
]


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    word = LAY_WORDS.get(word, word)
    for pattern, replacement in _SPELLINGS:
        word = pattern.sub(replacement, word)
    return _stemmer().stemWord(word)


def words(text: str) -> list[tuple[int, int, str]]:
    """Each word of ``text`` with its start and end offsets, case-folded.

    >>> words("Tingling in the Hands")
    [(0, 8, 'tingling'), (9, 11, 'in'), (12, 15, 'the'), (16, 21, 'hands')]
    """
    return [(m.start(), m.end(), m.group().casefold()) for m in _WORD.finditer(text)]


def stem_key(text: str) -> tuple[str, ...]:
    """The bag of stems ``text`` reduces to (sorted, without repeats): what names are compared by.

    >>> stem_key("tingling in the hands") == stem_key("Hand tingling")
    True
    >>> stem_key("anaemia") == stem_key("anemia"), stem_key("oedema") == stem_key("edema")
    (True, True)
    >>> stem_key("trouble walking") == stem_key("Difficulty in walking")
    True
    """
    return tuple(sorted({_stem(w) for _, _, w in words(text) if w not in STOP_WORDS}))


# Names preferred when several entities share one: a label before an identifier or a synonym.
_PRECEDENCE = {"label": 0, "identifier": 1, "synonym": 2}


@dataclass(frozen=True)
class Span:
    """A stretch of text and the entity it names (``matched``: the label or synonym it matched)."""

    start: int
    end: int
    text: str
    entity: Entity
    matched: str
    negated: bool = False

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text, "entity": self.entity.to_dict(),
                "matched": self.matched, "negated": self.negated}


class Lexicon:
    """Every label and synonym of every entity, by bag of stems.

    ``names`` yields ``(entity, name, kind)`` with kind one of label, synonym, identifier.

    >>> pa = Entity("HP:0030256", "Hand paresthesia", "symptom", "http://purl.obolibrary.org/obo/HP_0030256")
    >>> lex = Lexicon([(pa, "Hand paresthesia", "label"), (pa, "Hand tingling", "synonym")])
    >>> lex.find("tingling in the hands")[0].label
    'Hand paresthesia'
    >>> lex.find("hand paresthesa")  # a typo is not guessed at
    []
    """

    def __init__(self, names, keys: "dict[str, tuple[str, ...]] | None" = None):
        """``keys`` holds :func:`stem_key` of names already reduced (filled in with the others)."""
        keys = {} if keys is None else keys
        found: dict[tuple[str, ...], dict[str, tuple[int, str]]] = defaultdict(dict)
        self._entities: dict[str, Entity] = {}
        for entity, name, kind in names:
            key = keys.get(name)
            if key is None:
                key = keys[name] = stem_key(name)
            if not key:
                continue
            self._entities[entity.iri] = entity
            rank = (_PRECEDENCE.get(kind, 3), name)
            if entity.iri not in found[key] or rank < found[key][entity.iri]:
                found[key][entity.iri] = rank
        self._by_key = {key: sorted(by_iri.items(), key=lambda item: (item[1], item[0])) for key, by_iri in found.items()}
        self.longest = max((len(key) for key in self._by_key), default=0)

    def exact(self, key: tuple[str, ...], kinds=None) -> list[tuple[Entity, str]]:
        """The entities (with the name matched) whose name reduces to ``key``, best named first."""
        return [(self._entities[iri], name) for iri, (_, name) in self._by_key.get(key, ())
                if kinds is None or self._entities[iri].kind in kinds]

    def find(self, phrase: str, kinds=None) -> list[Entity]:
        """The entities whose name has the bag of stems of ``phrase``: the best named (a label
        before a synonym), several when tied; none when no name has it."""
        key = stem_key(phrase)
        return self._best_ranked(key, kinds) if key else []

    def _best_ranked(self, key, kinds) -> list[Entity]:
        """The entities named best (labels before synonyms) under ``key``: one, or several when tied."""
        entries = [(rank[0], self._entities[iri]) for iri, rank in self._by_key.get(key, ())
                   if kinds is None or self._entities[iri].kind in kinds]
        if not entries:
            return []
        best = min(rank for rank, _ in entries)
        return [entity for rank, entity in entries if rank == best]


def annotate(lexicon: Lexicon, text: str, kinds=("symptom", "condition")) -> list[Span]:
    """The symptoms and conditions named in ``text``: longest matches first, none overlapping.

    >>> pa = Entity("HP:0030256", "Hand paresthesia", "symptom", "http://purl.obolibrary.org/obo/HP_0030256")
    >>> ga = Entity("HP:0001288", "Gait disturbance", "symptom", "http://purl.obolibrary.org/obo/HP_0001288")
    >>> lex = Lexicon([(pa, "Hand tingling", "synonym"), (ga, "Difficulty in walking", "synonym")])
    >>> [(s.text, s.entity.label, s.negated) for s in annotate(lex, "My hands keep tingling; no trouble walking.")]
    [('hands keep tingling', 'Hand paresthesia', False), ('trouble walking', 'Gait disturbance', True)]
    """
    tokens = words(text)
    content = [i for i, (_, _, w) in enumerate(tokens) if w not in STOP_WORDS]
    used: set[int] = set()
    spans = []
    for size in range(min(lexicon.longest + 2, len(content)), 0, -1):
        for at in range(len(content) - size + 1):
            window = content[at:at + size]
            if used & set(window):
                continue
            start, end = tokens[window[0]][0], tokens[window[-1]][1]
            if _CLAUSE_BREAK.search(text[start:end]):
                continue  # a name does not run across a clause
            key = tuple(sorted({_stem(tokens[i][2]) for i in window}))
            found = lexicon.exact(key, kinds)
            if not found:
                continue
            used.update(window)
            entity, matched = found[0]
            spans.append(Span(start, end, text[start:end], entity, matched, _negated(text, tokens, window[0])))
    return sorted(spans, key=lambda span: span.start)


def _negated(text: str, tokens, first: int) -> bool:
    """Whether a negation word comes before token ``first`` within its clause."""
    clause_start = 0
    for match in _CLAUSE_BREAK.finditer(text, 0, tokens[first][0]):
        clause_start = match.end()
    return any(w in _NEGATIONS for s, _, w in tokens[:first] if s >= clause_start)


_LEXICON_VERSION = "2"  # 2: names of an entity another is the same as lead to that one


def lexicon(g) -> Lexicon:
    """The lexicon of ``g``'s names, kept beside a store with a cache (keyed by its content and this code)."""
    import hashlib
    from pathlib import Path

    from .fileio import read_memo, write_memo

    cached = getattr(g, "_lexicon_memo", None)
    if cached is not None:
        return cached
    digest = hashlib.sha256((_LEXICON_VERSION + Path(__file__).read_text(encoding="utf-8")).encode()).hexdigest()[:16]
    cache = g.backend.cache_file("lexicon", digest) if hasattr(g.backend, "cache_file") else None
    found = read_memo(cache, Lexicon)
    if found is None:
        # Stemming every name takes seconds with the HPO imported. The stems of the import's
        # names are kept beside its base store, so after `kg add` only new names are stemmed.
        layers = g.backend.layers() if hasattr(g.backend, "layers") else None
        memo = None if layers is None else layers[0].parent / f"{layers[0].name}-stems-{digest}.pickle"
        kept = read_memo(memo, dict)
        keys = {} if kept is None else kept
        found = Lexicon(g._names.names(), keys)
        if memo is not None and kept is None:
            write_memo(memo, keys)
        if cache is not None:
            write_memo(cache, found)
    g._lexicon_memo = found
    return found
