"""Hypothesis strategies that mutate valid manifests, grouped in families.

Seeds are the valid manifests of ``examples/`` and ``tests/fuzz/seeds/`` (the
Deployments, Services, Argo Rollouts and AnalysisTemplates, Flagger Canaries
and multi-document files of the progressive suites' fixtures). A case is one
seed, a mode (apply the YAML text, or the parsed dicts) and a few mutations
from one or more families; ``FAMILIES`` names them so a test, and its xfail
while a fix is pending, covers one class of bad input.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

import yaml
from hypothesis import strategies as st

from .payloads import (
    TAGGED,
    Path,
    Raw,
    alias_bomb,
    big_list,
    clone,
    digits,
    get,
    nested_lists,
    nested_maps,
    paths,
    put,
    remove,
    render_dicts,
    render_text,
)

_ROOT = FilePath(__file__).resolve().parents[2]
SEED_FILES = sorted(_ROOT.glob("examples/*.yaml")) + sorted(
    (_ROOT / "tests" / "fuzz" / "seeds").glob("*.yaml")
)
#: Seed name -> its documents.
SEEDS: dict[str, list[Any]] = {
    f.stem: [d for d in yaml.safe_load_all(f.read_text()) if d is not None] for f in SEED_FILES
}

#: Keys whose values the simulation reads: mutations aim at them half the time.
INTERESTING = {
    "replicas", "minReadySeconds", "revisionHistoryLimit", "progressDeadlineSeconds",
    "maxSurge", "maxUnavailable", "setWeight", "weight", "duration", "pause", "interval",
    "count", "failureLimit", "initialDelay", "threshold", "maxWeight", "stepWeight",
    "port", "ports", "targetPort", "containerPort", "resources", "readinessProbe", "httpGet",
    "volumeMounts", "terminationGracePeriodSeconds", "scaleDownDelaySeconds", "image",
    "containers", "labels", "matchLabels", "selector", "name", "annotations", "steps",
    "metadata", "spec", "template", "strategy", "kind", "apiVersion", "service", "targetRef",
    "periodSeconds", "initialDelaySeconds", "activeService", "previewService", "canary",
    "blueGreen", "analysis", "templates", "templateName", "setCanaryScale", "thresholdRange",
}  # fmt: skip

NUMBERS: list[Any] = [
    0, -1, 1, 2**31 - 1, 2**31, -(2**31) - 1, 2**32, 2**53 + 1, 2**63 - 1, 2**63, 2**64,
    -(2**63) - 1, 10**6 + 1, 10**9, 10**18, 10**30, 1.5, -0.0, 0.1, 1e308, 1e-320,
    float("inf"), float("nan"), True, False,
]  # fmt: skip
STRINGS: list[Any] = [
    "", " ", "0", "-1", "1e9", "1e400", "0x10", "010", "1_000", "9" * 30, "25%", "100%", "101%",
    "-5%", "%", "1.5%", "%%", "5%s", "²", "①", "٣", "５", "Ⅻ", "5s", "-1s", "0s", "1h2m",
    "9999999999h", "1.5.5s", "5ms", "abc", "true", "null", "~", "\x00", "a\x00b", "\ud800",
    "\udfff", "\u202eevil", "\ufeff", "\t", "\n", "a" * 300, "web:1", "Deployment", "{{x}}",
    "${HOME}", "../../etc", "UPPER", "-lead", "trail-", "a.b", "a/b", "😀",
]  # fmt: skip
#: Containers to swap in. Drawn only through ``copies``: a later mutation of the same
#: case may add keys to what it swapped in, and a pool changed by one example makes
#: Hypothesis replay another's choices into different draws (FlakyStrategyDefinition).
SHAPES: tuple[Any, ...] = (None, [], {}, [1], [None], {"a": 1}, {"": ""}, [[]], [{}], {"a": {}})
KINDS_POOL = [
    "Deployment", "ReplicaSet", "Service", "Pod", "Event", "Rollout", "AnalysisTemplate",
    "Canary", "ConfigMap", "Secret", "Ingress", "CustomResourceDefinition", "", "deployment",
    "List", "Status",
]  # fmt: skip
VERSIONS_POOL = [
    "apps/v1", "v1", "argoproj.io/v1alpha1", "flagger.app/v1beta1", "apps/v1beta1",
    "extensions/v1beta1", "", "v2", "apps", "/", "apps/v1/extra",
]  # fmt: skip


@dataclass
class Case:
    """One mutated manifest: the seed, how it is applied, and what was done to it."""

    seed: str
    mode: str
    docs: list[Any]
    ops: list[str] = field(default_factory=list)
    text_ops: list[Callable[[str], str]] = field(default_factory=list, repr=False)

    def __repr__(self) -> str:
        return f"Case(seed={self.seed!r}, mode={self.mode!r}, ops={self.ops!r})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """What Hypothesis prints for a failing case: the seed and the mutations, which
        rebuild it; the documents may be cyclic, megabytes or 10,000 deep."""
        printer.text(repr(self))

    def text(self) -> str:
        rendered = render_text(self.docs)
        for op in self.text_ops:
            rendered = op(rendered)
        return rendered

    def payload(self) -> Any:
        """What ``Cluster.apply`` gets: the YAML text, or the Python documents."""
        return self.text() if self.mode == "text" else render_dicts(self.docs)


Draw = Callable[[st.SearchStrategy[Any]], Any]


def copies(pool: tuple[Any, ...]) -> st.SearchStrategy[Any]:
    """A value of ``pool``, copied: the case owns what it draws, so no mutation of one
    example can change what the same choices draw in the next."""
    return st.sampled_from(pool).map(copy.deepcopy)


def _path(draw: Draw, case: Case, containers_only: bool = False) -> Path | None:
    """A path in the documents, biased to keys the simulation reads."""
    found = [p for p in paths(case.docs) if len(p) > 1]
    if containers_only:
        found = [p for p in found if isinstance(get(case.docs, p), dict | list)]
    if not found:
        return None
    aimed = [p for p in found if p[-1] in INTERESTING]
    pool = aimed if aimed and draw(st.booleans()) else found
    return pool[draw(st.integers(0, len(pool) - 1))]


def _set(draw: Draw, case: Case, values: st.SearchStrategy[Any], name: str) -> None:
    path = _path(draw, case)
    if path is not None:
        value = draw(values)
        put(case.docs, path, value)
        case.ops.append(f"{name} {path!r} = {value!r:.80}")


def delete_key(draw: Draw, case: Case) -> None:
    path = _path(draw, case)
    if path is not None:
        remove(case.docs, path)
        case.ops.append(f"delete {path!r}")


def swap_type(draw: Draw, case: Case) -> None:
    values = st.one_of(
        copies(SHAPES),
        st.sampled_from(NUMBERS),
        st.sampled_from(STRINGS),
        st.text(max_size=8),
        st.integers(),
        st.floats(),
    )
    _set(draw, case, values, "swap")


def number(draw: Draw, case: Case) -> None:
    values = st.one_of(
        st.sampled_from(NUMBERS),
        st.sampled_from([digits(20), digits(400), digits(5000), digits(5000, "-")]),
        st.integers(),
    )
    _set(draw, case, values, "number")


def string(draw: Draw, case: Case) -> None:
    _set(draw, case, st.one_of(st.sampled_from(STRINGS), st.text(max_size=12)), "string")


def deepen(draw: Draw, case: Case) -> None:
    depth = draw(st.sampled_from([40, 200, 1000, 10000]))
    shape = draw(st.sampled_from([nested_lists, nested_maps]))
    _set(draw, case, st.just(shape(depth)), "deepen")


def tag(draw: Draw, case: Case) -> None:
    _set(draw, case, st.sampled_from(TAGGED), "tag")


def bomb(draw: Draw, case: Case) -> None:
    shape = draw(st.sampled_from([(2, 2), (3, 4), (6, 10), (9, 9)]))
    _set(draw, case, st.just(alias_bomb(*shape)), "alias")


def set_kind(draw: Draw, case: Case) -> None:
    index = draw(st.integers(0, len(case.docs) - 1))
    doc = case.docs[index]
    if isinstance(doc, dict):
        key = draw(st.sampled_from(["kind", "apiVersion"]))
        pool = KINDS_POOL if key == "kind" else VERSIONS_POOL
        doc[key] = draw(st.sampled_from(pool))
        case.ops.append(f"{key} of document {index} = {doc[key]!r}")


def documents(draw: Draw, case: Case) -> None:
    """Duplicate a document, add another seed's, or make a document not a mapping."""
    choice = draw(st.sampled_from(["duplicate", "other-seed", "not-a-map", "empty-list"]))
    index = draw(st.integers(0, len(case.docs) - 1))
    if choice == "duplicate":
        case.docs.insert(index + 1, clone([case.docs[index]])[0])
    elif choice == "other-seed":
        case.docs.extend(clone(SEEDS[draw(st.sampled_from(sorted(SEEDS)))]))
    elif choice == "not-a-map":
        case.docs[index] = draw(st.sampled_from([[], "text", 5, [case.docs[index]]]))
    else:
        case.docs.append({"apiVersion": "v1", "kind": "List", "items": []})
    case.ops.append(f"{choice} document {index}")


