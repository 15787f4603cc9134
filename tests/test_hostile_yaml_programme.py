"""Hostile and broken YAML and programme text: bounded reading, bounded programmes, and
programme text that is published as text, never as markup.

Every YAML file the build reads (programme, note headers, ``mots-cles.yaml``,
``thesaurus.yaml``) is refused with a French message naming the file and the line when it
is too large, too deep or blown up by aliases, or when it is a named pipe; a programme over
a documented bound is refused with the key path. The organiser's text reaches DOCX, PDF
and HTML as text: only ``**gras**``, ``*italique*``, ``5^e^`` and ``[^id]`` are markup.
"""

from __future__ import annotations

import base64
import errno
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from pypdf import PdfReader

from proceedings.analyse.vocabulary import load_vocabulary
from proceedings.build import build
from proceedings.cli import main
from proceedings.errors import Diagnostics, ProgrammeError
from proceedings.read import programme as programme_module
from proceedings.read.programme import load_programme
from proceedings.render.master import metadata, plain, rich
from proceedings.support import yamlfr

from .conftest import ROOT, TEMPLATES, TINY_PROGRAMME, write_tiny_event

BOMB_MESSAGE = (
    "alias YAML trop développé (plus de 100\u202f000 éléments une fois les alias remplacés)"
)
DEEP_MESSAGE = "YAML trop imbriqué (plus de 32 niveaux de listes et de clés)"
RECURSIVE_MESSAGE = "alias YAML qui se contient lui-même (récursif)"


def laughs(indent: str = "") -> str:
    """The "billion laughs": nine anchors, each a list of nine aliases of the one before
    (9^9 elements once aliases are replaced), then ``bombe: *i``."""
    lines = [f"{indent}a: &a [" + ", ".join(['"ha"'] * 9) + "]"]
    for before, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{indent}{name}: &{name} [" + ", ".join([f"*{before}"] * 9) + "]")
    lines.append(f"{indent}bombe: *i")
    return "\n".join(lines) + "\n"


def line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if fragment in line)


def programme_problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "programme.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProgrammeError) as info:
        load_programme(path, "programme.yaml")
    return [str(p) for p in info.value.problems]


# -- YAML bounds: the programme -----------------------------------------------------------


def test_alias_bomb_in_the_programme_stops_the_build_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    event = write_tiny_event(tmp_path / "evenement")
    text = TINY_PROGRAMME + laughs()
    (event / "programme.yaml").write_text(text, encoding="utf-8")
    code = main(["check", str(event), "--sortie", str(tmp_path / "sortie")])
    _, err = capsys.readouterr()
    shown = f"{event.as_posix()}/programme.yaml"
    assert code == 1
    assert err.splitlines() == [
        f"{shown}:{line_of(text, 'f: &f')}: {BOMB_MESSAGE}, fichier refusé",
        f"{shown} : programme invalide, rien n’a été produit.",
    ]


@pytest.mark.parametrize(
    ("extra", "fragment", "message"),
    [
        ("bombe: " + "[" * 2000 + "\n", "bombe", DEEP_MESSAGE),
        ("bombe: &r [*r]\n", "bombe", RECURSIVE_MESSAGE),
        ("bombe: &r {x: *r}\n", "bombe", RECURSIVE_MESSAGE),
    ],
    ids=["profondeur", "alias-recursif-liste", "alias-recursif-cles"],
)
def test_deep_or_recursive_yaml_programme_is_refused(
    tmp_path: Path, extra: str, fragment: str, message: str
) -> None:
    text = TINY_PROGRAMME + extra
    assert programme_problems(tmp_path, text) == [
        f"programme.yaml:{line_of(text, fragment)}: {message}, fichier refusé"
    ]


def test_programme_of_too_many_elements_is_refused_where_they_pass_the_bound(
    tmp_path: Path,
) -> None:
    def count(node: yaml.Node) -> int:
        if isinstance(node, yaml.MappingNode):
            return 1 + sum(count(k) + count(v) for k, v in node.value)
        if isinstance(node, yaml.SequenceNode):
            return 1 + sum(count(v) for v in node.value)
        return 1

    text = TINY_PROGRAMME + "bombe:\n" + "".join(f"  - {i}\n" for i in range(100_000))
    before = count(yaml.compose(TINY_PROGRAMME)) + 2  # and the key "bombe", its list
    first_past = 100_000 - before  # the item that is the 100 001st element
    line = len(TINY_PROGRAMME.splitlines()) + 1 + first_past + 1
    assert programme_problems(tmp_path, text) == [
        f"programme.yaml:{line}: trop d’éléments YAML (plus de 100\u202f000), fichier refusé"
    ]


