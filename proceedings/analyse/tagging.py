"""Tagging: the event's keyphrases, themes, named entities and acronyms, from the
analyses of its notes (:mod:`proceedings.analyse.analysis`), with the editor's rules applied.

Keyphrases — the method, documented because editors rely on it:

1. Candidates are the noun phrases of each note (see :mod:`proceedings.analyse.analysis`).
2. A candidate of a text scores ``count^0.75 × idf × title × length`` where ``idf`` is
   ``log((N + 1) / (df + 1)) + 0.1`` over the N texts compared (the other notes, or the other
   sessions: the contrast), ``title`` is 2 when it appears in a title or heading, and
   ``length`` favours one and two words (1.2, 1.0, then 0.7 and 0.56).
3. Ranked candidates whose words differ only by a plural are kept once.

The session's keyphrases add up its notes and contrast with the other sessions; the event's
favour phrases that several sessions share. The figures that justify these constants are
measured by ``bench/motscles.py`` on a public French keyphrase set (see docs/mots-cles.md).
The index of people and organisations keeps what a reader looks up (see ``_indexed``).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from proceedings.analyse.analysis import Analyser, note_text, plain_text
from proceedings.analyse.vocabulary import Vocabulary, norm
from proceedings.model import Analysis, Phrase, Synthesis, Tag, TagKind, Tags, Turn
from proceedings.structure.speakers import Directory, fold, is_name

TF_EXPONENT = 0.75
TITLE_BOOST = 2.0
LENGTH_PRIOR = {1: 1.2, 2: 1.0, 3: 0.7}
LONG_PRIOR = 0.56  # four words and more
IDF_FLOOR = 0.1
# -- ranking ------------------------------------------------------------------------------------


def rank(
    documents: Sequence[Sequence[Phrase]], top: int | None = None
) -> list[list[tuple[Phrase, float]]]:
    """The keyphrases of each document, best first, contrasted with the other documents."""
    df: Counter[str] = Counter()
    for phrases in documents:
        df.update({p.key for p in phrases})
    n = len(documents)
    ranked = []
    for phrases in documents:
        scored = []
        for p in phrases:
            idf = math.log((n + 1) / (df[p.key] + 1)) + IDF_FLOOR
            score = p.count**TF_EXPONENT * idf * _prior(p)
            scored.append((p, score))
        ranked.append(_dedup(scored, top))
    return ranked


def _prior(p: Phrase) -> float:
    return (TITLE_BOOST if p.title else 1.0) * LENGTH_PRIOR.get(p.words, LONG_PRIOR)


def _dedup(scored: list[tuple[Phrase, float]], top: int | None) -> list[tuple[Phrase, float]]:
    out: list[tuple[Phrase, float]] = []
    seen: set[str] = set()
    for p, score in sorted(scored, key=lambda ps: (-ps[1], ps[0].key)):
        key = norm(p.key)
        if key in seen:
            continue
        seen.add(key)
        out.append((p, score))
        if top is not None and len(out) >= top:
            break
    return out


def merge_phrases(groups: Iterable[Iterable[Phrase]]) -> tuple[Phrase, ...]:
    """The phrases of several texts as those of one (counts added, first place kept)."""
    merged: dict[str, Phrase] = {}
    for phrases in groups:
        for p in phrases:
            old = merged.get(p.key)
            if old is None:
                merged[p.key] = p
            else:
                merged[p.key] = Phrase(
                    p.key,
                    old.surface,
                    old.count + p.count,
                    min(old.first, p.first),
                    old.title or p.title,
                    p.words,
                )
    return tuple(merged[k] for k in sorted(merged))


def keyphrases_of_texts(texts: Sequence[str], analyser: Analyser, top: int = 10) -> list[list[str]]:
    """Each text's keyphrases, best first, each text contrasted with the others."""
    analyses = analyser.analyse([plain_text(t) for t in texts])
    return [[p.surface for p, _ in ranked] for ranked in rank([a.phrases for a in analyses], top)]


# -- the event ------------------------------------------------------------------------------

NOTE_TOP = 8
SESSION_TOP = 10
EVENT_TOP = 40
SESSION_THEMES = 6


