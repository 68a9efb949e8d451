"""Go's duration and integer syntax, for every field that takes a Go duration.

One reading of ``time.ParseDuration`` (Go src/time/format.go: ``ParseDuration``,
``leadingInt``, ``leadingFraction``, ``quote``), with Go's overflow rules and
error texts, and one of ``strconv.ParseInt`` in base 10 (src/strconv/atoi.go),
the integer form that several duration fields accept beside a duration. Each
caller keeps its own rules on top: Argo's pause ``duration`` takes an integer
as seconds and -1 for garbage, an AnalysisTemplate metric's ``interval``
defaults to none, Flagger's ``analysis.interval`` falls back to 60 s.

Go strings are bytes, so a ``str`` is read as its UTF-8 bytes; characters
from ``bytes.decode("utf-8", "surrogateescape")`` stand for the bytes that
are not UTF-8, which lets Go's handling (and quoting) of such input be
reproduced.
"""

from __future__ import annotations

from typing import Final

__all__ = ["parse_duration", "parse_duration_nanoseconds", "parse_int"]

_NANOSECONDS_PER_UNIT: Final = {
    b"ns": 1,
    b"us": 1_000,
    "\u00b5s".encode(): 1_000,  # micro sign
    "\u03bcs".encode(): 1_000,  # Greek small letter mu
    b"ms": 1_000_000,
    b"s": 1_000_000_000,
    b"m": 60_000_000_000,
    b"h": 3_600_000_000_000,
}
_DIGITS: Final = frozenset(b"0123456789")
_NUMBER_BYTES: Final = _DIGITS | frozenset(b".")
_OVERFLOW: Final = 1 << 63
_UINT64_MASK: Final = (1 << 64) - 1
_RUNE_ERROR: Final = 0xFFFD


def parse_duration(text: str) -> float:
    """``time.ParseDuration`` in seconds: ``parse_duration_nanoseconds(text) / 1e9``."""
    return parse_duration_nanoseconds(text) / 1e9


def parse_duration_nanoseconds(text: str) -> int:
    """``time.ParseDuration``: ``[-+]?([0-9]*(\\.[0-9]*)?unit)+`` or a lone ``0``, in nanoseconds.

    Units are ns, us (µs, μs), ms, s, m, h; fractions are accurate to the
    nanosecond as Go's float arithmetic makes them; the total must fit an
    int64 (-2⁶³ included). Raises ``ValueError`` with Go's message:
    ``time: invalid duration "…"``, ``time: missing unit in duration "…"`` or
    ``time: unknown unit "…" in duration "…"``.
    """
    original = text.encode("utf-8", "surrogateescape")
    rest = original
    negative = False
    if rest[:1] in (b"-", b"+"):
        negative = rest[:1] == b"-"
        rest = rest[1:]
    if rest == b"0":
        return 0
    if not rest:
        raise _invalid(original)
    total = 0
    while rest:
        nanoseconds, rest = _leading_component(rest, original)
        # Go adds in uint64, which wraps; only a sum above 2⁶³ is an error.
        total = (total + nanoseconds) & _UINT64_MASK
        if total > _OVERFLOW:
            raise _invalid(original)
    if negative:
        return -total
    if total > _OVERFLOW - 1:
        raise _invalid(original)
    return total


def parse_int(text: str, bit_size: int = 64) -> int | None:
    """``strconv.ParseInt(text, 10, bit_size)``: an optional sign and ASCII digits whose
    value fits a signed ``bit_size``-bit integer; ``None`` where Go returns an error
    (``bit_size`` 64 is ``strconv.Atoi``)."""
    digits = text[1:] if text[:1] in ("-", "+") else text
    if not digits or not all(c in "0123456789" for c in digits):
        return None
    significant = digits.lstrip("0") or "0"
    if len(significant) > 19:  # past any int64 (and past int()'s limit on digits)
        return None
    value = -int(significant) if text[:1] == "-" else int(significant)
    limit = 1 << (bit_size - 1)
    return value if -limit <= value < limit else None


