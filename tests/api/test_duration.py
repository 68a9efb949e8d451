"""``rollsim.api.duration`` against Go's own tests of ``time.ParseDuration``.

The tables are transcribed from golang/go src/time/time_test.go (commit
f7396aaea0297a2e95b502a4075b0aed6efda89f): ``parseDurationTests`` (valid input and
its value), ``parseDurationErrorTests`` (invalid input and the quoted text its error
must contain) and the int64 extremes of ``TestParseDurationRoundTrip``. Go strings are
bytes; the cases with bytes that are not UTF-8 are written as ``bytes`` and passed
surrogate-escaped, as the parser documents.
"""

from __future__ import annotations

import pytest

from rollsim.api.argo import RolloutPause
from rollsim.api.duration import parse_duration, parse_duration_nanoseconds, parse_int

NANOSECOND = 1
MICROSECOND = 1_000 * NANOSECOND
MILLISECOND = 1_000 * MICROSECOND
SECOND = 1_000 * MILLISECOND
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE

PARSE_DURATION_TESTS: list[tuple[str, int]] = [
    # simple
    ("0", 0),
    ("5s", 5 * SECOND),
    ("30s", 30 * SECOND),
    ("1478s", 1478 * SECOND),
    # sign
    ("-5s", -5 * SECOND),
    ("+5s", 5 * SECOND),
    ("-0", 0),
    ("+0", 0),
    # decimal
    ("5.0s", 5 * SECOND),
    ("5.6s", 5 * SECOND + 600 * MILLISECOND),
    ("5.s", 5 * SECOND),
    (".5s", 500 * MILLISECOND),
    ("1.0s", 1 * SECOND),
    ("1.00s", 1 * SECOND),
    ("1.004s", 1 * SECOND + 4 * MILLISECOND),
    ("1.0040s", 1 * SECOND + 4 * MILLISECOND),
    ("100.00100s", 100 * SECOND + 1 * MILLISECOND),
    # different units
    ("10ns", 10 * NANOSECOND),
    ("11us", 11 * MICROSECOND),
    ("12\u00b5s", 12 * MICROSECOND),  # U+00B5
    ("12\u03bcs", 12 * MICROSECOND),  # U+03BC
    ("13ms", 13 * MILLISECOND),
    ("14s", 14 * SECOND),
    ("15m", 15 * MINUTE),
    ("16h", 16 * HOUR),
    # composite durations
    ("3h30m", 3 * HOUR + 30 * MINUTE),
    ("10.5s4m", 4 * MINUTE + 10 * SECOND + 500 * MILLISECOND),
    ("-2m3.4s", -(2 * MINUTE + 3 * SECOND + 400 * MILLISECOND)),
    (
        "1h2m3s4ms5us6ns",
        1 * HOUR + 2 * MINUTE + 3 * SECOND + 4 * MILLISECOND + 5 * MICROSECOND + 6 * NANOSECOND,
    ),
    ("39h9m14.425s", 39 * HOUR + 9 * MINUTE + 14 * SECOND + 425 * MILLISECOND),
    # large value
    ("52763797000ns", 52763797000 * NANOSECOND),
    # more than 9 digits after decimal point, see https://golang.org/issue/6617
    ("0.3333333333333333333h", 20 * MINUTE),
    # 9007199254740993 = 1<<53+1 cannot be stored precisely in a float64
    ("9007199254740993ns", ((1 << 53) + 1) * NANOSECOND),
    # largest duration that can be represented by int64 in nanoseconds
    ("9223372036854775807ns", ((1 << 63) - 1) * NANOSECOND),
    ("9223372036854775.807us", ((1 << 63) - 1) * NANOSECOND),
    ("9223372036s854ms775us807ns", ((1 << 63) - 1) * NANOSECOND),
    ("-9223372036854775808ns", -(1 << 63) * NANOSECOND),
    ("-9223372036854775.808us", -(1 << 63) * NANOSECOND),
    ("-9223372036s854ms775us808ns", -(1 << 63) * NANOSECOND),
    # largest negative value
    ("-9223372036854775808ns", -(1 << 63) * NANOSECOND),
    # largest negative round trip value, see https://golang.org/issue/48629
    ("-2562047h47m16.854775808s", -(1 << 63) * NANOSECOND),
    # huge string; issue 15011.
    ("0.100000000000000000000h", 6 * MINUTE),
    # This value tests the first overflow check in leadingFraction.
    ("0.830103483285477580700h", 49 * MINUTE + 48 * SECOND + 372539827 * NANOSECOND),
    # TestParseDurationRoundTrip: Duration(math.MaxInt64).String() parses back.
    ("2562047h47m16.854775807s", (1 << 63) - 1),
]