def tag(synthesis: Synthesis, analyser: Analyser, diag: Any = None) -> Tags:
    """Keyphrases per note, per session and for the event; themes; entities; acronyms."""
    contents = synthesis.notes
    analyses = dict(
        zip(
            (c.note.path for c in contents),
            analyser.analyse([note_text(c) for c in contents]),
            strict=True,
        )
    )
    session_of = {c.note.path: s.session.id for s in synthesis.sessions for c in s.notes}
    order = {s.session.id: i for i, s in enumerate(synthesis.sessions)}
    overrides = _Overrides(analyser.vocabulary)
    phrases = {path: overrides.apply(a.phrases) for path, a in analyses.items()}

    paths = list(phrases)
    note_scores = dict(zip(paths, rank([phrases[p] for p in paths]), strict=True))
    by_note = {
        path: tuple(
            overrides.tag(p, "mot-clé", (session_of[path],), (path,)) for p, _ in ranked[:NOTE_TOP]
        )
        for path, ranked in note_scores.items()
    }
    where = _where(phrases, session_of, order)
    # A session's keyphrases add up the scores its notes give them (each note contrasted
    # with all the others); the event's add up the sessions', so that a phrase distinctive
    # of several sessions comes first and one that every note uses does not.
    by_session: dict[str, tuple[Tag, ...]] = {}
    event_scores: list[tuple[Phrase, float]] = []
    for content in synthesis.sessions:
        if not content.notes:
            continue
        summed = _sum_scores(note_scores[c.note.path] for c in content.notes)
        ranked = _dedup(summed, None)
        by_session[content.session.id] = tuple(
            overrides.tag(p, "mot-clé", *where[p.key]) for p, _ in ranked[:SESSION_TOP]
        )
        event_scores += ranked
    event = _dedup(_sum_scores([event_scores]), EVENT_TOP)
    chosen = {p.key for p, _ in event}
    merged = merge_phrases(phrases.values())
    kept = [p for p in merged if p.key not in chosen and overrides.kept(p)]
    keyphrases = tuple(
        overrides.tag(p, "mot-clé", *where[p.key]) for p in [*(p for p, _ in event), *kept]
    )
    themes, themes_by_session, passages = _theme_tags(
        analyses, session_of, order, analyser.vocabulary
    )
    acronyms = _acronym_tags(analyses, session_of, order, analyser.vocabulary)
    return Tags(
        by_note=by_note,
        by_session=by_session,
        themes_by_session=themes_by_session,
        keyphrases=keyphrases,
        themes=themes,
        entities=_entity_tags(analyses, synthesis, session_of, order, acronyms),
        acronyms=acronyms,
        passages=passages,
        rules=overrides.report(),
    )


def _where(
    phrases: dict[str, tuple[Phrase, ...]], session_of: dict[str, str], order: dict[str, int]
) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    sessions: dict[str, set[str]] = defaultdict(set)
    notes: dict[str, list[str]] = defaultdict(list)
    for path, items in phrases.items():
        for p in items:
            sessions[p.key].add(session_of[path])
            notes[p.key].append(path)
    return {
        k: (tuple(sorted(sessions[k], key=order.__getitem__)), tuple(notes[k])) for k in sessions
    }


def _sum_scores(
    groups: Iterable[Iterable[tuple[Phrase, float]]],
) -> list[tuple[Phrase, float]]:
    """Scores of several rankings added up, phrase by phrase (their counts too)."""
    total: dict[str, float] = defaultdict(float)
    collected: list[Phrase] = []
    for group in groups:
        for p, score in group:
            total[p.key] += score
            collected.append(p)
    merged = {p.key: p for p in merge_phrases([collected])}
    return [(merged[k], total[k]) for k in sorted(total)]


