#!/usr/bin/env python3
"""Régénère les fichiers de démonstration non textuels du dossier transcripts/.

Usage (depuis la racine du dépôt) :

    .venv/bin/python scripts/make_demo_formats.py              # écrit dans transcripts/
    .venv/bin/python scripts/make_demo_formats.py -d /tmp/demo # autre dossier d'événement

Les rapporteurs ne déposent pas que du Markdown : l'événement de démonstration
contient donc un exemple de chaque format qu'ils déposent réellement. Ce script
écrit ces fichiers à partir des textes sources qu'il contient, de sorte qu'on
puisse les reproduire (et les corriger) sans éditer de binaire à la main :

* ``ateliers/convergences/notes-atelier.docx`` : Word, écrit par pandoc depuis
  Markdown (titres, gras, italique, liste, tableau, note de bas de page), propriétés
  du document (auteur = rapporteur, titre) posées avec python-docx ;
* ``ateliers/fidarec/synthese.odt`` : OpenDocument, écrit par pandoc (titres,
  listes, gras, note de bas de page), auteur et titre dans ``meta.xml`` ;
* ``co-developpement/groupe-3/pad-export.html`` : export HTML d'un pad Etherpad ;
* ``table-ronde/echanges-salle.vtt`` : transcription WebVTT à la manière de
  Microsoft Teams (identifiants de répliques, balises de voix, horodatages avec et
  sans heures) ;
* ``cloture/captation.srt`` : sous-titres SRT diarisés à la manière de
  Whisper/WhisperX (``[SPEAKER_00]: ``), UTF-8 avec BOM et fins de ligne CRLF,
  dont une suite de répliques d'un ou deux mots (horodatage au mot) ;
* ``co-developpement/groupe-1/transcription-whisper.txt`` : transcription
  diarisée ``[début, fin] - SPEAKER_xx: texte``, une réplique par ligne ;
* ``dejeuner/notes-dejeuner.txt`` : réencodé en Windows-1252 avec fins de ligne
  CRLF (texte inchangé ; U+202F, absent de cp1252, devient U+00A0).

Il supprime les notes Markdown que ces fichiers remplacent
(``notes-atelier.md``, ``synthese.md`` et ``notes-groupe.md`` des mêmes dossiers).

Les textes sont écrits ci-dessous avec des espaces et des apostrophes ordinaires ;
``typo()`` applique la typographie française (U+00A0 dans les guillemets et avant
« : », U+202F avant « ; ! ? », apostrophe ’). Les personnes qui parlent dans ces
fichiers sont fictives ou anonymes : aucune parole n'y est prêtée aux personnes
réelles nommées dans le programme.

Sortie déterministe : dates des documents et des entrées zip fixées au
26 juin 2019, horodatages calculés sans hasard. Les octets des DOCX et ODT peuvent
toutefois changer avec la version de pandoc ou de zlib.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import io
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pypandoc
from docx import Document

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT / "transcripts"

FIXED_DATE = dt.datetime(2019, 6, 26, 18, 0, tzinfo=dt.UTC)
ZIP_DATE = (2019, 6, 26, 18, 0, 0)
LANG = "fr-FR"


def typo(text: str) -> str:
    """Typographie française d'un texte saisi avec des espaces ordinaires."""
    text = text.replace("'", "’")
    text = text.replace("« ", "«\u00a0").replace(" »", "\u00a0»")
    text = text.replace(" :", "\u00a0:")
    return re.sub(r" ([;!?])", "\u202f\\1", text)


@dataclass(frozen=True)
class Source:
    """Une note Markdown : son en-tête (rapporteur, statut…) et son corps."""

    meta: dict[str, str]
    body: str

    @property
    def title(self) -> str:
        return next(line[3:] for line in self.body.splitlines() if line.startswith("## "))


