"""The GB 32100-2015 unified social credit code: alphabet, length and check character."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shuangsuiji.inputs import uscc

REPO = Path(__file__).resolve().parents[2]

KNOWN_VALID = [
    "91350100M000100Y43",  # the worked example of GB 32100-2015
    "91110000600037341L",  # a real registration (check character L)
]


def shipped_ids() -> list[str]:
    text = (REPO / "data" / "entities.csv").read_text(encoding="utf-8-sig")
    return [row["id"] for row in csv.DictReader(io.StringIO(text))]


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_known_valid_codes(code):
    assert uscc.problem(code) is None
    assert uscc.is_valid(code)
    assert uscc.check_char(code[:17]) == code[17]


def test_every_shipped_entity_id_is_valid():
    ids = shipped_ids()
    assert len(ids) == 133
    assert [c for c in ids if not uscc.is_valid(c)] == []


def test_alphabet_has_31_characters_without_i_o_s_v_z():
    assert len(uscc.ALPHABET) == 31
    assert not set("IOSVZ") & set(uscc.ALPHABET)
    assert len(uscc.WEIGHTS) == 17


def test_check_character_31_is_written_as_0():
    # a prefix whose weighted sum is a multiple of 31 gets check character 0
    assert uscc.check_char("0" * 17) == "0"
    assert uscc.is_valid("0" * 18)


def test_organisation_code_check_character():
    # 91110000600037341L carries the GB 11714 organisation code 60003734-1
    assert uscc.org_check_char("60003734") == "1"


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_altered_check_character_is_refused(code):
    for wrong in uscc.ALPHABET:
        if wrong == code[17]:
            continue
        message, hint = uscc.problem(code[:17] + wrong)
        assert message == f"统一社会信用代码校验位应为 {code[17]}，实为 {wrong}：{code[:17]}{wrong}"
        assert hint


def test_altered_body_character_is_refused():
    code = "91350100M000100Y43"
    altered = code[:5] + "2" + code[6:]  # 91350200... with the old check character
    assert not uscc.is_valid(altered)
    assert "校验位应为" in uscc.problem(altered)[0]


@pytest.mark.parametrize(
    "code, length",
    [("91350100M000100Y4", 17), ("91350100M000100Y433", 19), ("", 0), ("9135", 4)],
)
def test_wrong_length_is_refused(code, length):
    message, hint = uscc.problem(code)
    assert message == f"统一社会信用代码应为 18 位，实为 {length} 位：{code}"
    assert "多输或漏输" in hint


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_letters_outside_the_alphabet_are_refused(letter):
    code = "91350100M000100" + letter + "43"
    message, hint = uscc.problem(code)
    assert message == f"统一社会信用代码含有不允许的字符：{letter}"
    assert "I、O、S、V、Z" in hint


def test_lowercase_is_refused_with_a_hint_to_use_capitals():
    message, hint = uscc.problem("91350100m000100y43")
    assert message == "统一社会信用代码含有不允许的字符：m、y"
    assert "小写字母请改为大写" in hint


def test_fullwidth_and_space_are_refused():
    assert not uscc.is_valid("91350100M000100Y4３")
    assert not uscc.is_valid("91350100M000100Y4 ")


@given(st.text(alphabet=uscc.ALPHABET, min_size=17, max_size=17))
def test_any_body_with_its_check_character_is_valid(body):
    check = uscc.check_char(body)
    assert uscc.is_valid(body + check)
    total = sum(uscc.VALUES[c] * w for c, w in zip(body + check, (*uscc.WEIGHTS, 1)))
    assert total % 31 == 0  # the defining property of the check character


@given(st.text(alphabet=uscc.ALPHABET, min_size=17, max_size=17), st.sampled_from(uscc.ALPHABET))
def test_exactly_one_check_character_fits(body, candidate):
    assert uscc.is_valid(body + candidate) == (candidate == uscc.check_char(body))


@given(st.text(alphabet=uscc.ALPHABET, min_size=17, max_size=17), st.integers(0, 16), st.sampled_from(uscc.ALPHABET))
def test_a_single_changed_character_is_detected(body, position, replacement):
    code = body + uscc.check_char(body)
    altered = code[:position] + replacement + code[position + 1:]
    assert uscc.is_valid(altered) == (altered == code)