class _Overrides:
    """The editor's keyword decisions (``mots-cles.yaml``), and what each of them did."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        o = vocabulary.overrides
        # the target is a member of its own group: its occurrences join the variants'
        self.merge = {norm(v): (norm(t), t) for t, variants in o.fusionner for v in (t, *variants)}
        self.ban = {norm(x) for x in o.exclure}
        self.names = {norm(k): v for k, v in o.renommer}
        self.keep = {norm(x) for x in o.garder}
        self.used: Counter[tuple[str, str]] = Counter()
        self.source = o

    def apply(self, phrases: Iterable[Phrase]) -> tuple[Phrase, ...]:
        out: list[Phrase] = []
        for p in phrases:
            key, surface = norm(p.key), norm(p.surface)
            target = self.merge.get(key) or self.merge.get(surface)
            if target is not None:
                self.used[("fusionner", target[1])] += 1
                p = Phrase(target[0], target[1], p.count, p.first, p.title, len(target[0].split()))
                key = target[0]
            if key in self.ban or surface in self.ban:
                self.used[("exclure", key if key in self.ban else surface)] += 1
                continue
            out.append(p)
        return merge_phrases([out])

    def kept(self, p: Phrase) -> bool:
        return norm(p.key) in self.keep or norm(p.surface) in self.keep

    def tag(
        self, p: Phrase, kind: TagKind, sessions: tuple[str, ...], notes: tuple[str, ...]
    ) -> Tag:
        label = self.names.get(norm(p.key)) or self.names.get(norm(p.surface)) or p.surface
        if label != p.surface:
            self.used[("renommer", norm(p.key))] += 1
        if self.kept(p):
            self.used[("garder", norm(p.key))] += 1
        return Tag(label, kind, p.key, p.count, sessions, notes)

    def report(self) -> tuple[str, ...]:
        """One line per rule of mots-cles.yaml: applied, or matched no keyword."""
        lines = []
        for action, word in _rules(self.source):
            hits = self.used.get((action, word), 0) + self.used.get((action, norm(word)), 0)
            state = "appliqué" if hits else "sans effet : aucun mot-clé ne correspond"
            lines.append(f"{action} « {word} » : {state}")
        return tuple(lines)


def _rules(o: Any) -> list[tuple[str, str]]:
    return [
        *(("fusionner", t) for t, _ in o.fusionner),
        *(("exclure", x) for x in o.exclure),
        *(("renommer", k) for k, _ in o.renommer),
        *(("garder", x) for x in o.garder),
    ]


def rules(vocabulary: Vocabulary) -> tuple[str, ...]:
    """The editor's keyword rules as declared (their effect is known after tagging)."""
    return tuple(f"{action} « {word} »" for action, word in _rules(vocabulary.overrides))


def _theme_tags(
    analyses: dict[str, Analysis],
    session_of: dict[str, str],
    order: dict[str, int],
    vocabulary: Vocabulary,
) -> tuple[tuple[Tag, ...], dict[str, tuple[Tag, ...]], dict[str, tuple[tuple[str, str], ...]]]:
    counts: Counter[str] = Counter()
    per_session: dict[str, Counter[str]] = defaultdict(Counter)
    notes: dict[str, list[str]] = defaultdict(list)
    passages: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for path, analysis in analyses.items():
        for hit in analysis.themes:
            counts[hit.theme] += 1
            per_session[session_of[path]][hit.theme] += 1
            if path not in notes[hit.theme]:
                notes[hit.theme].append(path)
            passages[hit.theme].append((path, hit.passage))
    labels = {t.id: t.libelle for t in vocabulary.themes}

    def theme_tag(theme_id: str, count: int) -> Tag:
        sessions = tuple(sorted({session_of[p] for p in notes[theme_id]}, key=order.__getitem__))
        return Tag(
            labels.get(theme_id, theme_id),
            "thème",
            theme_id,
            count,
            sessions,
            tuple(notes[theme_id]),
        )

    themes = tuple(
        theme_tag(t, c) for t, c in sorted(counts.items(), key=lambda tc: (-tc[1], tc[0]))
    )
    by_session = {
        sid: tuple(
            theme_tag(t, c)
            for t, c in sorted(cs.items(), key=lambda tc: (-tc[1], tc[0]))[:SESSION_THEMES]
        )
        for sid, cs in per_session.items()
    }
    return themes, by_session, {t: tuple(p) for t, p in passages.items()}


