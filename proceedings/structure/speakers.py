"""Speaker labels: finding them where minutes and transcripts write them, and resolving them
to the programme's people.

Label styles found in real minutes and transcripts, at the start of a paragraph:
``Hélène VALADE :``, ``**H. Valade** :`` (the bold is gone by then), ``Hélène Valade —``,
``[Nom]``, ``M. le président.``, ``Q :`` / ``R :``, ``>>`` turn markers, ``SPEAKER_01``,
``Nom: texte`` (Zoom), and anonymous descriptions (``Une élue d’une commune rurale :``).
A heading made of a name alone (``#### Hélène Valade``) is handled by the structure stage
with :func:`is_name`.

Resolution compares labels without case, accents or civility, with initials and surname
alone allowed (« H. Valade », « Valade », « Mme Valade »), then fuzzily (rapidfuzz) to
suggest the closest names for a label that matches nobody.
"""

from __future__ import annotations

import copy
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources

from rapidfuzz import fuzz, process

from proceedings.model import Event, Person, Speaker

_UPPER = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸÆŒ"
UPPER = _UPPER  # capital letters of French names, for character classes
_WORD = rf"[{_UPPER}][\w’'-]*"
_INITIAL = rf"[{_UPPER}](?:\.?-[{_UPPER}])?\.(?:-[{_UPPER}]\.)?"  # H. J.-F. A-Y.
_PARTICLE = r"(?:de|du|des|d’|d'|le|la|van|von|di|da|ben|el|al)"
PARTICLE = _PARTICLE  # the small words inside surnames ("de", "van")
CIVILITY = r"(?:M\.|MM\.|Mme\.?|Mmes\.?|Mlle\.?|Monsieur|Madame|Mademoiselle|Dr\.?|Pr\.?|Me)"
_NAME = re.compile(
    rf"^(?:{CIVILITY}\s+)?(?:{_INITIAL}\s*|{_WORD}\s+)(?:{_PARTICLE}\s*)?{_WORD}"
    rf"(?:\s+(?:{_PARTICLE}\s*)?{_WORD}){{0,2}}$"
)
_CIVIL_NAME = re.compile(rf"^{CIVILITY}\s+(?:{_PARTICLE}\s*)?{_WORD}$")
_FIRST_AND_INITIAL = re.compile(rf"^{_WORD}\s+[{_UPPER}]\.$")  # « Thierry P. »

# Nouns that open a description of an anonymous speaker ("une élue", "un participant").
_ROLES = (
    r"participant|élu|intervenant|adjoint|chargé|président|vice-président|représentant|"
    r"habitant|dirigeant|consultant|étudiant|délégué|expert|enseignant|invité|militant|"
    r"retraité|agent|salarié|gérant|professeur|maire|membre|bénévole|responsable|"
    r"directeur|directrice|chef|cheffe|chercheur|chercheuse|chercheure|animateur|animatrice|"
    r"rapporteur|rapporteuse|technicien|technicienne|universitaire|entrepreneur|"
    r"entrepreneuse|acteur|actrice|coordinateur|coordinatrice|coordonnateur|coordonnatrice|"
    r"conseiller|conseillère|fondateur|fondatrice|cofondateur|cofondatrice|co-fondateur|"
    r"co-fondatrice|personne|voix|témoin|praticien|praticienne|porteur|porteuse|"
    r"secrétaire|trésorier|trésorière|journaliste|citoyen|citoyenne|partenaire|financeur|"
    r"financeuse|investisseur|investisseuse|mécène|catalyseur|catalyseuse|accompagnateur|"
    r"accompagnatrice|fonctionnaire|cadre|patron|patronne|volontaire|jeune|syndicaliste|"
    r"juriste|sociologue|économiste|collègue|auditeur|auditrice|ingénieur|ingénieure|"
    r"modérateur|modératrice|salle|public|dgs|élu·e|participant·e|intervenant·e"
)
_DESCRIPTION = re.compile(
    rf"^(?:(?:un|une|le|la|les|des|deux|trois|quatre|plusieurs|d’autres|d'autres|autre)\s+"
    rf"|l[’']\s?)(?:autre\s+)?(?:{_ROLES})(?:e|s|es)?\b",
    re.IGNORECASE,
)
# Capitalised words that open a line without being a name ("Atelier KiMSO :").
_NOT_NAMES = frozenset(
    """
atelier ateliers groupe groupes session table axe thème thèmes partie question questions
réponse réponses proposition propositions note notes objectif objectifs exemple exemples
source sources contexte constat constats conclusion remarque remarques rappel attention
important bilan synthèse étape phase temps point points enjeu enjeux idée idées piste
pistes action actions recommandation recommandations définition résultat résultats
indicateur indicateurs outil outils programme projet lieu date horaire durée
participants intervenants animation modération déroulé ordre introduction ouverture
clôture méthode démarche principe livrable calendrier budget financement territoire
territoires commune ville région département loi article chapitre annexe figure tableau
encadré citation verbatim témoignage nb cf voir mots-clés le la les dans pour sur avec
en au aux du des de et mais ou car si quand comme ce cette ces son sa ses leur notre
votre il elle on nous vous ils elles tout tous chaque plusieurs certains chacun deux trois
premier première second seconde dernier dernière ensemble objectifs odd rse ess cget
""".split()
)