def test_control_character_is_told_with_its_line(tmp_path: Path) -> None:
    text = TINY_PROGRAMME.replace("Salle des fêtes", "Salle\x08des fêtes")
    assert programme_problems(tmp_path, text) == [
        f"programme.yaml:{line_of(text, 'lieu:')}: erreur de syntaxe YAML : caractère de "
        "contrôle interdit (U+0008)"
    ]


def test_programme_over_two_mebibytes_is_refused_before_reading(tmp_path: Path) -> None:
    text = TINY_PROGRAMME + "# " + "x" * (2 * 1024 * 1024) + "\n"
    assert programme_problems(tmp_path, text) == [
        "programme.yaml: fichier de programme trop volumineux (2,0 Mo ; limite : 2,0 Mo)"
    ]


# -- YAML bounds: note headers ------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "fragment", "message"),
    [
        ("rapporteur: Jeanne\n" + laughs() + "intervenants: *i\n", "f: &f", BOMB_MESSAGE),
        ("rapporteur: Jeanne\nintervenants: " + "[" * 2000 + "\n", "intervenants", DEEP_MESSAGE),
        ("rapporteur: Jeanne\nintervenants: &r [*r]\n", "intervenants", RECURSIVE_MESSAGE),
        (
            "rapporteur: Jeanne\n# " + "x" * 70_000 + "\n",
            None,
            "texte YAML trop long (70\u202f021 caractères ; au plus 65\u202f536)",
        ),
    ],
    ids=["alias", "profondeur", "alias-recursif", "taille"],
)
def test_refused_note_header_leaves_the_note_out_and_the_build_goes_on(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    header: str,
    fragment: str | None,
    message: str,
) -> None:
    event = write_tiny_event(tmp_path / "evenement")
    note = f"---\n{header}---\nUne élue : « Une note qui ne sera pas lue du tout. »\n"
    (event / "ouverture" / "piege.md").write_text(note, encoding="utf-8")
    code = main(["check", str(event), "--sortie", str(tmp_path / "sortie")])
    out, err = capsys.readouterr()
    line = line_of(note, fragment) if fragment else 2
    assert code == 1
    assert err.splitlines()[0] == (
        f"{event.as_posix()}/ouverture/piege.md:{line}: en-tête YAML invalide : {message}, "
        "fichier ignoré"
    )
    assert "2 notes lues" in out  # the other notes are read and reported
    assert "ouverture/notes.md — Markdown, 25 mots" in out
    assert "ouverture/piege.md — md — ERREUR" in out


def test_header_values_are_read_as_written(tmp_path: Path) -> None:
    """An impossible date or a very long number is a value to warn about, not a crash."""
    from proceedings.read.readers.frontmatter import read_header

    diag = Diagnostics()
    meta, body, offset = read_header(
        "---\nrapporteur: 0755\ndate: 2019-02-30\nstatut: " + "9" * 5000 + "\n---\nTexte\n",
        "n.md",
        diag,
    )
    assert meta.rapporteur == "0755"  # not the octal number 493
    assert meta.date is None and meta.statut is None
    assert (body, offset) == ("Texte\n", 5)
    assert [str(d) for d in diag] == [
        "n.md:3: avertissement : date « 2019-02-30 » invalide, ignorée (attendu AAAA-MM-JJ)",
        "n.md:4: avertissement : statut « " + "9" * 59 + "… » inconnu, ignoré (attendu : "
        "brouillon, relu, valide)",
    ]


# -- YAML bounds: mots-cles.yaml and thesaurus.yaml ---------------------------------------

