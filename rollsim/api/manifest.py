"""Manifests in, API objects out: YAML text, a path, a dict or an object.

``load`` decodes every document, applies API-server defaults and runs
validation, and raises one ``ValidationError`` listing every problem before
anything is returned, so a caller can apply all documents or none.
YAML is read with ``yaml.safe_load``-style composition only.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from rollsim.api.errors import FieldError, ValidationError
from rollsim.api.kinds import decodable
from rollsim.api.wire import decode, encode

__all__ = [
    "dump_yaml",
    "load",
    "load_documents",
    "to_dict",
    "to_yaml",
]


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps timestamps and other scalars as JSON would see them."""


_Loader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    lambda loader, node: loader.construct_scalar(node),  # type: ignore[arg-type]
)


def _split_documents(text: str) -> list[tuple[str, int]]:
    """Split on ``---`` lines as kubectl's YAML reader does: (document, first line)."""
    chunks: list[tuple[str, int]] = []
    current: list[str] = []
    first = 1
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        rest = line[3:].strip() if line.startswith("---") else None
        if rest is not None and (not rest or rest.startswith("#")):
            chunks.append(("".join(current), first))
            current, first = [], number + 1
        else:
            current.append(line)
    chunks.append(("".join(current), first))
    return chunks


def _yaml_documents(text: str, source: str) -> list[tuple[Any, int]]:
    """Each non-empty document with its first line (1-based).

    A YAML error reads as kubectl's (``error converting YAML to JSON: yaml:
    line N: ...``, N counted within the document) and names the document
    when the text has several.
    """
    chunks = _split_documents(text)
    documents = []
    for index, (chunk, first) in enumerate(chunks, start=1):
        try:
            doc = yaml.load(chunk, Loader=_Loader)
        except yaml.MarkedYAMLError as err:
            mark = err.problem_mark or err.context_mark
            line = mark.line + 1 if mark else 0
            problem = (err.problem or "invalid YAML").replace(" here", " in this context")
            where = (
                f" (document {index} of {len(chunks)}, from line {first})"
                if len(chunks) > 1
                else ""
            )
            raise ValidationError(
                [
                    FieldError(
                        "Decode",
                        "yaml",
                        f"error converting YAML to JSON: yaml: line {line}: {problem}{where}",
                    )
                ],
                source=source,
            ) from None
        if doc is not None:
            documents.append((doc, first))
    return documents


def _decode_document(doc: Any, where: str) -> tuple[Any, list[str]]:
    if not isinstance(doc, Mapping):
        return None, [f"{where}: a manifest must be a mapping, got {type(doc).__name__}"]
    kind, api_version = doc.get("kind"), doc.get("apiVersion")
    if not kind:
        return None, [f"{where}: Object 'Kind' is missing".lstrip(": ")]
    if not api_version:
        return None, [f"{where}: Object 'apiVersion' is missing".lstrip(": ")]
    info = decodable(str(api_version), str(kind))
    if info is None:
        return None, [
            f'resource mapping not found for name: "{_name_of(doc)}" namespace: "" '
            f'from "{where}": no matches for kind "{kind}" in version '
            f'"{api_version}"\nensure CRDs are installed first'
        ]
    # The status subresource is ignored on apply, as the API server ignores it.
    body = {k: v for k, v in doc.items() if k != "status"}
    version = str(api_version).rsplit("/", 1)[-1]
    obj, errors = decode(info.cls, body, info.kind, version)
    if not errors and obj is not None:
        obj = info.default(obj)
        errors = info.validate(obj)
    if errors:
        raise ValidationError(errors, info.kind, _name_of(doc), where)
    return obj, []


def _name_of(doc: Mapping[str, Any]) -> str:
    meta = doc.get("metadata")
    return str(meta.get("name", "")) if isinstance(meta, Mapping) else ""