# Verbs of speech, auxiliaries and pronouns: a "label" holding one of them is a sentence of
# the rapporteur ("Une participante lui répond : « … »"), whose subject is the speaker.
_SPEECH = (
    r"explique|expliquait|répond|répondait|rappelle|ajoute|souligne|précise|résume|insiste|"
    r"estime|témoigne|conclut|note|observe|raconte|reconnaît|regrette|propose|suggère|"
    r"interroge|demande|lance|alerte|prévient|confie|affirme|déclare|dit|relève|plaide|"
    r"nuance|complète|enchaîne|intervient|réagit|tempère|abonde|poursuit|résume|cite|"
    r"résument|expliquent|répondent|rappellent|ajoutent|soulignent|proposent|témoignent|"
    r"présente|présenté|rappelé|proposé|souligné|expliqué|ajouté|précisé|résumé|insisté|"
    r"estimé|témoigné|conclu|noté|observé|raconté|reconnu|regretté|suggéré|interrogé|"
    r"demandé|lancé|alerté|confié|affirmé|déclaré|relevé|plaidé|nuancé|complété|réagi|"
    r"partagé|partage|évoque|évoqué|illustre|illustré|résumait|concluait|formule|formulé|"
    r"disait|déclarait|affirmait|ajoutait|rappelait|soulignait|estimait|écrit|écrivait|"
    r"lançait|répétait|répète|martèle|martelait|conclut|résume"
)
_NOT_IN_LABELS = frozenset(
    """
a ont est sont était étaient avait avaient lui leur se s’ s' qui que qu’ qu' ne n’ n' y
""".split()
) | frozenset(_SPEECH.split("|"))
_NARRATION = re.compile(
    rf"^(.{{2,100}}?)\s+(?:(?:lui|leur|nous|vous|y|en)\s+)?(?:(?:a|ont|avait|s’est|"
    rf"s'est|se|s’|s')\s*)?(?:{_SPEECH})\b[^:«»]{{0,80}}:\s*«",
    re.IGNORECASE,
)

_TRANSCRIPT_MARK = re.compile(r"^(?:>>\s*+)++(.*)$", re.DOTALL)  # ">> >> texte": one mark
_BRACKET = re.compile(r"^\[([^\]\n]{1,60})\]\s*:?\s*(.*)$", re.DOTALL)
_QR = re.compile(r"^(Q|R|Question|Réponse)\s*[:.—–-]\s+(.*)$", re.DOTALL)
_DIARIZED = re.compile(r"^(SPEAKER_\d+|Speaker\s*\d+|Locuteur\s*\d+)\s*:\s*(.*)$", re.DOTALL)
_PARLIAMENT = re.compile(
    rf"^({CIVILITY}\s+(?:(?:le|la)\s+[\w’'-]+(?:\s+[\w’'-]+){{0,3}}|{_WORD}))\.\s+(.+)$",
    re.DOTALL,
)
_GENERIC = re.compile(r"^([^:—–«»\"?!\n]{1,100}?)\s*(?::|—|–)\s+(.*)$", re.DOTALL)
_ZOOM = re.compile(r"^([^:\n]{1,60}):\s+(.*)$", re.DOTALL)