def size(draw: Draw, case: Case) -> None:
    """Large values: annotations past 256 KiB, long lists, many documents."""
    choice = draw(st.sampled_from(["annotation", "list", "documents", "name"]))
    doc = case.docs[0]
    if not isinstance(doc, dict):
        return
    if choice == "annotation":
        length = draw(st.sampled_from([300 * 1024, 3 * 2**20]))
        meta = doc.setdefault("metadata", {})
        if isinstance(meta, dict):
            meta["annotations"] = {"fuzz/big": "x" * length}
    elif choice == "list":
        path = _path(draw, case)
        if path is not None:
            put(case.docs, path, big_list(draw(st.sampled_from([10**4, 2 * 10**5]))))
    elif choice == "documents":
        count = draw(st.sampled_from([200, 3000]))
        case.docs.extend(clone(SEEDS[case.seed][:1])[0] for _ in range(count))
    else:
        meta = doc.get("metadata")
        if isinstance(meta, dict):
            meta["name"] = "a" * draw(st.sampled_from([64, 254, 300, 70000]))
    case.ops.append(f"size: {choice}")


_SCALAR_LINE = re.compile(r"^(\s*)(- )?([A-Za-z][\w.-]*): (\S.*)$")
#: Characters spliced raw into the YAML text (a NUL byte, a lone surrogate ...).
RAW_CHARS = ["\x00", "\ud800", "\x1b", "\ufeff", "\x85", "\u2028", "\t", "\u202e", "\x7f"]


