"""Text printed by real kubectl, and the tabbed text kubectl's code writes to produce it.

``DESCRIBE_KUBECTL`` and ``EVENTS_X2_KUBECTL`` are copied verbatim from a public
transcript of a real cluster (kubectl of late 2025: the pod template already
has Node-Selectors/Tolerations and OldReplicaSets lists scaled-down sets; the
notes are stored in the search index as file id 17282776009, "kubectl describe
deployments rolling-nginx" before and after ``rollout undo --to-revision=1``).

The ``*_TABBED`` strings are what pkg/describe/describe.go writes for those
objects before text/tabwriter aligns them: DeploymentDescriber's
``"Name:\\t%s\\n"`` lines, printLabelsMultiline/printAnnotationsMultiline,
DescribePodTemplate and describeContainers, the Conditions rows
(``"%v \\t%v\\t%v\\n"``, a space before the tab), printReplicaSetsByLabels and
DescribeEvents (``"%v\\t%v\\t%s\\t%v\\t%v\\n"``, after a Flush).
"""

from __future__ import annotations

OLD_RS = "rolling-nginx-6dcbb79877"
NEW_RS = "rolling-nginx-79cdc8bb4c"

#: (age, message) of the eight ScalingReplicaSet events of the first describe.
EVENTS = [
    ("2m18s", f"Scaled up replica set {OLD_RS} from 0 to 4"),
    ("37s", f"Scaled up replica set {NEW_RS} from 0 to 2"),
    ("37s", f"Scaled down replica set {OLD_RS} from 4 to 3"),
    ("37s", f"Scaled up replica set {NEW_RS} from 2 to 3"),
    ("32s", f"Scaled down replica set {OLD_RS} from 3 to 2"),
    ("32s", f"Scaled up replica set {NEW_RS} from 3 to 4"),
    ("32s", f"Scaled down replica set {OLD_RS} from 2 to 1"),
    ("32s", f"Scaled down replica set {OLD_RS} from 1 to 0"),
]

#: (age, message) of the ten events of the describe after the undo.
EVENTS_X2 = [
    ("5m8s", f"Scaled up replica set {OLD_RS} from 0 to 4"),
    ("3m27s", f"Scaled up replica set {NEW_RS} from 0 to 2"),
    ("3m27s", f"Scaled down replica set {OLD_RS} from 4 to 3"),
    ("3m27s", f"Scaled up replica set {NEW_RS} from 2 to 3"),
    ("3m22s", f"Scaled down replica set {OLD_RS} from 3 to 2"),
    ("3m22s", f"Scaled up replica set {NEW_RS} from 3 to 4"),
    ("3m22s", f"Scaled down replica set {OLD_RS} from 2 to 1"),
    ("3m22s", f"Scaled down replica set {OLD_RS} from 1 to 0"),
    ("12s", f"Scaled up replica set {OLD_RS} from 0 to 2"),
    (
        "12s (x2 over 12s)",
        f"(combined from similar events): Scaled up replica set {OLD_RS} from 2 to 3",
    ),
]


def _events_tabbed(events: list[tuple[str, str]]) -> str:
    rows = "".join(
        f"  Normal\tScalingReplicaSet\t{age}\tdeployment-controller\t{message}\n"
        for age, message in events
    )
    return (
        "Events:\n  Type\tReason\tAge\tFrom\tMessage\n  ----\t------\t----\t----\t-------\n" + rows
    )


DESCRIBE_TABBED = (
    "Name:\trolling-nginx\n"
    "Namespace:\tdefault\n"
    "CreationTimestamp:\tWed, 17 Dec 2025 13:16:21 +0000\n"
    "Labels:\t<none>\n"
    "Annotations:\tdeployment.kubernetes.io/revision: 2\n"
    "Selector:\tapp=nginx\n"
    "Replicas:\t4 desired | 4 updated | 4 total | 4 available | 0 unavailable\n"
    "StrategyType:\tRollingUpdate\n"
    "MinReadySeconds:\t0\n"
    "RollingUpdateStrategy:\t1 max unavailable, 2 max surge\n"
    "Pod Template:\n"
    "  Labels:\tapp=nginx\n"
    "  Containers:\n"
    "   nginx:\n"
    "    Image:\tnginx:1.17\n"
    "    Port:\t<none>\n"
    "    Host Port:\t<none>\n"
    "    Environment:\t<none>\n"
    "    Mounts:\t<none>\n"
    "  Volumes:\t<none>\n"
    "  Node-Selectors:\t<none>\n"
    "  Tolerations:\t<none>\n"
    "Conditions:\n"
    "  Type\tStatus\tReason\n"
    "  ----\t------\t------\n"
    "  Available \tTrue\tMinimumReplicasAvailable\n"
    "  Progressing \tTrue\tNewReplicaSetAvailable\n"
    f"OldReplicaSets:\t{OLD_RS} (0/0 replicas created)\n"
    f"NewReplicaSet:\t{NEW_RS} (4/4 replicas created)\n" + _events_tabbed(EVENTS)
)

