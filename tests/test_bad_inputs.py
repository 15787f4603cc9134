"""The corpus of bad inputs (tests/corpus/, one file per case) and generated extreme
inputs: each gives its documented French message, or a correct result."""

from __future__ import annotations

import io
import random
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proceedings.analyse.analysis import Text, split_text
from proceedings.build import build, check, collect
from proceedings.errors import Diagnostics, SourceError
from proceedings.model import Turn
from proceedings.read.readers import READERS

from .conftest import write_tiny_event

CORPUS = Path(__file__).parent / "corpus"

EXPECTED = [
    "ouverture/binaire.txt: fichier binaire (octets nuls), pas un texte, fichier ignoré",
    # hostile: an alias bomb in a note header (nine levels, 387 million items)
    "ouverture/bombe-yaml.md:7: en-tête YAML invalide : alias YAML trop développé (plus de "
    "100\u202f000 éléments une fois les alias remplacés), fichier ignoré",
    "ouverture/docx-incomplet.docx: document Word (.docx) incomplet : la partie "
    "« word/document.xml » manque, fichier ignoré",
    "ouverture/en-tete-casse.md:3: en-tête YAML invalide : crochet « [ » non fermé "
    "(colonne 14), fichier ignoré",
    "ouverture/horodatage-faux.vtt:6: horodatage « 00:00:61.000 » invalide (attendu "
    "HH:MM:SS.mmm), fichier ignoré",
    # hostile: active content, files from outside, network, a truncated image: each image
    # left out with its reason, never fetched, never read; the text of the page is kept
    "ouverture/image-active.html: avertissement : image « data:text/html,%3Cscript%3E"
    "alert(1)%3C/script%3E » non reprise : format HTML non pris en charge (formats : PNG, "
    "JPEG, GIF, TIFF, BMP, WebP)",
    "ouverture/image-distante.html: avertissement : image « http://exemple.invalid/photo.png"
    " » non reprise : image distante, jamais téléchargée (placez le fichier dans le dossier "
    "de la note)",
    "ouverture/image-distante.html: avertissement : image « https://exemple.invalid/a.png » "
    "non reprise : image distante, jamais téléchargée (placez le fichier dans le dossier de "
    "la note)",
    "ouverture/image-hors-dossier.html: avertissement : image « /etc/passwd » non reprise : "
    "chemin absolu refusé (indiquez un chemin relatif à la note)",
    "ouverture/image-hors-dossier.html: avertissement : image « ../../../../secret.png » non "
    "reprise : fichier hors du dossier de l’événement",
    "ouverture/image-hors-dossier.html: avertissement : image « file:///etc/hostname » non "
    "reprise : chemin absolu refusé (indiquez un chemin relatif à la note)",
    "ouverture/png-tronque.html: avertissement : image « data:image/png;base64,iVBORw0KGgoA"
    "AAANSUhEUgAAAAEA… » non reprise : image PNG tronquée ou endommagée",
    "ouverture/tronque.vtt:6: horodatage « 00:00:0 » invalide (attendu HH:MM:SS.mmm), "
    "fichier ignoré",
    "ouverture/zip-pas-docx.docx: document Word (.docx) incomplet : la partie "
    "« word/document.xml » manque, fichier ignoré",
    "ouverture/bom-seul.txt: avertissement : note vide (aucun texte), ignorée",
    "ouverture/espaces.txt: avertissement : note vide (aucun texte), ignorée",
    "ouverture/vide.md: avertissement : note vide (aucun texte), ignorée",
]


def test_each_bad_file_gives_its_message_and_the_others_are_read(tmp_path: Path) -> None:
    event = write_tiny_event(tmp_path / "ev")
    for path in CORPUS.iterdir():
        shutil.copy(path, event / "ouverture" / path.name)
    diag = Diagnostics()
    synthesis = collect(event, diag).synthesis
    prefix = event.as_posix() + "/"
    assert [str(d).replace(prefix, "") for d in diag] == EXPECTED
    read = {n.note.path: n.note for n in synthesis.notes}
    for page in ("image-active", "image-distante", "image-hors-dossier", "png-tronque"):
        note = read[f"ouverture/{page}.html"]
        assert note.blocks and not note.media and not any(b.kind == "image" for b in note.blocks)
    # text not in UTF-8: read as Windows-1252 and said so
    latin = read["ouverture/pas-utf8.md"]
    assert latin.blocks[0].text == "Une note en café crème, « pas en UTF-8 »."
    assert latin.conversions == ("encodage windows-1252 converti en UTF-8",)
    # sixty nested list levels: every item kept, the depth capped
    nested = read["ouverture/listes-imbriquees.md"]
    assert [b.text for b in nested.blocks] == [f"niveau {i}" for i in range(1, 61)]
    assert max(b.level for b in nested.blocks) == 30


def test_a_huge_single_line_is_read_and_cut_for_the_model(tmp_path: Path) -> None:
    line = ("La co-construction territoriale avance pas à pas. " * 100_000).strip()
    note = READERS[".txt"](line.encode(), "long.txt", "long.txt", Diagnostics())
    assert len(note.blocks) == 1 and note.words == 700_000
    pieces = split_text(Text(line))
    assert len(pieces) > 40 and all(len(p.text) <= 100_000 for _, p in pieces)
    assert "".join(p.text for _, p in pieces) == line  # nothing lost at the cuts
    assert [at for at, _ in pieces] == sorted(at for at, _ in pieces)


