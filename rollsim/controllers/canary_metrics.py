"""Flagger's metric checks, answered from the traffic model.

Mirrors pkg/controller/scheduler_metrics.go: ``runBuiltinMetricChecks`` (the
built-in ``request-success-rate`` and ``request-duration``, and a metric's
deprecated in-line ``query``) and ``runMetricChecks`` (a ``templateRef`` to a
MetricTemplate: looked up in its namespace, its provider's secret read, its
query rendered with ``observers.RenderQuery`` and run), with the events Flagger
records when a check fails.

A query is answered when it has one of the shapes Flagger's docs and its own
built-ins use (docs/gitbook/usage/metrics.md, docs/gitbook/faq.md#metrics), over
the requests the canary's pods served in the query's range:

* **a request ratio**: ``sum(rate(M{S, code}[R])) / sum(rate(M{S}[R]))``,
  optionally ``* 100`` and ``100 -`` in front: the same counter and selector
  twice, the numerator filtered by one response-code matcher
  (``response_code``, ``envoy_response_code``, ``status``, ``code``) that keeps
  exactly the 5xx codes or exactly the others. rollsim's requests succeed or
  fail, a failure being a 5xx; a filter on any other split (the docs' 404s)
  has no answer here;
* **a latency quantile**: ``histogram_quantile(Q, sum(rate(M_bucket{S}[R])) by
  (le))`` over a histogram whose name gives its unit (``_milliseconds``,
  ``_ms``, ``_seconds``, Envoy's ``upstream_rq_time``: milliseconds).

The selector must name the Canary's target (``{{ target }}``). Anything else
fails its check with a message naming the template and saying why rollsim
cannot answer it: never a silent pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rollsim.api.duration import parse_duration
from rollsim.api.flagger import Canary, CanaryMetric, MetricTemplate
from rollsim.dist import as_distribution

__all__ = [
    "BUILTIN_METRICS",
    "Served",
    "answer_query",
    "check_metric",
    "inline_query_check",
    "render_query",
    "template_check",
]

BUILTIN_METRICS = ("request-success-rate", "request-duration")

#: The requests the canary pods served between two instants: (sent, failed).
Window = Callable[[float], tuple[float, float]]


@dataclass(frozen=True)
class Served:
    """What a check reads: the canary's requests over the last ``range`` seconds, and
    the latency distribution of its pods."""

    window: Window
    latency: Any


def check_metric(
    metric: CanaryMetric, sent: float, failed: float, latency: Any
) -> tuple[bool, str]:
    """One built-in metric check: (passed, what Flagger would log when it halts)."""
    name = metric.name
    rng = metric.threshold_range
    if name not in BUILTIN_METRICS:
        return True, ""
    if sent <= 0:
        return False, (
            f"no values found for metric {name} probably {{label}} is not receiving traffic"
        )
    if name == "request-success-rate":
        value = 100.0 * (1.0 - failed / sent)
        lower = rng.min if rng is not None else metric.threshold
        upper = rng.max if rng is not None else None
        if lower is not None and value < lower:
            return False, f"success rate {value:.2f}% < {lower:g}%"
        if upper is not None and value > upper:
            return False, f"success rate {value:.2f}% > {upper:g}%"
        return True, ""
    millis = 1000.0 * as_distribution(latency).quantile(0.99)
    lower = rng.min if rng is not None else None
    upper = rng.max if rng is not None else metric.threshold
    if upper is not None and millis > upper:
        return False, f"request duration {_go_millis(millis)} > {_go_millis(upper)}"
    if lower is not None and millis < lower:
        return False, f"request duration {_go_millis(millis)} < {_go_millis(lower)}"
    return True, ""


def _go_millis(millis: float) -> str:
    """A duration in milliseconds as Go's ``time.Duration`` prints it (500ms, 1.5s)."""
    if millis < 1000:
        return f"{millis:g}ms"
    return f"{millis / 1000:g}s"


# Rendering: observers.RenderQuery over toMetricModel.


def _model(c: Canary, metric: CanaryMetric) -> dict[str, str]:
    """``toMetricModel``: the names a query template may use (``{{ target }}``)."""
    target = c.spec.target_ref.name
    service = c.spec.extra.get("service")
    ingress = c.spec.extra.get("ingressRef")
    route = c.spec.extra.get("routeRef")
    return {
        "name": c.metadata.name,
        "namespace": c.metadata.namespace,
        "target": target,
        "service": str((service or {}).get("name") or target),
        "ingress": str((ingress or {}).get("name") or target),
        "route": str((route or {}).get("name") or target),
        "interval": metric.interval,
    }


_ACTION = re.compile(r"\{\{-?\s*(?P<name>[A-Za-z_]\w*)(?P<field>\.\w+)?\s*-?\}\}")


