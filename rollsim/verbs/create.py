"""``kubectl create -f`` as a function of the store: every document created, or refused.

Mirrors kubectl's pkg/cmd/create (``CreateOptions.RunCreate``: each object the
resource builder read is POSTed in turn, errors collected, ``AddSourceToErr``
naming the file) and the API server's create: a taken name is
``AlreadyExists``, a missing or terminating namespace is refused by the
NamespaceLifecycle plugin, the simulation budget holds as for apply. Unlike
apply, nothing records a last-applied configuration.
"""

from __future__ import annotations

from typing import Any, Literal

from rollsim.api.errors import (
    ApplyError,
    FieldError,
    NotFoundError,
    RollsimError,
    ValidationError,
)
from rollsim.api.manifest import Decoded, decode_documents
from rollsim.verbs import budget
from rollsim.verbs.apply import Applied, document_target
from rollsim.verbs.namespaces import check_create
from rollsim.verbs.status import StatusError, already_exists
from rollsim.world.store import Store

__all__ = ["CreateError", "DryRun", "create"]

#: The kinds stored inert that rollsim acts on (as ``verbs.apply`` counts them).
_ACTED_ON = frozenset({"Namespace", "CustomResourceDefinition"})
#: ``--dry-run``: ``client`` decodes only, ``server`` admits without persisting.
DryRun = Literal["none", "client", "server"]


class CreateError(ApplyError):
    """Some documents of a create were refused; ``failures`` holds each refusal (the
    API server's error, naming the file as kubectl's ``AddSourceToErr`` does) and
    ``applied`` what was created."""

    def __init__(self, failures: list[RollsimError], applied: Applied) -> None:
        self.failures = failures
        super().__init__([FieldError("Decode", "", status_text(f)) for f in failures], applied)


def status_text(err: RollsimError) -> str:
    """A refusal as kubectl's ``CheckErr`` prints it."""
    if isinstance(err, StatusError):
        return f"Error from server ({err.reason}): {err}"
    if isinstance(err, NotFoundError):
        return f"Error from server (NotFound): {err}"
    return str(err)


def create(
    store: Store,
    source: Any,
    max_pods: int,
    namespace: str = "default",
    enforce_namespace: bool = False,
    where: str = "",
    dry_run: DryRun = "none",
) -> Applied:
    """Create every document of ``source`` in order, each on its own.

    Raises ``CreateError`` listing each refusal when any document was refused;
    ``where`` names the source in those errors. A dry run writes nothing:
    ``client`` only decodes, ``server`` also passes every check of a create.
    """
    created = Applied()
    failures: list[RollsimError] = []
    for document in decode_documents(source, store.discovery):
        try:
            stored = _create_one(store, document, max_pods, namespace, enforce_namespace, dry_run)
        except (StatusError, NotFoundError) as err:
            failures.append(type(err)(f'error when creating "{where}": {err}') if where else err)
            continue
        except RollsimError as err:
            failures.append(err)
            continue
        created.append(stored)
        created.outcomes.append("created")
        kind = document.kind
        if kind is not None and kind.inert and kind.kind not in _ACTED_ON:
            created.not_simulated.append(stored)
    if failures:
        raise CreateError(failures, created)
    return created


def _create_one(
    store: Store, document: Decoded, max_pods: int, namespace: str, enforce: bool, dry_run: DryRun
) -> Any:
    """One document POSTed: the object stored (or that would be), or the refusal."""
    if document.problem:
        raise ValidationError([FieldError("Decode", "", document.problem)])
    if document.error is not None:
        raise document.error
    kind = document.kind
    assert kind is not None
    target = document_target(document, namespace, enforce)
    if dry_run == "client":
        return target
    meta = target.metadata
    if kind.namespaced:
        check_create(store, meta.namespace, kind.resource, meta.name)
    if store.get(target.kind, meta.namespace, meta.name) is not None:
        raise already_exists(kind.resource, meta.name)
    budget.check(store, [target], max_pods)
    if dry_run == "server":
        return target
    if kind.inert:
        store.discovery.learn(kind)
    stored = store.create(target)
    if kind.kind == "CustomResourceDefinition":
        store.discovery.learn_definition(stored)
    return stored
