"""Words that depend on the event, in agreement with what they wrap: « la Rencontre » only
when the programme calls it one (else « la journée », « le séminaire »…), « à la Maison de la
vie associative » and « au Siège de la Fédération ».

The event's kind is read from the programme's title; the article before a place from its
first noun (a short list of the nouns venues are named with) or the article it has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Noun:
    """How the documents name the event: « la Rencontre », « le séminaire »."""

    word: str  # « Rencontre », « journée », « séminaire »
    feminine: bool

    @property
    def the(self) -> str:
        """« la Rencontre », « le séminaire », « l’assemblée »."""
        return _article(self.word, self.feminine) + self.word

    @property
    def of(self) -> str:
        """« de la Rencontre », « du séminaire », « de l’assemblée »."""
        article = _article(self.word, self.feminine)
        return ("du " if article == "le " else "de " + article) + self.word

    @property
    def The(self) -> str:
        return self.the[:1].upper() + self.the[1:]

    @property
    def pronoun(self) -> str:
        return "Elle" if self.feminine else "Il"

    @property
    def e(self) -> str:
        """The agreement of a past participle: « organisée », « organisé »."""
        return "e" if self.feminine else ""


# Kinds of event, as programmes title them; the first found in the title names the event.
_KINDS = (
    ("Rencontre", True),
    ("Rencontres", True),
    ("journée", True),
    ("Journées", True),
    ("séminaire", False),
    ("colloque", False),
    ("forum", False),
    ("congrès", False),
    ("conférence", True),
    ("assemblée", True),
    ("université", True),
    ("atelier", False),
    ("soirée", True),
    ("convention", True),
)
_DEFAULT = Noun("journée", True)


def event_noun(title: str) -> Noun:
    """« Rencontre des pionniers… » gives « la Rencontre »; « Journée inter-associations »
    gives « la journée »; a title with none of the usual words gives « la journée »."""
    for word, feminine in _KINDS:
        if re.search(rf"\b{word}\b", title, re.IGNORECASE):
            if word == "Rencontre" or word.lower() == "rencontres":
                return Noun("Rencontre", True)  # the network's own word, with its capital
            return Noun(
                word.lower().rstrip("s") if word.endswith("ées") else word.lower(), feminine
            )
    return _DEFAULT


# The nouns venues are named with, and their gender (True: feminine).
_VENUES = {
    **dict.fromkeys(
        "maison salle mairie halle cité médiathèque bibliothèque université école "
        "fédération chambre région préfecture grange ferme abbaye caserne fondation auberge "
        "base villa usine gare friche cave chapelle galerie manufacture résidence "
        "salle-des-fêtes bourse direction agence délégation métropole communauté "
        "scop scic coopérative cathédrale église mjc".split(),
        True,
    ),
    **dict.fromkeys(
        "siège centre théâtre palais hôtel espace lycée collège campus musée château "
        "tiers-lieu pôle hall forum carré conseil ministère parc domaine auditorium "
        "amphithéâtre institut cinéma foyer gymnase stade moulin couvent cloître pavillon "
        "village café restaurant jardin local bâtiment immeuble quartier salon "
        "département".split(),
        False,
    ),
}
_ARTICLE = re.compile(r"^(les|la|le|l[’'])(?:\s+|(?<=[’'])\s*)", re.IGNORECASE)
_VOWEL = re.compile(r"^[aeiouyàâäéèêëîïôöùûüœæ]", re.IGNORECASE)
_MUTE_H = frozenset({"hôtel", "hôpital", "habitat", "hémicycle"})  # « l’Hôtel », not « le »


def at_place(place: str) -> str:
    """The place with the preposition « à » agreeing with it: « à la Maison de la vie
    associative », « au Siège de la Fédération », « à l’Espace Mendès-France », « aux
    Halles de Dinan », « à Dinan »."""
    place = place.strip()
    if m := _ARTICLE.match(place):
        article, rest = m[1].lower().replace("'", "’"), place[m.end() :]
        return {"le": "au ", "les": "aux ", "la": "à la ", "l’": "à l’"}[article] + rest
    first = re.split(r"[\s,]", place, maxsplit=1)[0].lower()
    if first not in _VENUES and first.endswith(("s", "x")) and first[:-1] in _VENUES:
        return f"aux {place}"  # « aux Halles de Dinan »
    if first not in _VENUES:
        return f"à {place}"  # a town, a name: « à Dinan »
    if _VOWEL.match(first) or first in _MUTE_H:
        return f"à l’{place}"
    return f"à la {place}" if _VENUES[first] else f"au {place}"


# Nouns organisations are named with, and their gender (True: feminine).
_BODIES = {
    **dict.fromkeys(
        "association fédération union agence communauté ville région mairie coopérative "
        "fondation chambre maison confédération alliance plateforme banque caisse direction "
        "délégation mission préfecture métropole université école entreprise société "
        "compagnie fabrique".split(),
        True,
    ),
    **dict.fromkeys(
        "réseau collectif comité conseil mouvement institut centre département groupement "
        "syndicat office observatoire club pôle cabinet ministère commissariat secrétariat "
        "laboratoire consortium forum cercle".split(),
        False,
    ),
}


def with_article(name: str) -> str:
    """An organisation's name as French writes it after « par », « de »: « le Réseau des
    pionniers », « la Fédération… », « l’Association… »; a proper name stays as it is
    (« Le RAMEAU », « Tamkeen Li Tanmia »)."""
    name = name.strip()
    if _ARTICLE.match(name):
        return name
    first = re.split(r"[\s,]", name, maxsplit=1)[0].lower()
    if first not in _BODIES:
        return name
    return _article(first, _BODIES[first]) + name


def _article(word: str, feminine: bool) -> str:
    if _VOWEL.match(word) and not word.lower().startswith("h"):
        return "l’"
    return "la " if feminine else "le "
