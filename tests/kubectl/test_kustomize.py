"""``kubectl kustomize DIR`` and ``kubectl apply -k DIR`` (rollsim.kustomize).

Inputs: Flagger's ``kustomize/podinfo`` and ``kustomize/tester`` unchanged (the
copies under ``tests/manifests/flagger/``), and the files of kubernetes/website
``content/en/docs/tasks/manage-kubernetes-objects/kustomization.md`` (commit
00a7fc2ef9cb020867ff5662cc5aff84113be3cb), written as the page's ``cat <<EOF``
blocks write them, with the outputs the page shows.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import rollsim
from rollsim.kustomize import KustomizeError, build

MANIFESTS = Path(__file__).resolve().parents[1] / "manifests"
PODINFO = MANIFESTS / "flagger" / "kustomize" / "podinfo"
TESTER = MANIFESTS / "flagger" / "kustomize" / "tester"

#: The page's nginx Deployment (section "Setting cross-cutting fields").
NGINX_DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx
"""
#: The page's my-nginx Deployment and Service (sections "Composing", "Bases and Overlays").
MY_NGINX = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-nginx
spec:
  selector:
    matchLabels:
      run: my-nginx
  replicas: 2
  template:
    metadata:
      labels:
        run: my-nginx
    spec:
      containers:
      - name: my-nginx
        image: nginx
        ports:
        - containerPort: 80
"""
MY_NGINX_SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: my-nginx
  labels:
    run: my-nginx
spec:
  ports:
  - port: 80
    protocol: TCP
  selector:
    run: my-nginx
"""
#: The page's Deployment that mounts the generated ConfigMap.
MY_APP = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-app
  labels:
    app: my-app
spec:
  selector:
    matchLabels:
      app: my-app
  template:
    metadata:
      labels:
        app: my-app
    spec:
      containers:
      - name: app
        image: my-app
        volumeMounts:
        - name: config
          mountPath: /config
      volumes:
      - name: config
        configMap:
          name: example-configmap-1
