"""``kubectl delete`` and ``kubectl create`` as kubectl 1.34 runs them.

Mirrors staging/src/k8s.io/kubectl/pkg/cmd/delete (``DeleteOptions.Complete``:
the resource builder over ``-f``, ``TYPE NAME...``, ``-l`` and ``--all``, with
``--ignore-not-found`` defaulting to true for the last two; ``DeleteResult``: a
line per object, ``deleted from <ns> namespace`` for a namespaced one, the
errors after, then, with ``--wait`` (the default), a wait until every deleted
object is gone, finalizers included, which advances the simulated clock) and
pkg/cmd/create (``RunCreate`` over ``-f``; ``create namespace``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rollsim.api.errors import NotFoundError, RollsimError
from rollsim.api.kinds import KindInfo
from rollsim.api.meta import parse_selector
from rollsim.api.yaml_text import yaml_documents
from rollsim.kubectl.cmdutil import Args, Kubectl, KubectlError, check_err
from rollsim.kubectl.filenames import Manifest, manifests
from rollsim.verbs.create import CreateError, status_text
from rollsim.verbs.delete import parse_cascade

__all__ = ["create", "delete"]

#: How long ``--wait`` waits when ``--timeout`` is 0, its default (a week, as upstream).
_WAIT_FOREVER = 168 * 3600.0
_CLUSTER_SCOPED_WARNING = (
    "Warning: deleting cluster-scoped resources, not scoped to the provided namespace\n"
)
_NO_RESOURCES = (
    "error: You must provide one or more resources by argument or filename.\n"
    "Example resource specifications include:\n"
    "   '-f rsrc.yaml'\n"
    "   '--filename=rsrc.json'\n"
    "   '<resource> <name>'\n"
    "   '<resource>'"
)


@dataclass(frozen=True)
class Target:
    """One object the resource builder found to delete, and the file it came from."""

    info: KindInfo
    namespace: str
    name: str
    source: str = ""


def delete(k: Kubectl, args: Args) -> str:
    """``kubectl delete (-f FILE | TYPE [NAME... | -l SELECTOR | --all])``."""
    for flag in ("interactive", "raw", "field-selector"):
        if flag in args.flags:
            raise KubectlError(f"error: rollsim does not simulate `kubectl delete --{flag}`")
    policy, warning = _cascade(args)
    grace = _grace_period(k, args)
    dry_run = args.dry_run(k.warn)
    selecting = args.bool_flag("all", False) or "selector" in args.flags
    if args.bool_flag("all", False) and "selector" in args.flags:
        raise KubectlError("error: cannot set --all and --selector at the same time")
    output = args.flags.get("output", "")
    if output not in ("", "name"):
        raise KubectlError(f"error: unexpected -o output mode: {output}. We only support '-o name'")
    ignore = args.bool_flag("ignore-not-found", selecting)
    targets = _targets(k, args)
    if warning:
        k.warn(warning + "\n")
    lines: list[str] = []
    errors: list[str] = []
    deleted: list[tuple[Target, str]] = []
    warned = "namespace" not in args.flags or k.all_namespaces
    for target in targets:
        if not warned and not target.info.namespaced:
            k.warn(_CLUSTER_SCOPED_WARNING)
            warned = True
        try:
            uid = _delete_one(k, target, policy, dry_run, grace)
        except NotFoundError as err:
            if not ignore:
                errors.append(_sourced(target, err))
            continue
        except RollsimError as err:
            errors.append(check_err(err).message)
            continue
        lines.append(_deleted_line(target, output, dry_run, grace == 0))
        deleted.append((target, uid))
    if errors:
        raise KubectlError("\n".join(errors), output="".join(lines))
    if not lines:
        return "No resources found\n"
    if args.bool_flag("wait", True) and dry_run == "none":
        _wait_until_gone(k, args, deleted, "".join(lines))
    return "".join(lines)


def _cascade(args: Args) -> tuple[str, str | None]:
    """``--cascade`` through ``parseCascadingFlag``."""
    try:
        return parse_cascade(args.flags.get("cascade", "background"))
    except RollsimError as err:
        raise KubectlError(f"error: {err}") from None


def _sourced(target: Target, err: NotFoundError) -> str:
    """A NotFound as ``AddSourceToErr("deleting", ...)`` names its file."""
    where = f'error when deleting "{target.source}": ' if target.source else ""
    return f"Error from server (NotFound): {where}{err}"


def _grace_period(k: Kubectl, args: Args) -> int | None:
    """``--grace-period``, ``--now`` and ``--force`` as ``DeleteOptions.Complete`` and
    ``Validate`` settle them: None for the object's own grace period."""
    grace = args.int_flag("grace-period", -1)
    force = args.bool_flag("force", False)
    if args.bool_flag("now", False):
        if grace != -1:
            raise KubectlError("error: --now and --grace-period cannot be specified together")
        grace = 1
    if grace == 0 and not force:
        # kubectl's backward compatibility: --grace-period=0 alone means 1.
        grace = 1
    if force and grace < 0:
        grace = 0
    if force and grace == 0:
        k.warn(
            "Warning: Immediate deletion does not wait for confirmation that the running "
            "resource has been terminated. The resource may continue to run on the cluster "
            "indefinitely.\n"
        )
    elif force:
        k.warn("Warning: --force is ignored because --grace-period is not 0.\n")
    return None if grace < 0 else grace