# A role or a numbered voice on its own: "Animateur", "La présidente", "Participant 3".
_ROLE_ALONE = re.compile(
    rf"^(?:(?:le|la|l[’'])\s?)?(?:{_ROLES}|orateur|oratrice|locuteur|locutrice)"
    rf"(?:e|s|es)?(?:\s+[a-zàâäçéèêëîïôöùûüÿæœ’'-]+){{0,3}}(?:\s*\d+)?$",
    re.IGNORECASE,
)  # « Animateur », « Participant 3 », « Intervenant du public 2 »
DIARIZATION = re.compile(r"^(?:SPEAKER_(\d+)|Speaker\s*(\d+)|Locuteur\s*(\d+))$")
UNKNOWN_VOICE = ">>"  # label of a turn marked by ">>" without a name


def is_name(text: str) -> bool:
    """A person's name as minutes write it: « Hélène VALADE », « H. Valade », « Mme Roux »,
    « Thierry P. ». Two capitalised words are a name only with a civility, an initial, a
    known first name or a surname in capitals: « Affaire Elf », « Impasse des Lavandes » or
    « Conférence Les Greniers d’Abondance » are not people."""
    text = text.strip()
    if not text or text.split()[0].lower().strip(".") in _NOT_NAMES:
        return False
    if _CIVIL_NAME.match(text):
        return True
    words = text.split()
    if _FIRST_AND_INITIAL.match(text):
        return is_first_name(words[0])
    if not _NAME.match(text):
        return False
    if re.match(rf"{CIVILITY}\s|{_INITIAL}", text):
        return True
    if is_first_name(words[0]) or (len(words) == 2 and is_first_name(words[1])):
        return True  # « Hélène Valade », « VALADE Hélène »
    # « Seckou SADIO », « SADIO Seckou »: a surname in capitals beside a first name in
    # small letters, whatever the first name.
    capitals = [w for w in words if w.isupper() and len(w) > 1]
    title = [w for w in words if w[:1].isupper() and any(c.islower() for c in w)]
    return (
        len(words) <= 4
        and bool(capitals)
        and len(title) == 1
        and len(capitals) + 1 == len(words)
        and not common_word(title[0])
        # a surname has vowels (« RNB », « PMR » are acronyms) and the other word is not a
        # common noun (« Côté RNB », « Stationnement PMR »)
        and all(_VOWELS.search(w) for w in capitals)
        and not title[0].lower().endswith(_NOUN_ENDINGS)
    )


_VOWELS = re.compile(r"[AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŸ]")
# Endings of French common nouns, seldom of names (first names of the list are known).
_NOUN_ENDINGS = (
    "ment", "tion", "sion", "té", "age", "ance", "ence", "isme", "ure", "eur", "oir",
    "ique", "ité", "ail", "ier", "aire", "ise", "esse", "ude", "ade", "ée",
)  # fmt: skip


def is_first_name(word: str) -> bool:
    """A first name of the shipped list (« Hélène », « Jean-François », « MARINE »)."""
    key = fold(word).replace(" ", "-").strip("-")
    if not key or not word[:1].isalpha():
        return False
    return key in _first_names() or all(p in _first_names() for p in key.split("-") if p)


@functools.cache
def _first_names() -> frozenset[str]:
    text = resources.files("proceedings").joinpath("data/prenoms.txt").read_text("utf-8")
    return frozenset(
        w for line in text.splitlines() if not line.startswith("#") for w in line.split()
    )


def common_word(word: str) -> bool:
    """A capitalised word that opens a line without being a name (« Atelier », « Bilan »)."""
    return word.strip().lower().strip(".") in _NOT_NAMES


def is_role(text: str) -> bool:
    """A role or a numbered voice standing for a name: « Animateur », « SPEAKER_01 »."""
    text = text.strip()
    return bool(_ROLE_ALONE.match(text) or DIARIZATION.match(text)) or text in (
        UNKNOWN_VOICE,
        "Q",
        "R",
        "Question",
        "Réponse",
    )


