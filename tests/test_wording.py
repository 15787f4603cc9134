"""Words that depend on the event agree with it: « la Rencontre » only for a Rencontre, and
the preposition before a place agrees with the place's first noun."""

from __future__ import annotations

import pytest

from proceedings.render.wording import at_place, event_noun, with_article


@pytest.mark.parametrize(
    ("title", "the", "of", "pronoun"),
    [
        (
            "Rencontre des pionniers des alliances en territoire",
            "la Rencontre",
            "de la Rencontre",
            "Elle",
        ),
        ("Journée d’étude inter-associations", "la journée", "de la journée", "Elle"),
        ("Séminaire des animateurs régionaux", "le séminaire", "du séminaire", "Il"),
        ("Assemblée générale 2013", "l’assemblée", "de l’assemblée", "Elle"),
        ("Week-end nourricier", "la journée", "de la journée", "Elle"),
    ],
)
def test_the_event_is_named_as_its_programme_names_it(
    title: str, the: str, of: str, pronoun: str
) -> None:
    noun = event_noun(title)
    assert (noun.the, noun.of, noun.pronoun) == (the, of, pronoun)
    assert noun.The == the[:1].upper() + the[1:]


@pytest.mark.parametrize(
    ("place", "said"),
    [
        ("Maison de la vie associative", "à la Maison de la vie associative"),
        (
            "Siège de la Fédération Nationale des Caisses d'Épargne",
            "au Siège de la Fédération Nationale des Caisses d'Épargne",
        ),
        ("Espace Mendès-France", "à l’Espace Mendès-France"),
        ("Hôtel de ville de Dinan", "à l’Hôtel de ville de Dinan"),
        ("Halles de Dinan", "aux Halles de Dinan"),
        ("Les Halles", "aux Halles"),
        ("Le Carré magique", "au Carré magique"),
        ("L'Hermine", "à l’Hermine"),
        ("Dinan", "à Dinan"),
    ],
)
def test_the_place_takes_the_preposition_that_agrees_with_it(place: str, said: str) -> None:
    assert at_place(place) == said


@pytest.mark.parametrize(
    ("name", "written"),
    [
        (
            "Réseau des pionniers des alliances en territoire",
            "le Réseau des pionniers des alliances en territoire",
        ),
        (
            "Fédération Nationale des Caisses d’Épargne",
            "la Fédération Nationale des Caisses d’Épargne",
        ),
        ("Association des jardins partagés", "l’Association des jardins partagés"),
        ("Le RAMEAU", "Le RAMEAU"),
        ("Tamkeen Li Tanmia", "Tamkeen Li Tanmia"),
    ],
)
def test_an_organisation_takes_its_article(name: str, written: str) -> None:
    assert with_article(name) == written
