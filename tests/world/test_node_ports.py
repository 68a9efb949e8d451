"""A NodePort or LoadBalancer Service gets a node port per port, as the API server's
allocator hands them out (pkg/registry/core/service/portallocator: a random free port
of 30000-32767), from a random stream of its own."""

from __future__ import annotations

import rollsim
from rollsim.world.store import NODE_PORT_RANGE

LB = """apiVersion: v1
kind: Service
metadata: {name: ingress}
spec:
  type: LoadBalancer
  selector: {app: ingress}
  ports: [{name: http, port: 80}, {name: https, port: 443}]
"""


def test_each_port_gets_a_node_port_in_the_range() -> None:
    c = rollsim.Cluster(seed=4)
    [svc] = c.apply(LB)
    ports = [p.node_port for p in svc.spec.ports]
    assert all(p in NODE_PORT_RANGE for p in ports) and len(set(ports)) == 2
    assert c.kubectl("get svc ingress").splitlines()[1].split()[4] == (
        f"80:{ports[0]}/TCP,443:{ports[1]}/TCP"
    )
    # The same seed gives the same ports; re-applying keeps them.
    assert [p.node_port for p in rollsim.Cluster(seed=4).apply(LB)[0].spec.ports] == ports
    assert [p.node_port for p in c.apply(LB)[0].spec.ports] == ports


def test_a_cluster_ip_service_has_none_and_a_change_of_type_releases_them() -> None:
    c = rollsim.Cluster()
    [svc] = c.apply(LB)
    [plain] = c.apply(LB.replace("type: LoadBalancer", "type: ClusterIP"))
    assert [p.node_port for p in plain.spec.ports] == [0, 0]
    assert plain.spec.cluster_ip == svc.spec.cluster_ip
    assert c.store._node_ports_taken == set()


def test_node_ports_draw_from_their_own_stream() -> None:
    """Allocating node ports moves no pod name."""
    deployment = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
"""
    with_lb, without = rollsim.Cluster(seed=2), rollsim.Cluster(seed=2)
    with_lb.apply(LB.replace("name: ingress}", "name: other}") + "---\n" + deployment)
    without.apply(LB.replace("LoadBalancer", "ClusterIP") + "---\n" + deployment)
    with_lb.run(5)
    without.run(5)
    assert [p.metadata.name for p in with_lb.list("pod")] == [
        p.metadata.name for p in without.list("pod")
    ]
