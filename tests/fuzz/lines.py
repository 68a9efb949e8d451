"""Hypothesis strategies for kubectl lines: the verbs rollsim supports, mutated.

A line is built from a verb's template (``scale RESOURCE/NAME --replicas=N``)
with each slot drawn from a pool of valid and bad words (kinds the verb does not
handle, huge or non-ASCII numbers, Go durations upstream refuses, patches that
rename, re-namespace or nest 10,000 deep), then mutated at the token level
(dropped, repeated, an unknown flag, an unbalanced quote). ``apply -f -`` reads a
mutated manifest from stdin, or no stdin at all.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass

from hypothesis import strategies as st

from .mutations import FAMILIES, Draw, cases

RESOURCES = [
    "deploy", "deployment", "deployments.apps", "svc", "service", "rollout", "ro", "canary",
    "canaries", "analysistemplate", "analysistemplates", "rs", "pod", "po", "ev", "bogus", "",
    "Deployment", "deploy,svc", "all",
]  # fmt: skip
NAMES = [
    "ngx-dep", "web", "podinfo", "podinfo-primary", "podinfo-canary", "web-stable",
    "web-canary", "success-rate", "missing", "", "ngx-dep/extra", "Web", "a" * 300, "①", "\x00",
    "\ud800", "-x", "*",
]  # fmt: skip
NUMBERS = [
    "1", "0", "3", "-1", "1e9", "1000000000", "1000001", "2147483648", "9223372036854775808",
    "9999999999999999999999999", "0x10", "010", "²", "①", "1.5", "", "abc", "+5", " 2", "1_0",
    "9" * 5000,
]  # fmt: skip
DURATIONS = [
    "5s", "0", "0s", "-1s", "abc", "5%", "²s", "1h", "1.5m", "9999999999h", "1e9s", "", "10",
    "300ms", "2562047h47m16.854775808s", "9" * 400 + "s",
]  # fmt: skip
IMAGES = [
    "nginx=nginx:1.25",
    "*=x:1",
    "web=web:3",
    "podinfo=podinfo:3",
    "nginx=",
    "=x",
    "x",
    "a=b=c",
]
OUTPUTS = ["yaml", "json", "wide", "name", "bogus", "", "jsonpath={.spec}", "custom-columns=A:.x"]
SCALAR_PATCHES = [
    '{"spec":{"replicas":1000000000}}', '{"spec":{"replicas":-1}}', '{"spec":{"replicas":"2"}}',
    '{"metadata":{"namespace":""}}', "{metadata: {namespace: \"\"}}", '{"metadata":{"name":"x"}}',
    '{"kind":"Service"}', '{"apiVersion":"v9"}', "null", "[]", "{", "", '"text"', "5",
    '{"spec":{"template":{"spec":{"containers":null}}}}', '{"spec":{"paused":"yes"}}',
    '{"spec":{"strategy":{"canary":{"steps":[{"setWeight":-5}]}}}}',
    '{"spec":{"strategy":{"canary":{"steps":[{"pause":{"duration":"-1"}}]}}}}',
    '{"spec":{"analysis":{"interval":"true"}}}', '{"spec":{"service":{"port":"0x10"}}}',
    '{"metadata":{"annotations":{"a":' + json.dumps("x" * 300_000) + "}}}",
    '{"a":' * 10000 + "1" + "}" * 10000, "[" * 10000 + "]" * 10000,
]  # fmt: skip
JUNK = ["--bogus", "--bogus=1", "-x", "-", "--", "'", '"', "\\", "--replicas", "-o", "-n", "-A"]
#: Manifest mutations stdin can carry (Python values cannot be written as text).
TEXT_FAMILIES = tuple(f for f in FAMILIES if f != "python")
ARGO_VERBS = ["promote", "abort", "retry rollout", "get rollout", "status", "pause", "undo"]
ROLLOUT_VERBS = ["status", "history", "undo", "pause", "resume", "restart"]


@dataclass
class Line:
    """A kubectl command line and what it reads on stdin."""

    text: str
    stdin: str | None = None


def _ref(draw: Draw) -> str:
    resource = draw(st.sampled_from(RESOURCES))
    name = draw(st.sampled_from(NAMES))
    return f"{resource}/{name}" if draw(st.booleans()) else f"{resource} {shlex.quote(name)}"


def _flag(draw: Draw, name: str, pool: list[str]) -> str:
    return f"--{name}={shlex.quote(draw(st.sampled_from(pool)))}"


def _patch(draw: Draw) -> str:
    """A merge patch: a fixed bad one, or a small random JSON tree under a known key."""
    if draw(st.booleans()):
        return draw(st.sampled_from(SCALAR_PATCHES))
    leaves = st.one_of(
        st.none(), st.booleans(), st.integers(), st.sampled_from(NUMBERS), st.text(max_size=5)
    )
    tree = st.recursive(
        leaves, lambda inner: st.dictionaries(st.text(max_size=8), inner, max_size=3)
    )
    top = draw(st.sampled_from(["spec", "metadata", "status", "kind", "apiVersion"]))
    return json.dumps({top: draw(tree)})


#: Verb groups: one test each, so a pending fix xfails one group only.
VERB_GROUPS = {
    "read": ("get", "describe"),
    "apply": ("apply",),
    "write": ("scale", "set image", "patch", "delete", "annotate"),
    "rollout": ("rollout",),
    "argo": ("argo",),
}


def _words(draw: Draw, verbs: tuple[str, ...]) -> tuple[str, str | None]:
    """A verb's line before token mutations, and its stdin."""
    verb = draw(st.sampled_from(verbs))
    if verb == "get":
        extra = draw(st.sampled_from(["", _flag(draw, "output", OUTPUTS), "-l app=web", "-w"]))
        return f"get {_ref(draw)} {extra}", None
    if verb == "describe":
        return f"describe {_ref(draw)}", None
    if verb == "apply":
        stdin = draw(
            st.one_of(
                st.none(), st.just(""), cases(TEXT_FAMILIES, max_ops=2).map(lambda c: c.text())
            )
        )
        return "apply -f -", stdin
    if verb == "scale":
        return f"scale {_ref(draw)} {_flag(draw, 'replicas', NUMBERS)}", None
    if verb == "set image":
        return f"set image {_ref(draw)} {shlex.quote(draw(st.sampled_from(IMAGES)))}", None
    if verb == "rollout":
        sub = draw(st.sampled_from(ROLLOUT_VERBS))
        extra = draw(
            st.sampled_from(
                [
                    "",
                    _flag(draw, "to-revision", NUMBERS),
                    _flag(draw, "revision", NUMBERS),
                    _flag(draw, "timeout", DURATIONS),
                ]
            )
        )
        return f"rollout {sub} {_ref(draw)} {extra}", None
    if verb == "patch":
        kind = draw(st.sampled_from(["", " --type merge", " --type json", " --type strategic"]))
        return f"patch {_ref(draw)} -p {shlex.quote(_patch(draw))}{kind}", None
    if verb == "delete":
        return f"delete {_ref(draw)}", None
    if verb == "annotate":
        return f"annotate {_ref(draw)} {shlex.quote(draw(st.sampled_from(IMAGES)))}", None
    sub = draw(st.sampled_from(ARGO_VERBS))
    name = shlex.quote(draw(st.sampled_from(NAMES)))
    extra = draw(
        st.sampled_from(
            [
                "",
                "--full",
                _flag(draw, "timeout", DURATIONS),
                "--watch",
                _flag(draw, "to-revision", NUMBERS),
            ]
        )
    )
    return f"argo rollouts {sub} {name} {extra}", None


@st.composite
def lines(draw: Draw, groups: tuple[str, ...] = tuple(VERB_GROUPS)) -> Line:
    """A kubectl line of a verb in ``groups``, perhaps with its tokens mutated."""
    text, stdin = _words(draw, tuple(v for g in groups for v in VERB_GROUPS[g]))
    tokens = text.split(" ")
    for _ in range(draw(st.integers(0, 2))):
        where = draw(st.integers(0, len(tokens)))
        action = draw(st.sampled_from(["drop", "repeat", "junk"]))
        if action == "drop" and where < len(tokens):
            del tokens[where]
        elif action == "repeat" and where < len(tokens):
            tokens.insert(where, tokens[where])
        else:
            tokens.insert(where, draw(st.sampled_from(JUNK)))
    prefix = draw(st.sampled_from(["", "", "kubectl "]))
    return Line(prefix + " ".join(t for t in tokens if t != ""), stdin)