# ---------------------------------------------------------------- textes sources
# Notes de l'atelier Convergences (ex-notes-atelier.md), complétées d'un tableau,
# d'une note de bas de page et de deux expressions en italique.
CONVERGENCES = Source(
    {"session": "ateliers", "rapporteur": "Thomas Bellanger", "type": "notes", "statut": "relu"},
    typo(
        """\
## Atelier Convergences – Évaluer les alliances au prisme des ODD

L'atelier proposé avec Convergences a réuni une trentaine de participants autour d'une question : les objectifs de développement durable (ODD)[^odd] peuvent-ils servir de cadre commun pour évaluer l'ingénierie de catalyse territoriale ?

### Tour de table

Le tour de table a fait apparaître une grande diversité de profils : collectivités, associations de solidarité internationale, entreprises engagées, bureaux d'études, une fondation territoriale. Beaucoup utilisent déjà les ODD pour présenter leurs actions ; peu s'en servent pour évaluer.

Une chargée de mission d'une métropole : « On a fait l'exercice de “colorier” nos projets avec les pictogrammes des ODD. C'est joli dans le rapport d'activité, mais cela ne dit rien de ce qui a changé sur le territoire. »

### Partage d'expériences

Trois expériences ont été présentées par des participants.

La première, portée par une communauté d'agglomération, consiste à choisir collectivement, avec les partenaires d'une alliance, un petit nombre d'ODD prioritaires et à définir pour chacun deux ou trois indicateurs simples, suivis une fois par an. **Martine Quéré**, qui coordonne la démarche : « Le plus important, ce n'est pas l'indicateur, c'est la discussion qu'on a eue pour le choisir. Pour la première fois, l'entreprise, l'association et la collectivité se sont mises d'accord sur ce qu'était un succès. »

La deuxième expérience vient d'une association de solidarité internationale qui a transposé à l'échelle d'un quartier des méthodes utilisées dans ses projets à l'étranger. Plusieurs participants ont souligné l'intérêt de ces allers-retours entre l'international et le local.

La troisième, plus critique, a été présentée par un consultant, qui a mis en garde contre la tentation de vouloir tout couvrir : « Quand un projet coche quatorze ODD sur dix-sept, c'est qu'on n'a pas fait de choix. »

### Débat

Les échanges ont porté sur l'articulation entre le cadre international et la réalité locale.

Un élu : « Les ODD ont une vertu : ils obligent à penser ensemble les fragilités sociales et environnementales. Dans une commune, on a tendance à les traiter dans des commissions séparées. »

Une responsable RSE d'une entreprise de services : « Pour nous, c'est un langage qu'on partage déjà avec nos actionnaires. Si la collectivité parle le même langage, on gagne un temps fou. »

Une participante a rappelé les limites de l'exercice : « Les ODD disent où l'on veut aller, pas comment on travaille ensemble. Or c'est justement la qualité de la coopération qu'on veut évaluer quand on parle de catalyse. »

Un chercheur a proposé de distinguer deux usages : les ODD comme *horizon partagé*, utile pour mobiliser, et les ODD comme *grille d'évaluation*, qui suppose un travail de traduction en indicateurs locaux.

Pour illustrer ce second usage, les participants ont recensé au tableau trois indicateurs évoqués pendant l'atelier :

| Indicateur | Ce qu'il mesure | Limite |
| --- | --- | --- |
| Nombre d'ODD prioritaires retenus | La capacité des partenaires à faire des choix communs | Ne dit rien des effets sur le territoire |
| Indicateurs locaux suivis chaque année | L'évolution de la situation sur les objectifs choisis | L'effet propre de l'alliance est difficile à isoler |
| Part des partenaires associés au choix des indicateurs | L'appropriation de l'évaluation par l'alliance | Mesure la participation, pas la qualité de la coopération |

> « Il faudrait deux colonnes : ce que l'alliance produit pour les ODD, et ce que les ODD produisent pour l'alliance. » (un participant, en conclusion)

## Ce qu'il faut retenir

- Les ODD sont un langage commun apprécié, notamment pour dialoguer avec les entreprises.
- Leur usage en évaluation suppose de choisir un petit nombre d'objectifs prioritaires avec les partenaires.
- Le choix partagé des indicateurs est en lui-même un acte de co-construction.
- Les ODD ne suffisent pas à évaluer la qualité de la coopération : ils doivent être complétés.

[^odd]: Les dix-sept objectifs de l'Agenda 2030, adoptés en septembre 2015 par les États membres de l'Organisation des Nations unies.
"""  # noqa: E501
    ),
)

