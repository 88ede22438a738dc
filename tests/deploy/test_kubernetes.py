"""The Kubernetes form (deploy/kubernetes, issue 36): the example overlay rendered with
`kubectl kustomize` (offline) and every object validated against the Kubernetes schemas with
kubernetes-validate (strict: no unknown fields). There is no cluster here: nothing is applied;
deploy/README.md says what was and was not run."""

from __future__ import annotations

import shutil
import subprocess

import kubernetes_validate
import pytest
import yaml

from basis.settings import ROOT

pytestmark = pytest.mark.deploy
OVERLAY = ROOT / "deploy" / "kubernetes" / "overlays" / "example"


@pytest.fixture(scope="module")
def objects() -> list[dict]:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed: the manifests cannot be rendered here")
    rendered = subprocess.run(
        [kubectl, "kustomize", str(OVERLAY)], capture_output=True, text=True, check=True
    ).stdout
    return [doc for doc in yaml.safe_load_all(rendered) if doc]


def test_every_rendered_object_is_valid_for_kubernetes(objects: list[dict]) -> None:
    version = kubernetes_validate.latest_version()
    for obj in objects:
        kubernetes_validate.validate(obj, version, strict=True)
    kinds = sorted((o["kind"], o["metadata"]["name"]) for o in objects)
    assert kinds == [
        ("CronJob", "terugkeer-writer"), ("Deployment", "terugkeer-api"),
        ("Deployment", "terugkeer-dashboard"), ("Ingress", "terugkeer"),
        ("Namespace", "terugkeer"), ("PersistentVolumeClaim", "terugkeer-exports"),
        ("PersistentVolumeClaim", "terugkeer-publications"),
        ("PersistentVolumeClaim", "terugkeer-store"), ("Secret", "terugkeer"),
        ("Service", "terugkeer-api"), ("Service", "terugkeer-dashboard"),
        ("Service", "terugkeer-db"),
    ]  # fmt: skip


def test_the_shape_is_the_deployment_s(objects: list[dict]) -> None:
    """Dashboards ready on /_stcore/health with sticky sessions at the Ingress; the store on
    a ReadWriteOnce volume held by the writer alone, the publications on ReadWriteMany read
    by every pod; secrets only from the Secret; nobody runs as root."""
    by = {(o["kind"], o["metadata"]["name"]): o for o in objects}
    dashboard = by["Deployment", "terugkeer-dashboard"]["spec"]["template"]["spec"]
    container = dashboard["containers"][0]
    assert container["readinessProbe"]["httpGet"]["path"] == "/_stcore/health"
    assert by["Deployment", "terugkeer-dashboard"]["spec"]["replicas"] >= 2
    ingress = by["Ingress", "terugkeer"]["metadata"]["annotations"]
    assert ingress["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    claims = {name: o["spec"]["accessModes"] for (kind, name), o in by.items()
              if kind == "PersistentVolumeClaim"}  # fmt: skip
    assert claims["terugkeer-store"] == ["ReadWriteOnce"]
    assert claims["terugkeer-publications"] == ["ReadWriteMany"]

    def claims_of(pod: dict) -> set[str]:
        return {v["persistentVolumeClaim"]["claimName"] for v in pod["volumes"]
                if "persistentVolumeClaim" in v}  # fmt: skip

    writer = by["CronJob", "terugkeer-writer"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert "terugkeer-store" in claims_of(writer)
    assert "terugkeer-store" not in claims_of(dashboard)
    api = by["Deployment", "terugkeer-api"]["spec"]["template"]["spec"]
    for pod in (dashboard, api, writer):
        assert pod["securityContext"]["runAsNonRoot"] is True
        for c in pod["containers"]:
            url = next(e for e in c["env"] if e["name"] == "TERUGKEER_DATABASE_URL")
            assert url["valueFrom"]["secretKeyRef"]["name"] == "terugkeer"
            assert c["securityContext"]["allowPrivilegeEscalation"] is False
    assert by["Service", "terugkeer-db"]["spec"]["type"] == "ExternalName"
