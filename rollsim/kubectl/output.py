"""What ``kubectl get`` prints for its objects, per ``-o``.

Mirrors staging/src/k8s.io/kubectl/pkg/cmd/get/get.go: the human-readable
path (``Run``: one table per kind, a blank line before each table after the
first, ``kind/name`` when the objects are of several kinds) and ``printGeneric``
for every other format, which prints one ``List`` (or the object itself when a
single one was named): ``-o name`` (``NamePrinter``), ``yaml``/``json``,
``jsonpath`` (``JSONPathPrinter``) and ``custom-columns``
(``CustomColumnsPrinter``: one header, ``<none>`` for a path that finds nothing).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rollsim.api.kinds import KindInfo
from rollsim.api.manifest import dump_yaml, to_dict
from rollsim.kubectl.cmdutil import Args, Kubectl, KubectlError
from rollsim.kubectl.jsonpath import JSONPathError, Template, format_value, parse, relaxed
from rollsim.kubectl.printers_inert import PrinterColumn
from rollsim.kubectl.tables import TableOptions, kind_rows, render
from rollsim.kubectl.tabwriter import tabwrite

__all__ = ["crd_columns", "print_objects", "table_options"]

Found = Sequence[tuple[KindInfo, Sequence[Any]]]


def crd_columns(k: Kubectl, info: KindInfo) -> list[PrinterColumn] | None:
    """The printer columns of the CRD that defines ``info``, if the cluster holds it."""
    if not info.inert or not info.group:
        return None
    crd = k.cluster.store.get("CustomResourceDefinition", "", f"{info.plural}.{info.group}")
    if crd is None:
        return None
    return PrinterColumn.from_crd(crd, info.api_version.rpartition("/")[2])


def table_options(k: Kubectl, args: Args, info: KindInfo, with_kind: bool) -> TableOptions:
    """The print flags as they shape ``info``'s table."""
    labels = args.slice_flag("label-columns")
    return TableOptions(
        wide=args.flags.get("output") == "wide",
        with_namespace=k.all_namespaces and info.namespaced,
        with_kind=info.singular if with_kind else "",
        show_labels=args.flags.get("show-labels") == "true",
        label_columns=tuple(key.strip() for key in labels if key.strip()),
        no_headers=args.flags.get("no-headers") == "true",
    )


def _document(found: Found, single: bool) -> Any:
    objects = [to_dict(obj) for _, items in found for obj in items]
    if single and len(objects) == 1:
        return objects[0]
    return {
        "apiVersion": "v1",
        "items": objects,
        "kind": "List",
        "metadata": {"resourceVersion": ""},
    }


def _template_text(k: Kubectl, output: str) -> str:
    """The template of ``-o jsonpath=...`` or ``-o jsonpath-file=PATH``."""
    name, _, value = output.partition("=")
    if name.endswith("-file"):
        try:
            return (k.cwd / Path(value)).read_text()
        except OSError as err:
            raise KubectlError(f"error reading --template {value}, {err.strerror}") from None
    return value


def _jsonpath(k: Kubectl, output: str, document: Any) -> str:
    text = _template_text(k, output)
    try:
        template = parse(text)
    except JSONPathError as err:
        raise KubectlError(f"error: error parsing jsonpath {text}, {err}") from None
    return template.execute(document)


def _custom_columns(k: Kubectl, args: Args, output: str, document: Any) -> str:
    """``NewCustomColumnsPrinterFromSpec`` (or ``FromTemplate`` for a file), printing
    every item of the list under one header."""
    columns = _column_spec(k, output)
    items = document["items"] if document.get("kind") == "List" else [document]
    lines = [] if args.flags.get("no-headers") == "true" else [[h for h, _ in columns]]
    for item in items:
        row = []
        for _, template in columns:
            values = [format_value(v) for found in template.find(item) for v in found]
            row.append(",".join(values) or "<none>")
        lines.append(row)
    return tabwrite("".join("\t".join(line) + "\n" for line in lines), 6, 3)


def _column_spec(k: Kubectl, output: str) -> list[tuple[str, Template]]:
    name, _, spec = output.partition("=")
    if name == "custom-columns-file":
        words = [line.split() for line in _template_text(k, output).splitlines() if line.strip()]
        if len(words) != 2 or len(words[0]) != len(words[1]):
            raise KubectlError("error: expected two lines of equal length in custom-columns-file")
        pairs = list(zip(words[0], words[1], strict=True))
    else:
        if not spec:
            raise KubectlError("error: custom-columns format specified but no custom columns given")
        pairs = []
        for part in spec.split(","):
            header, colon, path = part.partition(":")
            if not colon:
                raise KubectlError(
                    f"error: unexpected custom-columns spec: {part}, "
                    "expected <header>:<json-path-expr>"
                )
            pairs.append((header, path))
    try:
        return [(header, parse(relaxed(path))) for header, path in pairs]
    except JSONPathError as err:
        raise KubectlError(f"error: {err}") from None


def print_objects(k: Kubectl, args: Args, found: Found, output: str, single: bool) -> str:
    """The objects found, per ``-o``; ``single``: one object named on the command line."""
    if output == "name":
        return "".join(
            f"{info.singular}/{o.metadata.name}\n" for info, items in found for o in items
        )
    if output in ("yaml", "json"):
        document = _document(found, single)
        if output == "json":
            return json.dumps(document, indent=4, ensure_ascii=False) + "\n"
        return dump_yaml(document)
    if output.startswith("jsonpath"):
        return _jsonpath(k, output, _document(found, single))
    if output.startswith("custom-columns"):
        return _custom_columns(k, args, output, _document(found, False)) if found else ""
    with_kind = len({info.store_key for info, _ in found}) > 1
    tables = []
    for info, items in found:
        options = table_options(k, args, info, with_kind)
        rows = kind_rows(info.store_key, items, k.cluster.now, options.wide, crd_columns(k, info))
        tables.append(render(rows, items, options))
    separator = "" if args.flags.get("no-headers") == "true" else "\n"
    return separator.join(tables)