# Synthèse de l'atelier FIDAREC (ex-synthese.md), complétée d'une note de bas de page.
FIDAREC = Source(
    {"session": "ateliers", "rapporteur": "Romain Castel", "type": "synthese", "statut": "valide"},
    typo(
        """\
## Atelier FIDAREC – Coûts évités et dialogue avec les financeurs

### Objet de l'atelier

L'atelier organisé avec FIDAREC a porté sur une question souvent posée par les élus et les financeurs : que rapporte, ou que fait économiser, une alliance territoriale ? Les vingt-huit participants (collectivités, associations, entreprises, investisseurs sociétaux et deux représentants de services déconcentrés de l'État) ont partagé leurs pratiques autour de la notion de coûts évités[^couts].

### Synthèse des échanges

Les participants s'accordent sur l'intérêt de la notion. Raisonner en coûts évités permet de montrer qu'une action de prévention portée par plusieurs partenaires peut éviter des dépenses publiques ultérieures : hébergement d'urgence, prise en charge sanitaire, indemnisation du chômage, réparation de dégradations.

Une directrice d'une association de prévention spécialisée : « Quand je parle de coûts évités à mon conseil départemental, l'écoute change. Ce n'est plus une demande d'aide, c'est une proposition d'investissement. »

Les limites de l'exercice ont cependant été longuement discutées.

La première tient à la méthode : les coûts évités reposent sur des hypothèses (que se serait-il passé sans l'action ?) qui doivent être explicitées et partagées. **Karim Oudjani**, contrôleur de gestion dans une collectivité : « Un coût évité mal construit, c'est un chiffre qui se retourne contre vous à la première question d'un élu d'opposition. »

La deuxième tient au partage de la valeur : les économies se réalisent souvent dans un autre budget que celui qui a financé l'action. Un participant : « La commune finance, le département économise, l'assurance maladie aussi. Aucun d'eux, à lui seul, n'a intérêt à payer. »

La troisième tient au risque de réduction : tout ne se traduit pas en euros. Une élue : « Si l'on ne valorise que ce qui se compte, on finira par ne financer que ce qui se compte. »

> « Les coûts évités ouvrent la porte, mais ce ne sont pas eux qui font entrer dans la pièce. » (un investisseur sociétal)

### Pistes évoquées

Les participants ont évoqué plusieurs pistes pour sécuriser l'usage des coûts évités : construire les hypothèses avec l'ensemble des partenaires, afficher des fourchettes plutôt que des chiffres uniques, associer systématiquement des éléments qualitatifs sur l'utilité sociale, et partager la démarche avec les financeurs dès la conception du projet plutôt qu'à son terme.

Un représentant d'un service de l'État a souligné l'intérêt d'une approche par financements croisés : si les économies bénéficient à plusieurs budgets, la contribution au financement de l'alliance pourrait, elle aussi, être répartie.

## Ce qu'il faut retenir

- La notion de coûts évités est un levier efficace de dialogue avec les décideurs publics.
- Sa crédibilité dépend de la transparence et du partage des hypothèses.
- Les économies se répartissent entre plusieurs budgets, ce qui plaide pour des financements croisés.
- Les coûts évités doivent toujours être complétés par une lecture qualitative de l'utilité sociale.

[^couts]: Dépenses, le plus souvent publiques, qu'une action permet de ne pas engager ; leur estimation suppose de décrire ce qui se serait passé sans l'action.
"""  # noqa: E501
    ),
)

# Notes du groupe 3 de co-développement (ex-notes-groupe.md), telles quelles.
GROUPE_3 = Source(
    {
        "session": "co-developpement",
        "rapporteur": "Thomas Bellanger",
        "type": "notes",
        "statut": "brouillon",
    },
    typo(
        """\
## Groupe 3 – Faire reconnaître le métier de catalyseur territorial

Notes de séance, non relues. Treize participants.

### Situation

Le client, **Benoît Lagarde**, est chargé de mission « coopérations territoriales » dans un pôle d'équilibre territorial et rural (PETR). Son poste, créé il y a quatre ans sur un financement temporaire, doit être réexaminé lors du prochain budget. Il anime une dizaine d'alliances entre collectivités, associations et entreprises, mais son travail est difficile à décrire : « Quand un projet réussit, c'est le projet qu'on félicite. Mon rôle disparaît. »

Sa question : comment valoriser le travail de catalyse lui-même, et pas seulement ses résultats ?

### Questions (résumé)

- À qui rend-il compte ? Au président du PETR et à un comité de pilotage qui se réunit une fois par an.
- Ses partenaires savent-ils ce qu'il fait ? Chacun connaît la partie qui le concerne, personne n'a de vue d'ensemble.
- Tient-il un suivi de son activité ? Un agenda et des comptes rendus, mais pas de bilan consolidé.

### Apports du groupe

Une catalyseuse d'une métropole : « Je suis passée par là. Ce qui m'a sauvée, c'est un bilan qui ne parlait pas des projets, mais des mises en relation : combien de partenaires ont commencé à travailler ensemble, et ce qui en est sorti. »

Un élu d'une communauté de communes : « Pour un élu, la question est simple : qu'est-ce qu'on perd si le poste disparaît ? Si vous arrivez à y répondre, vous avez gagné. »

Une représentante d'un réseau national : « Le métier de catalyseur territorial n'a pas encore de reconnaissance statutaire. C'est un chantier collectif, pas seulement individuel. Le réseau des pionniers peut porter ce plaidoyer. »

Un dirigeant d'entreprise : « Faites témoigner les partenaires privés. Un chef d'entreprise qui dit devant les élus “sans cet interlocuteur, je ne me serais pas engagé”, ça pèse. »

Un chercheur : « Il existe des travaux sur les fonctions d'intermédiation. On pourrait s'en inspirer pour décrire le métier : traduire, relier, faciliter, outiller. »

Un participant : « Et pensez au cofinancement : si le poste sert à plusieurs, il peut être financé par plusieurs. »

[note : débat non tranché sur l'opportunité de monétiser le temps de catalyse, deux participants opposés ; voir la restitution]

> « Le catalyseur, c'est celui qu'on ne remarque que lorsqu'il n'est plus là. » (une participante)

### Réaction du client

Le client repart avec l'idée de produire un bilan centré sur les coopérations suscitées et de demander à trois partenaires (une association, une entreprise, une commune) de témoigner lors du prochain comité de pilotage. Il envisage aussi de proposer aux intercommunalités membres du PETR une convention de cofinancement de la fonction.

## Pistes d'action

- Rendre compte de l'activité de catalyse par les coopérations suscitées et leurs effets, et pas seulement par les projets aboutis.
- Faire témoigner des partenaires de chaque famille d'acteurs sur la valeur ajoutée du catalyseur.
- Poser la question en termes de coûts évités : ce que le territoire perdrait sans fonction de catalyse.
- Rechercher un cofinancement du poste par les partenaires qui en bénéficient.
- Porter collectivement, au sein du réseau des pionniers, la reconnaissance du métier de catalyseur territorial.
"""  # noqa: E501
    ),
)

