"""kustomize's ConfigMap and Secret generators and the content hash on their names
(api/internal/builtins ConfigMapGenerator, SecretGenerator; api/hasher)."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rollsim.kustomize.resource import KustomizeError, Resource


def generated(root: Path, kustomization: dict[str, Any]) -> Iterator[Resource]:
    """``configureBuiltinGenerators``: each ``configMapGenerator``, then each
    ``secretGenerator`` (``ConfigMapGenerator``/``SecretGenerator``), with the
    kustomization's ``generatorOptions`` merged under each one's ``options``."""
    options = kustomization.get("generatorOptions") or {}
    for kind, key in (("ConfigMap", "configMapGenerator"), ("Secret", "secretGenerator")):
        for args in kustomization.get(key) or []:
            yield _generate(root, kind, args, options)


def _generate(
    root: Path, kind: str, args: dict[str, Any], global_options: dict[str, Any]
) -> Resource:
    """One generated ConfigMap or Secret (``generators.MakeConfigMap``/``MakeSecret``)."""
    known = {"name", "namespace", "behavior", "files", "literals", "envs", "env", "options"}
    known |= {"type"} if kind == "Secret" else set()
    for field in args:
        if field not in known:
            raise KustomizeError(f'invalid Kustomization: json: unknown field "{field}"')
    if (args.get("behavior") or "create") != "create":
        raise KustomizeError(
            f"rollsim does not simulate generator behavior {args['behavior']!r} "
            f"({kind} {args.get('name')!r}): only 'create' is built"
        )
    options = {**global_options, **(args.get("options") or {})}
    for field in options:
        if field not in ("labels", "annotations", "disableNameSuffixHash", "immutable"):
            raise KustomizeError(f"rollsim does not simulate generatorOptions field {field!r}")
    pairs = _generator_pairs(root, args)
    metadata: dict[str, Any] = {"name": args.get("name", "")}
    if args.get("namespace"):
        metadata["namespace"] = args["namespace"]
    for field in ("labels", "annotations"):
        if options.get(field):
            metadata[field] = dict(options[field])
    doc: dict[str, Any] = {"apiVersion": "v1", "kind": kind, "metadata": metadata}
    if kind == "Secret":
        doc["type"] = args.get("type") or "Opaque"
        encoded = {k: base64.b64encode(v.encode("utf-8")).decode("ascii") for k, v in pairs}
        if encoded:
            doc["data"] = encoded
    elif pairs:
        doc["data"] = dict(pairs)
    if options.get("immutable"):
        doc["immutable"] = True
    return Resource(doc, metadata["name"], hashed=not options.get("disableNameSuffixHash"))


def _generator_pairs(root: Path, args: dict[str, Any]) -> list[tuple[str, str]]:
    """The keys and values of a generator (``kv.Loader.Load``): env files, then
    literals, then files, each key once."""
    pairs: list[tuple[str, str]] = []
    envs = list(args.get("envs") or []) + ([args["env"]] if args.get("env") else [])
    for env in envs:
        pairs.extend(_env_file(_generator_file(root, env)))
    for literal in args.get("literals") or []:
        key, eq, value = str(literal).partition("=")
        if not eq:
            raise KustomizeError(f"invalid literal source {literal}, expected key=value")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        pairs.append((key, value))
    for source in args.get("files") or []:
        key, eq, file = str(source).partition("=")
        path = _generator_file(root, file if eq else key)
        pairs.append((key if eq else path.name, path.read_text(encoding="utf-8")))
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise KustomizeError(f"configmap {args.get('name')} illegally repeats the key `{key}`")
        seen.add(key)
    return pairs


def _generator_file(root: Path, name: str) -> Path:
    path = (root / name).resolve()
    if root not in path.parents:
        raise KustomizeError(f"security; file '{path}' is not in or below '{root}'")
    if not path.is_file():
        raise KustomizeError(f"open {path}: no such file or directory")
    return path


def _env_file(path: Path) -> list[tuple[str, str]]:
    """``KEY=VALUE`` lines (``kv.KeyValuesFromLines``): blank lines and ``#`` comments
    skipped. A bare ``KEY`` reads the process environment in kustomize, which would make
    a build depend on the machine it runs on, so it is refused."""
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.lstrip()
        if not text or text.startswith("#"):
            continue
        key, eq, value = text.partition("=")
        if not eq:
            raise KustomizeError(
                f"rollsim does not simulate reading {key.strip()!r} from the environment "
                f"({path}, line {number})"
            )
        pairs.append((key, value))
    return pairs


def content_hash(resource: Resource) -> str:
    """``hasher.Hasher.Hash`` of a ConfigMap or Secret: the sha256 of its encoding
    (kind, name, data, and the type of a Secret) as Go's ``json.Marshal`` writes it,
    then ``encode``: the first 10 hex digits with 0, 1, 3, a, e read as g, h, k, m, t.

    The name is encoded empty: ``getNodeValues`` looks ``metadata/name`` up as one field
    name, which no object has, so kustomize 5 hashes every name as "" (kubectl 1.32's
    kustomize v5.5.0 names a ``FOO=Bar`` ConfigMap ``-42cfbf598f`` whatever it is called).
    """
    doc = resource.doc
    encoded: dict[str, Any] = {
        "kind": resource.kind,
        "name": "",
        "data": doc.get("data") or "",
    }
    if resource.kind == "Secret":
        encoded["type"] = doc.get("type", "")
        if isinstance(doc.get("stringData"), dict):
            encoded["stringData"] = doc["stringData"]
    elif isinstance(doc.get("binaryData"), dict):
        encoded["binaryData"] = doc["binaryData"]
    text = json.dumps(encoded, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
    return digest.translate(str.maketrans("013ae", "ghkmt"))