def _duplicate_key(line_pick: int, value: str) -> Callable[[str], str]:
    """Repeat a ``key: scalar`` line with another value (kubectl's decoder refuses it)."""

    def apply(text: str) -> str:
        lines = text.split("\n")
        hits = [i for i, line in enumerate(lines) if _SCALAR_LINE.match(line)]
        if not hits:
            return text
        i = hits[line_pick % len(hits)]
        indent, dash, key, _ = _SCALAR_LINE.match(lines[i]).groups()  # type: ignore[union-attr]
        lines.insert(i + 1, f"{indent}{'  ' if dash else ''}{key}: {value}")
        return "\n".join(lines)

    return apply


def _splice(position: float, piece: str) -> Callable[[str], str]:
    def apply(text: str) -> str:
        at = int(len(text) * position)
        return text[:at] + piece + text[at:]

    return apply


def _truncate(position: float) -> Callable[[str], str]:
    def apply(text: str) -> str:
        return text[: int(len(text) * position)]

    return apply


def text_edit(draw: Draw, case: Case) -> None:
    """Edits only YAML text can carry: duplicate keys, raw characters, cuts."""
    case.mode = "text"
    choice = draw(st.sampled_from(["duplicate-key", "raw-char", "truncate", "indent"]))
    position = draw(st.floats(0, 1))
    if choice == "duplicate-key":
        pick = draw(st.integers(0, 200))
        value = draw(st.sampled_from(["x", "1", "{}", "[]", "null"]))
        case.text_ops.append(_duplicate_key(pick, value))
        case.ops.append(f"duplicate key line #{pick} with {value}")
    elif choice == "raw-char":
        char = draw(st.sampled_from(RAW_CHARS))
        case.text_ops.append(_splice(position, char))
        case.ops.append(f"raw {char!r} at {position:.2f}")
    elif choice == "truncate":
        case.text_ops.append(_truncate(position))
        case.ops.append(f"truncate at {position:.2f}")
    else:
        case.text_ops.append(_splice(position, "\n  \t: x\n"))
        case.ops.append(f"bad indentation at {position:.2f}")