# Échanges avec la salle après la table ronde : (voix, segments d'une même réplique).
# Ni les intervenants ni l'animateur de la table ronde ne parlent ici.
VTT_GUID = "3f1c9a2e-7b4d-4c58-9e21-6a0d8b3f5c71"
VTT_FIRST_UTTERANCE = 12
VTT_HOURLESS = 16  # les 16 premières répliques sans heures (mm:ss.ttt)
VTT_NOTE = """\
Transcription de la réunion « Rencontre 2019 – Table ronde, échanges avec la salle »,
générée par Microsoft Teams puis relue par l'équipe d'organisation.
Document d'exemple : les participants sont fictifs ; les propos des intervenants
de la table ronde ne sont pas transcrits."""
VTT_STYLE = """\
::cue {
  font-family: "Segoe UI", Arial, sans-serif;
  background-color: rgba(0, 0, 0, 0.8);
}
::cue(v[voice="Animateur"]) {
  color: #ffd966;
}"""
VTT_UTTERANCES: list[tuple[str, list[str]]] = [
    (
        "Animateur",
        [
            "Merci à toutes et à tous pour ces premiers échanges. Place maintenant aux "
            "questions et aux réactions de la salle.",
            "Je vous propose de prendre deux ou trois questions à la suite. N'hésitez pas "
            "à vous présenter avant de parler, c'est enregistré pour les actes.",
        ],
    ),
    (
        "Claire Morvan",
        [
            "Bonjour à tous. Claire Morvan, je suis chargée de mission développement local "
            "dans une communauté de communes.",
            "Ma question porte sur la reconnaissance. On a beaucoup entendu ce matin que "
            "les territoires savent inventer des solutions.",
            "Mais quand je présente nos alliances en conseil communautaire, on me demande "
            "toujours combien cela coûte, jamais ce que cela rapporte.",
            "Alors comment est-ce qu'on change la question ? Comment on passe de la "
            "dépense à l'investissement ?",
        ],
    ),
    ("Animateur", ["Merci. Une autre question ? Oui, au fond de la salle, le micro arrive."]),
    (
        "Yannick Le Bihan",
        [
            "Merci. Yannick Le Bihan, je préside une association d'éducation populaire.",
            "Je voudrais revenir sur l'engagement. On parle beaucoup de co-construction, "
            "et c'est très bien.",
            "Mais les bénévoles sont de moins en moins nombreux et de plus en plus "
            "sollicités. On les invite dans tous les comités de pilotage.",
            "À force, on les épuise. Ma question, c'est : qui prend soin de ceux qui s'engagent ?",
        ],
    ),
    (
        "Participant 3",
        [
            "Oui, bonjour, une question très pratique : est-ce que les supports présentés "
            "ce matin seront envoyés aux participants ?"
        ],
    ),
    (
        "Animateur",
        [
            "Oui, tous les supports seront mis en ligne après la Rencontre, avec la "
            "synthèse de la journée.",
            "Pour les deux premières questions, je propose que la salle réagisse d'abord. "
            "Qui veut répondre sur les coûts et l'investissement ?",
        ],
    ),
    (
        "Inès Benali",
        [
            "Inès Benali, je suis responsable du mécénat dans un groupe de services. Je "
            "peux dire ce qui s'est passé chez nous.",
            "Ce qui a fait bouger notre comité de direction, ce n'est pas un chiffre. "
            "C'est une visite de terrain, dans un quartier où nous soutenions une alliance.",
            "Notre directeur financier est revenu en disant « je ne savais pas que nous "
            "étions utiles à ce point ».",
            "Depuis, dans nos réunions budgétaires, on ne parle plus de dépense de "
            "mécénat, on parle d'investissement territorial.",
        ],
    ),
    (
        "Claire Morvan",
        ["D'accord, mais chez nous les élus n'ont pas toujours le temps d'aller sur le terrain."],
    ),
    (
        "Inès Benali",
        [
            "Alors il faut faire venir le terrain jusqu'à eux. Faites témoigner les "
            "partenaires en conseil communautaire.",
            "Un chef d'entreprise ou une présidente d'association qui parle devant les "
            "élus, cela pèse beaucoup plus qu'un rapport.",
        ],
    ),
    (
        "Gérard Tallec",
        [
            "Si je peux me permettre, Gérard Tallec. J'ai été directeur général des "
            "services pendant une vingtaine d'années.",
            "Je voudrais dire un mot de l'administration, parce qu'on en parle peu. Les "
            "services ne sont pas formés pour ce travail.",
            "On forme les agents à instruire des dossiers, à vérifier des pièces "
            "justificatives. On ne les forme pas à animer des alliances.",
            "Quand un agent passe deux jours à réunir des partenaires autour d'une table, "
            "il n'y a aucune case pour le dire dans son entretien annuel.",
            "Tant que ce travail ne sera pas reconnu dans les fiches de poste, il restera "
            "invisible.",
            "Et ce qui est invisible, dans une collectivité, on ne le finance pas.",
        ],
    ),
    (
        "Animateur",
        [
            "Merci, c'est un point essentiel : la reconnaissance du métier de catalyseur. "
            "Nous y reviendrons cet après-midi en co-développement.",
            "Madame, vous aviez demandé la parole tout à l'heure.",
        ],
    ),
    (
        "Sophie Darras",
        [
            "Oui, merci. Sophie Darras, je suis déléguée territoriale d'une fondation.",
            "On parle de l'intérêt général comme d'un concept en mutation. Sur le terrain, "
            "la mutation est déjà là : l'intérêt général est porté à plusieurs.",
            "La vraie question, c'est de savoir qui le garantit quand tout le monde en est "
            "un peu responsable.",
            "Pour une fondation, c'est une question très concrète : à qui fait-on "
            "confiance, et pour combien de temps ?",
        ],
    ),
    (
        "Yannick Le Bihan",
        [
            "Je rebondis sur la durée, parce que c'est exactement ce qui manque aux associations.",
            "Trois ans de financement, c'est à peu près le temps qu'il faut pour que les "
            "partenaires apprennent à se connaître. Et c'est là que tout s'arrête.",
        ],
    ),
    (
        "Claire Morvan",
        [
            "Je voudrais ajouter un mot sur l'évaluation. Dans notre alliance sur la "
            "mobilité, on a d'abord compté les trajets.",
            "Puis on a demandé aux habitants ce qui avait changé pour eux. Une dame nous a "
            "répondu « je peux de nouveau aller voir ma sœur le dimanche ».",
            "Aucun de nos indicateurs ne l'aurait dit. Et c'est cette phrase-là que les "
            "élus ont retenue.",
        ],
    ),
    (
        "Gérard Tallec",
        ["C'est tout à fait ça. Les élus oublient les tableaux, ils se souviennent des histoires."],
    ),
    (
        "Animateur",
        ["Il nous reste quelques minutes. Une dernière réaction ? Madame Benali."],
    ),
    (
        "Inès Benali",
        [
            "Une proposition, simplement : que le réseau recense ces témoignages, d'un "
            "territoire à l'autre.",
            "Pour les entreprises, ce serait précieux d'avoir des exemples venus "
            "d'ailleurs, qu'on puisse partager en interne.",
        ],
    ),
    (
        "Animateur",
        [
            "Merci, c'est noté. Je retiens trois fils pour la suite de la journée : faire "
            "reconnaître, mesurer, raconter.",
            "Nous les retrouverons dans les ateliers, qui commencent à onze heures après "
            "une courte pause.",
            "Merci à toutes et à tous pour ces échanges.",
        ],
    ),
]

