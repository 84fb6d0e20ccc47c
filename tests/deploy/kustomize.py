"""`kustomize build` for the subset deploy/kubernetes uses, in Python: the machines that run
the tests need not have kubectl. Resources (files and directories), components, JSON 6902
patches, ConfigMap and Secret generators (named with kustomize's content hash, so an edit
rolls the pods), `labels` and the references to generated names. test_kubernetes.py compares
it with `kubectl kustomize` wherever kubectl is installed.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import yaml

Manifest = dict[str, Any]

#: kustomize's hash alphabet: the first ten hex digits, with those that could spell a word
#: (or read as a number) replaced.
_HASH_LETTERS = str.maketrans({"0": "g", "1": "h", "3": "k", "a": "m", "e": "t"})


def render(directory: Path) -> list[Manifest]:
    """What `kubectl kustomize DIRECTORY` prints, as a list of manifests (in no set order)."""
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    docs = _resources(directory, kustomization)
    for component in kustomization.get("components", []):
        # A component adds its resources and patches what the kustomization has so far.
        path = directory / component
        spec = yaml.safe_load((path / "kustomization.yaml").read_text())
        assert spec["kind"] == "Component"
        docs.extend(_resources(path, spec))
        _patch(docs, spec.get("patches", []))
    generated: dict[tuple[str, str], str] = {}
    for spec in kustomization.get("configMapGenerator", []):
        data = _generator_data(directory, spec)
        docs.append(_generated("ConfigMap", spec["name"], {"data": data}, generated))
    for spec in kustomization.get("secretGenerator", []):
        data = {
            k: base64.b64encode(v.encode()).decode()
            for k, v in _generator_data(directory, spec).items()
        }
        body = {"type": spec.get("type", "Opaque"), "data": data}
        docs.append(_generated("Secret", spec["name"], body, generated))
    _patch(docs, kustomization.get("patches", []))
    for labels in kustomization.get("labels", []):
        assert not labels.get("includeSelectors") and not labels.get("includeTemplates")
        for doc in docs:
            doc.setdefault("metadata", {}).setdefault("labels", {}).update(labels["pairs"])
    for doc in docs:
        _rename_references(doc, generated)
    return docs


def _resources(directory: Path, kustomization: Manifest) -> list[Manifest]:
    docs: list[Manifest] = []
    for resource in kustomization.get("resources", []):
        path = directory / resource
        if path.is_dir():
            docs.extend(render(path))
        else:
            docs.extend(d for d in yaml.safe_load_all(path.read_text()) if d)
    return docs


def _patch(docs: list[Manifest], patches: list[Manifest]) -> None:
    """JSON 6902 patches (inline, `remove`, `add` and `replace`) on their target by kind
    and name; a target that matches nothing is no error, as in kustomize."""
    for patch in patches:
        target = patch["target"]
        for doc in docs:
            if doc["kind"] != target["kind"] or doc["metadata"]["name"] != target["name"]:
                continue
            for op in yaml.safe_load(patch["patch"]):
                *parents, leaf = op["path"].strip("/").split("/")
                node = doc
                for key in parents:
                    node = node[key]
                if op["op"] == "remove":
                    del node[leaf]
                else:
                    assert op["op"] in ("add", "replace"), op
                    node[leaf] = op["value"]


def _generator_data(directory: Path, spec: Manifest) -> dict[str, str]:
    data: dict[str, str] = {}
    for entry in spec.get("files", []):
        key, _, source = entry.rpartition("=")
        data[key or Path(source).name] = (directory / source).read_text()
    for entry in spec.get("envs", []):
        for line in (directory / entry).read_text().splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                key, _, value = line.partition("=")
                data[key.strip()] = value
    for entry in spec.get("literals", []):
        key, _, value = entry.partition("=")
        data[key] = value
    return data


def _generated(
    kind: str, name: str, body: Manifest, generated: dict[tuple[str, str], str]
) -> Manifest:
    # kustomize hashes kind, data (and a Secret's type) with an empty name: its lookup of
    # "metadata/name" finds nothing, and the hash must match kubectl's to the letter.
    hashed = {"kind": kind, "name": "", **body}
    encoded = json.dumps(hashed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    encoded = encoded.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    digest = hashlib.sha256(encoded.encode()).hexdigest()[:10].translate(_HASH_LETTERS)
    generated[(kind, name)] = f"{name}-{digest}"
    return {"apiVersion": "v1", "kind": kind, "metadata": {"name": generated[(kind, name)]}, **body}


def _rename_references(doc: Manifest, generated: dict[tuple[str, str], str]) -> None:
    """Point a workload's volumes and envFrom at the generated names."""
    if doc["kind"] != "Deployment":
        return
    pod = doc["spec"]["template"]["spec"]
    refs: list[tuple[str, Manifest]] = []
    for volume in pod.get("volumes", []):
        if "configMap" in volume:
            refs.append(("ConfigMap", volume["configMap"]))
    for container in pod["containers"]:
        for source in container.get("envFrom", []):
            if "configMapRef" in source:
                refs.append(("ConfigMap", source["configMapRef"]))
            if "secretRef" in source:
                refs.append(("Secret", source["secretRef"]))
    for kind, ref in refs:
        ref["name"] = generated.get((kind, ref["name"]), ref["name"])
