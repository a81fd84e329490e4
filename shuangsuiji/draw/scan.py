"""A few fields of a draw record read from its bytes, without parsing the whole record.

A province round's record is some 90 MB, and a command that needs only the picks' names
(``ssj results``, ``ssj record``, ``ssj publish-due``) or their teams (the inspectors' checks so
far, for a later draw of the year) should not parse all of it. Both readers here scan the
bytes in the exact layout ``draw.record.record_bytes`` writes, check what they read against the
ledger's list of picks, and give None when the bytes are in any other layout (or a value has an
escaped character they do not read), so that the caller parses the record instead. The bytes
are always the ones the ledger's hash was checked against.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

# In the bytes record_bytes writes, a pick's own keys, and only they, stand at six spaces
# (the record at 2, "picks" items at 4); a raw newline never occurs inside a JSON string.
_PICK_FIELD = re.compile(rb'\n {6}"(entity|name)": "((?:[^"\\\n]|\\.)*)"')
_PLAIN_PICK_FIELD = re.compile(rb'\n {6}"(entity|name)": "([^"\\\n]*)"')  # no escape in the text: twice as fast
_PICKS_KEY = b'\n  "picks": ['


def _json_text(raw: bytes) -> str:
    return json.loads(b'"' + raw + b'"') if b"\\" in raw else raw.decode("utf-8")


_PICK_ENTITY = re.compile(rb'\n {6}"entity": "([^"\\\n]*)"')
_PICK_TEAM = re.compile(rb'\n {6}"inspectors": (\[\]|\[(?:\n {8}"[^"\\\n]*",?)+\n {6}\])')
_TEAM_MEMBER = re.compile(rb'"([^"\\\n]*)"')


def record_pick_teams(data: bytes, picks: Sequence[str]) -> list[tuple[str, ...]] | None:
    """Each pick's inspectors, in pick order, read from a record's bytes without parsing the whole record.

    Reads only the ``entity`` and ``inspectors`` of each pick in the layout ``record_bytes`` writes, and gives
    the teams only when the entities are exactly ``picks`` (the ledger's list), in order; None otherwise (another
    layout, an id with an escaped character), so that the caller parses the record instead. What a later draw of
    the year needs of each earlier record (the inspectors' checks so far): a scan instead of a parse of 90 MB.
    """
    start = data.rfind(_PICKS_KEY)
    if start < 0:
        return None
    entities = _PICK_ENTITY.findall(data, start)
    teams = _PICK_TEAM.findall(data, start)
    if len(entities) != len(picks) or len(teams) != len(picks):
        return None
    try:
        if [e.decode("utf-8") for e in entities] != list(picks):
            return None
        return [tuple(m.decode("utf-8") for m in _TEAM_MEMBER.findall(team)) for team in teams]
    except UnicodeDecodeError:
        return None


def record_pick_names(data: bytes, picks: Sequence[str]) -> dict[str, str] | None:
    """Entity -> name of the picks, read from a record's bytes without parsing the whole record.

    Reads only the ``entity`` and ``name`` of each pick in the layout ``record_bytes`` writes,
    and gives them only when they are exactly ``picks`` (the ledger's list), in order; None
    otherwise (another layout, a record that is not ssj's), so that the caller parses the
    record instead. A 90 MB record of 55,501 picks costs a scan instead of a parse.
    """
    start = data.rfind(_PICKS_KEY)
    if start < 0:
        return None
    found = _PLAIN_PICK_FIELD.findall(data, start)
    if len(found) != 2 * len(picks):  # a name with an escaped character is passed over: read with escapes
        found = _PICK_FIELD.findall(data, start)
    if len(found) != 2 * len(picks):
        return None
    try:
        entities = [_json_text(v) for k, v in found[0::2] if k == b"entity"]
        names = [_json_text(v) for k, v in found[1::2] if k == b"name"]
    except (UnicodeDecodeError, ValueError):
        return None
    if len(entities) != len(picks) or len(names) != len(picks) or entities != list(picks):
        return None
    return dict(zip(entities, names))