# Captation de la clôture : réactions recueillies par l'équipe du réseau.
# Une réplique par sous-titre ; une liste de mots = un sous-titre par élément
# (horodatage au mot, comme WhisperX l'écrit parfois).
SRT_CUES: list[tuple[str, str | list[str]]] = [
    (
        "SPEAKER_00",
        "Nous sommes à la fin de la Rencontre, et le réseau recueille quelques réactions à chaud.",
    ),
    ("SPEAKER_00", "En une phrase, qu'est-ce que vous emportez de cette journée ?"),
    (
        "SPEAKER_01",
        "J'emporte surtout des méthodes. Ce matin, je pensais que valoriser, "
        "c'était produire des chiffres.",
    ),
    (
        "SPEAKER_01",
        "Ce soir, je repars avec l'idée qu'il faut d'abord se mettre d'accord, "
        "entre partenaires, sur ce qui compte vraiment.",
    ),
    ("SPEAKER_00", "Et concrètement, lundi matin, vous faites quoi ?"),
    (
        "SPEAKER_01",
        "Lundi, je réunis notre comité de pilotage. Je vais proposer une "
        "évaluation partenariale légère,",
    ),
    (
        "SPEAKER_01",
        "avec deux ou trois indicateurs choisis ensemble, et surtout des récits de parcours.",
    ),
    (
        "SPEAKER_01",
        "Ce que je n'avais pas mesuré, c'est que choisir les indicateurs ensemble, "
        "c'est déjà un travail de coopération.",
    ),
    ("SPEAKER_00", "Merci. Et vous, madame, vous êtes venue de loin ?"),
    (
        "SPEAKER_02",
        "Assez, oui. Je suis élue d'une petite commune de montagne, quatre cents habitants.",
    ),
    (
        "SPEAKER_02",
        "Ce que je retiens, c'est que nous ne sommes pas seuls. Des territoires "
        "très différents du nôtre se posent exactement les mêmes questions.",
    ),
    (
        "SPEAKER_02",
        ["Et", "ça,", "franchement,", "ça fait", "du", "bien.", "On", "se sent", "moins", "seuls."],
    ),
    ("SPEAKER_00", "Qu'est-ce que vous attendez du réseau pour l'année prochaine ?"),
    (
        "SPEAKER_02",
        "Qu'il vienne aussi dans les territoires, pas seulement à Paris. On a "
        "des choses à montrer, nous aussi.",
    ),
    ("SPEAKER_01", "Et qu'il garde la mémoire de tout ce qu'on s'est dit aujourd'hui,"),
    (
        "SPEAKER_01",
        "pour que ceux qui commencent, dans d'autres territoires, n'aient pas à tout réinventer.",
    ),
    ("SPEAKER_00", "Monsieur, vous voulez bien nous dire un mot aussi ?"),
    ("SPEAKER_03", "Volontiers. Je dirige une PME de quarante salariés dans l'industrie."),
    (
        "SPEAKER_03",
        "Je suis venu pour comprendre ce qu'était un catalyseur territorial, je "
        "l'avoue, je n'en avais jamais entendu parler.",
    ),
    ("SPEAKER_00", "Et qu'est-ce qui vous a convaincu ?"),
    (
        "SPEAKER_03",
        "Le co-développement, cet après-midi. On a travaillé sur le cas d'une collègue, "
        "et j'ai compris que mon entreprise avait quelque chose à apporter au territoire, "
        "au-delà des emplois.",
    ),
    (
        "SPEAKER_03",
        "Je repars avec les coordonnées de trois personnes de mon département "
        "que je ne connaissais pas.",
    ),
    ("SPEAKER_03", "C'est peut-être déjà une alliance qui commence !"),
    (
        "SPEAKER_00",
        "C'est une belle conclusion. Merci à tous les trois, et rendez-vous l'année prochaine.",
    ),
]