def _documents(source: Any) -> tuple[list[tuple[Any, int]], str]:
    if isinstance(source, Path) or (
        isinstance(source, str)
        and "\n" not in source
        and source.endswith((".yaml", ".yml", ".json"))
    ):
        path = os.fspath(source)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as err:
            raise ValidationError(
                [
                    FieldError(
                        "Decode",
                        "",
                        f'the path "{path}" does not exist'
                        if isinstance(err, FileNotFoundError)
                        else f'unable to read "{path}": {err.strerror}',
                    )
                ],
                source=path,
            ) from None
        return _yaml_documents(text, path), path
    if isinstance(source, str):
        return _yaml_documents(source, ""), ""
    if isinstance(source, Mapping):
        return [(source, 0)], ""
    if isinstance(source, Iterable):
        docs: list[tuple[Any, int]] = []
        for item in source:
            if isinstance(item, Mapping):
                docs.append((item, 0))
            else:
                docs.extend(_documents(item)[0])
        return docs, ""
    return [(source, 0)], ""


def load_documents(source: Any) -> list[tuple[Any, dict[str, Any]]]:
    """Like ``load``, paired with each document's manifest as given (status dropped)."""
    documents, path = _documents(source)
    loaded: list[tuple[Any, dict[str, Any]]] = []
    problems: list[str] = []
    failures: list[ValidationError] = []
    for index, (doc, line) in enumerate(documents):
        where = path
        if len(documents) > 1:
            where = f"{path or 'document'} #{index + 1}" + (f" (line {line})" if line else "")
        if hasattr(doc, "metadata") and hasattr(doc, "kind"):
            info = decodable(doc.api_version, doc.kind)
            if info is None:
                raise TypeError(f"cannot apply an object of type {type(doc).__name__}")
            obj = info.default(doc)
            errors = info.validate(obj)
            if errors:
                failures.append(ValidationError(errors, info.kind, obj.metadata.name, where))
            manifest = {k: v for k, v in to_dict(doc).items() if k != "status"}
            loaded.append((obj, manifest))
            continue
        try:
            obj, doc_problems = _decode_document(doc, where)
        except ValidationError as err:
            failures.append(err)
            continue
        problems += doc_problems
        if obj is not None:
            loaded.append((obj, {k: v for k, v in doc.items() if k != "status"}))
    if len(failures) == 1 and not problems:
        raise failures[0]
    if problems or failures:
        details = problems + [str(f) for f in failures]
        raise ValidationError([FieldError("Decode", "", d) for d in details])
    return loaded


def load(source: Any) -> list[Any]:
    """Decode, default and validate every document in ``source``.

    ``source`` is a path (``str`` ending in .yaml/.yml/.json, or ``Path``),
    YAML text (multi-document), a dict, an API object, or a list of those.
    API objects are defaulted and validated like decoded ones. Raises one
    ``ValidationError`` naming every problem in every document.
    """
    return [obj for obj, _ in load_documents(source)]


def to_dict(obj: Any) -> dict[str, Any]:
    """The camelCase wire form of an API object."""
    wire = encode(obj)
    return {
        "apiVersion": wire.pop("apiVersion", obj.api_version),
        "kind": wire.pop("kind", obj.kind),
        **wire,
    }


class _KubectlDumper(yaml.SafeDumper):
    """Scalars styled as go-yaml (kubectl) writes them: double quotes where a plain
    scalar would read as another type, literal blocks for multi-line text."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    resolved = dumper.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    if resolved != "tag:yaml.org,2002:str" or value == "":
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_KubectlDumper.add_representer(str, _represent_str)


def dump_yaml(document: Any) -> str:
    """A wire document as ``kubectl ... -o yaml`` prints it (keys sorted, non-ASCII kept)."""
    return yaml.dump(
        document,
        Dumper=_KubectlDumper,
        sort_keys=True,
        allow_unicode=True,
        default_flow_style=False,
    )


def to_yaml(obj: Any) -> str:
    """YAML as ``kubectl get -o yaml`` prints it (keys sorted, non-ASCII kept)."""
    return dump_yaml(to_dict(obj))
