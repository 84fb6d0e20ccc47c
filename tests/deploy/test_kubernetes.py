"""Issue 21: the rendered Kubernetes manifests (base, components, the example overlay).

Rendered by tests/deploy/kustomize.py (checked against `kubectl kustomize` where kubectl is
installed), validated against the Kubernetes schemas in the ``kubernetes-validate`` wheel.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from notion_sync.core.config import Settings
from notion_sync.core.kafka_settings import parse_broker_url
from notion_sync.kafka.topics import TopicNames, group_id, topic_specs
from tests.deploy.kustomize import Manifest, render

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "kubernetes"
K8S_VERSION = "1.30.0"
CUSTOM_KINDS = {"ServiceMonitor", "PrometheusRule", "ScaledObject"}


def _one(docs: list[Manifest], kind: str) -> Manifest:
    (doc,) = [d for d in docs if d["kind"] == kind]
    return doc


def _overlay(tmp_path: Path) -> Path:
    """A copy of deploy/kubernetes with the example's tokens file filled in, as a user would."""
    copy = tmp_path / "kubernetes"
    shutil.copytree(K8S, copy)
    example = copy / "overlays" / "example"
    (example / "tokens.env").write_text("NOTION_API_KEY=ntn_example\nNOTION_SYNC_TOKEN_ACME=x\n")
    return example


def _settings(docs: list[Manifest]) -> Settings:
    config = _one(docs, "ConfigMap")["data"]["notion-sync.yaml"]
    return Settings.from_mapping(yaml.safe_load(config))


def test_the_base_is_valid_kubernetes_and_needs_no_operator_and_no_secret() -> None:
    docs = render(K8S / "base")
    kinds = sorted(d["kind"] for d in docs)
    assert kinds == [
        "ConfigMap",
        "Deployment",
        "PersistentVolumeClaim",
        "PodDisruptionBudget",
        "Service",
    ]
    for doc in docs:
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
    # The Deployment still reads the tokens from the Secret the operator creates.
    (container,) = _one(docs, "Deployment")["spec"]["template"]["spec"]["containers"]
    assert container["envFrom"] == [{"secretRef": {"name": "notion-sync-tokens"}}]


def test_the_worker_meets_the_restricted_pod_security_profile() -> None:
    pod = _one(render(K8S / "base"), "Deployment")["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert "hostNetwork" not in pod and "hostPID" not in pod
    (container,) = pod["containers"]
    context = container["securityContext"]
    assert context["allowPrivilegeEscalation"] is False
    assert context["capabilities"] == {"drop": ["ALL"]}
    assert context["readOnlyRootFilesystem"] is True
    # Everything the worker writes is a volume: /tmp, its state dir and the exports.
    settings = _settings(render(K8S / "base"))
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    for path in ("/tmp", str(settings.worker.state_dir), "/exports"):
        volume = volumes[mounts[path]]
        assert "emptyDir" in volume or "persistentVolumeClaim" in volume, path
        assert not any(
            m.get("readOnly") for m in container["volumeMounts"] if m["mountPath"] == path
        )


def test_the_pdb_and_the_service_select_the_workers() -> None:
    docs = render(K8S / "base")
    deployment = _one(docs, "Deployment")
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"].items()
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod_labels
    pdb = _one(docs, "PodDisruptionBudget")
    assert pdb["spec"]["selector"]["matchLabels"].items() <= pod_labels
    assert pdb["spec"]["maxUnavailable"] == 1 < deployment["spec"]["replicas"]
    assert _one(docs, "Service")["spec"]["selector"].items() <= pod_labels


def test_the_config_map_is_generated_and_an_edit_rolls_the_pods(tmp_path: Path) -> None:
    docs = render(K8S / "base")
    config = _one(docs, "ConfigMap")
    assert config["metadata"]["name"].startswith("notion-sync-config-")
    volumes = _one(docs, "Deployment")["spec"]["template"]["spec"]["volumes"]
    (mounted,) = [v["configMap"]["name"] for v in volumes if "configMap" in v]
    assert mounted == config["metadata"]["name"]
    assert _settings(docs).kafka.broker  # the shipped config loads

    copy = tmp_path / "base"
    shutil.copytree(K8S / "base", copy)
    with (copy / "notion-sync.yaml").open("a") as config_file:
        config_file.write("markdown:\n  title_heading: false\n")
    renamed = _one(render(copy), "ConfigMap")["metadata"]["name"]
    assert renamed != config["metadata"]["name"]
    (remounted,) = [
        v["configMap"]["name"]
        for v in _one(render(copy), "Deployment")["spec"]["template"]["spec"]["volumes"]
        if "configMap" in v
    ]
    assert remounted == renamed


def test_the_example_overlay_supplies_the_tokens_and_the_components(tmp_path: Path) -> None:
    docs = render(_overlay(tmp_path))
    assert {d["kind"] for d in docs} >= CUSTOM_KINDS | {"Secret", "Deployment"}
    secret = _one(docs, "Secret")
    assert set(secret["data"]) == {"NOTION_API_KEY", "NOTION_SYNC_TOKEN_ACME"}
    (container,) = _one(docs, "Deployment")["spec"]["template"]["spec"]["containers"]
    assert container["envFrom"] == [{"secretRef": {"name": secret["metadata"]["name"]}}]
    for doc in docs:
        if doc["kind"] not in CUSTOM_KINDS:
            kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
    # The real tokens file never reaches git; only the example does, with no token in it.
    ignored = (K8S / "overlays" / "example" / ".gitignore").read_text().split()
    assert "tokens.env" in ignored
    example = (K8S / "overlays" / "example" / "tokens.env.example").read_text()
    assert "NOTION_API_KEY=\n" in example


def test_keda_scales_on_the_workers_group_and_their_backlog(tmp_path: Path) -> None:
    docs = render(_overlay(tmp_path))
    scaled = _one(docs, "ScaledObject")
    assert scaled["apiVersion"] == "keda.sh/v1alpha1"
    assert scaled["spec"]["scaleTargetRef"]["name"] == _one(docs, "Deployment")["metadata"]["name"]
    (trigger,) = scaled["spec"]["triggers"]
    kafka = _settings(docs).kafka
    assert kafka.topic_prefix == "notion-sync"  # so the group is the bare app id
    assert trigger["type"] == "kafka"
    assert trigger["metadata"]["consumerGroup"] == group_id(kafka.topic_prefix)
    assert trigger["metadata"]["topic"] == TopicNames(kafka.topic_prefix).fetch
    assert trigger["metadata"]["bootstrapServers"] == parse_broker_url(kafka.broker or "")
    fetch = next(s for s in topic_specs(kafka) if s.name == trigger["metadata"]["topic"])
    assert scaled["spec"]["maxReplicaCount"] <= fetch.partitions  # more would sit idle
    # KEDA owns the replica count: applying the manifests again must not reset it.
    assert "replicas" in _one(render(K8S / "base"), "Deployment")["spec"]
    assert "replicas" not in _one(docs, "Deployment")["spec"]


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
@pytest.mark.parametrize("directory", ["base", "overlays/example"])
def test_the_python_rendering_equals_kubectl_kustomize(directory: str, tmp_path: Path) -> None:
    root = _overlay(tmp_path).parents[1]
    built = subprocess.run(
        ["kubectl", "kustomize", str(root / directory)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert _by_name(list(yaml.safe_load_all(built))) == _by_name(render(root / directory))


def _by_name(docs: list[Any]) -> dict[tuple[str, str], Any]:
    return {(d["kind"], d["metadata"]["name"]): d for d in docs if d}