# Groupe 1 de co-développement : extrait diarisé (suggestions des consultants et
# réaction de la cliente). SPEAKER_00 anime, SPEAKER_01 est la cliente.
WHISPER_START = 612.4
WHISPER_LINES: list[tuple[str, str]] = [
    (
        "SPEAKER_00",
        "On passe aux suggestions. Chacun formule une idée, et la cliente écoute "
        "sans répondre pour l'instant.",
    ),
    (
        "SPEAKER_02",
        "Moi, je commencerais par les contributions des entreprises. Le temps "
        "passé par nos salariés, les locaux prêtés, tout ça a une valeur.",
    ),
    (
        "SPEAKER_02",
        "Si vous le chiffrez, vous montrez que le territoire finance déjà une "
        "bonne partie du projet.",
    ),
    (
        "SPEAKER_04",
        "Je suis élu, alors je vais parler des élus. Les maires des petites "
        "communes ne voient qu'un coût.",
    ),
    (
        "SPEAKER_04",
        "Allez leur montrer ce que l'alliance a apporté à des jeunes de chez eux. "
        "Un visage, ça vaut mieux qu'un tableau.",
    ),
    (
        "SPEAKER_03",
        "Je voudrais ajouter une précaution sur les coûts évités. C'est un "
        "argument fort, mais il faut afficher vos hypothèses.",
    ),
    (
        "SPEAKER_03",
        "Sinon, le premier élu d'opposition qui pose une question fait tomber "
        "tout le raisonnement.",
    ),
    ("SPEAKER_02", "Ça, c'est vrai aussi chez nous, en entreprise."),
    ("SPEAKER_00", "D'autres idées ? Il nous reste cinq minutes avant la réaction de la cliente."),
    (
        "SPEAKER_03",
        "Pensez aussi à l'évaluation partenariale. Si tous les membres de "
        "l'alliance y participent, l'évaluation devient elle-même un moment de coopération.",
    ),
    (
        "SPEAKER_04",
        "Et associez les jeunes. Ce sont eux les mieux placés pour dire ce qui a changé.",
    ),
    (
        "SPEAKER_02",
        "Proposition : construire un tour de table avec plusieurs financeurs, "
        "chacun pour la part qui le concerne, plutôt que de chercher qui remplacera la "
        "fondation.",
    ),
    ("SPEAKER_00", "Je note. À vous : qu'est-ce que vous retenez de tout ça ?"),
    (
        "SPEAKER_01",
        "Trois choses. D'abord, valoriser les contributions en nature : je ne "
        "l'avais jamais vu comme un argument.",
    ),
    (
        "SPEAKER_01",
        "Ensuite, une évaluation partenariale légère avant la fin de l'année, avec les jeunes.",
    ),
    (
        "SPEAKER_01",
        "Et puis aller voir les maires un par un, avec des témoignages. Ça me fait "
        "un peu peur, mais je crois que c'est la bonne porte d'entrée.",
    ),
    ("SPEAKER_00", "Merci. On met tout ça au propre pour la restitution de tout à l'heure."),
]