def is_description(text: str) -> bool:
    """An anonymous speaker described by role: « une élue », « un participant de l’atelier »."""
    return bool(_DESCRIPTION.match(text.strip())) and len(text) <= 100


# Initials or a numbered voice as a label ("EZ :", "JLM :", "P1 :"): transcripts of debates
# write them. Alone they could be anything ("NB :"), so they are labels only when a note
# uses several of them, each more than once, at the start of paragraphs (see recurring).
_INITIALS_LABEL = re.compile(rf"^([{_UPPER}]{{1,4}}\d?)\s*:\s+\S")
_NOT_INITIALS = frozenset(
    "NB PS CR ODJ OJ RAS TBD FAQ URL PDF OK ID EX CF QR ETC NON OUI AG CA GT PV RDV".split()
)
_RECURRING = 2  # occurrences of each label
_RECURRING_VOICES = 2  # distinct labels


def recurring_labels(texts: Iterable[str]) -> tuple[str, ...]:
    """Initials that a note uses as speaker labels, each opening at least two paragraphs:
    several of them (« EZ : », « VP : »), or one (« P1 : », a presenter) among other
    speakers' labels (« Jordan Bardella : »)."""
    counts: dict[str, int] = {}
    others = 0
    for text in texts:
        if (m := _INITIALS_LABEL.match(text.lstrip())) and m[1] not in _NOT_INITIALS:
            counts[m[1]] = counts.get(m[1], 0) + 1
        elif others < _RECURRING_VOICES and split_label(text) is not None:
            others += 1
    voices = tuple(sorted(k for k, n in counts.items() if n >= _RECURRING))
    return voices if len(voices) + others >= _RECURRING_VOICES else ()


def split_label(
    text: str, known: Callable[[str], bool] = lambda _: False, transcript: bool = False
) -> tuple[str, str] | None:
    """(label, rest) when the paragraph opens with a speaker label, else None.

    ``known`` tells whether a label names someone of the programme (surname alone, alias);
    ``transcript``: a cue of a transcript, where ``Claire: …`` is a label (Zoom).
    """
    text = text.lstrip()
    for pattern in (_DIARIZED, _QR):
        if m := pattern.match(text):
            return m[1], m[2]
    if m := _TRANSCRIPT_MARK.match(text):
        rest = m[1]
        if (inner := split_label(rest, known, transcript=True)) is not None:
            return inner
        return UNKNOWN_VOICE, rest
    if m := _BRACKET.match(text):
        label = m[1].strip()
        if _acceptable(label, known):
            return label, m[2]
        return None
    if m := _PARLIAMENT.match(text):
        return m[1], m[2]
    if m := _GENERIC.match(text):
        label = m[1].strip().strip("*").strip()
        rest = m[2].strip()
        # « Animatrice : Claire Dupont » says who holds a role, « Claude Bideau : 19 voix »
        # counts votes: neither is a turn of speech.
        held = _ROLE_ALONE.match(label_name(label)) and _opens_with_name(rest)
        if _acceptable(label, known) and not held and not _COUNT.match(rest):
            return label, m[2]
    if transcript and (m := _ZOOM.match(text)):
        label = m[1].strip()
        if _acceptable(label, known):
            return label, m[2]
    return None


_COUNT = re.compile(
    r"^[\d\s.,]+(?:%|voix|votes?|pour|contre|abstentions?|inscrits?|présents?|exprimés?)?"
    r"[\s.;,]*$",
    re.IGNORECASE,
)


def _opens_with_name(text: str) -> bool:
    """Text that starts with a person's name: « Yann Lossouarn @yann », « Alain Guglielmetti
    (paysagiste) et Arnaud Groult »."""
    words = re.split(r"[\s(,@]+", text, maxsplit=4)
    return any(is_name(" ".join(words[:n]).rstrip(".")) for n in (2, 3) if len(words) >= n)


def label_name(label: str) -> str:
    """The name of a label without what follows it: « S. Gaillac (CRAIG) », « Hélène
    Valade, directrice », « Yoann - Cantons solidaires » and « Yoann Groupe entraide 22 »
    give « S. Gaillac », « Hélène Valade », « Yoann » and « Yoann »."""
    name = re.split(r",|\s[-–—]\s|\s*\(", label, maxsplit=1)[0].strip()
    words = name.split()
    if (
        len(words) > 1
        and not is_name(name)
        and is_first_name(words[0])
        and (words[1][:1].isupper() or words[1][:1].isdigit())
    ):
        return words[0]  # a first name, then the organisation
    return name