DESCRIBE_KUBECTL = """\
Name:                   rolling-nginx
Namespace:              default
CreationTimestamp:      Wed, 17 Dec 2025 13:16:21 +0000
Labels:                 <none>
Annotations:            deployment.kubernetes.io/revision: 2
Selector:               app=nginx
Replicas:               4 desired | 4 updated | 4 total | 4 available | 0 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  1 max unavailable, 2 max surge
Pod Template:
  Labels:  app=nginx
  Containers:
   nginx:
    Image:         nginx:1.17
    Port:          <none>
    Host Port:     <none>
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      True    MinimumReplicasAvailable
  Progressing    True    NewReplicaSetAvailable
OldReplicaSets:  rolling-nginx-6dcbb79877 (0/0 replicas created)
NewReplicaSet:   rolling-nginx-79cdc8bb4c (4/4 replicas created)
Events:
  Type    Reason             Age    From                   Message
  ----    ------             ----   ----                   -------
  Normal  ScalingReplicaSet  2m18s  deployment-controller  Scaled up replica set rolling-nginx-6dcbb79877 from 0 to 4
  Normal  ScalingReplicaSet  37s    deployment-controller  Scaled up replica set rolling-nginx-79cdc8bb4c from 0 to 2
  Normal  ScalingReplicaSet  37s    deployment-controller  Scaled down replica set rolling-nginx-6dcbb79877 from 4 to 3
  Normal  ScalingReplicaSet  37s    deployment-controller  Scaled up replica set rolling-nginx-79cdc8bb4c from 2 to 3
  Normal  ScalingReplicaSet  32s    deployment-controller  Scaled down replica set rolling-nginx-6dcbb79877 from 3 to 2
  Normal  ScalingReplicaSet  32s    deployment-controller  Scaled up replica set rolling-nginx-79cdc8bb4c from 3 to 4
  Normal  ScalingReplicaSet  32s    deployment-controller  Scaled down replica set rolling-nginx-6dcbb79877 from 2 to 1
  Normal  ScalingReplicaSet  32s    deployment-controller  Scaled down replica set rolling-nginx-6dcbb79877 from 1 to 0
"""  # noqa: E501

EVENTS_X2_TABBED = _events_tabbed(EVENTS_X2)

EVENTS_X2_KUBECTL = """\
Events:
  Type    Reason             Age                From                   Message
  ----    ------             ----               ----                   -------
  Normal  ScalingReplicaSet  5m8s               deployment-controller  Scaled up replica set rolling-nginx-6dcbb79877 from 0 to 4
  Normal  ScalingReplicaSet  3m27s              deployment-controller  Scaled up replica set rolling-nginx-79cdc8bb4c from 0 to 2
  Normal  ScalingReplicaSet  3m27s              deployment-controller  Scaled down replica set rolling-nginx-6dcbb79877 from 4 to 3
  Normal  ScalingReplicaSet  3m27s              deployment-controller  Scaled up replica set rolling-nginx-79cdc8bb4c from 2 to 3
  Normal  ScalingReplicaSet  3m22s              deployment-controller  Scaled down replica set rolling-nginx-6dcbb79877 from 3 to 2
  Normal  ScalingReplicaSet  3m22s              deployment-controller  Scaled up replica set rolling-nginx-79cdc8bb4c from 3 to 4
  Normal  ScalingReplicaSet  3m22s              deployment-controller  Scaled down replica set rolling-nginx-6dcbb79877 from 2 to 1
  Normal  ScalingReplicaSet  3m22s              deployment-controller  Scaled down replica set rolling-nginx-6dcbb79877 from 1 to 0
  Normal  ScalingReplicaSet  12s                deployment-controller  Scaled up replica set rolling-nginx-6dcbb79877 from 0 to 2
  Normal  ScalingReplicaSet  12s (x2 over 12s)  deployment-controller  (combined from similar events): Scaled up replica set rolling-nginx-6dcbb79877 from 2 to 3
"""  # noqa: E501
