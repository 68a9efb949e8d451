"""Manifests in, API objects out: YAML text, a path, a dict or an object.

``decode_documents`` reads every document of a source, in order, and decodes,
defaults and validates each on its own, as kubectl's resource builder visits
them with ``ContinueOnError``: one document's problem is that document's, and
``apply`` writes the others. ``load`` is the strict form: it raises one
``ValidationError`` listing every problem before anything is returned. Kinds
rollsim does not simulate decode into ``InertObject``s (``rollsim.api.inert``);
YAML is read by ``rollsim.api.yaml_text``, which builds plain data only.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rollsim.api.errors import FieldError, ValidationError
from rollsim.api.inert import (
    InertObject,
    decode_inert,
    default_inert,
    inert_wire,
    validate_inert,
)
from rollsim.api.kinds import Discovery, KindInfo
from rollsim.api.limits import MAX_DOCUMENTS, MAX_REQUEST_BODY_BYTES, jsonable, too_large
from rollsim.api.wire import decode, encode
from rollsim.api.yaml_text import YAMLProblem, compose_yaml, yaml_documents

__all__ = [
    "Decoded",
    "YAMLProblem",
    "compose_yaml",
    "decode_documents",
    "dump_yaml",
    "load",
    "load_documents",
    "to_dict",
    "to_yaml",
]


@dataclass(frozen=True)
class Decoded:
    """One document of a source and what it became: an object with the manifest it was
    decoded from (status dropped), or the reason it was refused.

    ``problem`` is a document the resource builder cannot map (no kind, an unknown
    kind); ``error`` one the API server refuses (a decode or validation error).
    """

    index: int
    line: int
    where: str
    obj: Any = None
    manifest: dict[str, Any] = field(default_factory=dict)
    kind: KindInfo | None = None
    problem: str = ""
    error: ValidationError | None = None

    @property
    def ok(self) -> bool:
        """Whether the document decoded, defaulted and validated."""
        return self.obj is not None and not self.problem and self.error is None


def _decode_document(
    doc: Any, where: str, discovery: Discovery
) -> tuple[Any, KindInfo | None, str]:
    """``doc`` decoded, defaulted and validated; a mapping problem as kubectl's text;
    raises the API server's ``ValidationError`` for a body it refuses."""
    if not isinstance(doc, Mapping):
        return None, None, f"{where}: a manifest must be a mapping, got {type(doc).__name__}"
    kind, api_version = doc.get("kind"), doc.get("apiVersion")
    if not kind:
        return None, None, f"{where}: Object 'Kind' is missing".lstrip(": ")
    if not api_version:
        return None, None, f"{where}: Object 'apiVersion' is missing".lstrip(": ")
    info = discovery.resolve(str(api_version), str(kind))
    if info is None or (info.decoding is None and not info.inert):
        return (
            None,
            None,
            f'resource mapping not found for name: "{_name_of(doc)}" namespace: "" '
            f'from "{where}": no matches for kind "{kind}" in version '
            f'"{api_version}"\nensure CRDs are installed first',
        )
    # The status subresource is ignored on apply, as the API server ignores it.
    body = {k: v for k, v in doc.items() if k != "status"}
    if info.inert:
        obj, errors = decode_inert(body, info.store_key, str(api_version), info.kind)
        if not errors and obj is not None:
            obj = default_inert(obj)
            errors = validate_inert(obj, info.name_is_label)
    else:
        assert info.decoding is not None
        decoding = info.decoding
        version = str(api_version).rsplit("/", 1)[-1]
        obj, errors = decode(decoding.cls, body, decoding.kind, version)
        if not errors and obj is not None:
            obj = decoding.default(obj)
            errors = decoding.validate(obj)
    if errors:
        raise ValidationError(errors, info.kind, _name_of(doc), where)
    return obj, info, ""


def _name_of(doc: Mapping[str, Any]) -> str:
    meta = doc.get("metadata")
    name = meta.get("name", "") if isinstance(meta, Mapping) else ""
    # Only a string is a name; anything else is the decoder's to refuse, and str() of
    # a 5000-digit integer would raise.
    return name if isinstance(name, str) else ""


def _read_manifest(path: str) -> str:
    """A file's text; one over the request limit is refused before it is read whole,
    and bytes that are not UTF-8 as go-yaml's reader refuses them."""
    with open(path, "rb") as stream:
        raw = stream.read(MAX_REQUEST_BODY_BYTES + 1)
    oversize = too_large(len(raw))
    if oversize is not None:
        raise ValidationError([oversize], source=path)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError(
            [
                FieldError(
                    "Decode",
                    "yaml",
                    "error converting YAML to JSON: yaml: invalid leading UTF-8 octet",
                )
            ],
            source=path,
        ) from None