# ---------------------------------------------------------------- utilitaires
def pandoc(markdown: str, to: str, output: Path) -> None:
    """Markdown (sans en-tête) vers DOCX ou ODT, à date fixe, en français."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(FIXED_DATE.timestamp()))}
    subprocess.run(
        [
            pypandoc.get_pandoc_path(),
            "-f",
            "markdown-smart",
            "-t",
            to,
            "-M",
            f"lang={LANG}",
            "-o",
            str(output),
        ],
        input=markdown.encode("utf-8"),
        env=env,
        check=True,
    )


def normalized_zip(data: bytes, replace: dict[str, bytes] | None = None) -> bytes:
    """Réécrit un zip (DOCX, ODT) à date fixe, en gardant l'ordre des entrées.

    ``mimetype`` (ODT) reste non compressé, en tête. ``replace`` remplace le contenu
    de certaines entrées.
    """
    replace = replace or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w") as dst,
    ):
        for name in src.namelist():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.create_system = 0
            info.external_attr = 0
            stored = name == "mimetype"
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            content = replace.get(name, src.read(name))
            dst.writestr(info, content, compresslevel=None if stored else 9)
    return out.getvalue()


def clock(seconds: float, *, hours: bool = True, comma: bool = False) -> str:
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    sep = "," if comma else "."
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}" if hours else f"{m:02d}:{s:02d}{sep}{ms:03d}"


def spoken(text: str, index: int, per_word: float = 0.36) -> float:
    """Durée plausible d'une réplique, avec une petite variation déterministe."""
    words = len(text.split())
    return round(max(0.9, words * per_word) + (index * 37 % 11) / 20, 3)


# ---------------------------------------------------------------- écrivains
def write_docx(source: Source, output: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "note.docx"
        pandoc(source.body, "docx", raw)
        doc = Document(str(raw))
    cp = doc.core_properties
    cp.title = source.title
    cp.author = source.meta["rapporteur"]
    cp.last_modified_by = source.meta["rapporteur"]
    cp.content_status = source.meta["statut"]
    cp.language = LANG
    cp.revision = 1
    cp.created = FIXED_DATE
    cp.modified = FIXED_DATE
    buf = io.BytesIO()
    doc.save(buf)
    output.write_bytes(normalized_zip(buf.getvalue()))


def write_odt(source: Source, output: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "note.odt"
        pandoc(source.body, "odt", raw)
        data = raw.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as odt:
        meta = odt.read("meta.xml").decode("utf-8")
    author = html.escape(source.meta["rapporteur"])
    title = html.escape(source.title)
    status = html.escape(source.meta["statut"])
    # pandoc n'écrit l'auteur et le titre dans meta.xml qu'en les ajoutant aussi en
    # tête du corps du document : on remplit ici les éléments qu'il laisse vides.
    for old, new in [
        ("<dc:title></dc:title>", f"<dc:title>{title}</dc:title>"),
        (
            "<meta:initial-creator></meta:initial-creator>",
            f"<meta:initial-creator>{author}</meta:initial-creator>",
        ),
        ("<dc:creator></dc:creator>", f"<dc:creator>{author}</dc:creator>"),
        (
            "</office:meta>",
            f'  <meta:user-defined meta:name="statut">{status}</meta:user-defined>\n'
            "  </office:meta>",
        ),
    ]:
        if old not in meta:
            raise SystemExit(f"meta.xml de pandoc inattendu : {old} absent")
        meta = meta.replace(old, new, 1)
    output.write_bytes(normalized_zip(data, {"meta.xml": meta.encode("utf-8")}))


ETHERPAD_STYLE = """\
* {
  font-family: arial, sans-serif;
  font-size: 13px;
  line-height: 17px;
}
ul.indent {
  list-style-type: none;
}
ol {
  list-style-type: none;
  padding-left: 0;
}
body > ol {
  counter-reset: first second third fourth fifth sixth seventh eighth;
}
h2 {
  font-size: 1.5em;
}
h3 {
  font-size: 1.17em;
}"""


def etherpad_inline(text: str) -> str:
    text = html.escape(text, quote=False)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    return re.sub(r"\*(.+?)\*", r"<em>\1</em>", text)


def write_etherpad(source: Source, output: Path) -> None:
    """Export HTML d'Etherpad : une ligne du pad = une ligne suivie de <br>."""
    body: list[str] = []
    in_list = False
    for line in source.body.splitlines():
        if line.startswith("- "):
            if not in_list:
                body.append('<ul class="bullet">')
                in_list = True
            body.append(f"<li>{etherpad_inline(line[2:])}</li>")
            continue
        if in_list:
            body.append("</ul>")
            in_list = False
        if line.startswith("### "):
            body.append(f"<h3>{etherpad_inline(line[4:])}</h3>")
        elif line.startswith("## "):
            body.append(f"<h2>{etherpad_inline(line[3:])}</h2>")
        elif line.startswith("> "):
            body.append(f"<em>{etherpad_inline(line[2:])}</em><br>")
        elif line:
            body.append(f"{etherpad_inline(line)}<br>")
        elif body and not body[-1].startswith(("<h2>", "<h3>", "</ul>")):
            body.append("<br>")
    if in_list:
        body.append("</ul>")
    author = html.escape(source.meta["rapporteur"])
    page = [
        "<!DOCTYPE html>",
        '<html lang="fr">',
        "<head>",
        f"<title>{html.escape(source.title, quote=False)}</title>",
        '<meta name="generator" content="Etherpad">',
        f'<meta name="author" content="{author}">',
        f'<meta name="changedby" content="{author}">',
        '<meta charset="utf-8">',
        "<style>",
        ETHERPAD_STYLE,
        "</style>",
        "</head>",
        "<body>",
        *body,
        "</body>",
        "</html>",
    ]
    output.write_text("\n".join(page) + "\n", encoding="utf-8", newline="\n")


def write_vtt(output: Path) -> None:
    lines = ["WEBVTT", "", "NOTE", typo(VTT_NOTE), "", "STYLE", VTT_STYLE, ""]
    t = 3.12
    cue = 0
    for number, (voice, segments) in enumerate(VTT_UTTERANCES, VTT_FIRST_UTTERANCE):
        for part, text in enumerate(segments):
            duration = spoken(text, cue)
            hours = cue >= VTT_HOURLESS
            lines += [
                f"{VTT_GUID}/{number}-{part}",
                f"{clock(t, hours=hours)} --> {clock(t + duration, hours=hours)}",
                f"<v {voice}>{html.escape(typo(text), quote=False)}</v>",
                "",
            ]
            t += duration + (0.04 if part < len(segments) - 1 else 0.6 + (cue * 7 % 9) / 10)
            cue += 1
    output.write_text("\n".join(lines), encoding="utf-8", newline="\n")


def write_srt(output: Path) -> None:
    blocks: list[str] = []
    t = 0.84
    index = 0
    for speaker, content in SRT_CUES:
        words = isinstance(content, list)
        for text in content if isinstance(content, list) else [content]:
            index += 1
            if words:
                duration = round(0.18 + 0.14 * len(text.split()) + (index * 13 % 7) / 50, 3)
            else:
                duration = spoken(text, index, per_word=0.38)
            blocks.append(
                f"{index}\n{clock(t, comma=True)} --> {clock(t + duration, comma=True)}\n"
                f"[{speaker}]: {typo(text)}\n"
            )
            t += duration + (0.06 if words else 0.3 + (index * 5 % 7) / 10)
    text = "\n".join(blocks)
    output.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))