def _deleted_line(target: Target, output: str, dry_run: str, forced: bool) -> str:
    """``DeleteOptions.PrintObj``: ``deployment.apps "web" deleted from default namespace``
    (``force deleted`` with a grace period of 0)."""
    singular = target.info.singular
    if output == "name":
        return f"{singular}/{target.name}\n"
    operation = "force deleted" if forced else "deleted"
    if target.info.namespaced:
        operation += f" from {target.namespace} namespace"
    operation += {"client": " (dry run)", "server": " (server dry run)"}.get(dry_run, "")
    return f'{singular} "{target.name}" {operation}\n'


def _delete_one(k: Kubectl, target: Target, policy: str, dry_run: str, grace: int | None) -> str:
    """Delete one object (a dry run only looks it up); its UID, which the wait watches."""
    info = target.info
    live = k.cluster.get(info.resource, target.name, target.namespace)
    if dry_run == "none":
        k.cluster.delete(
            info.resource,
            target.name,
            namespace=target.namespace,
            cascade=policy,
            grace_period=grace,
        )
    return str(live.metadata.uid)


def _gone(k: Kubectl, target: Target, uid: str) -> bool:
    """``IsDeleted``: no object of that name, or another one (a new UID)."""
    if target.info.kind == "Pod":
        pod = k.cluster.kubelet.pods.get((target.namespace, target.name))
        return pod is None or pod.uid != uid
    namespace = target.namespace if target.info.namespaced else ""
    obj = k.cluster.store.get(target.info.store_key, namespace, target.name)
    return obj is None or obj.metadata.uid != uid


def _wait_until_gone(
    k: Kubectl, args: Args, deleted: list[tuple[Target, str]], printed: str
) -> None:
    """``--wait``: run the clock until every deleted object is gone (a pod after its
    graceful shutdown, an owner deleted in the foreground after its dependents, a
    namespace after its content), or fail as ``IsDeleted`` times out."""
    timeout = args.duration_flag("timeout") or _WAIT_FOREVER
    deadline = k.cluster.now + timeout
    for target, uid in deleted:
        while not _gone(k, target, uid):
            if k.cluster.now >= deadline:
                raise KubectlError(
                    f"error: timed out waiting for the condition on "
                    f"{target.info.plural}/{target.name}",
                    output=printed,
                )
            k.advance(deadline)


def _targets(k: Kubectl, args: Args) -> list[Target]:
    """What the resource builder visits: the objects of the files, or of the arguments."""
    found = manifests(k, args)
    if found and args.positional:
        raise KubectlError(
            "error: Unexpected args: " + "[" + " ".join(args.positional) + "]\n"
            "See 'kubectl delete -h' for help and examples"
        )
    if found:
        return [t for manifest in found for t in _file_targets(k, manifest, args)]
    if not args.positional:
        raise KubectlError(_NO_RESOURCES)
    return _argument_targets(k, args)


def _file_targets(k: Kubectl, manifest: Manifest, args: Args) -> list[Target]:
    """Each document's kind, namespace and name, as the builder's unstructured visitor
    reads them (the object is not validated: only named)."""
    documents, broken = yaml_documents(manifest.text, manifest.where)
    if broken is not None:
        raise KubectlError(f"error: {broken}")
    targets = []
    for document, _line in documents:
        if not isinstance(document, dict):
            continue
        metadata = document.get("metadata") or {}
        api_version, kind = str(document.get("apiVersion", "")), str(document.get("kind", ""))
        info = k.cluster.store.discovery.resolve(api_version, kind)
        name = str(metadata.get("name", ""))
        if info is None:
            raise KubectlError(
                f'error: resource mapping not found for name: "{name}" namespace: '
                f'"{metadata.get("namespace", "")}" from "{manifest.where}": no matches for '
                f'kind "{kind}" in version "{api_version}"\nensure CRDs are installed first'
            )
        targets.append(Target(info, _namespace_of(k, args, info, metadata), name, manifest.where))
    return targets