def _acceptable(label: str, known: Callable[[str], bool]) -> bool:
    name = label_name(label)
    if not name or len(name) > 100:
        return False
    # the words of the label, initials apart (« A. Richard », « A-Y. Guégan »: not the verb)
    words = re.findall(r"[\w’']+", re.sub(rf"(?<!\w){_INITIAL}", " ", name).lower())
    if any(
        w in _NOT_IN_LABELS or w.startswith(("qu’", "qu'", "s’", "s'", "n’", "n'")) for w in words
    ):
        return False
    if known(name) or is_description(name) or DIARIZATION.match(name):
        return True
    if len(name.split()) == 1 and is_first_name(name) and not common_word(name):
        return True  # « Sébastien : je comprends », « Anna, même groupe : »
    # A role alone, in the singular: « Animatrice », « Intervenant du public 2 »; a plural
    # (« Participants : 12 ») is a field of the minutes.
    return is_name(name) or (
        bool(_ROLE_ALONE.match(name)) and not name.split()[0].endswith(("s", "x"))
    )


_INTRODUCER = re.compile(
    rf"([^!?;…«»\"“”]{{2,120}}?)\s+(?:(?:lui|leur|nous|vous|y|en)\s+)?"
    rf"(?:(?:a|ont|avait|s’est|s'est|se|s’|s')\s*)?(?:{_SPEECH})\b[^:«»\"“.!?]{{0,80}}"
    rf"(?::|\bque|\bqu[’'])\s*$",
    re.IGNORECASE,
)
_SUBJECT_WORDS = 6  # words before the verb that may name the speaker
_LONE_NAME = re.compile(rf"^{_WORD}$")


def introducer(before: str, known: Callable[[str], bool] = lambda _: False) -> str | None:
    """Who the words just before a quotation say is speaking: « …, M. CHIRAC déclarait,
    le 2 février 1979 : » or « Tjibaou disait, il y a quelque temps, que »."""
    tail = before[-240:].rstrip()
    # most quotations follow something else: a colon or « que » must end the words before
    if not tail.endswith((":", "que", "qu’", "qu'")):
        return None
    m = _INTRODUCER.search(tail)
    if m is None:
        return None
    words = m[1].split()[-_SUBJECT_WORDS:]
    for start in range(len(words)):  # the longest run of words just before the verb
        subject = " ".join(words[start:]).strip(",")
        if is_description(subject) or is_name(subject) or known(subject):
            return subject
    last = words[-1].strip(",") if words else ""
    if _LONE_NAME.match(last) and not common_word(last) and last.lower() not in _NOT_IN_LABELS:
        return last  # a surname alone: « Tjibaou disait que »
    return None


def narrator(text: str, known: Callable[[str], bool] = lambda _: False) -> str | None:
    """The speaker a rapporteur's sentence introduces: « Une élue lui répond : « … » »."""
    m = _NARRATION.match(text.lstrip())
    if m is None:
        return None
    subject = m[1].split(",", 1)[0].strip()
    if is_description(subject) or is_name(subject) or known(subject):
        return subject
    return None


