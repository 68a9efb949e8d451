"""Go's ``text/tabwriter``, which every kubectl table and description goes through.

Cells are tab-terminated; the text after a line's last tab is not part of a
column. A column block is a run of consecutive lines that have a cell in that
column; each block is as wide as its widest cell plus ``padding`` (at least
``min_width``). A line without any tab flushes: blocks never span it. Widths
count characters (runes), as Go's ``utf8.RuneCountInString``.
"""

from __future__ import annotations

__all__ = ["tabwrite"]


def tabwrite(text: str, min_width: int = 0, padding: int = 1) -> str:
    """Align ``text`` as a ``tabwriter.Writer`` with space padding would, then flush."""
    out: list[str] = []
    segment: list[list[str]] = []
    lines = text.split("\n")
    trailing_newline = text.endswith("\n")
    if trailing_newline:
        lines.pop()
    for line in lines:
        cells = line.split("\t")
        segment.append(cells)
        if len(cells) == 1:
            out.extend(_format(segment, min_width, padding))
            segment = []
    out.extend(_format(segment, min_width, padding))
    result = "\n".join(out)
    return result + "\n" if trailing_newline else result


def _format(lines: list[list[str]], min_width: int, padding: int) -> list[str]:
    widths: list[list[int]] = [[] for _ in lines]
    _layout(lines, 0, 0, len(lines), [], widths, min_width, padding)
    rendered = []
    for cells, line_widths in zip(lines, widths, strict=True):
        parts = [cell.ljust(width) for cell, width in zip(cells, line_widths, strict=False)]
        parts.append(cells[-1])
        rendered.append("".join(parts))
    return rendered


def _layout(
    lines: list[list[str]],
    column: int,
    start: int,
    end: int,
    stack: list[int],
    widths: list[list[int]],
    min_width: int,
    padding: int,
) -> None:
    """Go's recursive ``format``: fix the width of ``column`` block by block."""
    i = start
    while i < end:
        if column >= len(lines[i]) - 1:
            widths[i] = list(stack)
            i += 1
            continue
        block_start = i
        width = min_width
        while i < end and column < len(lines[i]) - 1:
            width = max(width, len(lines[i][column]) + padding)
            i += 1
        _layout(lines, column + 1, block_start, i, [*stack, width], widths, min_width, padding)
