"""kubectl's built-in kustomize: a kustomization directory built into manifest text.

``build(directory)`` does what ``kubectl kustomize DIR`` prints and what ``kubectl
apply -k DIR`` applies (sigs.k8s.io/kustomize api/krusty ``Kustomizer.Run``, as
cli-runtime's ``KustomizeVisitor`` runs it with ``ReorderOptionLegacy``): each
kustomization's ``resources`` (files, and directories with their own
kustomization, built first), its generators, then its transformers in
``configureBuiltinTransformers``' order; at the top, the content hashes of
generated objects, the name references they change, and the legacy sort.

The fields real example repositories use are built; every other kustomization
field is refused by name as not simulated, and a remote resource is refused
(rollsim has no network), so nothing in a kustomization is ignored.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rollsim.api.manifest import YAMLProblem, compose_yaml, dump_yaml
from rollsim.api.yaml_text import split_documents
from rollsim.kubectl.filenames import Manifest
from rollsim.kustomize.generators import content_hash, generated
from rollsim.kustomize.resource import KustomizeError, Resource
from rollsim.kustomize.transformers import TRANSFORMERS, fix_name_references, sorted_for_output

if TYPE_CHECKING:
    from rollsim.kubectl.cmdutil import Args, Kubectl

__all__ = ["KUSTOMIZATION_FILES", "KustomizeError", "build", "kubectl_kustomize", "manifests"]

#: ``konfig.RecognizedKustomizationFileNames``, in the order kustomize tries them.
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
#: The fields of ``types.Kustomization`` that are built here.
_BUILT = frozenset(
    {
        "apiVersion", "kind", "metadata", "resources", "bases", "namespace", "namePrefix",
        "nameSuffix", "commonLabels", "labels", "commonAnnotations", "images", "imageTags",
        "replicas", "configMapGenerator", "secretGenerator", "generatorOptions", "sortOptions",
    }
)  # fmt: skip
#: The fields of ``types.Kustomization`` kustomize has and rollsim does not build.
_NOT_BUILT = frozenset(
    {
        "openapi", "patchesStrategicMerge", "patchesJson6902", "patches", "replacements",
        "vars", "components", "crds", "helmGlobals", "helmCharts",
        "helmChartInflationGenerator", "configurations", "generators", "transformers",
        "validators", "buildMetadata",
    }
)  # fmt: skip
#: ``types.KustomizationVersion`` (``apiVersion`` may be left out).
_VERSION = "kustomize.config.k8s.io/v1beta1"


def build(directory: str | Path) -> str:
    """The manifest text ``kubectl kustomize DIRECTORY`` prints (``Kustomizer.Run``):
    documents separated by ``---``, keys sorted, in the legacy kind order unless the
    kustomization's ``sortOptions`` says ``fifo``."""
    root = Path(directory).resolve()
    if not root.is_dir():
        shown = str(directory)
        raise KustomizeError(
            f"must build at directory: not a valid directory: evalsymlink failure on "
            f"'{shown}' : lstat {shown}: no such file or directory"
        )
    kustomization = _load_kustomization(root)
    resources = _accumulate(root, kustomization, (root,))
    for resource in resources:
        if resource.hashed:
            resource.metadata["name"] = f"{resource.metadata['name']}-{content_hash(resource)}"
    fix_name_references(resources)
    resources = sorted_for_output(resources, kustomization.get("sortOptions"))
    return "---\n".join(dump_yaml(resource.doc) for resource in resources)


def _load_kustomization(root: Path) -> dict[str, Any]:
    """The kustomization file of ``root`` as ``KustTarget.Load`` reads it: exactly one
    of the recognized names, known fields only, the apiVersion and kind it allows."""
    found = [root / name for name in KUSTOMIZATION_FILES if (root / name).is_file()]
    if not found:
        names = [f"'{name}'" for name in KUSTOMIZATION_FILES]
        raise KustomizeError(
            f"unable to find one of {', '.join(names[:-1])} or {names[-1]} in directory '{root}'"
        )
    if len(found) > 1:
        raise KustomizeError(f"Found multiple kustomization files under: {root}\n")
    try:
        kustomization = compose_yaml(found[0].read_text(encoding="utf-8"))
    except YAMLProblem as err:
        raise KustomizeError(f"invalid Kustomization: {err}") from None
    if kustomization is None:
        raise KustomizeError("kustomization.yaml is empty")
    if not isinstance(kustomization, dict):
        raise KustomizeError(
            "invalid Kustomization: json: cannot unmarshal array into Go value of type "
            "types.Kustomization"
        )
    for key in kustomization:
        if key in _NOT_BUILT:
            raise KustomizeError(
                f"rollsim does not simulate the kustomization field {key!r} ({found[0]})"
            )
        if key not in _BUILT:
            raise KustomizeError(f'invalid Kustomization: json: unknown field "{key}"')
    _check_type(kustomization, root)
    return kustomization


def _check_type(kustomization: dict[str, Any], root: Path) -> None:
    """``EnforceFields``: the kind is Kustomization (a Component is not built here) and
    the apiVersion, when given, kustomize's."""
    kind = kustomization.get("kind") or "Kustomization"
    if kind == "Component":
        raise KustomizeError(f"rollsim does not simulate kustomize Components ({root})")
    problems = []
    if kind != "Kustomization":
        problems.append("kind should be Kustomization or Component")
    version = kustomization.get("apiVersion")
    if version and version != _VERSION:
        problems.append(f"apiVersion for {kind} should be {_VERSION}")
    if problems:
        raise KustomizeError(
            f"Failed to read kustomization file under {root}:\n" + "\n".join(problems)
        )


