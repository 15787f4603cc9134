"""French typography for published text, and Markdown escaping of note text.

Rules (Imprimerie nationale, as French publishers apply them): a no-break space inside
« guillemets » and before « : », a narrow no-break space before ; ! ? and %, typographic
apostrophes, an ellipsis character. Web addresses and clock times are left alone.
"""

from __future__ import annotations

import functools
import re

from proceedings.model import Span

NBSP = "\u00a0"
NNBSP = "\u202f"

# Web and mail addresses are left alone, without the punctuation that ends a sentence.
# Every pattern here is linear in the text, however long a word without spaces is: a match
# may only start where a run of letters or spaces starts (lookbehinds), and possessive
# quantifiers never give back what they took (a test feeds megabyte-long tokens).
_URL = re.compile(
    r"(?:https?://|www\.)\S*[^\s.,;:!?)»]|(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)++"
)
_SPACES = f"[ \t{NBSP}{NNBSP}]"
_RUN = f"(?<![ \t{NBSP}{NNBSP}]){_SPACES}"  # a space that starts a run of spaces


def french(text: str) -> str:
    """Apply French typography to plain text (no markup inside)."""
    urls: list[str] = []

    def keep(match: re.Match[str]) -> str:
        urls.append(match[0])
        return f"\ue000{len(urls) - 1}\ue001"  # private-use marks, restored below

    text = _french_piece(_URL.sub(keep, text))
    return re.sub("\ue000(\\d+)\ue001", lambda m: urls[int(m[1])], text)


def _french_piece(text: str) -> str:
    text = text.replace("...", "…")
    text = re.sub(r"(?<=\w)'(?=\w)", "’", text)
    text = re.sub(r"(?<=\w)'", "’", text)  # "aujourd'" at a line end, "l'" before a space
    text = _quotes(text)
    text = re.sub(rf"«{_SPACES}*", f"«{NBSP}", text)
    text = re.sub(rf"(?:{_RUN}{_SPACES}*+)?»", f"{NBSP}»", text)
    # ; ! ? get a narrow no-break space, whether a space was typed or not ("Quoi?").
    text = re.sub(rf"(?<=[^\s{NBSP}{NNBSP}(\[«!?;]){_SPACES}*([;!?])", rf"{NNBSP}\1", text)
    text = re.sub(rf"(?<=[!?]){_SPACES}+(?=[!?])", "", text)  # "! ?" stays together: "!?"
    # A colon gets a no-break space when a space was typed or when a space follows it:
    # "Note: texte" -> "Note : texte", but "9:30" and "1:2" are left as they are.
    text = re.sub(rf"{_RUN}{_SPACES}*+:", f"{NBSP}:", text)
    text = re.sub(rf"(?<=[^\s{NBSP}\d]):(?=\s|$)", f"{NBSP}:", text)
    text = re.sub(rf"(?<=\d){_SPACES}?%", f"{NNBSP}%", text)
    # Thousands: "9 000 km²", "1 800 habitants" are never cut between their digits.
    text = _THOUSANDS.sub(lambda m: re.sub(r"[ \u00a0]", NNBSP, m[0]), text)
    # Clock times: "9h", "9h15", "9 h 15" -> "9 h 15" with no-break spaces.
    text = re.sub(
        rf"\b([01]?\d|2[0-3]){_SPACES}?h(?:{_SPACES}?([0-5]\d))?\b",
        lambda m: f"{m[1]}{NBSP}h" + (f"{NBSP}{m[2]}" if m[2] else ""),
        text,
    )
    return text


_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:[ \u00a0]\d{3})++(?![\d])")


def _quotes(text: str) -> str:
    """Straight double quotes, paired, become guillemets; a lone one is left alone."""
    if text.count('"') < 2:
        return text
    return re.sub(r'"([^"\n]+)"', r"«\1»", text)


# -- Markdown ---------------------------------------------------------------------------

# Characters with a meaning in pandoc's Markdown anywhere in a line.
_INLINE_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#+^~$@&|])")
# Characters that open a block at the start of a line (lists, definitions, quotes…).
_LINE_START = re.compile(r"^(\s*)([-+:%=>])")
_NUMBERED = re.compile(r"^(\s*\d+)([.)])")


def escape(text: str) -> str:
    """Escape plain text so that pandoc reads it as text, whatever it contains."""
    lines = []
    for line in text.split("\n"):
        line = _INLINE_SPECIAL.sub(r"\\\1", line)
        line = _LINE_START.sub(r"\1\\\2", line)
        line = _NUMBERED.sub(r"\1\\\2", line)  # "1. " would start a numbered list
        lines.append(line)
    return "\\\n".join(lines)


_ORDINAL = re.compile(r"\b(\d+)(er|re|ère|e|ème|eme|è)\b")
_ORDINAL_SUFFIX = {"er": "er", "re": "re", "ère": "re"}


def text_md(text: str) -> str:
    """Plain text to Markdown with French typography; ordinals in superscript (5^e^)."""
    if len(text) <= _REMEMBERED_LENGTH:
        return _text_md_remembered(text)
    return _text_md(text)


# A build renders the same texts several times (budget.fit tries several condensations) and
# the preview renders them again at each change: a text's Markdown is remembered, up to a
# bounded number of texts of bounded length, so that memory stays bounded whatever the notes
# (at worst about 40 MB; the demo's texts are 1 351, none longer than 800 characters).
_REMEMBERED_LENGTH = 1000
_REMEMBERED = 10_000


def _text_md(text: str) -> str:
    return _ORDINAL.sub(lambda m: f"{m[1]}^{_ORDINAL_SUFFIX.get(m[2], 'e')}^", escape(french(text)))


_text_md_remembered = functools.lru_cache(maxsize=_REMEMBERED)(_text_md)


def spans_md(spans: tuple[Span, ...]) -> str:
    """Spans of a note to Markdown: escaped text, emphasis kept, spaces outside markers,
    links kept (their address checked again: only web and mail addresses)."""
    out = []
    for span in spans:
        if span.footnote:
            out.append(f"^[{text_md(span.text)}]")
            continue
        body = text_md(span.text)
        marker = ("**" if span.strong else "") + ("*" if span.emph else "")
        lead = body[: len(body) - len(body.lstrip())]
        trail = body[len(body.rstrip()) :]
        inner = body.strip()
        if marker and inner:
            inner = f"{marker}{inner}{marker[::-1]}"
        if (address := web_address(span.link)) and inner:
            inner = f"[{inner}](<{address}>)"
        out.append(f"{lead}{inner}{trail}" if inner else body)
    return "".join(out)


_ADDRESS = re.compile(r"(?:https?://|mailto:)[^\s<>\"\\\x00-\x1f\x7f]{1,2000}", re.IGNORECASE)


def web_address(url: str) -> str:
    """A link's address when it is a web or mail address, whole and plain ("" otherwise:
    ``javascript:``, ``file:``, relative paths and the like are never links)."""
    url = url.strip()
    return url if _ADDRESS.fullmatch(url) else ""


def ordinal(n: int, plain: bool = False) -> str:
    """5 -> "5^e^" (superscript in Markdown), 1 -> "1^re^"; plain: "5e", "1re"."""
    suffix = "re" if n == 1 else "e"
    return f"{n}{suffix}" if plain else f"{n}^{suffix}^"