# -- resolution -----------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case, no accents, no civility, single spaces: the key labels are compared on."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"^(m|mm|mme|mmes|mlle|monsieur|madame|mademoiselle|dr|pr|me)\.?\s+", "", text)
    text = re.sub(r"[’'`\-_.,;:*]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A label that matches nobody exactly, and the closest programme names."""

    label: str
    closest: tuple[str, ...]


class Directory:
    """The programme's people, looked up by every spelling a note may use."""

    def __init__(self, event: Event) -> None:
        self.people: list[Person] = []
        seen: set[str] = set()
        for person in _people(event):
            if person.nom not in seen:
                seen.add(person.nom)
                self.people.append(person)
        self._keys: dict[str, Person | None] = {}
        for person in self.people:
            for key in _keys(person):
                # A key two people share (a common surname) resolves to nobody.
                self._keys[key] = person if key not in self._keys else None
        self._full = {fold(p.nom): p for p in self.people}
        self._declared: dict[str, str] = {}  # participants a note's header declares

    def for_note(self, declared: tuple[str, ...]) -> Directory:
        """This directory, also knowing the participants a note declares in its header
        (``intervenants:``), by full name, first name or surname."""
        if not declared:
            return self
        other = copy.copy(self)
        other._declared = {}
        for name in declared:
            words = fold(name).split()
            for key in {fold(name), words[0], words[-1]} if words else ():
                other._declared.setdefault(key, name)
        return other

    def lookup(self, label: str) -> Person | None:
        return self._keys.get(fold(label.split(",", 1)[0]))

    def knows(self, label: str) -> bool:
        key = fold(label.split(",", 1)[0])
        return self.lookup(label) is not None or key in self._declared

    def resolve(self, label: str) -> Speaker:
        name = label_name(label)
        if label == UNKNOWN_VOICE:
            return Speaker(label, "Intervenant·e", anonymous=True)
        if m := DIARIZATION.match(name):
            number = int(next(g for g in m.groups() if g is not None)) + 1
            return Speaker(label, f"Intervenant·e {number}", anonymous=True)
        if name in ("Q", "Question"):
            return Speaker(label, "Question", anonymous=True)
        if name in ("R", "Réponse"):
            return Speaker(label, "Réponse", anonymous=True)
        person = self.lookup(name)
        if person is not None:
            return Speaker(label, person.nom, person)
        if (declared := self._declared.get(fold(name))) is not None:
            return Speaker(label, declared)
        if is_description(name) or _ROLE_ALONE.match(name):
            return Speaker(label, name[:1].upper() + name[1:], anonymous=True)
        return Speaker(label, name)

    def closest(self, label: str, limit: int = 2, cutoff: float = 75) -> tuple[str, ...]:
        """Programme names that look like a label (for a label that resolves to nobody)."""
        if not self._full:
            return ()
        found = process.extract(
            fold(label), list(self._full), scorer=fuzz.WRatio, limit=limit, score_cutoff=cutoff
        )
        return tuple(self._full[key].nom for key, _score, _i in found)


def _people(event: Event) -> Iterable[Person]:
    for session in event.sessions:
        yield from session.intervenants
        if session.animateur:
            yield session.animateur
        for focus in (
            *session.eclairages,
            *((session.introduction,) if session.introduction else ()),
        ):
            yield from focus.intervenants


def name_parts(name: str) -> tuple[str, str]:
    """A name's first names and surname, as written: the surname is the words written in
    capitals (« Hélène VALADE », « VALADE Hélène »), else the last word. One word is a
    surname without first names. The one rule for "ways to write a name", shared by the
    resolution of speakers and by anonymous publication."""
    words = name.split()
    if len(words) < 2:
        return "", name.strip()
    capitals = [w for w in words if w.isupper() and len(w) > 1]
    surname = capitals if capitals and len(capitals) < len(words) else words[-1:]
    first = [w for w in words if w not in surname]
    return " ".join(first), " ".join(surname)


def name_forms(name: str) -> list[str]:
    """The ways minutes write a person's name, as written: full, reversed, initial and
    surname (« H. Valade », « J.-F. Roux »), surname alone. The first name alone is not one
    of them: notes use it for other people too."""
    first, surname = name_parts(name)
    forms = [name.strip()]
    if first:
        forms += [f"{surname} {first}", f"{first[:1]}. {surname}"]
        if "-" in first.split()[0]:  # Jean-François -> J.-F.
            forms.append("-".join(f"{p[:1]}." for p in first.split()[0].split("-")) + f" {surname}")
        forms.append(surname)
    return forms


def _keys(person: Person) -> set[str]:
    """Every way a note may write this person: full, reversed, surname, initial + surname."""
    keys = {fold(a) for a in person.alias}
    for form in name_forms(person.nom):
        keys.add(fold(form))
    first, surname = name_parts(person.nom)
    if first and "-" in first.split()[0]:  # J.-F. Roux is also written JF Roux
        initials = "".join(p[:1] for p in fold(first.split()[0]).split())
        keys.add(f"{initials} {fold(surname)}")
    return {k for k in keys if k}