def _entity_tags(
    analyses: dict[str, Analysis],
    synthesis: Synthesis,
    session_of: dict[str, str],
    order: dict[str, int],
    glossary: tuple[Tag, ...],
) -> tuple[Tag, ...]:
    """People, organisations and places, merged with the programme's spellings, those a
    reader would look up (see ``_indexed``)."""
    directory = Directory(synthesis.event)
    organisations = _organisations(synthesis)
    groups: dict[tuple[TagKind, str], dict[str, Any]] = {}

    def add(label: str, kind: TagKind, count: int, path: str) -> None:
        entry = groups.setdefault((kind, fold(label)), {"label": label, "count": 0, "notes": []})
        entry["count"] += count
        if path not in entry["notes"]:
            entry["notes"].append(path)

    for path, analysis in analyses.items():
        for m in analysis.mentions:
            if m.label == "PER":
                person = directory.lookup(m.text)
                add(person.nom if person else m.text, "personne", m.count, path)
            elif m.label == "ORG":
                add(organisations.get(fold(m.text), m.text), "organisation", m.count, path)
            else:
                add(m.text, "lieu", m.count, path)
    speakers: set[str] = set()
    for content in synthesis.notes:  # programme people who speak are cited too
        for item in content.items:
            if isinstance(item, Turn):
                speakers.add(fold(item.speaker.name))
                if item.speaker.person is not None:
                    add(item.speaker.person.nom, "personne", 1, content.note.path)
                elif not item.speaker.anonymous and is_name(item.speaker.name):
                    add(item.speaker.name, "personne", 1, content.note.path)  # « M. CHIRAC »
    _join_parts(groups)
    confirmed = {fold(p.nom) for p in directory.people} | speakers | set(organisations)
    acronyms = {
        key
        for (kind, key), e in groups.items()
        if kind == "organisation" and _is_acronym(e["label"])
    }
    expanded = {fold(t.label) for t in glossary}
    tags = []
    for (kind, key), entry in groups.items():
        mentions = _Mentions(entry["count"], len(entry["notes"]))
        if not _indexed(kind, key, entry["label"], mentions, confirmed, acronyms, expanded):
            continue
        sessions = tuple(sorted({session_of[p] for p in entry["notes"]}, key=order.__getitem__))
        tags.append(Tag(entry["label"], kind, key, entry["count"], sessions, tuple(entry["notes"])))
    return tuple(sorted(tags, key=lambda t: (t.kind, fold(t.label))))


_MENTIONS = 2  # mentions of a name the programme does not confirm, for the index
_SPREAD = 2  # notes naming an organisation the programme does not confirm
_REPEATED = 3  # or mentions of it in one note; or notes naming an acronym no note expands
_EDGE_WORDS = frozenset(
    "and or the of for to in on at by with et ou de du des la le les en au aux".split()
)
# Words an organisation's name begins with (« Agence… », « Conseil… », « Union… »): a
# capitalised common noun that does not begin a table's header (« Remarque 1 », « Point
# de contact », « Statut conditionnel ») or a document's title (« Guide identificateurs »).
_ORGANISATION_HEADS = frozenset(
    """agence agglomeration academie association assemblee atelier autorite banque bureau
    cabinet caisse centre chambre club collectif collectivite comite commission communaute
    commune compagnie confederation conseil conservatoire cooperative coordination cour
    delegation departement direction ecole entreprise etablissement federation fondation
    fonds gouvernement groupe groupement haut haute inspection institut laboratoire ligue
    mairie maison metropole ministere mission mouvement mutuelle observatoire office parc
    parlement parti pole prefecture region reseau secretariat senat service societe
    syndicat tribunal union universite ville villes""".split()
)


@dataclass(frozen=True, slots=True)
class _Mentions:
    count: int  # mentions in all the notes
    notes: int  # notes that make them


def _is_acronym(label: str) -> bool:
    """« CNIG », « IAG GRS 1980 », « Q2 »: capitals and figures, as acronyms are written."""
    words = label.split()
    return (
        bool(words)
        and all(w.isalnum() and len(w) <= 8 and not w.islower() for w in words)
        and label.upper() == label
    )


