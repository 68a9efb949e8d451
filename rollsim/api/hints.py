"""Hints for the unknown fields users actually hit: a field upstream renamed or moved.

The API server's strict decoding names an unknown field and stops there
(``strict decoding error: unknown field "spec.canaryAnalysis"``). When the field
is one a project renamed in a release people upgrade across, or a misspelling
its own docs' readers make, rollsim says what the field is called now, after the
upstream words, which stay as they are. The renames come from each project's
history:

* Flagger's v1beta1 Canary replaced ``spec.canaryAnalysis`` (v1alpha3) with
  ``spec.analysis`` (docs/gitbook/dev/upgrade-guide.md); its CRD schema no
  longer lists the old field;
* Argo Rollouts renamed a metric's ``maxFailures``, ``maxInconclusive`` and
  ``maxConsecutiveErrors`` to ``failureLimit``, ``inconclusiveLimit`` and
  ``consecutiveErrorLimit`` (argoproj/argo-rollouts#287), and replaced an
  analysis's single ``templateName`` with ``templates[].templateName``
  (#409, removed in v1.0);
* a canary step's ``weight`` is Argo's ``setWeight`` (``setCanaryScale`` has a
  ``weight``, a step does not).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["RenamedField", "renamed_field_hints"]


@dataclass(frozen=True)
class RenamedField:
    """One rename: the kinds it applies to, the unknown field's path as a pattern (its
    parent captured as ``parent``), the field's name now (a path under the parent),
    and why, in a few words."""

    kinds: frozenset[str]
    path: str
    now: str
    why: str


_ANALYSIS_TEMPLATES = "(Argo Rollouts replaced templateName with a templates list in v1.0)"
_LIMITS = "(Argo Rollouts renamed the max* limits in v0.6)"
_METRIC = r"(?P<parent>spec\.metrics\[\d+\])"
_ANALYSIS = (
    r"(?P<parent>spec\.strategy\.(canary(\.steps\[\d+\])?\.analysis"
    r"|blueGreen\.(pre|post)PromotionAnalysis))"
)
_ANALYSIS_KINDS = frozenset({"AnalysisTemplate", "ClusterAnalysisTemplate"})

RENAMES: tuple[RenamedField, ...] = (
    RenamedField(
        frozenset({"Canary"}),
        r"(?P<parent>spec)\.canaryAnalysis",
        "analysis",
        "(Flagger v1beta1 renamed it)",
    ),
    RenamedField(_ANALYSIS_KINDS, _METRIC + r"\.maxFailures", "failureLimit", _LIMITS),
    RenamedField(_ANALYSIS_KINDS, _METRIC + r"\.maxInconclusive", "inconclusiveLimit", _LIMITS),
    RenamedField(
        _ANALYSIS_KINDS, _METRIC + r"\.maxConsecutiveErrors", "consecutiveErrorLimit", _LIMITS
    ),
    RenamedField(
        frozenset({"Rollout"}),
        _ANALYSIS + r"\.templateName",
        "templates[0].templateName",
        _ANALYSIS_TEMPLATES,
    ),
    RenamedField(
        frozenset({"Rollout"}),
        r"(?P<parent>spec\.strategy\.canary\.steps\[\d+\])\.weight",
        "setWeight",
        "(a canary step's weight is setWeight)",
    ),
)


def _hint(kind: str, path: str) -> str:
    """What ``path`` is called now, with why, or empty when it is no known rename."""
    for rename in RENAMES:
        if kind not in rename.kinds:
            continue
        found = re.fullmatch(rename.path, path)
        if found is not None:
            return f'did you mean "{found.group("parent")}.{rename.now}"? {rename.why}'
    return ""


def renamed_field_hints(kind: str, unknown: Sequence[str]) -> str:
    """The text appended to a strict-decoding error about ``unknown`` fields of ``kind``:
    for one field, ``, did you mean "spec.analysis"? (...)``; for several, each hinted
    field is named (``; "spec.canaryAnalysis": did you mean ...``). Empty when none of
    them is a known rename, so the upstream error stands alone."""
    hinted = [(path, _hint(kind, path)) for path in unknown]
    hinted = [(path, hint) for path, hint in hinted if hint]
    if not hinted:
        return ""
    if len(unknown) == 1:
        return f", {hinted[0][1]}"
    return "".join(f'; "{path}": {hint}' for path, hint in hinted)
