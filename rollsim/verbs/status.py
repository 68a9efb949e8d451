"""The API server's refusals that are neither invalid input nor a missing object.

``AlreadyExists`` (a create whose name is taken) and ``Forbidden`` (an admission
plugin's refusal) carry their ``metav1.StatusReason``, so kubectl prints them as
``CheckErr`` does: ``Error from server (AlreadyExists): ...``. Mirrors
k8s.io/apimachinery/pkg/api/errors ``NewAlreadyExists`` and ``NewForbidden``.
"""

from __future__ import annotations

from rollsim.api.errors import InvalidOperation

__all__ = ["AlreadyExists", "Forbidden", "StatusError", "already_exists", "forbidden"]


class StatusError(InvalidOperation):
    """A refusal with an API status reason, printed ``Error from server (reason): ...``."""

    reason = ""


class AlreadyExists(StatusError):
    """``StatusReasonAlreadyExists``: the name is taken."""

    reason = "AlreadyExists"


class Forbidden(StatusError):
    """``StatusReasonForbidden``: an admission plugin refused the request."""

    reason = "Forbidden"


def already_exists(resource: str, name: str) -> AlreadyExists:
    """``NewAlreadyExists``: ``deployments.apps "web" already exists``."""
    return AlreadyExists(f'{resource} "{name}" already exists')


def forbidden(resource: str, name: str, why: str) -> Forbidden:
    """``NewForbidden``: ``namespaces "default" is forbidden: <why>``."""
    return Forbidden(f'{resource} "{name}" is forbidden: {why}')
