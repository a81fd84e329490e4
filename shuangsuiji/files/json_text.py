"""``json.dumps(obj, ensure_ascii=False, indent=2)``, the same text, several times faster.

CPython's C encoder does not indent: with ``indent=2`` every value goes through the pure
Python one, a generator call per token. A draw record of 55,501 picks is some 8 million
tokens. This module gives the same text, piece by piece, with the C parts doing the work:

* a container whose values are all scalars (str, int, float, bool, None) is one call of the
  C encoder, with the item separator of its level (``",\\n" + 2 * (level + 1)`` spaces) and its
  brackets indented by hand;
* a list of dicts that all have the same keys in the same order (the picks of a record, the
  rows of a report) is encoded a key at a time: each column of values in one C pass, then
  every dict filled into one template (``str % tuple``);
* a container that occurs again (picks drawn together share their excluded-inspector
  entries) is encoded once per level: its text is remembered by the identity of its items,
  which stay alive, and so unique, while ``obj`` is being encoded.

Anything else (a dict key that is not a str, a subclass of a built-in type, a float column)
takes the generic path, which mirrors ``json.encoder._make_iterencode``. ``iter_pieces``
yields the text in pieces (each top-level value, a long list of dicts or ``Rows`` a slice at
a time), so a caller can encode each piece to bytes as it goes instead of holding one huge
str. ``Rows`` gives a list of same-keyed dicts as columns, so that none of the dicts is built.
``tests/files/test_json_text.py`` checks the text against ``json.dumps`` on arbitrary values.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from json.encoder import encode_basestring as _string
from itertools import islice
from operator import itemgetter
from typing import Any

try:
    from _json import make_encoder as _c_make_encoder
except ImportError:  # pragma: no cover - PyPy, or a CPython built without _json
    _c_make_encoder = None

_SCALAR_TYPES = frozenset((str, int, float, bool, type(None)))
_SLICE = 2048  # dicts per piece of a long list of dicts
_CONSTANT_TYPES = frozenset((bool, type(None)))
_CONSTANTS = {True: "true", False: "false", None: "null"}  # a column of only these: looked up, not encoded
_TEXT_OR_NONE = {str, type(None)}


class Rows:
    """A list of dicts that all have ``keys``, given as one column of values per key.

    Encoded exactly as ``[dict(zip(keys, row)) for row in zip(*columns)]`` would be (tuples as
    lists), without building a dict per row: a draw record's 55,501 picks go straight from
    their fields into the text.
    """

    __slots__ = ("keys", "columns")

    def __init__(self, keys: tuple[str, ...], columns: list[list[Any]]) -> None:
        if not keys or len(keys) != len(columns) or len({len(c) for c in columns}) > 1:
            raise ValueError("at least one key, and one column of equal length per key")
        self.keys = keys
        self.columns = columns

    def __len__(self) -> int:
        return len(self.columns[0])

    def slice(self, start: int, stop: int) -> "Rows":
        return Rows(self.keys, [c[start:stop] for c in self.columns])


def dumps(obj: Any) -> str:
    """``json.dumps(obj, ensure_ascii=False, indent=2)``."""
    return "".join(iter_pieces(obj))


def iter_pieces(obj: Any) -> Iterator[str]:
    """The text of ``dumps(obj)`` in pieces: the top level's items, long lists of dicts a slice at a time."""
    enc = _Indent2()
    if type(obj) is dict and obj and all(type(k) is str for k in obj):
        inner = enc.pad(1)
        sep = "{" + inner
        for key, value in obj.items():
            yield sep + _string(key) + ": "
            yield from enc.pieces(value, 1)
            sep = "," + inner
        yield enc.pad(0) + "}"
    else:
        yield from enc.pieces(obj, 0)


def _refuse(o: Any) -> Any:
    raise TypeError(f"Object of type {o.__class__.__name__} is not JSON serializable")