def _accumulate(
    root: Path, kustomization: dict[str, Any], visited: tuple[Path, ...]
) -> list[Resource]:
    """``KustTarget.accumulateTarget``: the resources, the generated objects, then the
    transformers over all of them, in ``configureBuiltinTransformers``' order."""
    resources: list[Resource] = []
    for entry in [*_strings(kustomization, "resources"), *_strings(kustomization, "bases")]:
        for resource in _resource_entry(root, entry, visited):
            _absorb(resources, resource)
    for resource in generated(root, kustomization):
        _absorb(resources, resource)
    for transform in TRANSFORMERS:
        transform(resources, kustomization)
    return resources


def _strings(kustomization: dict[str, Any], key: str) -> list[str]:
    """A list-of-strings field, refused in kustomize's words if it is not one."""
    value = kustomization.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise KustomizeError(
            f"invalid Kustomization: json: cannot unmarshal {type(value).__name__} into Go "
            f"struct field Kustomization.{key} of type []string"
        )
    return value


def _resource_entry(root: Path, entry: str, visited: tuple[Path, ...]) -> list[Resource]:
    """One ``resources`` entry (``accumulateResources``): a file under the root, or a
    directory built as a kustomization of its own; a remote one is refused."""
    if "://" in entry or entry.startswith(("github.com/", "git@")):
        raise KustomizeError(
            f"accumulating resources: rollsim does not fetch the remote resource '{entry}': "
            "it has no network; clone it and name the local directory"
        )
    path = (root / entry).resolve()
    if path.is_file():
        if root not in path.parents:
            raise KustomizeError(
                f"accumulating resources: security; file '{path}' is not in or below '{root}'"
            )
        return _read_resources(path)
    if not path.is_dir():
        raise KustomizeError(
            f"accumulating resources: accumulation err='accumulating resources from "
            f"'{entry}': open {path}: no such file or directory': must build at directory: "
            f"not a valid directory: evalsymlink failure on '{path}' : lstat {path}: no such "
            "file or directory"
        )
    if path in visited:
        raise KustomizeError(
            f"accumulating resources: cycle detected: candidate root '{path}' contains "
            f"visited root '{visited[-1]}'"
        )
    try:
        return _accumulate(path, _load_kustomization(path), (*visited, path))
    except KustomizeError as err:
        raise KustomizeError(
            f"accumulating resources: accumulation err='accumulating resources from "
            f"'{entry}': read {path}: is a directory': {err}"
        ) from None


def _read_resources(path: Path) -> list[Resource]:
    """The objects of one resource file, each document in turn (a ``List`` gives its
    items), as ``resmap.Factory.NewResMapFromBytes`` reads them."""
    found: list[Resource] = []
    for chunk, first in split_documents(path.read_text(encoding="utf-8")):
        try:
            doc = compose_yaml(chunk)
        except YAMLProblem as err:
            raise KustomizeError(
                f"accumulating resources: MalformedYAMLError: {err} in File: {path} "
                f"(from line {first})"
            ) from None
        if doc is None:
            continue
        if not isinstance(doc, dict):
            raise KustomizeError(f"accumulating resources: {path}: a document is not a mapping")
        items = doc.get("items") if str(doc.get("kind", "")).endswith("List") else [doc]
        for item in items or []:
            name = (item.get("metadata") or {}).get("name") if isinstance(item, dict) else None
            if not isinstance(name, str) or not name:
                raise KustomizeError(
                    f"accumulating resources: missing metadata.name in object {item!r} "
                    f"in File: {path}"
                )
            found.append(Resource(item, name))
    return found


def _res_id(resource: Resource) -> str:
    """``resid.ResId.String``: ``Kind.version.group/name.namespace``."""
    version = str(resource.doc.get("apiVersion", "")).rpartition("/")[2] or "[noVer]"
    return (
        f"{resource.kind or '[noKind]'}.{version}.{resource.group or '[noGrp]'}/"
        f"{resource.metadata.get('name')}.{resource.namespace or '[noNs]'}"
    )


def _absorb(resources: list[Resource], resource: Resource) -> None:
    """``resWrangler.Append``: two objects with one id are refused."""
    if any(_res_id(other) == _res_id(resource) for other in resources):
        raise KustomizeError(
            f"may not add resource with an already registered id: {_res_id(resource)}"
        )
    resources.append(resource)


def manifests(k: Kubectl, args: Args) -> list[Manifest]:
    """``-k DIR`` as kubectl's resource builder reads it (``FilenameOptions.validate``,
    then ``KustomizeVisitor``): the built directory as one stream named by the path."""
    if args.slice_flag("filename"):
        raise KustomizeError("only one of -f or -k can be specified")
    if args.bool_flag("recursive", False):
        raise KustomizeError("the -k flag can't be used with -f or -R")
    directory = args.flags["kustomize"]
    return [Manifest(directory, build(_under(k, directory)))]


def kubectl_kustomize(k: Kubectl, args: Args) -> str:
    """``kubectl kustomize [DIR]``: the build printed (the current directory without one)."""
    if len(args.positional) > 1:
        raise KustomizeError("specify one path to kustomization.yaml")
    return build(_under(k, args.positional[0] if args.positional else "."))


def _under(k: Kubectl, directory: str) -> Path:
    if "://" in directory:
        raise KustomizeError(
            f"rollsim does not fetch the remote kustomization '{directory}': it has no "
            "network; clone it and name the local directory"
        )
    path = Path(directory)
    return path if path.is_absolute() else k.cwd / path
