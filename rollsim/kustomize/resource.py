"""An object of a kustomize build, and the error a build fails with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rollsim.api.errors import RollsimError


class KustomizeError(RollsimError, ValueError):
    """A kustomization kustomize would refuse, or one with a part rollsim does not
    build; the message is kustomize's (kubectl prints it after ``error: ``)."""


@dataclass
class Resource:
    """One object of the build, with the name and namespace it was read with (what
    references to it say) and whether a content hash goes on its name."""

    doc: dict[str, Any]
    original_name: str
    hashed: bool = False

    @property
    def kind(self) -> str:
        return str(self.doc.get("kind", ""))

    @property
    def group(self) -> str:
        api_version = str(self.doc.get("apiVersion", ""))
        return api_version.rpartition("/")[0]

    @property
    def metadata(self) -> dict[str, Any]:
        meta = self.doc.setdefault("metadata", {})
        assert isinstance(meta, dict)
        return meta

    @property
    def namespace(self) -> str:
        return str(self.metadata.get("namespace") or "")


#: The JSON type names encoding/json's ``UnmarshalTypeError`` gives a decoded value.
_JSON_TYPES = {bool: "bool", int: "number", float: "number", list: "array", dict: "object"}


def string_map(kustomization: dict[str, Any], key: str) -> dict[str, str]:
    """A ``map[string]string`` field (labels, annotations), refused as encoding/json
    refuses a value of another type (``labels: {tier: 1}`` is a number, not a string)."""
    value = kustomization.get(key) or {}
    if not isinstance(value, dict):
        given = _JSON_TYPES.get(type(value), "string")
        raise KustomizeError(
            f"invalid Kustomization: json: cannot unmarshal {given} into Go struct field "
            f"Kustomization.{key} of type map[string]string"
        )
    for item in value.values():
        if item is not None and not isinstance(item, str):
            raise KustomizeError(
                f"invalid Kustomization: json: cannot unmarshal {_JSON_TYPES[type(item)]} into "
                f"Go struct field Kustomization.{key} of type string"
            )
    return {str(k): item or "" for k, item in value.items()}
