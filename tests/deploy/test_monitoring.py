"""The dashboard and alerts watch the workers from the broker's side, wherever Grafana runs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_the_dashboard_takes_its_datasource_as_an_input() -> None:
    text = (ROOT / "deploy" / "grafana" / "notion-sync.json").read_text()
    dashboard = json.loads(text)
    [source] = dashboard["__inputs"]
    assert (source["name"], source["type"], source["pluginId"]) == (
        "DS_PROMETHEUS",
        "datasource",
        "prometheus",
    )
    # Provisioned from a file, Grafana does not fill __inputs: a variable of the same name does.
    [variable] = dashboard["templating"]["list"]
    assert (variable["name"], variable["type"], variable["query"]) == (
        "DS_PROMETHEUS",
        "datasource",
        "prometheus",
    )
    uids = set(re.findall(r'"uid": "([^"]*)"', text)) - {dashboard["uid"]}
    assert uids == {"${DS_PROMETHEUS}"}
    lag = [
        panel
        for panel in dashboard["panels"]
        if any("notion_sync_group_lag_messages" in t["expr"] for t in panel["targets"])
    ]
    assert len(lag) == 1 and "max by (topic, partition)" in lag[0]["targets"][0]["expr"]


def test_alerts_cover_absent_workers_and_growing_group_lag() -> None:
    rules = yaml.safe_load((ROOT / "deploy" / "prometheus" / "alerts.yml").read_text())
    alerts = {rule["alert"]: rule for group in rules["groups"] for rule in group["rules"]}
    absent = alerts["NotionSyncWorkersAbsent"]
    assert absent["expr"] == "absent(notion_sync_group_lag_messages)"
    growing = alerts["NotionSyncConsumerLagGrowing"]
    assert "deriv(notion_sync_group_lag_messages[15m])" in growing["expr"]
    assert growing["for"] == "15m"
    assert "notion_sync_consumer_lag_messages" not in json.dumps(rules)  # dies with its worker
