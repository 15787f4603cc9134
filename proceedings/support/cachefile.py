"""Cache entries on disk, verified: a cache is only ever a speed-up.

Every entry (a note read by pandoc, an analysis, a compiled regular expression, the last
build's fingerprint) is one file: a first line that says what it holds, then its content
as JSON::

    {"schema": "analyse-2", "cle": "<the entry's key>", "somme": "<SHA-256 of the content>"}
    {... the content ...}

On reading, anything unexpected means "compute again", never another result and never an
error: a file that is not a regular file (a folder, a FIFO: read with
:func:`safeio.read_input`, which never blocks), an unreadable or oversized file, another
schema, another key (two entries' files swapped), a checksum that does not match (a
damaged file), a content whose JSON types are not those of the dataclasses
(:func:`decode` checks every field). Writing is atomic (:func:`safeio.atomic_write`) and a
write that fails (a folder in the way, a read-only disk) is skipped: the next build
computes again.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import enum
import hashlib
import json
import os
import re
import stat
import types
import typing
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from proceedings.errors import SourceError
from proceedings.support.safeio import MIB, atomic_write, read_input

LIMIT = 512 * MIB  # a cache entry larger than this is not read (it is computed again)
ENTRY = re.compile(r"^[0-9a-f]{64}\.json$")  # the files of a keyed cache folder


class Invalid(ValueError):
    """A cache entry whose content does not have the expected shape."""


def read(path: Path, schema: str, key: str, limit: int = LIMIT) -> Any | None:
    """The content of the entry at ``path`` if it is whole and is the entry for ``key``."""
    try:
        data = read_input(path, path.as_posix(), limit, "fichier de cache")
    except SourceError:
        return None
    head, newline, body = data.partition(b"\n")
    if not newline:
        return None
    try:
        header = json.loads(head)
        if (
            not isinstance(header, dict)
            or header.get("schema") != schema
            or header.get("cle") != key
            or header.get("somme") != hashlib.sha256(body).hexdigest()
        ):
            return None
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


def write(path: Path, schema: str, key: str, content: Any) -> bool:
    """Write an entry; False (and nothing written) when the disk refuses it."""
    try:
        body = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        header = {"schema": schema, "cle": key, "somme": hashlib.sha256(body).hexdigest()}
        atomic_write(path, json.dumps(header).encode("utf-8") + b"\n" + body)
    except (OSError, ValueError):
        return False
    return True


def sweep(folder: Path, keep: Iterable[str]) -> None:
    """Remove the entries of ``folder`` (``<key>.json``) whose key is not in ``keep``: what
    the current build did not use (notes deleted or changed, analyses made before a name
    was hidden). Only regular files named as entries are removed, never followed links."""
    kept = {f"{k}.json" for k in keep}
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if name in kept or not ENTRY.match(name):
            continue
        path = folder / name
        try:
            if stat.S_ISREG(path.lstat().st_mode):
                path.unlink()
        except OSError:
            continue


# -- dataclasses to JSON and back, with the types checked ------------------------------------


def encode(value: Any) -> Any:
    """A dataclass (with tuples, enums, dates, bytes inside) as plain JSON values."""
    return _encoder(type(value))(value)


_ENCODERS: dict[Any, Callable[[Any], Any]] = {}


def _encoder(kind: Any) -> Callable[[Any], Any]:
    """How to encode values of type ``kind``, worked out once per type from its hints (as
    fast as writing each dataclass out by hand: analyses are large)."""
    encoder = _ENCODERS.get(kind)
    if encoder is None:
        encoder = _ENCODERS[kind] = _make_encoder(kind)
    return encoder


def _make_encoder(kind: Any) -> Callable[[Any], Any]:
    origin = typing.get_origin(kind)
    if kind in (str, int, float, bool, type(None)) or origin is typing.Literal:
        return _same
    if origin in (types.UnionType, typing.Union):
        options = [k for k in typing.get_args(kind) if k is not type(None)]
        if len(options) == 1:
            inner = _encoder(options[0])
            return lambda value: None if value is None else inner(value)
        return _dynamic
    if origin is tuple and typing.get_args(kind)[1:] == (Ellipsis,):
        item = _encoder(typing.get_args(kind)[0])
        return list if item is _same else lambda value: [item(x) for x in value]
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return lambda value: value.value
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        pairs = [(n, _encoder(hints[n])) for n in _fields(kind)]
        if all(e is _same for _, e in pairs):
            names = [n for n, _ in pairs]
            return lambda value: {n: getattr(value, n) for n in names}
        return lambda value: {n: e(getattr(value, n)) for n, e in pairs}
    return _dynamic


def _same(value: Any) -> Any:
    return value


def _dynamic(value: Any) -> Any:
    """Any value, by its type at run time."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, tuple | list):
        return [_dynamic(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _dynamic(v) for k, v in value.items()}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _encoder(type(value))(value)
    raise TypeError(f"type non prévu dans un cache : {type(value).__name__}")


def decode(kind: Any, data: Any) -> Any:
    """``data`` read back as a value of type ``kind``; :class:`Invalid` if any part of it
    has another type (a list where a dict is expected, a string for a number…)."""
    return _decoder(kind)(data)


_DECODERS: dict[Any, Callable[[Any], Any]] = {}


def _decoder(kind: Any) -> Callable[[Any], Any]:
    decoder = _DECODERS.get(kind)
    if decoder is None:
        decoder = _DECODERS[kind] = _make_decoder(kind)
    return decoder


def _make_decoder(kind: Any) -> Callable[[Any], Any]:
    origin = typing.get_origin(kind)
    if kind is str or kind is bool:
        return _exactly(kind)
    if kind is int:
        return _exactly(int)
    if kind is float:
        return _number
    if kind is type(None):
        return _none
    if origin is typing.Literal:  # one of a few words (a block's kind)
        allowed = frozenset(typing.get_args(kind))
        return lambda data: _one_of(allowed, data)
    if origin in (types.UnionType, typing.Union):
        options = [_decoder(k) for k in typing.get_args(kind)]
        return lambda data: _first(options, data)
    if origin is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _decoder(args[0])
            return lambda data: tuple(item(x) for x in _list(data))
        parts = [_decoder(a) for a in args]

        def fixed(data: Any) -> tuple[Any, ...]:
            items = _list(data)
            if len(items) != len(parts):
                raise Invalid("longueur")
            return tuple(p(x) for p, x in zip(parts, items, strict=True))

        return fixed
    if origin is dict:
        key_type, value_type = (_decoder(a) for a in typing.get_args(kind))
        return lambda data: {key_type(k): value_type(v) for k, v in _dict(data).items()}
    if origin is list:
        item = _decoder(typing.get_args(kind)[0])
        return lambda data: [item(x) for x in _list(data)]
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return lambda data: _enum(kind, data)
    if kind is dt.date:
        return _date
    if kind is bytes:
        return _bytes
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _dataclass_decoder(kind)
    raise TypeError(f"type non prévu dans un cache : {kind!r}")


def _one_of(allowed: frozenset[Any], data: Any) -> Any:
    if type(data) is not str or data not in allowed:
        raise Invalid("valeur hors de la liste")
    return data


def _dataclass_decoder(kind: type) -> Callable[[Any], Any]:
    hints = typing.get_type_hints(kind)
    names = _fields(kind)
    decoders: list[tuple[str, Callable[[Any], Any]]] = []

    def decode_one(data: Any) -> Any:
        if not decoders:  # filled on first use: a dataclass may contain itself
            # published whole, in one step: notes are read by several threads, and one of
            # them must never see the decoders of only the first fields
            decoders[:] = [(n, _decoder(hints[n])) for n in names]
        items = _dict(data)
        if len(items) != len(names):
            raise Invalid("champs")
        try:
            return kind(**{n: d(items[n]) for n, d in decoders})
        except KeyError:
            raise Invalid("champ absent") from None

    return decode_one


def _fields(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(kind) if f.init)


def _exactly(kind: type) -> Callable[[Any], Any]:
    def check(data: Any) -> Any:
        if type(data) is not kind:  # bool is an int: only the exact type
            raise Invalid(kind.__name__)
        return data

    return check


def _number(data: Any) -> float:
    if type(data) not in (int, float):
        raise Invalid("nombre")
    return float(data)


def _none(data: Any) -> None:
    if data is not None:
        raise Invalid("null")


def _first(options: list[Callable[[Any], Any]], data: Any) -> Any:
    for option in options:
        try:
            return option(data)
        except Invalid:
            continue
    raise Invalid("aucun type")


def _list(data: Any) -> list[Any]:
    if type(data) is not list:
        raise Invalid("liste")
    return data


def _dict(data: Any) -> dict[str, Any]:
    if type(data) is not dict:
        raise Invalid("objet")
    return data


def _enum(kind: type[enum.Enum], data: Any) -> enum.Enum:
    try:
        return kind(data)
    except ValueError:
        raise Invalid("valeur") from None


def _date(data: Any) -> dt.date:
    if type(data) is not str:
        raise Invalid("date")
    try:
        return dt.date.fromisoformat(data)
    except ValueError:
        raise Invalid("date") from None


def _bytes(data: Any) -> bytes:
    if type(data) is not str:
        raise Invalid("octets")
    try:
        return base64.b64decode(data, validate=True)
    except ValueError:
        raise Invalid("octets") from None
