"""One ``kubectl get`` table: the kind's columns, then what the print flags add.

Mirrors k8s.io/cli-runtime/pkg/printers (``HumanReadablePrinter.PrintObj`` and
``decorateTable``): the NAMESPACE column first for ``-A`` on a namespaced kind,
``kind/name`` in the name column when several kinds are printed, one column per
``-L`` label (its header the key's last path segment, upper-cased), LABELS last
for ``--show-labels``, no header row for ``--no-headers``; then ``tabwrite``
with ``GetNewTabWriter``'s settings (minimum width 6, padding 3).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rollsim.kubectl.printers import builtin_rows
from rollsim.kubectl.printers_inert import (
    PrinterColumn,
    custom_resource_rows,
    format_labels,
    inert_rows,
)
from rollsim.kubectl.tabwriter import tabwrite

__all__ = ["TableOptions", "kind_rows", "render", "table_lines"]


@dataclass(frozen=True)
class TableOptions:
    """The print flags that shape a table."""

    wide: bool = False
    with_namespace: bool = False
    #: ``deployment.apps``: prefixed to each name when several kinds are printed.
    with_kind: str = ""
    show_labels: bool = False
    label_columns: tuple[str, ...] = ()
    no_headers: bool = False


def kind_rows(
    key: str,
    items: Sequence[Any],
    now: float,
    wide: bool,
    columns: list[PrinterColumn] | None = None,
) -> list[list[str]]:
    """The header and rows of ``items`` of the kind filed under ``key``: its built-in
    printer, else the custom-resource table (``columns`` from its CRD)."""
    rows = builtin_rows(key, items, now, wide) or inert_rows(key, items, now, wide)
    if rows is None:
        rows = custom_resource_rows(items, now, wide, columns)
    return rows


def table_lines(
    rows: list[list[str]], items: Sequence[Any], options: TableOptions
) -> list[list[str]]:
    """``decorateTable``: ``rows`` (header first) with the print flags' columns."""
    head = list(rows[0])
    if options.with_namespace:
        head.insert(0, "NAMESPACE")
    head += [key.rsplit("/", 1)[-1].upper() for key in options.label_columns]
    if options.show_labels:
        head.append("LABELS")
    lines = [] if options.no_headers else [head]
    for obj, row in zip(items, rows[1:], strict=True):
        cells = list(row)
        if options.with_kind:
            cells[0] = f"{options.with_kind}/{cells[0]}"
        if options.with_namespace:
            cells.insert(0, obj.metadata.namespace)
        labels = obj.metadata.labels
        cells += [str(labels.get(key, "")) for key in options.label_columns]
        if options.show_labels:
            cells.append(format_labels(labels))
        lines.append(cells)
    return lines


def render(rows: list[list[str]], items: Sequence[Any], options: TableOptions) -> str:
    """The table as kubectl prints it."""
    lines = table_lines(rows, items, options)
    return tabwrite("".join("\t".join(line) + "\n" for line in lines), 6, 3)
