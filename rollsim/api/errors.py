"""Field errors in the API server's words, and the exception that carries them.

Mirrors k8s.io/apimachinery/pkg/util/validation/field (``field.Error`` and
``ErrorList``) and the text ``kubectl`` prints for a rejected object.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ApplyError",
    "ControllerDidNotSettle",
    "FieldError",
    "GoText",
    "InvalidOperation",
    "NotFoundError",
    "RollsimError",
    "ValidationError",
    "go_value",
    "not_found",
]


class RollsimError(Exception):
    """The base of every error rollsim raises on purpose.

    Each subclass is also the builtin a caller would expect (``ValueError``,
    ``LookupError``), as Hypothesis's errors are, so ``except ValueError``
    keeps working and ``except rollsim.RollsimError`` catches the family.
    """


class NotFoundError(RollsimError, LookupError):
    """The named object does not exist; the message is the API server's."""


class InvalidOperation(RollsimError, ValueError):
    """A valid request the object's state refuses, e.g. pausing a paused Deployment;
    the message is kubectl's."""


class ControllerDidNotSettle(RollsimError, RuntimeError):
    """A controller kept reconciling without the clock advancing.

    No valid input should reach it: it stands where the simulation would
    otherwise hang, and names the controller, the object and the instant.
    """


class GoText(str):
    """A value already rendered in Go syntax, printed as it is."""


def go_value(value: Any) -> str:
    """Render a value the way ``field.Invalid`` prints it (Go's ``%#v`` for strings)."""
    if isinstance(value, GoText):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        items = ", ".join(f"{json.dumps(k)}:{json.dumps(v)}" for k, v in sorted(value.items()))
        return "map[string]string{" + items + "}"
    if value is None:
        return "null"
    return str(value)


def not_found(resource: str, name: str) -> NotFoundError:
    """The API server's NotFound (``errors.NewNotFound``): the resource, then the name
    quoted as Go's ``%q`` quotes it (``deployments.apps "a\\\\" not found``)."""
    return NotFoundError(f"{resource} {go_value(name)} not found")


@dataclass(frozen=True)
class FieldError:
    """One problem at one field path, e.g. ``spec.replicas: Invalid value: -1: ...``.

    ``type`` is the API server's error type text: ``Invalid value``,
    ``Required value``, ``Forbidden``, ``Unsupported value``, ``Not found``,
    or ``Decode`` for a body that cannot be decoded into the Go struct.
    """

    type: str
    field: str
    detail: str = ""
    value: Any = None

    def __str__(self) -> str:
        if self.type == "Decode":
            return self.detail
        # As field.Error.ErrorBody: every type but Required, Forbidden, Too long and
        # Internal error prints the bad value.
        if self.type in ("Invalid value", "Unsupported value", "Duplicate value", "Not found"):
            text = f"{self.field}: {self.type}: {go_value(self.value)}"
        else:
            text = f"{self.field}: {self.type}"
        return f"{text}: {self.detail}" if self.detail else text


class ValidationError(RollsimError, ValueError):
    """An object, manifest or command argument was rejected; nothing was applied.

    ``errors`` lists every problem found, each with the field path the API
    server would name. ``str()`` is the text ``kubectl`` prints.
    """

    def __init__(
        self,
        errors: list[FieldError],
        kind: str = "",
        name: str | None = "",
        source: str = "",
    ) -> None:
        self.errors = list(errors)
        self.kind = kind
        self.name = name
        self.source = source
        super().__init__(self._render())

    def _render(self) -> str:
        """kubectl's text: a rejected body is a BadRequest naming the source file; an
        invalid object lists its field errors (one inline, several as a list)."""
        decode = [e for e in self.errors if e.type == "Decode"]
        fields = [e for e in self.errors if e.type != "Decode"]
        lines: list[str] = []
        for error in decode:
            if error.field == "yaml":
                where = f"error parsing {self.source}: " if self.source else ""
                lines.append(f"{where}{error.detail}")
            elif error.field == "server" and self.source:
                lines.append(
                    f"Error from server (BadRequest): error when creating "
                    f'"{self.source}": {error.detail}'
                )
            else:
                lines.append(error.detail)
        if fields:
            # ``name`` None: the arguments of a Python constructor (``PodBehavior``,
            # ``Cluster``), which have no object name for the API server's sentence.
            head = (
                f"Invalid {self.kind} arguments: "
                if self.name is None
                else f'The {self.kind or "object"} "{self.name}" is invalid: '
            )
            if len(fields) == 1:
                lines.append(head + str(fields[0]))
            else:
                lines.append(head + "\n" + "\n".join(f"* {e}" for e in fields))
        return "\n".join(lines)


class ApplyError(ValidationError):
    """Some documents of an apply were refused; the others were applied, as
    ``kubectl apply -f`` applies every object it can and then reports the rest.

    ``applied`` holds what was stored (an ``Applied`` list); ``str()`` lists each
    refused document's error, in order.
    """

    def __init__(self, errors: list[FieldError], applied: Any) -> None:
        self.applied = applied
        super().__init__(errors)