def render_query(query: str, c: Canary, metric: CanaryMetric) -> tuple[str, str]:
    """``RenderQuery``: (the query with each ``{{ name }}`` or ``{{ variables.key }}``
    replaced, the error); the error in Go's ``text/template`` words for a function
    the model lacks or a variable ``templateVariables`` does not set."""
    model = _model(c, metric)
    variables = metric.extra.get("templateVariables") or {}
    rendered: list[str] = []
    last = 0
    for found in _ACTION.finditer(query):
        line = query.count("\n", 0, found.start()) + 1
        name, chained = found.group("name"), found.group("field")
        if name == "variables" and chained:
            key = chained[1:]
            if key not in variables:
                column = found.start("field") - (query.rfind("\n", 0, found.start()) + 1)
                return "", (
                    f'template excution failed: template: tmpl:{line}:{column}: executing "tmpl" '
                    f'at <variables.{key}>: map has no entry for key "{key}"'
                )
            value = str(variables[key])
        elif name in model and not chained:
            value = model[name]
        else:
            return (
                "",
                f'template parsing failed: template: tmpl:{line}: function "{name}" not defined',
            )
        rendered += [query[last : found.start()], value]
        last = found.end()
    return "".join(rendered) + query[last:], ""


# Answering: the documented query shapes.

_METRIC = r"[A-Za-z_:][\w:]*"


def _range_sum(n: int) -> str:
    """``sum(rate(M{S}[R]))`` with its counter, selector and range as groups ``m<n>``,
    ``s<n>``, ``r<n>``."""
    return (
        rf"sum\((?:rate|irate|increase)\((?P<m{n}>{_METRIC})"
        rf"\{{(?P<s{n}>[^{{}}]*)\}}\[(?P<r{n}>[^\]]*)\]\)\)"
    )


_RATIO = re.compile(
    r"(?P<minus>100-)?" + _range_sum(1) + "/" + _range_sum(2) + r"(?P<times>\*100)?"
)
_QUANTILE = re.compile(
    r"histogram_quantile\((?P<q>[0-9.]+),(?:sum(?:by\(le\))?)"
    r"\((?:rate|irate)\((?P<m>" + _METRIC + r"_bucket)\{(?P<s>[^{}]*)\}\[(?P<r>[^\]]*)\]\)\)"
    r"(?:by\(le\))?\)"
)
_MATCHER = re.compile(r'(?P<label>\w+)(?P<op>=~|!~|!=|=)"(?P<value>(?:[^"\\]|\\.)*)",?')
_CODE_LABELS = ("response_code", "envoy_response_code", "status", "code", "status_code")
_CODES = [str(code) for code in range(100, 600)]
_SERVER_ERRORS = frozenset(code for code in _CODES if code.startswith("5"))
_MILLISECOND_HISTOGRAMS = ("_milliseconds_bucket", "_ms_bucket", "upstream_rq_time_bucket")


def _compact(query: str) -> str:
    """The query without whitespace outside its quoted label values."""
    parts = re.split(r'("(?:[^"\\]|\\.)*")', query)
    return "".join(part if part.startswith('"') else re.sub(r"\s+", "", part) for part in parts)


def _matchers(selector: str) -> tuple[frozenset[tuple[str, str, str]], bool]:
    """The selector's matchers, and whether it parsed as a list of them entirely."""
    found = list(_MATCHER.finditer(selector))
    whole = "".join(m.group(0) for m in found) == selector
    return frozenset((m["label"], m["op"], m["value"]) for m in found), whole


def _kept_codes(op: str, value: str) -> frozenset[str]:
    """The status codes a response-code matcher keeps (a regex is anchored, as RE2's
    in PromQL)."""
    if op in ("=", "!="):
        hit = frozenset(code for code in _CODES if code == value)
    else:
        try:
            pattern = re.compile(value)
        except re.error:
            return frozenset({"?"})
        hit = frozenset(code for code in _CODES if pattern.fullmatch(code))
    return hit if op in ("=", "=~") else frozenset(_CODES) - hit


@dataclass(frozen=True)
class _Answer:
    """A query's value (None: no values), or why rollsim cannot answer it."""

    value: float | None = None
    problem: str = ""


def answer_query(query: str, target: str, served: Served) -> _Answer:
    """The rendered PromQL ``query`` over what the target's canary pods served."""
    compact = _compact(query)
    ratio = _RATIO.fullmatch(compact)
    if ratio is not None:
        return _ratio(ratio, target, served)
    quantile = _QUANTILE.fullmatch(compact)
    if quantile is not None:
        return _quantile(quantile, target, served)
    return _Answer(problem="its shape is neither a request ratio nor a latency histogram_quantile")


def _range(text: str) -> float | None:
    try:
        seconds = parse_duration(text)
    except ValueError:
        return None
    return seconds if seconds > 0 else None


