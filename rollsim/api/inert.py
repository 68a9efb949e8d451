"""Objects rollsim stores but does not simulate: ConfigMaps, Ingresses, CRDs' resources.

A real repository's manifests hold many kinds besides the workloads rollsim
runs. The API server stores every one of them; so does rollsim, as an
``InertObject``: its metadata decoded and validated as any object's (a name,
labels and annotations in the API server's words), and everything else kept
verbatim as the document gave it, so ``get``, ``get -o yaml`` and ``delete``
work on it. Nothing reacts to it: ``apply`` reports each one as stored, not
simulated, so a user never mistakes storage for behaviour.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from rollsim.api.errors import FieldError
from rollsim.api.meta import ObjectMeta
from rollsim.api.names import dns1123_label
from rollsim.api.validation import validate_object_meta
from rollsim.api.wire import decode, encode

__all__ = ["InertObject", "decode_inert", "default_inert", "inert_wire", "validate_inert"]


@dataclass(frozen=True)
class InertObject:
    """A stored object of a kind rollsim does not simulate.

    ``kind`` is the kind registry's key: the Kind itself, qualified by its group
    only when two groups share the name (``Gateway.networking.istio.io`` beside
    the Gateway API's ``Gateway``). ``content`` holds every top-level field but
    apiVersion, kind and metadata, as given (``spec``, ``data``, ``rules``...).
    """

    api_version: str = ""
    kind: str = ""
    metadata: ObjectMeta = field(default_factory=ObjectMeta)
    content: Mapping[str, Any] = field(default_factory=dict)

    @property
    def spec(self) -> Any:
        """The ``spec`` as given, if any: what a change of bumps ``metadata.generation``."""
        return self.content.get("spec")


@dataclass(frozen=True)
class _Envelope:
    """The part of any object every kind shares and the API server types: metadata."""

    metadata: ObjectMeta = field(default_factory=ObjectMeta)


def decode_inert(
    body: Mapping[str, Any], key: str, api_version: str, kind: str
) -> tuple[InertObject | None, list[FieldError]]:
    """``body`` (status already dropped) as an ``InertObject`` under registry ``key``;
    metadata is decoded strictly, as the API server's ``ObjectMeta`` is."""
    version = api_version.rsplit("/", 1)[-1]
    envelope, errors = decode(_Envelope, {"metadata": body.get("metadata") or {}}, kind, version)
    if errors or envelope is None:
        return None, errors
    content = {
        k: copy.deepcopy(v) for k, v in body.items() if k not in ("apiVersion", "kind", "metadata")
    }
    return InertObject(api_version, key, envelope.metadata, content), []


def default_inert(obj: InertObject) -> InertObject:
    """The API server's defaults for the inert kinds that have any: a Namespace gets the
    ``kubernetes.io/metadata.name`` label (``SetDefaults_Namespace``), the
    ``kubernetes`` finalizer and phase Active (the strategy's ``PrepareForCreate``)."""
    if obj.kind != "Namespace":
        return obj
    labels = {**obj.metadata.labels, "kubernetes.io/metadata.name": obj.metadata.name}
    content = {
        **obj.content,
        "spec": {"finalizers": ["kubernetes"], **(obj.content.get("spec") or {})},
        "status": {"phase": "Active"},
    }
    return replace(obj, metadata=replace(obj.metadata, labels=labels), content=content)


def validate_inert(obj: InertObject, name_is_label: bool = False) -> list[FieldError]:
    """``ValidateObjectMeta`` as the kind's strategy calls it: a DNS-1123 subdomain name
    for most kinds, a DNS-1123 label for a Namespace (``ValidateNamespaceName``)."""
    return validate_object_meta(obj.metadata, name_check=dns1123_label if name_is_label else None)


def inert_wire(obj: InertObject, kind: str) -> dict[str, Any]:
    """The wire form of ``obj``, whose Kind (unqualified) is ``kind``."""
    return {
        "apiVersion": obj.api_version,
        "kind": kind,
        "metadata": encode(obj.metadata),
        **copy.deepcopy(dict(obj.content)),
    }