class _Indent2:
    """One encoding's indents, C encoders per level and remembered containers."""

    def __init__(self) -> None:
        self.pads = ["\n"]
        self.flat: list[Any] = []
        self.memo: dict[tuple, tuple[Any, str]] = {}

    def pad(self, level: int) -> str:
        pads = self.pads
        while len(pads) <= level:
            pads.append("\n" + "  " * len(pads))
        return pads[level]

    def flat_text(self, o: Any, level: int, open_: str, close: str) -> str:
        """A non-empty container of scalars only (dict keys all str) at ``level``."""
        if _c_make_encoder is None:  # pragma: no cover
            return self.generic(o, level)
        flat = self.flat
        while len(flat) <= level:
            flat.append(_c_make_encoder(None, _refuse, _string, None, ": ", "," + self.pad(len(flat) + 1), False, False, True))
        return open_ + self.pad(level + 1) + "".join(flat[level](o, 0))[1:-1] + self.pad(level) + close

    def pieces(self, o: Any, level: int) -> Iterator[str]:
        """The text of one value, a long list of same-keyed dicts (or ``Rows``) in slices."""
        if type(o) is list and len(o) > _SLICE and set(map(type, o)) == {dict} and self.same_keys(o):
            rows = lambda start: self.dict_rows(o[start:start + _SLICE], level + 1)  # noqa: E731
        elif type(o) is Rows and len(o) > _SLICE:
            rows = lambda start: self.column_rows(o.slice(start, start + _SLICE), level + 1)  # noqa: E731
        else:
            yield self.text(o, level)
            return
        inner = self.pad(level + 1)
        sep = "[" + inner
        for start in range(0, len(o), _SLICE):
            yield sep + ("," + inner).join(rows(start))
            sep = "," + inner
        yield self.pad(level) + "]"

    def text(self, o: Any, level: int) -> str:
        t = type(o)
        if t is str:
            return _string(o)
        if t is dict:
            if not o:
                return "{}"
            if set(map(type, o.values())) <= _SCALAR_TYPES and set(map(type, o)) == {str}:
                return self.flat_text(o, level, "{", "}")
            return self.generic(o, level)
        if t is list or t is tuple:
            if not o:
                return "[]"
            types = set(map(type, o))
            if types <= _SCALAR_TYPES:
                return self.flat_text(o, level, "[", "]")
            key = (level, *map(id, o))
            hit = self.memo.get(key)
            if hit is None:
                rows = self.dict_rows(o, level + 1) if types == {dict} and self.same_keys(o) else [self.text(v, level + 1) for v in o]
                inner = self.pad(level + 1)
                hit = self.memo[key] = (o, "[" + inner + ("," + inner).join(rows) + self.pad(level) + "]")
            return hit[1]
        if t is Rows:
            if not len(o):
                return "[]"
            inner = self.pad(level + 1)
            return "[" + inner + ("," + inner).join(self.column_rows(o, level + 1)) + self.pad(level) + "]"
        return self.generic(o, level)

    @staticmethod
    def same_keys(dicts: list[dict]) -> bool:
        keys = set(map(tuple, dicts))
        return len(keys) == 1 and all(type(k) is str for k in next(iter(keys)))

    def dict_rows(self, dicts: list[dict], level: int) -> list[str]:
        """The texts of dicts at ``level`` that all have the same str keys: a column of values at a time."""
        keys = tuple(dicts[0])
        if not keys:
            return ["{}"] * len(dicts)
        return self.column_rows(Rows(keys, [list(map(itemgetter(k), dicts)) for k in keys]), level)

    def column_rows(self, rows: Rows, level: int) -> list[str]:
        """The texts of the dicts ``rows`` stands for (at least one key), at ``level``: a column at a time."""
        inner = self.pad(level + 1)
        template = "{" + inner + ("," + inner).join(_string(k).replace("%", "%%") + ": %s" for k in rows.keys) + self.pad(level) + "}"
        columns = [self.column(values, level + 1) for values in rows.columns]
        return list(map(template.__mod__, zip(*columns)))

    def column(self, values: list[Any], level: int) -> list[str]:
        types = set(map(type, values))
        if types == {str}:
            return list(map(_string, values))
        if types == {int}:
            return list(map(int.__repr__, values))
        if types <= _CONSTANT_TYPES:
            return [_CONSTANTS[v] for v in values]
        if types == _TEXT_OR_NONE:
            return ["null" if v is None else _string(v) for v in values]
        if types == {list} or types == {tuple}:
            lists = self.text_list_column(values, level)
            if lists is None and types == {list}:
                lists = self.list_column(values, level)
            if lists is not None:
                return lists
        text = self.text
        return [text(v, level) for v in values]

    def text_list_column(self, values: list[list[str]] | list[tuple[str, ...]], level: int) -> list[str] | None:
        """Lists (or tuples) of str only (each pick's team), all their strings encoded in one pass; None if they are not."""
        first = next((v for v in values if v), None)
        if first is None or type(first[0]) is not str:
            return None
        flat = [x for v in values for x in v]
        if set(map(type, flat)) != {str}:
            return None
        texts = iter(map(_string, flat))
        inner, close = self.pad(level + 1), self.pad(level) + "]"
        sep = "," + inner
        return ["[" + inner + sep.join(islice(texts, len(v))) + close if v else "[]" for v in values]

    def list_column(self, values: list[list], level: int) -> list[str] | None:
        """Lists of same-keyed dicts (each row's history), all their dicts in one pass; None if they are not.

        Not when the dicts are mostly the same few objects (picks' shared exclusions): the
        remembered texts are cheaper then.
        """
        dicts = [d for v in values for d in v]
        if not dicts or set(map(type, dicts)) != {dict} or not self.same_keys(dicts):
            return None
        if 2 * len(set(map(id, dicts))) < len(dicts):
            return None
        rows = iter(self.dict_rows(dicts, level + 1))
        inner, close = self.pad(level + 1), self.pad(level)
        sep = "," + inner
        return ["[" + inner + sep.join(islice(rows, len(v))) + close + "]" if v else "[]" for v in values]

    def generic(self, o: Any, level: int) -> str:
        """Whatever the fast paths do not take, exactly as ``json.dumps`` would write it."""
        if isinstance(o, dict):
            if not o:
                return "{}"
            inner = self.pad(level + 1)
            items = [_key(k) + ": " + self.text(v, level + 1) for k, v in o.items()]
            return "{" + inner + ("," + inner).join(items) + self.pad(level) + "}"
        if isinstance(o, (list, tuple)):
            if not o:
                return "[]"
            inner = self.pad(level + 1)
            return "[" + inner + ("," + inner).join(self.text(v, level + 1) for v in o) + self.pad(level) + "]"
        return json.dumps(o, ensure_ascii=False)  # a scalar (or a subclass of one), or what json refuses


def _key(k: Any) -> str:
    """A dict key as json writes it: str as is; int, float, bool and None as their JSON text, quoted."""
    if isinstance(k, str):
        return _string(k)
    if k is None or isinstance(k, (bool, int, float)):
        return _string(json.dumps(k))
    raise TypeError(f"keys must be str, int, float, bool or None, not {k.__class__.__name__}")