def _ratio(found: re.Match[str], target: str, served: Served) -> _Answer:
    """The success or error share of the requests, as the ratio's arithmetic has it."""
    numerator, whole_n = _matchers(found["s1"])
    denominator, whole_d = _matchers(found["s2"])
    seconds = _range(found["r1"])
    if found["m1"] != found["m2"] or found["r1"] != found["r2"] or seconds is None:
        return _Answer(problem="its two sums are not the same counter over the same range")
    extra = numerator - denominator
    if not (whole_n and whole_d) or denominator - numerator or len(extra) != 1:
        return _Answer(problem="its numerator is not its denominator with one matcher more")
    ((label, op, value),) = extra
    if label not in _CODE_LABELS:
        return _Answer(problem=f"its numerator's extra matcher {label} is not a response code")
    kept = _kept_codes(op, value)
    if kept not in (_SERVER_ERRORS, frozenset(_CODES) - _SERVER_ERRORS):
        return _Answer(
            problem=f'its {label}{op}"{value}" filter splits requests other than into 5xx '
            "and the rest, and rollsim's requests succeed or fail with a 5xx"
        )
    if not any(target in v for _, _, v in denominator):
        return _Answer(problem=f"its selector does not name the canary's target {target}")
    sent, failed = served.window(seconds)
    if sent <= 0:
        return _Answer()
    share = failed / sent if kept == _SERVER_ERRORS else 1.0 - failed / sent
    if found["times"]:
        share *= 100.0
    return _Answer(value=100.0 - share if found["minus"] else share)


def _quantile(found: re.Match[str], target: str, served: Served) -> _Answer:
    """The quantile of the pods' latency, in the histogram's unit."""
    matchers, whole = _matchers(found["s"])
    seconds = _range(found["r"])
    q = float(found["q"])
    if not whole or seconds is None or not 0 <= q <= 1:
        return _Answer(problem="its selector, range or quantile does not parse")
    metric = found["m"]
    if metric.endswith(_MILLISECOND_HISTOGRAMS):
        scale = 1000.0
    elif metric.endswith("_seconds_bucket"):
        scale = 1.0
    else:
        return _Answer(problem=f"the unit of {metric} is not in its name")
    if not any(target in v for _, _, v in matchers):
        return _Answer(problem=f"its selector does not name the canary's target {target}")
    sent, _failed = served.window(seconds)
    if sent <= 0:
        return _Answer()
    return _Answer(value=scale * as_distribution(served.latency).quantile(q))


def _threshold_problem(c: Canary, metric: CanaryMetric, value: float) -> str:
    """The halt message of a custom metric outside its range (``thresholdRange``, else
    above the deprecated ``threshold``), as ``runMetricChecks`` words it."""
    label = f"{c.metadata.name}.{c.metadata.namespace}"
    rng = metric.threshold_range
    if rng is not None:
        if rng.min is not None and value < rng.min:
            return f"Halt {label} advancement {metric.name} {value:.2f} < {rng.min:g}"
        if rng.max is not None and value > rng.max:
            return f"Halt {label} advancement {metric.name} {value:.2f} > {rng.max:g}"
        return ""
    threshold = metric.threshold or 0.0
    if value > threshold:
        return f"Halt {label} advancement {metric.name} {value:.2f} > {threshold:g}"
    return ""


def template_check(
    c: Canary,
    metric: CanaryMetric,
    template: MetricTemplate,
    secret_exists: Callable[[str], bool],
    served: Served,
) -> str:
    """One ``templateRef`` metric, as ``runMetricChecks`` runs it: the provider's
    secret (``secret_exists``: in the template's namespace), the
    rendered query, its value against the range. Empty when it passes, else the
    event Flagger records (or rollsim's words for a query it cannot answer)."""
    name, namespace = template.metadata.name, template.metadata.namespace
    provider = template.spec.provider
    assert provider is not None
    if provider.secret_ref is not None and not secret_exists(provider.secret_ref.name):
        secret = provider.secret_ref.name
        return (
            f"Metric template {name}.{namespace} secret {secret} error: "
            f'secrets "{secret}" not found'
        )
    query, error = render_query(template.spec.query, c, metric)
    if error:
        return f"Metric template {name}.{namespace} query render error: {error}"
    if provider.type != "prometheus":
        return (
            f"Metric query failed for {metric.name}: rollsim does not simulate the "
            f"{provider.type} query of metric template {name}.{namespace}: it answers "
            "only Prometheus queries"
        )
    answer = answer_query(query, c.spec.target_ref.name, served)
    if answer.problem:
        return (
            f"Metric query failed for {metric.name}: rollsim does not simulate the query of "
            f"metric template {name}.{namespace}: {answer.problem}"
        )
    if answer.value is None:
        return f"Halt advancement no values found for custom metric: {metric.name}: no values found"
    return _threshold_problem(c, metric, answer.value)


def inline_query_check(c: Canary, metric: CanaryMetric, query: str, served: Served) -> str:
    """A metric's deprecated in-line PromQL ``query``, as ``runBuiltinMetricChecks``
    runs it against the mesh's Prometheus; empty when it passes."""
    rendered, error = render_query(query, c, metric)
    answer = answer_query(rendered, c.spec.target_ref.name, served) if not error else None
    if answer is None or answer.problem:
        why = error or (answer.problem if answer is not None else "")
        return (
            f"Prometheus query failed for {metric.name}: rollsim does not simulate this "
            f"query: {why}"
        )
    if answer.value is None:
        return f"Halt advancement no values found for metric: {metric.name}"
    return _threshold_problem(c, metric, answer.value)