class Opaque:
    """An object no manifest can hold: neither a dict, a list nor a scalar."""

    def __repr__(self) -> str:
        return "Opaque()"


def python_value(draw: Draw, case: Case) -> None:
    """Dict mode only: values YAML cannot produce but a Python caller can pass."""
    case.mode = "dict"
    choice = draw(
        st.sampled_from(
            ["int-key", "none-key", "tuple-key", "set", "tuple", "bytes", "object", "cycle", "nan"]
        )
    )
    path = _path(draw, case, containers_only=choice.endswith("key") or choice == "cycle")
    if path is None:
        return
    target = get(case.docs, path)
    if choice.endswith("key") and isinstance(target, dict):
        target[{"int-key": 1, "none-key": None, "tuple-key": ("a", 1)}[choice]] = "v"
    elif choice == "cycle" and isinstance(target, dict | list):
        if isinstance(target, dict):
            target["self"] = target
        else:
            target.append(target)
    else:
        values = {"set": {"a", "b"}, "tuple": ("a", 1), "bytes": b"\xff\x00", "nan": float("nan")}
        put(case.docs, path, values.get(choice, Opaque()))
    case.ops.append(f"python {choice} at {path!r}")


Mutation = Callable[[Draw, Case], None]
#: Mutation families: one test each, so a pending fix xfails one class only.
FAMILIES: dict[str, list[Mutation]] = {
    "structure": [delete_key, swap_type],
    "numbers": [number],
    "strings": [string],
    "nesting": [deepen],
    "yaml": [tag, bomb, text_edit],
    "documents": [documents, set_kind],
    "sizes": [size],
    "python": [python_value],
}


@st.composite
def cases(draw: Draw, families: tuple[str, ...] = tuple(FAMILIES), max_ops: int = 3) -> Case:
    """A seed, a mode and one to ``max_ops`` mutations from ``families``."""
    seed = draw(st.sampled_from(sorted(SEEDS)))
    mode = draw(st.sampled_from(["text", "dict"]))
    case = Case(seed, mode, clone(SEEDS[seed]))
    mutations = [m for name in families for m in FAMILIES[name]]
    for _ in range(draw(st.integers(1, max_ops))):
        if not case.docs:
            break
        draw(st.sampled_from(mutations))(draw, case)
    if any(op.startswith("python") for op in case.ops):
        case.mode = "dict"
    return case


def cycle_free(case: Case) -> bool:
    """Whether the documents can be deep-copied and printed (no self-reference)."""
    return not any(op.startswith("python cycle") for op in case.ops)


__all__ = ["FAMILIES", "SEEDS", "Case", "Raw", "cases", "cycle_free"]