VOCABULARY_CASES = [
    ("mots-cles.yaml", laughs() + "garder: *i\n", "f: &f", BOMB_MESSAGE),
    (
        "thesaurus.yaml",
        laughs() + "themes:\n  - id: piege\n    libelle: Piège\n    variantes: *i\n",
        "f: &f",
        BOMB_MESSAGE,
    ),
    ("mots-cles.yaml", "garder: " + "[" * 2000 + "\n", "garder", DEEP_MESSAGE),
    ("thesaurus.yaml", "themes: &r [*r]\n", "themes", RECURSIVE_MESSAGE),
]


@pytest.mark.parametrize(
    ("name", "text", "fragment", "message"),
    VOCABULARY_CASES,
    ids=["mots-cles-alias", "thesaurus-alias", "mots-cles-profondeur", "thesaurus-recursif"],
)
def test_refused_vocabulary_file_is_reported_and_ignored(
    tmp_path: Path, name: str, text: str, fragment: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    diag = Diagnostics()
    vocabulary = load_vocabulary(TEMPLATES, tmp_path, diag)
    assert [str(d) for d in diag] == [
        f"{path}:{line_of(text, fragment)}: {message}, fichier ignoré"
    ]
    default = load_vocabulary(TEMPLATES, tmp_path / "absent", Diagnostics())
    assert (vocabulary.themes, vocabulary.overrides) == (default.themes, default.overrides)


def test_vocabulary_file_over_two_mebibytes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "thesaurus.yaml"
    path.write_text("# " + "x" * (2 * 1024 * 1024) + "\nretirer: [odd]\n", encoding="utf-8")
    diag = Diagnostics()
    vocabulary = load_vocabulary(TEMPLATES, tmp_path, diag)
    assert [str(d) for d in diag] == [
        f"{path}: fichier trop volumineux (2,0 Mo ; limite : 2,0 Mo), fichier ignoré"
    ]
    assert vocabulary.theme("odd") is not None  # nothing of the file was applied


def test_vocabulary_lists_over_the_bound_are_cut_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "mots-cles.yaml"
    path.write_text(
        "exclure:\n" + "".join(f"  - mot {i}\n" for i in range(2_001)), encoding="utf-8"
    )
    diag = Diagnostics()
    vocabulary = load_vocabulary(TEMPLATES, tmp_path, diag)
    # at the list's line, as in the programme: its first item
    assert [str(d) for d in diag] == [
        f"{path}:2: exclure : liste trop longue (2\u202f001 éléments ; au plus 2\u202f000), "
        "les suivants sont ignorés"
    ]
    assert len(vocabulary.overrides.exclure) == 2_000


# -- named pipes: refused, never waited on ------------------------------------------------


def _writer_for(fifo: Path) -> int | None:
    """A writing end of the FIFO, if (and only if) someone has it open for reading."""
    try:
        return os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # no reader: nobody is waiting on the pipe
            return None
        raise


@pytest.mark.parametrize("name", ["programme.yaml", "mots-cles.yaml", "thesaurus.yaml"])
def test_named_pipe_in_place_of_a_yaml_file_is_refused_never_waited_on(
    tmp_path: Path, name: str
) -> None:
    """The command runs apart; while it runs, the test checks whether it opened the pipe
    for reading (a non-blocking open for writing succeeds only then). If it did, the test
    closes its end, which gives the reader an end of file: a wrong reader can never hang
    the test, and the message it then gives is not the one expected."""
    event = write_tiny_event(tmp_path / "evenement")
    fifo = event / name
    fifo.unlink(missing_ok=True)
    os.mkfifo(fifo)
    command = [sys.executable, "-m", "proceedings", "check", str(event)]
    command += ["--sortie", str(tmp_path / "sortie")]
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    opened = 0
    while True:
        writer = _writer_for(fifo)
        if writer is not None:
            opened += 1  # a reader had the pipe open: let it go on (end of file)
            os.close(writer)
        try:
            out, err = proc.communicate(timeout=0.05)
            break
        except subprocess.TimeoutExpired:
            continue
    shown = f"{event.as_posix()}/{name}"
    if name == "programme.yaml":
        expected = (
            f"{shown}: un tube nommé (FIFO), pas un fichier de programme ordinaire",
            f"{shown} : programme invalide, rien n’a été produit.",
        )
        assert tuple(err.splitlines()) == expected, (opened, err)
    else:
        expected_line = f"{shown}: un tube nommé (FIFO), pas un fichier ordinaire, fichier ignoré"
        assert expected_line in err.splitlines(), (opened, err)
        assert "Bilan écrit dans" in out
    assert proc.returncode == 1


# -- programme bounds ---------------------------------------------------------------------


def _programme(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(TINY_PROGRAMME)
    data.update(changes)
    return data


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9)


def _session(i: int, **more: Any) -> dict[str, Any]:
    return {"id": f"s{i}", "type": "ouverture", "debut": "09:00", "titre": f"Temps {i}", **more}


def _people(n: int) -> list[dict[str, str]]:
    return [{"nom": f"Personne {i}"} for i in range(n)]


LIMIT_CASES = [
    (
        _programme(sessions=[_session(i) for i in range(1_000)]),
        "- id: s0",
        "sessions : liste trop longue (1\u202f000 éléments ; au plus 200)",
    ),
    (
        _programme(
            sessions=[
                _session(
                    1, type="ateliers", ateliers=[{"id": f"a{i}", "titre": "A"} for i in range(101)]
                )
            ]
        ),
        "- id: a0",
        "sessions[1].ateliers : liste trop longue (101 éléments ; au plus 100)",
    ),
    (
        _programme(sessions=[_session(1, intervenants=_people(201))]),
        "- nom: Personne 0",
        "sessions[1].intervenants : liste trop longue (201 éléments ; au plus 200)",
    ),
    (
        _programme(
            sessions=[_session(1, eclairages=[{"titre": "É", "intervenants": _people(1_000)}])]
        ),
        "- nom: Personne 0",
        "sessions[1].eclairages[1].intervenants : liste trop longue (1\u202f000 éléments ; "
        "au plus 200)",
    ),
    (
        _programme(
            introduction="".join(f"[^r{i}]" for i in range(501)),
            references=[{"id": f"r{i}", "texte": "R."} for i in range(501)],
        ),
        "- id: r0",
        "references : liste trop longue (501 éléments ; au plus 500)",
    ),
    (
        _programme(partenaires=[f"P{i}" for i in range(1_000)]),
        "- P0",
        "partenaires : liste trop longue (1\u202f000 éléments ; au plus 200)",
    ),
    (
        _programme(sessions=[_session(1, description="é" * 20_001)]),
        "description:",
        "sessions[1].description : texte trop long (20\u202f001 caractères ; au plus 20\u202f000)",
    ),
    (
        _programme(sessions=[_session(1, intervenants=[{"nom": "N", "role": "r" * 1_000_000}])]),
        "role:",
        "sessions[1].intervenants[1].role : texte trop long (1\u202f000\u202f000 caractères ; "
        "au plus 20\u202f000)",
    ),
    (
        _programme(theme="« " + "Ensemble " * 20 + "»"),
        "theme:",
        "theme : texte trop long (183 caractères ; au plus 120)",
    ),
    (
        _programme(participants="1" * 5000),
        "participants:",
        "participants : nombre trop grand « " + "1" * 59 + "… » (au plus 9 chiffres)",
    ),
]


@pytest.mark.parametrize(
    ("data", "fragment", "message"),
    LIMIT_CASES,
    ids=[
        "sessions",
        "ateliers",
        "intervenants",
        "intervenants-eclairage",
        "references",
        "partenaires",
        "texte",
        "texte-enorme",
        "theme",
        "nombre",
    ],
)
def test_programme_over_a_bound_is_refused_with_the_key_path(
    tmp_path: Path, data: dict[str, Any], fragment: str, message: str
) -> None:
    text = _dump(data)
    line = line_of(text, fragment)
    assert f"programme.yaml:{line}: {message}" in programme_problems(tmp_path, text)


def test_a_list_or_a_mapping_as_a_key_is_an_error(tmp_path: Path) -> None:
    text = TINY_PROGRAMME + "? [a, b]\n: valeur\n"
    assert programme_problems(tmp_path, text) == [
        f"programme.yaml:{line_of(text, '? [a, b]')}: clé non valide : une liste ou un "
        "ensemble de clés ne peut pas servir de clé"
    ]


def test_programme_bounds_are_the_documented_ones() -> None:
    """The README's table of keys gives these numbers: change both together."""
    assert (
        programme_module.MAX_PROGRAMME_BYTES,
        programme_module.MAX_SESSIONS,
        programme_module.MAX_WORKSHOPS,
        programme_module.MAX_PEOPLE,
        programme_module.MAX_REFERENCES,
        programme_module.MAX_ITEMS,
        programme_module.MAX_TEXT,
        programme_module.MAX_HEADING,
        yamlfr.MAX_NODES,
        yamlfr.MAX_DEPTH,
    ) == (2 * 1024 * 1024, 200, 100, 200, 500, 200, 20_000, 120, 100_000, 32)


def test_citation_in_a_session_title_must_name_a_reference(tmp_path: Path) -> None:
    text = TINY_PROGRAMME.replace("titre: Ateliers du matin", "titre: Ateliers[^absente]")
    assert programme_problems(tmp_path, text) == [
        f"programme.yaml:{line_of(text, '- id: ouverture')}: sessions[2].titre : renvoi "
        "« [^absente] » vers une référence absente de « references »"
    ]


# -- programme text is text ---------------------------------------------------------------

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[lien](javascript:alert(1))",
    "![](/etc/resolv.conf)",
    "`#sys.exit()`{=typst}",
    "\\textbf{brut}",
    "```{=html} <b>brut</b> ```",
    "@handle",
    "$x$",
    "[mot]{.classe}",
    "<http://exemple.org>",
    "&eacute",
    "5 * 3 ^ 2",
]
PAYLOAD = " ".join(PAYLOADS)
# the event's titre, theme, reseau and organisateur are short (120 characters at most)
SHORT = "<script>alert(1)</script> @handle $x$ [lien](javascript:alert(1))"