PARSE_DURATION_ERROR_TESTS: list[tuple[str | bytes, str]] = [
    # invalid
    ("", '""'),
    ("3", '"3"'),
    ("-", '"-"'),
    ("s", '"s"'),
    (".", '"."'),
    ("-.", '"-."'),
    (".s", '".s"'),
    ("+.s", '"+.s"'),
    ("1d", '"1d"'),
    (b"\x85\x85", r'"\x85\x85"'),
    (b"\xffff", r'"\xffff"'),
    (b"hello \xffff world", r'"hello \xffff world"'),
    ("\ufffd", r'"\xef\xbf\xbd"'),  # utf8.RuneError
    ("\ufffd hello \ufffd world", r'"\xef\xbf\xbd hello \xef\xbf\xbd world"'),  # utf8.RuneError
    # overflow
    ("9223372036854775810ns", '"9223372036854775810ns"'),
    ("9223372036854775808ns", '"9223372036854775808ns"'),
    ("-9223372036854775809ns", '"-9223372036854775809ns"'),
    ("9223372036854776us", '"9223372036854776us"'),
    ("3000000h", '"3000000h"'),
    ("9223372036854775.808us", '"9223372036854775.808us"'),
    ("9223372036854ms775us808ns", '"9223372036854ms775us808ns"'),
]


def _go_string(value: str | bytes) -> str:
    """A Go string as the parser takes it: bytes that are not UTF-8 surrogate-escaped."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "surrogateescape")
    return value


@pytest.mark.parametrize(("text", "want"), PARSE_DURATION_TESTS)
def test_parse_duration(text: str, want: int) -> None:
    assert parse_duration_nanoseconds(text) == want
    assert parse_duration(text) == want / 1e9


@pytest.mark.parametrize(("text", "expect"), PARSE_DURATION_ERROR_TESTS)
def test_parse_duration_errors(text: str | bytes, expect: str) -> None:
    with pytest.raises(ValueError) as error:
        parse_duration_nanoseconds(_go_string(text))
    assert expect in str(error.value)
    with pytest.raises(ValueError):
        parse_duration(_go_string(text))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", 'time: invalid duration "abc"'),
        ("", 'time: invalid duration ""'),
        ("3000000h", 'time: invalid duration "3000000h"'),
        ("5", 'time: missing unit in duration "5"'),
        ("1h5", 'time: missing unit in duration "1h5"'),
        ("5x", 'time: unknown unit "x" in duration "5x"'),
        ("1h2days", 'time: unknown unit "days" in duration "1h2days"'),
        ('5"\\', 'time: unknown unit "\\"\\\\" in duration "5\\"\\\\"'),
    ],
)
def test_parse_duration_error_messages(text: str, message: str) -> None:
    """Go's exact words (errors.New in ParseDuration, quoted by time.quote)."""
    with pytest.raises(ValueError) as error:
        parse_duration_nanoseconds(text)
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("text", "bit_size", "want"),
    [
        ("0", 64, 0),
        ("30", 64, 30),
        ("+30", 64, 30),
        ("-30", 64, -30),
        ("007", 64, 7),
        ("9223372036854775807", 64, (1 << 63) - 1),
        ("-9223372036854775808", 64, -(1 << 63)),
        ("9223372036854775808", 64, None),
        ("2147483647", 32, (1 << 31) - 1),
        ("-2147483648", 32, -(1 << 31)),
        ("2147483648", 32, None),
        ("", 64, None),
        ("+", 64, None),
        ("1_000", 64, None),
        (" 1", 64, None),
        ("1.0", 64, None),
        ("30s", 64, None),
        ("\u0661", 64, None),  # a digit, but not an ASCII one
        pytest.param("0" * 5000 + "42", 64, 42, id="5000-leading-zeros"),
        pytest.param("9" * 5000, 64, None, id="5000-nines"),
    ],
)
def test_parse_int(text: str, bit_size: int, want: int | None) -> None:
    """``strconv.ParseInt(text, 10, bit_size)``: ``None`` where Go returns an error."""
    assert parse_int(text, bit_size) == want


@pytest.mark.parametrize(
    ("duration", "seconds"),
    [
        (None, 0),
        (30, 30),
        ("30", 30),
        ("-5", -5),
        ("30s", 30),
        ("1m30s", 90),
        ("1.9s", 1),
        ("500ms", 0),
        ("1h", 3600),
        ("2147483648", -1),
        ("30x", -1),
        ("", -1),
    ],
)
def test_rollout_pause_duration_seconds(duration: int | str | None, seconds: int) -> None:
    """``RolloutPause.DurationSeconds``: an integer is seconds, else a Go duration
    truncated to seconds, else -1; no duration is 0."""
    assert RolloutPause(duration).duration_seconds() == seconds