def _namespace_of(k: Kubectl, args: Args, info: KindInfo, metadata: dict[str, Any]) -> str:
    """The document's namespace, ``-n``'s when it names none; refused if ``-n`` names
    another (``FilenameParam`` with enforceNamespace)."""
    if not info.namespaced:
        return ""
    given = str(metadata.get("namespace") or "")
    if given and "namespace" in args.flags and given != k.namespace:
        raise KubectlError(
            f'error: the namespace from the provided object "{given}" does not match the '
            f"namespace \"{k.namespace}\". You must pass '--namespace={given}' to perform "
            "this operation."
        )
    return given or k.namespace


def _by_name(k: Kubectl, named: list[tuple[KindInfo, str]]) -> list[Target]:
    """Objects named on the command line; with ``-A`` a namespaced one has no namespace
    to be looked up in (the resource builder's ``visitByName``)."""
    if k.all_namespaces and any(info.namespaced for info, _ in named):
        raise KubectlError("error: a resource cannot be retrieved by name across all namespaces")
    return [Target(*_placed(k, info), name) for info, name in named]


def _argument_targets(k: Kubectl, args: Args) -> list[Target]:
    """``TYPE NAME...``, ``TYPE/NAME...``, or ``TYPE`` with ``-l``/``--all`` (listed in
    the namespace, or every namespace with ``-A``)."""
    first = args.positional[0]
    if "/" in first:
        pairs = [word.split("/", 1) for word in args.positional]
        if any(len(pair) != 2 for pair in pairs):
            raise KubectlError(
                "error: there is no need to specify a resource type as a separate argument "
                "when passing arguments in resource/name form (e.g. 'kubectl get "
                "resource/<resource_name>' instead of 'kubectl get resource "
                "resource/<resource_name>'"
            )
        return _by_name(k, [(k.kind_named(kind), name) for kind, name in pairs])
    kinds = [k.kind_named(word) for word in first.split(",")]
    names = args.positional[1:]
    if names:
        return _by_name(k, [(info, name) for info in kinds for name in names])
    if not (args.bool_flag("all", False) or "selector" in args.flags):
        raise KubectlError("error: resource(s) were provided, but no name was specified")
    try:
        selector = parse_selector(args.flags["selector"]) if "selector" in args.flags else None
    except ValueError as err:
        raise KubectlError(f"error: {err}") from None
    targets = []
    for info in kinds:
        namespace = k.list_namespace() if info.namespaced else None
        for obj in k.cluster.list(info.resource, namespace, selector):
            targets.append(Target(info, obj.metadata.namespace, obj.metadata.name))
    return targets


def _placed(k: Kubectl, info: KindInfo) -> tuple[KindInfo, str]:
    """The kind with the namespace a named object of it is looked for in."""
    return info, k.namespace if info.namespaced else ""


def create(k: Kubectl, args: Args) -> str:
    """``kubectl create -f FILE...`` or ``kubectl create namespace NAME``: a line per
    object created, then each refusal (``AlreadyExists`` naming the file)."""
    if args.positional:
        if args.positional[0] in ("namespace", "ns"):
            return _create_namespace(k, args)
        raise KubectlError(
            f"error: rollsim does not simulate `kubectl create {args.positional[0]}`: write "
            "the object in a manifest and pass it with -f"
        )
    found = manifests(k, args)
    if not found:
        raise KubectlError("Error: must specify one of -f and -k")
    dry_run = args.dry_run(k.warn)
    namespace = k.namespace if "namespace" in args.flags else None
    lines: list[str] = []
    errors: list[str] = []
    suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(dry_run, "")
    for manifest in found:
        try:
            created = k.cluster.create(manifest.text, namespace, dry_run, manifest.where)
        except CreateError as err:
            created = err.applied
            errors.extend(status_text(f) for f in err.failures)
        discovery = k.cluster.store.discovery
        lines.extend(
            f"{discovery.info(obj.kind).singular}/{obj.metadata.name} created{suffix}\n"
            for obj in created
        )
    if errors:
        raise KubectlError("\n".join(errors), output="".join(lines))
    return "".join(lines)


def _create_namespace(k: Kubectl, args: Args) -> str:
    """``kubectl create namespace NAME``: ``namespace/NAME created``."""
    names = args.positional[1:]
    if len(names) != 1:
        raise KubectlError(f"error: exactly one NAME is required, got {len(names)}")
    dry_run = args.dry_run(k.warn)
    manifest = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": names[0]}}
    try:
        k.cluster.create(manifest, dry_run=dry_run)
    except CreateError as err:
        raise KubectlError("\n".join(status_text(f) for f in err.failures)) from None
    suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(dry_run, "")
    return f"namespace/{names[0]} created{suffix}\n"