def test_rich_interprets_only_what_the_readme_allows() -> None:
    notes = {"rapport"}
    assert rich("**gras**, *italique*, la 5^e^ édition[^rapport]", notes) == (
        "**gras**, *italique*, la 5^e^ édition[^rapport]"
    )
    assert rich("une référence inconnue[^autre], *non fermé et 2 ** 3", notes) == (
        "une référence inconnue\\[\\^autre\\], \\*non fermé et 2 \\*\\* 3"
    )
    assert rich("@handle $x$ <b>", notes) == "\\@handle \\$x\\$ \\<b\\>"
    # a reference's text cannot cite a reference: no note inside a note
    assert rich("voir[^rapport]") == "voir\\[\\^rapport\\]"
    assert plain("**Gras** et 5^e^[^rapport] <b>") == "Gras et 5e <b>"  # DOCX properties
    assert metadata("**Gras** et 5^e^[^rapport] <b>") == "Gras et 5e \\<b\\>"  # pandoc's


def _hostile_programme() -> str:
    person = {
        "nom": "Alice MARTIN",
        "role": PAYLOAD,
        "organisation": PAYLOAD,
        "question": PAYLOAD,
        "represente": PAYLOAD,
    }
    data = _programme(
        titre=f"Rencontre {SHORT}",
        theme=SHORT,
        reseau=SHORT,
        lieu=PAYLOAD,
        adresse=PAYLOAD,
        organisateur=SHORT,
        introduction=(
            f"**gras** et *italique*, la 5^e^ édition, une référence[^rapport].\n\n{PAYLOAD}\n"
        ),
        partenaires=[PAYLOAD],
        references=[{"id": "rapport", "texte": PAYLOAD}],
        sessions=[
            {
                "id": "ouverture",
                "type": "ouverture",
                "debut": "09:00",
                "fin": "09:30",
                "titre": f"Ouverture {PAYLOAD}",
                "description": PAYLOAD,
                "intervenants": [person, {"nom": PAYLOAD}],
                "animateur": {"nom": "Bruno Animateur", "role": PAYLOAD},
                "eclairages": [
                    {"titre": PAYLOAD, "organisation": PAYLOAD, "intervenants": [PAYLOAD]},
                    {"titre": PAYLOAD, "organisation": PAYLOAD},
                ],
                "introduction": {"titre": PAYLOAD, "organisation": PAYLOAD},
                "partenaires": [PAYLOAD],
                "participants": PAYLOAD,
                "animation": PAYLOAD,
            },
            {
                "id": "ateliers",
                "type": "ateliers",
                "debut": "09:30",
                "fin": "12:00",
                "titre": f"Ateliers {PAYLOAD}",
                "ateliers": [
                    {
                        "id": "mobilite",
                        "titre": f"Atelier {PAYLOAD}",
                        "partenaires": [PAYLOAD],
                        "description": PAYLOAD,
                    }
                ],
                "outils": [{"nom": PAYLOAD, "porteur": PAYLOAD, "description": PAYLOAD}],
                "restitution": PAYLOAD,
            },
        ],
    )
    return _dump(data)