def write_whisper(output: Path) -> None:
    lines: list[str] = []
    t = WHISPER_START
    for index, (speaker, text) in enumerate(WHISPER_LINES):
        end = t + spoken(text, index, per_word=0.4)
        lines.append(f"[{t:.1f}, {end:.1f}] - {speaker}: {typo(text)}")
        t = end + 0.4 + (index * 3 % 5) / 5
    output.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")


def reencode_cp1252(path: Path) -> None:
    """Réécrit un texte en Windows-1252 et CRLF ; idempotent (relit aussi du cp1252)."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    text = text.replace("\r\n", "\n").replace("\u202f", "\u00a0")
    path.write_bytes(text.replace("\n", "\r\n").encode("cp1252"))


# ---------------------------------------------------------------- programme
REPLACED = [
    "ateliers/convergences/notes-atelier.md",
    "ateliers/fidarec/synthese.md",
    "co-developpement/groupe-3/notes-groupe.md",
]


def build(event: Path) -> list[Path]:
    written = {
        "docx": event / "ateliers/convergences/notes-atelier.docx",
        "odt": event / "ateliers/fidarec/synthese.odt",
        "html": event / "co-developpement/groupe-3/pad-export.html",
        "vtt": event / "table-ronde/echanges-salle.vtt",
        "srt": event / "cloture/captation.srt",
        "whisper": event / "co-developpement/groupe-1/transcription-whisper.txt",
        "cp1252": event / "dejeuner/notes-dejeuner.txt",
    }
    for path in written.values():
        path.parent.mkdir(parents=True, exist_ok=True)
    write_docx(CONVERGENCES, written["docx"])
    write_odt(FIDAREC, written["odt"])
    write_etherpad(GROUPE_3, written["html"])
    write_vtt(written["vtt"])
    write_srt(written["srt"])
    write_whisper(written["whisper"])
    if written["cp1252"].exists():
        reencode_cp1252(written["cp1252"])
    for rel in REPLACED:
        (event / rel).unlink(missing_ok=True)
    return list(written.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "-d",
        "--dossier",
        type=Path,
        default=DEFAULT_DIR,
        help=f"dossier de l'événement (défaut : {DEFAULT_DIR.relative_to(ROOT)})",
    )
    args = parser.parse_args(argv)
    for path in build(args.dossier):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