def _documents(source: Any) -> tuple[list[tuple[Any, int]], str, ValidationError | None]:
    """The documents of ``source`` with their first lines, its path, and the error of
    a YAML document that could not be read (nothing after it is)."""
    if isinstance(source, Path) or (
        isinstance(source, str)
        and "\n" not in source
        and source.endswith((".yaml", ".yml", ".json"))
    ):
        path = os.fspath(source)
        try:
            text = _read_manifest(path)
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
        documents, broken = yaml_documents(text, path)
        return documents, path, broken
    if isinstance(source, str):
        documents, broken = yaml_documents(source, "")
        return documents, "", broken
    if isinstance(source, Mapping):
        return [(source, 0)], "", None
    if isinstance(source, Iterable):
        docs: list[tuple[Any, int]] = []
        for item in source:
            if isinstance(item, Mapping):
                docs.append((item, 0))
                continue
            more, _, broken = _documents(item)
            docs.extend(more)
            if broken is not None:
                return docs, "", broken
        return docs, "", None
    return [(source, 0)], "", None


def _load_object(
    doc: Any, where: str, discovery: Discovery
) -> tuple[Any, dict[str, Any], KindInfo]:
    """An API object given as such: defaulted and validated as a decoded one would be,
    and its wire form checked as ``json.Marshal`` would check it."""
    info = discovery.resolve(getattr(doc, "api_version", ""), _wire_kind(doc))
    if info is None or (info.decoding is None and not info.inert):
        raise ValidationError(
            [FieldError("Decode", "", f"cannot apply an object of type {type(doc).__name__}")],
            source=where,
        )
    if info.inert:
        obj = doc
        manifest, problems = jsonable(inert_wire(doc, info.kind))
        errors = problems or validate_inert(doc, info.name_is_label)
    else:
        assert info.decoding is not None
        obj = info.decoding.default(doc)
        manifest, problems = jsonable({k: v for k, v in to_dict(doc).items() if k != "status"})
        errors = problems or info.decoding.validate(obj)
    if errors:
        raise ValidationError(errors, info.kind, obj.metadata.name, where)
    return obj, manifest, info


def _wire_kind(obj: Any) -> str:
    """The Kind an object's wire form names: an inert object's ``kind`` is its registry
    key, which qualifies the Kind with a group after a dot (a Kind has none)."""
    return str(obj.kind).split(".", 1)[0]


def _plain(doc: Any, line: int, where: str) -> Any:
    """A document given as Python data (``line`` 0) as JSON would carry it; YAML
    documents are composed that way already."""
    if line or not isinstance(doc, Mapping):
        return doc
    plain, errors = jsonable(doc)
    if errors:
        # The kind names the object in kubectl's text only when it is one (a string).
        kind = doc.get("kind")
        raise ValidationError(
            errors, kind if isinstance(kind, str) else "", _name_of(plain or {}), where
        )
    return plain


def _decode_one(doc: Any, index: int, line: int, where: str, discovery: Discovery) -> Decoded:
    """One document as ``Decoded``: what it became or why it was refused."""
    try:
        if hasattr(doc, "metadata") and hasattr(doc, "kind"):
            obj, manifest, given = _load_object(doc, where, discovery)
            return Decoded(index, line, where, obj, manifest, given)
        doc = _plain(doc, line, where)
        obj, info, problem = _decode_document(doc, where, discovery)
    except ValidationError as err:
        return Decoded(index, line, where, error=err)
    if problem or obj is None:
        return Decoded(index, line, where, problem=problem)
    manifest = {k: v for k, v in doc.items() if k != "status"}
    return Decoded(index, line, where, obj, manifest, info)


def decode_documents(source: Any, discovery: Discovery | None = None) -> list[Decoded]:
    """Every document of ``source``, in order, each decoded on its own.

    ``discovery`` is the cluster's (the custom kinds it has learned); without
    one, only the registry's kinds and guesses for custom resources. A YAML
    document that cannot be read ends the list with its error. Raises only for
    the source as a whole: a missing file, or over the request limits.
    """
    documents, path, broken = _documents(source)
    if len(documents) > MAX_DOCUMENTS:
        # Python data is held to the limit text is (``yaml_documents``).
        detail = (
            f"too many documents: {len(documents)} (rollsim's limit is {MAX_DOCUMENTS} per apply)"
        )
        raise ValidationError([FieldError("Decode", "", detail)], source=path)
    discovery = discovery if discovery is not None else Discovery()
    several = len(documents) + (broken is not None) > 1
    decoded = []
    for index, (doc, line) in enumerate(documents, start=1):
        where = path
        if several:
            where = f"{path or 'document'} #{index}" + (f" (line {line})" if line else "")
        decoded.append(_decode_one(doc, index, line, where, discovery))
    if broken is not None:
        decoded.append(Decoded(len(documents) + 1, 0, path, error=broken))
    return decoded


def load_documents(
    source: Any, discovery: Discovery | None = None
) -> list[tuple[Any, dict[str, Any]]]:
    """Like ``load``, paired with each document's manifest as given (status dropped)."""
    decoded = decode_documents(source, discovery)
    problems = [d.problem for d in decoded if d.problem]
    failures = [d.error for d in decoded if d.error is not None]
    if len(failures) == 1 and not problems:
        raise failures[0]
    if problems or failures:
        details = problems + [str(f) for f in failures]
        raise ValidationError([FieldError("Decode", "", d) for d in details])
    return [(d.obj, d.manifest) for d in decoded]


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
    if isinstance(obj, InertObject):
        return inert_wire(obj, _wire_kind(obj))
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