"""


def written(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def kinds_and_names(text: str) -> list[tuple[str, str, str]]:
    docs = [rollsim.api.manifest.compose_yaml(d) for d in text.split("---\n")]
    return [(d["kind"], d["metadata"]["name"], d["metadata"].get("namespace", "")) for d in docs]


def test_flagger_podinfo_in_the_legacy_kind_order() -> None:
    """hpa.yaml is listed first, but the legacy sort puts Deployment (in orderFirst) ahead
    of the HorizontalPodAutoscaler (not in it); both get ``namespace: test``."""
    out = build(PODINFO)
    assert kinds_and_names(out) == [
        ("Deployment", "podinfo", "test"),
        ("HorizontalPodAutoscaler", "podinfo", "test"),
    ]
    assert out.startswith("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n")
    assert kinds_and_names(build(TESTER)) == [
        ("Service", "flagger-loadtester", "test"),
        ("Deployment", "flagger-loadtester", "test"),
    ]


def test_apply_k_creates_in_the_kustomization_namespace() -> None:
    cluster = rollsim.Cluster(seed=0)
    assert cluster.kubectl("create namespace test") == "namespace/test created\n"
    assert cluster.kubectl(f"apply -k {PODINFO}") == (
        "deployment.apps/podinfo created\nhorizontalpodautoscaler.autoscaling/podinfo created\n"
    )
    assert cluster.kubectl(f"apply --kustomize {TESTER}") == (
        "service/flagger-loadtester created\ndeployment.apps/flagger-loadtester created\n"
    )
    assert cluster.get("deployment", "podinfo", namespace="test").spec.replicas == 1
    assert cluster.list("deployment", namespace="default") == []
    assert cluster.kubectl(f"kustomize {PODINFO}") == build(PODINFO)


def test_apply_k_into_a_missing_namespace_is_not_found() -> None:
    cluster = rollsim.Cluster(seed=0)
    with pytest.raises(rollsim.KubectlError) as refused:
        cluster.kubectl(f"apply -k {PODINFO}")
    assert 'namespaces "test" not found' in refused.value.message


@pytest.mark.parametrize(
    ("generator", "files", "expected"),
    [
        (
            "configMapGenerator:\n- name: example-configmap-1\n  files:\n"
            "  - application.properties\n",
            {"application.properties": "FOO=Bar\n"},
            "apiVersion: v1\ndata:\n  application.properties: |\n    FOO=Bar\nkind: ConfigMap\n"
            "metadata:\n  name: example-configmap-1-g4hk9g2ff8\n",
        ),
        (
            "configMapGenerator:\n- name: example-configmap-2\n  literals:\n  - FOO=Bar\n",
            {},
            "apiVersion: v1\ndata:\n  FOO: Bar\nkind: ConfigMap\nmetadata:\n"
            "  name: example-configmap-2-42cfbf598f\n",
        ),
        (
            "secretGenerator:\n- name: example-secret-1\n  files:\n  - password.txt\n",
            {"password.txt": "username=admin\npassword=secret\n"},
            "apiVersion: v1\ndata:\n  password.txt: dXNlcm5hbWU9YWRtaW4KcGFzc3dvcmQ9c2VjcmV0Cg==\n"
            "kind: Secret\nmetadata:\n  name: example-secret-1-2kdd8ckcc7\ntype: Opaque\n",
        ),
        (
            "configMapGenerator:\n- name: example-configmap-3\n  literals:\n  - FOO=Bar\n"
            "generatorOptions:\n  disableNameSuffixHash: true\n  labels:\n    type: generated\n"
            "  annotations:\n    note: generated\n",
            {},
            "apiVersion: v1\ndata:\n  FOO: Bar\nkind: ConfigMap\nmetadata:\n  annotations:\n"
            "    note: generated\n  labels:\n    type: generated\n  name: example-configmap-3\n",
        ),
    ],
)
def test_generators_as_the_docs_print_them(
    tmp_path: Path, generator: str, files: dict[str, str], expected: str
) -> None:
    """The page's generated objects with the content-hash suffix kustomize 5 appends.

    The page's outputs come from several kustomize versions: its Deployment example's
    ``example-configmap-1-g4hk9g2ff8`` and its ``envs`` block's ``42cfbf598f`` are what
    kustomize v5.5.0 (kubectl 1.32, checked) gives, but its first file, literal and Secret
    blocks show hashes of a kustomize that still hashed the name (``8mbdf7882g``,
    ``g2hdhfc6tk``, ``t2kt65hgtb``, ``t52t6g96d8``); the hashes here are v5.5.0's.
    """
    assert build(written(tmp_path, {"kustomization.yaml": generator, **files})) == expected


def test_env_file_and_literal_secret(tmp_path: Path) -> None:
    """The page's ``envs`` and literal Secret blocks (v5.5.0's hashes, see above)."""
    written(
        tmp_path,
        {
            "env/.env": "FOO=Bar\n",
            "env/kustomization.yaml": "configMapGenerator:\n- name: example-configmap-1\n"
            "  envs:\n  - .env\n",
            "secret/kustomization.yaml": "secretGenerator:\n- name: example-secret-2\n"
            "  literals:\n  - username=admin\n  - password=secret\n",
        },
    )
    assert build(tmp_path / "env") == (
        "apiVersion: v1\ndata:\n  FOO: Bar\nkind: ConfigMap\nmetadata:\n"
        "  name: example-configmap-1-42cfbf598f\n"
    )
    assert build(tmp_path / "secret") == (
        "apiVersion: v1\ndata:\n  password: c2VjcmV0\n  username: YWRtaW4=\nkind: Secret\n"
        "metadata:\n  name: example-secret-2-8c5228dkb9\ntype: Opaque\n"
    )


def test_a_generated_name_is_fixed_up_in_the_deployment(tmp_path: Path) -> None:
    """ "Kustomize will automatically replace this name with the generated name"."""
    root = written(
        tmp_path,
        {
            "application.properties": "FOO=Bar\n",
            "deployment.yaml": MY_APP,
            "kustomization.yaml": "resources:\n- deployment.yaml\nconfigMapGenerator:\n"
            "- name: example-configmap-1\n  files:\n  - application.properties\n",
        },
    )
    out = build(root)
    assert kinds_and_names(out) == [
        ("ConfigMap", "example-configmap-1-g4hk9g2ff8", ""),
        ("Deployment", "my-app", ""),
    ]
    assert "      - configMap:\n          name: example-configmap-1-g4hk9g2ff8\n" in out


def test_cross_cutting_fields_as_the_docs_print_them(tmp_path: Path) -> None:
    """namespace, namePrefix, nameSuffix, commonLabels (selector too) and commonAnnotations."""
    root = written(
        tmp_path,
        {
            "deployment.yaml": NGINX_DEPLOYMENT,
            "kustomization.yaml": 'namespace: my-namespace\nnamePrefix: dev-\nnameSuffix: "-001"\n'
            "commonLabels:\n  app: bingo\ncommonAnnotations:\n  oncallPager: 800-555-1212\n"
            "resources:\n- deployment.yaml\n",
        },
    )
    assert build(root) == (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  annotations:\n"
        "    oncallPager: 800-555-1212\n  labels:\n    app: bingo\n"
        "  name: dev-nginx-deployment-001\n  namespace: my-namespace\nspec:\n  selector:\n"
        "    matchLabels:\n      app: bingo\n  template:\n    metadata:\n      annotations:\n"
        "        oncallPager: 800-555-1212\n      labels:\n        app: bingo\n    spec:\n"
        "      containers:\n      - image: nginx\n        name: nginx\n"
    )


def test_images_as_the_docs_print_them(tmp_path: Path) -> None:
    root = written(
        tmp_path,
        {
            "deployment.yaml": MY_NGINX,
            "kustomization.yaml": "resources:\n- deployment.yaml\nimages:\n- name: nginx\n"
            "  newName: my.image.registry/nginx\n  newTag: 1.4.0\n",
        },
    )
    assert "      - image: my.image.registry/nginx:1.4.0\n" in build(root)


def test_overlays_prefix_their_base_and_apply(tmp_path: Path) -> None:
    """ "Bases and Overlays": dev and prod each build ../base with their own prefix."""
    written(
        tmp_path,
        {
            "base/deployment.yaml": MY_NGINX,
            "base/service.yaml": MY_NGINX_SERVICE,
            "base/kustomization.yaml": "resources:\n- deployment.yaml\n- service.yaml\n",
            "dev/kustomization.yaml": "resources:\n- ../base\nnamePrefix: dev-\n",
            "prod/kustomization.yaml": "resources:\n- ../base\nnamePrefix: prod-\n",
        },
    )
    assert kinds_and_names(build(tmp_path / "prod")) == [
        ("Service", "prod-my-nginx", ""),
        ("Deployment", "prod-my-nginx", ""),
    ]
    cluster = rollsim.Cluster(seed=0)
    assert cluster.kubectl(f"apply -k {tmp_path / 'dev'}") == (
        "service/dev-my-nginx created\ndeployment.apps/dev-my-nginx created\n"
    )


def test_apply_k_prints_the_docs_line(tmp_path: Path) -> None:
    """ "How to apply/view/delete objects using Kustomize": ``deployment.apps/dev-my-nginx
    created``, its selector and template carrying ``app: my-nginx``."""
    written(
        tmp_path,
        {
            "deployment.yaml": MY_NGINX,
            "kustomization.yaml": "namePrefix: dev-\ncommonLabels:\n  app: my-nginx\n"
            "resources:\n- deployment.yaml\n",
        },
    )
    cluster = rollsim.Cluster(seed=0)
    assert cluster.kubectl(f"apply -k {tmp_path}/") == "deployment.apps/dev-my-nginx created\n"
    deployment = cluster.get("deployment", "dev-my-nginx")
    assert deployment.spec.selector.match_labels == {"run": "my-nginx", "app": "my-nginx"}


@pytest.mark.parametrize(
    ("kustomization", "message"),
    [
        (
            "resources:\n- deployment.yaml\npatchesStrategicMerge:\n- increase_replicas.yaml\n",
            "rollsim does not simulate the kustomization field 'patchesStrategicMerge'",
        ),
        (
            "resources:\n- deployment.yaml\nvars:\n- name: MY_SERVICE_NAME\n",
            "rollsim does not simulate the kustomization field 'vars'",
        ),
        (
            "resourcez:\n- deployment.yaml\n",
            'invalid Kustomization: json: unknown field "resourcez"',
        ),
        (
            "resources:\n- https://github.com/fluxcd/flagger//kustomize/podinfo?ref=main\n",
            "rollsim does not fetch the remote resource "
            "'https://github.com/fluxcd/flagger//kustomize/podinfo?ref=main'",
        ),
        (
            "configMapGenerator:\n- name: x\n  behavior: merge\n  literals:\n  - A=b\n",
            "rollsim does not simulate generator behavior 'merge'",
        ),
    ],
)
def test_what_is_not_built_is_refused_by_name(
    tmp_path: Path, kustomization: str, message: str
) -> None:
    root = written(tmp_path, {"deployment.yaml": MY_NGINX, "kustomization.yaml": kustomization})
    with pytest.raises(KustomizeError) as refused:
        build(root)
    assert message in str(refused.value)
    cluster = rollsim.Cluster(seed=0)
    with pytest.raises(rollsim.KubectlError) as failed:
        cluster.kubectl(f"apply -k {root}")
    assert failed.value.message.startswith("error: ")
    assert cluster.list("deployment") == []


def test_kubectl_flag_checks(tmp_path: Path) -> None:
    """``FilenameOptions.validate`` and a directory without a kustomization."""
    cluster = rollsim.Cluster(seed=0)
    cases = {
        f"apply -k {PODINFO} -f x.yaml": "error: only one of -f or -k can be specified",
        f"apply -k {PODINFO} -R": "error: the -k flag can't be used with -f or -R",
        f"kustomize {tmp_path}": "error: unable to find one of 'kustomization.yaml', "
        f"'kustomization.yml' or 'Kustomization' in directory '{tmp_path}'",
    }
    for command, message in cases.items():
        with pytest.raises(rollsim.KubectlError) as failed:
            cluster.kubectl(command)
        assert failed.value.message == message, command
