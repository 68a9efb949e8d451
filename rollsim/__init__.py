"""rollsim: deterministic, in-memory simulation of Kubernetes rollouts.

Load real manifests, apply them to a ``Cluster``, advance its clock, and read
what the Deployment and ReplicaSet controllers did, identically on every run.
"""

from rollsim import dist
from rollsim.api import (
    ApplyError,
    ControllerDidNotSettle,
    Deployment,
    FieldError,
    InertObject,
    InvalidOperation,
    LabelSelector,
    NotFoundError,
    Pod,
    ReplicaSet,
    RollsimError,
    Service,
    ValidationError,
    load,
    to_dict,
    to_yaml,
)
from rollsim.behavior import PodBehavior
from rollsim.cluster import Cluster, Event
from rollsim.controllers.deployment.util import resolve_fenceposts
from rollsim.forecast import Comparison, Forecast, compare, forecast
from rollsim.kubectl import KubectlError
from rollsim.scenario import Action, Scenario
from rollsim.summary import RolloutSummary
from rollsim.timeline import FlowTimeline, RevisionTimeline, Timeline
from rollsim.traffic import Traffic, diurnal

__all__ = [
    "Action",
    "ApplyError",
    "Cluster",
    "Comparison",
    "ControllerDidNotSettle",
    "Deployment",
    "Event",
    "FieldError",
    "FlowTimeline",
    "Forecast",
    "InertObject",
    "InvalidOperation",
    "KubectlError",
    "LabelSelector",
    "NotFoundError",
    "Pod",
    "PodBehavior",
    "ReplicaSet",
    "RevisionTimeline",
    "RolloutSummary",
    "RollsimError",
    "Scenario",
    "Service",
    "Timeline",
    "Traffic",
    "ValidationError",
    "compare",
    "dist",
    "diurnal",
    "forecast",
    "load",
    "resolve_fenceposts",
    "to_dict",
    "to_yaml",
]

__version__ = "0.1.0"