def _leading_component(rest: bytes, original: bytes) -> tuple[int, bytes]:
    """One ``number unit`` of ``ParseDuration``'s loop: its nanoseconds and what follows."""
    if rest[0] not in _NUMBER_BYTES:
        raise _invalid(original)
    digits = _count_leading(rest, _DIGITS)
    whole = _leading_int(rest[:digits])
    if whole is None:
        raise _invalid(original)
    rest = rest[digits:]
    fraction, scale, fraction_digits = 0, 1.0, 0
    if rest[:1] == b".":
        rest = rest[1:]
        fraction_digits = _count_leading(rest, _DIGITS)
        fraction, scale = _leading_fraction(rest[:fraction_digits])
        rest = rest[fraction_digits:]
    if digits == 0 and fraction_digits == 0:
        raise _invalid(original)
    unit_length = next((i for i, byte in enumerate(rest) if byte in _NUMBER_BYTES), len(rest))
    if unit_length == 0:
        raise ValueError(f"time: missing unit in duration {_quote(original)}")
    unit, rest = rest[:unit_length], rest[unit_length:]
    per_unit = _NANOSECONDS_PER_UNIT.get(unit)
    if per_unit is None:
        raise ValueError(f"time: unknown unit {_quote(unit)} in duration {_quote(original)}")
    if whole > _OVERFLOW // per_unit:
        raise _invalid(original)
    nanoseconds = whole * per_unit
    if fraction > 0:
        # Go: v += uint64(float64(f) * (float64(unit) / scale)), float64 on purpose.
        nanoseconds += int(float(fraction) * (float(per_unit) / scale))
        if nanoseconds > _OVERFLOW:
            raise _invalid(original)
    return nanoseconds, rest


def _count_leading(data: bytes, accepted: frozenset[int]) -> int:
    """How many bytes at the start of ``data`` are in ``accepted``."""
    return next((i for i, byte in enumerate(data) if byte not in accepted), len(data))


def _leading_int(digits: bytes) -> int | None:
    """``leadingInt``: the value of ASCII ``digits``, ``None`` once it passes 2⁶³."""
    value = 0
    for byte in digits:
        if value > _OVERFLOW // 10:
            return None
        value = value * 10 + byte - 0x30
        if value > _OVERFLOW:
            return None
    return value


def _leading_fraction(digits: bytes) -> tuple[int, float]:
    """``leadingFraction``: (digits as an integer, 10 ** digits kept) where digits stop
    counting, without an error, once the integer would pass 2⁶³."""
    value, scale = 0, 1.0
    for byte in digits:
        if value > (_OVERFLOW - 1) // 10:
            break
        following = value * 10 + byte - 0x30
        if following > _OVERFLOW:
            break
        value = following
        scale *= 10
    return value, scale


def _invalid(original: bytes) -> ValueError:
    return ValueError(f"time: invalid duration {_quote(original)}")


def _quote(data: bytes) -> str:
    """Go's ``time.quote``: double quotes, ``\\"`` and ``\\\\`` escaped, and every byte of a
    non-ASCII, control or invalid UTF-8 character written as ``\\xNN``."""
    out = ['"']
    i = 0
    while i < len(data):
        rune, width = _decode_rune(data, i)
        if rune >= 0x80 or rune < 0x20:
            out.extend(f"\\x{byte:02x}" for byte in data[i : i + width])
        else:
            if rune in (0x22, 0x5C):
                out.append("\\")
            out.append(chr(rune))
        i += width
    out.append('"')
    return "".join(out)


def _decode_rune(data: bytes, i: int) -> tuple[int, int]:
    """``utf8.DecodeRuneInString`` at ``i``: (rune, width), (U+FFFD, 1) when invalid."""
    lead = data[i]
    if lead < 0x80:
        return lead, 1
    if 0xC2 <= lead <= 0xDF:
        width = 2
    elif 0xE0 <= lead <= 0xEF:
        width = 3
    elif 0xF0 <= lead <= 0xF4:
        width = 4
    else:
        return _RUNE_ERROR, 1
    try:
        return ord(data[i : i + width].decode("utf-8")), width
    except UnicodeDecodeError:
        return _RUNE_ERROR, 1