def _indexed(
    kind: str,
    key: str,
    label: str,
    mentions: _Mentions,
    confirmed: set[str],
    acronyms: set[str],
    expanded: set[str],
) -> bool:
    """A name a reader would look up in the index: confirmed by the programme or by
    speaking, or mentioned again with a plausible form. A person's name as minutes write
    it, not a fragment of a table (« Xpath ISO »); an organisation named in several notes
    or often in one, by a name that begins like one (« Direction régionale de
    l'environnement », « Enedis »), not a header or a common noun with a capital; an
    acronym in several notes if « Sigles » explains it, in more if not (« MAJ », « ID »
    in two notes are abbreviations, not bodies).
    Fragments ending or starting with « and », « de »… are never names."""
    if key in confirmed:
        return True
    words = label.split()
    if mentions.count < _MENTIONS or not words or len(words) > 6:
        return False
    if words[0].lower() in _EDGE_WORDS or words[-1].lower() in _EDGE_WORDS:
        return False
    if kind == "personne":
        return is_name(label) and not any(fold(w) in acronyms for w in words if w.isupper())
    if kind == "organisation":
        spread = mentions.notes >= _SPREAD
        if _is_acronym(label):
            return mentions.notes >= (_SPREAD if key in expanded else _REPEATED)
        shaped = (len(words) == 1 and not label.isupper()) or fold(words[0]) in _ORGANISATION_HEADS
        return shaped and (spread or mentions.count >= _REPEATED)
    return any(c.isupper() for c in label)


def _join_parts(groups: dict[tuple[TagKind, str], dict[str, Any]]) -> None:
    """« Pen » and « Marine » apart are « Marine Le Pen » when the notes name her in full
    (and no one else has that part of a name)."""
    people = [k for k in groups if k[0] == "personne" and len(k[1].split()) > 1]
    for kind, key in [k for k in groups if k[0] == "personne" and " " not in k[1]]:
        whole = [p for p in people if key in p[1].split()]
        if len(whole) == 1:
            part = groups.pop((kind, key))
            target = groups[whole[0]]
            target["count"] += part["count"]
            target["notes"] += [n for n in part["notes"] if n not in target["notes"]]


def _organisations(synthesis: Synthesis) -> dict[str, str]:
    """Every organisation the programme names, by folded name."""
    names: list[str] = list(synthesis.event.partenaires)
    for s in synthesis.event.sessions:
        people = [*s.intervenants, *((s.animateur,) if s.animateur else ())]
        for focus in (*s.eclairages, *((s.introduction,) if s.introduction else ())):
            names.append(focus.organisation)
            people.extend(focus.intervenants)
        names += [p.organisation for p in people]
        names += [*s.partenaires, *(p for w in s.ateliers for p in w.partenaires)]
        names += [t.porteur for t in s.outils] + [s.animation]
    return {fold(n): n for n in names if n}


def _acronym_tags(
    analyses: dict[str, Analysis],
    session_of: dict[str, str],
    order: dict[str, int],
    vocabulary: Vocabulary,
) -> tuple[Tag, ...]:
    """The glossary: acronyms used in the notes, with the expansion a note or the
    thesaurus gives."""
    expansions: dict[str, Counter[str]] = defaultdict(Counter)
    for analysis in analyses.values():
        for a in analysis.acronyms:
            expansions[a.short][a.long] += 1
    for theme in vocabulary.themes:
        if theme.sigle and theme.sigle not in expansions:
            expansions[theme.sigle][theme.libelle] += 1
    used: dict[str, list[str]] = defaultdict(list)
    for path, analysis in analyses.items():
        for short in {*analysis.capitals, *(a.short for a in analysis.acronyms)}:
            if short in expansions:
                used[short].append(path)
    tags = []
    for short, paths in used.items():
        long = expansions[short].most_common(1)[0][0]
        sessions = tuple(sorted({session_of[p] for p in paths}, key=order.__getitem__))
        tags.append(Tag(short, "sigle", short, len(paths), sessions, tuple(paths), detail=long))
    return tuple(sorted(tags, key=lambda t: t.label))