class _Reader(HTMLParser):
    """The visible text of a page, its tags with their attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("style", "script", "head"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "head"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.text.append(data)


def _flat(text: str) -> str:
    """Spaces of any kind as one space, French apostrophes as typed."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).replace("’", "'")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Diagnostics]:
    root = tmp_path_factory.mktemp("hostile")
    event = write_tiny_event(root / "evenement")
    (event / "programme.yaml").write_text(_hostile_programme(), encoding="utf-8")
    diag = Diagnostics()
    build(event, root / "sortie", ("docx", "pdf", "html", "fiches"), diag)
    return root / "sortie", diag


def test_hostile_programme_builds_every_document(hostile: tuple[Path, Diagnostics]) -> None:
    out, diag = hostile
    assert diag.errors == []
    for name in ("synthese.docx", "synthese.pdf", "synthese.html"):
        assert (out / name).stat().st_size > 0, name
    assert list((out / "fiches").glob("*.pdf"))


def test_programme_text_is_never_active_in_html(hostile: tuple[Path, Diagnostics]) -> None:
    out, _ = hostile
    html = (out / "synthese.html").read_text(encoding="utf-8")
    reader = _Reader()
    reader.feed(html)
    assert not re.search(r"<script\b", html, re.IGNORECASE)
    for tag, attrs in reader.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("href", "src"):
            assert not (attrs.get(name) or "").lower().startswith("javascript:"), (tag, attrs)
    images = [attrs for tag, attrs in reader.tags if tag == "img"]
    for attrs in images:  # only the build's own figures, embedded
        src = attrs.get("src") or ""
        assert src.startswith(("data:image/png", "data:image/svg+xml")), src[:80]
    resolv = Path("/etc/resolv.conf")
    if resolv.is_file():
        secret = resolv.read_text(encoding="utf-8", errors="replace").strip()
        encoded = base64.b64encode(resolv.read_bytes()).decode()
        assert (secret and secret in html) is False
        assert encoded[:40] not in html
    visible = _flat("".join(reader.text))
    for payload in PAYLOADS:
        assert payload in visible, payload
    assert "<b>brut</b>" not in html