def test_a_long_transcript_is_read_whole(tmp_path: Path) -> None:
    """An 8 MB recording (a long day's is a few megabytes) is read whole, every cue a turn
    of its speaker. Its memory is measured on a 50 MB one by bench/performance.py (make
    bench-performance), not here: a bound on memory depends on the machine."""
    event = write_tiny_event(tmp_path / "ev")
    cue = "Intervenant·e : la co-construction demande du temps et de la confiance."
    with (event / "ouverture" / "enregistrement.vtt").open("w", encoding="utf-8") as f:
        f.write("WEBVTT\n\n")
        second, size = 0, 0
        while size < 8 * 1024 * 1024:
            at = f"{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
            text = f"{at}.000 --> {at}.900\n<v SPEAKER_0{second % 3}>{cue}</v>\n\n"
            f.write(text)
            size += len(text.encode())
            second += 1
    diag = Diagnostics()
    (content,) = [c for c in collect(event, diag).synthesis.notes if c.note.path.endswith(".vtt")]
    assert content.note.words == 11 * second
    assert content.note.cues == second
    # the diarisation's three voices, as published
    assert {t.speaker.name for t in content.items if isinstance(t, Turn)} == {
        "Intervenant·e 1",
        "Intervenant·e 2",
        "Intervenant·e 3",
    }
    assert not [d for d in diag if d.path and d.path.endswith(".vtt")]


def test_thousands_of_tiny_files(tmp_path: Path) -> None:
    event = write_tiny_event(tmp_path / "ev")
    folder = event / "ateliers" / "mobilite"
    for i in range(2000):
        (folder / f"note-{i:04d}.txt").write_text(
            f"Une idée numéro {i} pour la mobilité.", encoding="utf-8"
        )
    report = check(event, tmp_path / "sortie", Diagnostics())
    assert report.notes == 2001 + 1
    assert (tmp_path / "sortie" / "bilan-depot.html").exists()


def test_file_names_with_spaces_accents_and_quotes(tmp_path: Path) -> None:
    event = write_tiny_event(tmp_path / "ev")
    names = [
        "Notes de l’atelier « mobilité ».md",
        "ça va bien.txt",
        'guillemets "droits".md',
        "apostrophe d'essai #1 [v2].md",
    ]
    for name in names:
        (event / "ouverture" / name).write_text(f"Contenu de {name}.\n", encoding="utf-8")
    diag = Diagnostics()
    result = build(event, tmp_path / "sortie", ("html",), diag)
    assert list(diag) == []
    read = {n.note.path for n in result.synthesis.notes}
    assert {f"ouverture/{n}" for n in names} <= read
    html = (tmp_path / "sortie" / "synthese.html").read_text(encoding="utf-8")
    assert "Notes de l’atelier «\u00a0mobilité\u00a0».md" in html


def test_a_programme_that_names_folders_nobody_filled(tmp_path: Path) -> None:
    event = write_tiny_event(tmp_path / "ev")
    shutil.rmtree(event / "ateliers")
    report = check(event, tmp_path / "sortie", Diagnostics())
    assert [s.id for s in report.empty_sessions] == ["ateliers"]
    result = build(event, tmp_path / "sortie", ("html",), Diagnostics())
    master = (tmp_path / "sortie" / "synthese.md").read_text(encoding="utf-8")
    assert "*Aucune note n’a encore été déposée pour ce temps de la Rencontre.*" in master
    assert result.synthesis.sessions[1].notes == ()


def _valid_samples() -> dict[str, bytes]:
    import docx

    document = docx.Document()
    document.add_heading("Titre", 1)
    document.add_paragraph("Une élue : « Il faut du temps. »")
    buffer = io.BytesIO()
    document.save(buffer)
    return {
        ".docx": buffer.getvalue(),
        ".vtt": b"WEBVTT\n\n00:01.000 --> 00:02.000\n<v Claire>Bonjour.</v>\n",
        ".srt": b"1\n00:00:01,000 --> 00:00:02,000\nBonjour.\n",
        ".md": b"---\nsession: ouverture\n---\n# Titre\n\n- un\n- deux\n",
    }


SAMPLES = _valid_samples()


@pytest.mark.parametrize("suffix", sorted(SAMPLES))
@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), flips=st.integers(1, 40))
def test_mutated_files_give_a_note_or_a_clean_error(suffix: str, seed: int, flips: int) -> None:
    data = bytearray(SAMPLES[suffix])
    rng = random.Random(seed)
    for _ in range(flips):
        data[rng.randrange(len(data))] = rng.randrange(256)
    if suffix == ".docx" and rng.random() < 0.5:  # or a damaged part inside a valid zip
        source = zipfile.ZipFile(io.BytesIO(SAMPLES[suffix]))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for info in source.infolist():
                part = bytearray(source.read(info))
                if info.filename == "word/document.xml":
                    for _ in range(flips):
                        part[rng.randrange(len(part))] = rng.randrange(32, 127)
                z.writestr(info, bytes(part))
        data = bytearray(out.getvalue())
    try:
        READERS[suffix](bytes(data), f"x{suffix}", f"ev/x{suffix}", Diagnostics())
    except SourceError as exc:
        assert exc.message and exc.path == f"ev/x{suffix}"
