"""统一社会信用代码 (GB 32100-2015): the check character, tested against published codes, every single
mutation of one, and (hypothesis) an independent reading of the standard over random bodies."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liangping.chains.creditcode import ALPHABET, CreditCodeError, check_char, is_valid, normalize, validate

# Codes printed in public registers and library test suites (GB 32100 conformant).
PUBLISHED = ["91310110666007217T", "91310115591693856A", "91230184MA1BUFLT44", "92371000MA3MXH0E3W"]
# An early pilot code that does not follow the standard's check character (reported as such).
NON_CONFORMING = "91350211M00013FA1N"

# The standard, read independently: the character set without I, O, Z, S, V; weights 3^(i-1) mod 31.
STANDARD_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def reference_check(body: str) -> str:
    total = sum(STANDARD_CHARS.index(ch) * pow(3, i, 31) for i, ch in enumerate(body))
    value = 31 - total % 31
    return STANDARD_CHARS[0 if value == 31 else value]


def test_alphabet_is_the_standards():
    assert ALPHABET == STANDARD_CHARS and len(ALPHABET) == 31
    assert not set("IOZSV") & set(ALPHABET)


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_are_valid(code):
    assert validate(code) == code


def test_a_non_conforming_pilot_code_is_refused_with_the_expected_character():
    with pytest.raises(CreditCodeError, match="第18位应为“3”"):
        validate(NON_CONFORMING)


@pytest.mark.parametrize("code", PUBLISHED)
def test_every_single_character_change_is_caught(code):
    """Weights are non-zero modulo the prime 31, so changing any one character changes the sum."""
    for position in range(18):
        for ch in ALPHABET:
            if ch == code[position]:
                continue
            mutated = code[:position] + ch + code[position + 1 :]
            if position in range(2, 8) and not ch.isdigit():
                continue  # refused for the region code anyway
            assert not is_valid(mutated), mutated


def test_lower_case_spaces_and_full_width_are_normalised():
    assert validate(" 91310110 666007217t ") == "91310110666007217T"
    assert validate("９１３１０１１０６６６００７２１７Ｔ") == "91310110666007217T"
    assert normalize("a b") == "AB"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "不能为空"),
        ("9131011066600721", "应为18位"),
        ("91310110666007217TX", "应为18位"),
        ("91310110666OO7217T", "不允许的字符“O”"),
        ("9131011066600721IT", "不允许的字符“I”"),
        ("91A10110666007217T", "行政区划码"),
        ("91310110666007217A", "校验位不正确"),
    ],
)
def test_refusals_say_what_to_fix(text, message):
    with pytest.raises(CreditCodeError, match=message):
        validate(text)


BODY = st.tuples(
    st.text(alphabet=ALPHABET, min_size=2, max_size=2),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=ALPHABET, min_size=9, max_size=9),
).map("".join)


@given(BODY)
def test_check_character_agrees_with_the_standard(body):
    expected = reference_check(body)
    assert check_char(body) == expected
    assert is_valid(body + expected)


@given(BODY, st.sampled_from(ALPHABET))
def test_any_other_check_character_is_refused(body, last):
    if last != reference_check(body):
        assert not is_valid(body + last)