def test_programme_text_is_literal_in_docx_and_pdf(hostile: tuple[Path, Diagnostics]) -> None:
    out, _ = hostile
    document = docx.Document(str(out / "synthese.docx"))
    text = _flat("\n".join(p.text for p in document.paragraphs))
    cells = _flat(
        "\n".join(c.text for table in document.tables for row in table.rows for c in row.cells)
    )
    for payload in PAYLOADS:
        assert payload in text, payload
    assert "@handle" in cells  # the programme at a glance: session titles in a table
    reader = PdfReader(str(out / "synthese.pdf"))
    pdf = _flat(" ".join(page.extract_text() or "" for page in reader.pages))
    for payload in ("@handle", "$x$", "<script>alert(1)</script>", "[lien](javascript:"):
        assert payload in pdf, payload
    fiche = PdfReader(str(next((out / "fiches").glob("*ouverture*.pdf"))))
    assert "@handle" in _flat(" ".join(p.extract_text() or "" for p in fiche.pages))


def test_allowed_markup_still_renders(hostile: tuple[Path, Diagnostics]) -> None:
    out, _ = hostile
    master = (out / "synthese.md").read_text(encoding="utf-8")
    assert "**gras** et *italique*, la 5^e^ édition, une référence[^rapport]." in master
    html = (out / "synthese.html").read_text(encoding="utf-8")
    assert "<strong>gras</strong> et <em>italique</em>, la 5<sup>e</sup> édition" in html
    assert re.search(r'référence<a href="#fn\d+" class="footnote-ref"', html)
