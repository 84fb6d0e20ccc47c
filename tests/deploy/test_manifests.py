"""Issue 7: docker-compose.yml, the CI workflow and deploy/ validate against their schemas.

Offline: the Compose specification and GitHub-workflow schemas come vendored inside the
``check-jsonschema`` wheel (with their licences), the Kubernetes notion_sync.kafka.codec inside the
``kubernetes-validate`` wheel. Custom resources (ServiceMonitor, PrometheusRule) have no
schema there; they are checked against what Prometheus and our metrics module need.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from notion_sync.core import metrics
from tests.deploy.kustomize import render
from tests.fixtures.kafka import KAFKA_IMAGE

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "kubernetes"
K8S_VERSION = "1.30.0"
CUSTOM_KINDS = {"ServiceMonitor", "PrometheusRule"}
METRIC_NAME = re.compile(r"\bnotion_sync_[a-z_]+")


def _vendored(name: str) -> dict[str, Any]:
    # Read from the wheel without importing check_jsonschema (its CLI wants a newer click).
    path = importlib.metadata.distribution("check-jsonschema").locate_file(
        f"check_jsonschema/builtin_schemas/vendor/{name}.json"
    )
    return json.loads(Path(str(path)).read_text(encoding="utf-8"))


def _known_series() -> set[str]:
    names = set()
    for family in metrics.REGISTRY.collect():
        names.add(family.name)
        suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_sum", "_count"]}
        names.update(family.name + s for s in suffixes.get(family.type, []))
    return names


def _k8s_documents() -> list[dict[str, Any]]:
    """The base with the monitoring component (tests/deploy/test_kubernetes.py: the rest)."""
    return render(K8S / "base") + render(K8S / "components" / "monitoring")


def test_compose_file_matches_the_compose_specification() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    jsonschema.validate(compose, _vendored("compose-spec"))
    kafka, worker = compose["services"]["kafka"], compose["services"]["worker"]
    assert kafka["image"] == KAFKA_IMAGE  # the image the Apache Kafka tests run
    assert kafka["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"  # KRaft
    assert worker["deploy"]["replicas"] == 2 and "ports" not in worker  # --scale needs no ports
    assert {"prometheus", "grafana"} <= set(compose["services"])
    for volume in (v for s in compose["services"].values() for v in s.get("volumes", [])):
        source = volume.split(":")[0]
        if source.startswith("./"):
            assert (ROOT / source).exists(), source


def test_compose_schema_rejects_a_broken_file() -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {"services": {"worker": {"imagee": "notion-sync"}}}, _vendored("compose-spec")
        )


def test_ci_workflow_matches_the_github_workflow_schema() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    jsonschema.validate(workflow, _vendored("github-workflows"))
    steps = workflow["jobs"]["test"]["steps"]
    (test,) = [step for step in steps if "make test" in step.get("run", "")]
    assert test["env"]["NOTION_SYNC_TEST_REQUIRE_DOCKER"] == "1"  # Apache Kafka runs, never skips


def test_kubernetes_manifests_match_the_kubernetes_schemas() -> None:
    docs = _k8s_documents()
    kinds = {doc["kind"] for doc in docs}
    assert {"Deployment", "ConfigMap", "Service", "PersistentVolumeClaim"} <= kinds
    assert kinds >= CUSTOM_KINDS
    for doc in docs:
        if doc["kind"] not in CUSTOM_KINDS:
            kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


def test_kubernetes_schema_rejects_a_broken_deployment() -> None:
    broken = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "x"},
        "spec": {"replicas": "two", "selector": {}, "template": {}},
    }
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, K8S_VERSION, strict=True)


def test_deployment_rolls_without_losing_capacity_and_probes_our_endpoints() -> None:
    (deployment,) = [d for d in _k8s_documents() if d["kind"] == "Deployment"]
    spec = deployment["spec"]
    assert spec["strategy"]["rollingUpdate"] == {"maxUnavailable": 0, "maxSurge": 1}
    pod = spec["template"]["spec"]
    assert pod["terminationGracePeriodSeconds"] >= 30
    (container,) = pod["containers"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["resources"]["requests"] and container["resources"]["limits"]
    config = next(d for d in _k8s_documents() if d["kind"] == "ConfigMap")
    from notion_sync.core.config import Settings

    # the shipped config is valid (from_mapping raises ConfigError naming the key if not)
    assert Settings.from_mapping(yaml.safe_load(config["data"]["notion-sync.yaml"])).kafka.broker


def test_alerts_use_real_metrics_and_match_between_compose_and_kubernetes() -> None:
    rule = next(d for d in _k8s_documents() if d["kind"] == "PrometheusRule")
    assert rule["apiVersion"] == "monitoring.coreos.com/v1"
    compose_rules = yaml.safe_load((ROOT / "deploy" / "prometheus" / "alerts.yml").read_text())
    assert rule["spec"] == compose_rules
    alerts = {r["alert"]: r["expr"] for g in rule["spec"]["groups"] for r in g["rules"]}
    assert set(alerts) == {
        "NotionSyncExportsFailing",
        "NotionSyncSustained429s",
        "NotionSyncConsumerLagGrowing",
        "NotionSyncWorkersAbsent",
        "NotionSyncCircuitOpen",
    }
    known = _known_series()
    for expr in alerts.values():
        assert set(METRIC_NAME.findall(expr)) <= known, expr
    monitor = next(d for d in _k8s_documents() if d["kind"] == "ServiceMonitor")
    service = next(d for d in _k8s_documents() if d["kind"] == "Service")
    labels = service["metadata"]["labels"].items()
    assert monitor["spec"]["selector"]["matchLabels"].items() <= labels
    assert monitor["spec"]["endpoints"][0]["port"] in {p["name"] for p in service["spec"]["ports"]}


def test_dashboard_charts_every_metric_and_only_real_ones() -> None:
    dashboard = json.loads((ROOT / "deploy" / "grafana" / "notion-sync.json").read_text())
    used = {
        name
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in METRIC_NAME.findall(target["expr"])
    }
    known = _known_series()
    assert used <= known, used - known
    families = {family.name for family in metrics.REGISTRY.collect()}
    assert {name for name in families if not any(u.startswith(name) for u in used)} == set()
