"""``kafka.security``: checked as it is loaded, and spelled right for each client stack.

Pure: no broker. The refusals by a real broker are in tests/integration/test_kafka_security.py.
"""

from __future__ import annotations

import json
import re
import ssl
from pathlib import Path
from typing import Any

import certifi
import msgspec
import pytest
import yaml
from click.testing import CliRunner
from faust.auth import SASLCredentials, SSLCredentials
from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth

from notion_sync.cli.main import main
from notion_sync.core.config import Settings, load_settings
from notion_sync.core.errors import ConfigError
from notion_sync.core.kafka_settings import KafkaSecurity, parse_broker_url
from notion_sync.core.setting_types import Secret
from notion_sync.kafka.connection import (
    PLAINTEXT,
    aiokafka_options,
    confluent_options,
    faust_credentials,
    password,
    ssl_context,
)
from notion_sync.streams.app import create_app

PASSWORD = "s3cret-not-for-logs"
CA = Path(certifi.where())  # a real PEM bundle, so contexts load as they would for a broker
BROKER = "kafka://b1:9093,b2:9093"


def _settings(**security: Any) -> Settings:
    return Settings.from_mapping({"kafka": {"broker": BROKER, "security": security}})


def _refusal(security: dict[str, Any], broker: str | None = BROKER) -> str:
    kafka: dict[str, Any] = {"security": security}
    if broker is not None:
        kafka["broker"] = broker
    with pytest.raises(ConfigError) as caught:
        Settings.from_mapping({"kafka": kafka})
    return str(caught.value)


SASL = {"protocol": "SASL_SSL", "sasl_mechanism": "SCRAM-SHA-512", "username": "svc"}


@pytest.mark.parametrize(
    ("security", "broker", "key", "says"),
    [
        ({"protocol": "SSL"}, None, "protocol", "SSL needs kafka.broker"),
        ({"protocol": "SASL_SSL"}, BROKER, "sasl_mechanism", "PLAIN, SCRAM-SHA-256 or"),
        ({**SASL, "username": None}, BROKER, "username", "SASL_SSL needs the SASL username"),
        (SASL, BROKER, "password", "exactly one of password and password_file"),
        (
            {**SASL, "password": "x", "password_file": str(CA)},
            BROKER,
            "password",
            "exactly one of password and password_file",
        ),
        ({"protocol": "SSL", "username": "u"}, BROKER, "username", "only used with SASL_"),
        ({"ca_file": str(CA)}, BROKER, "ca_file", "TLS files need protocol SSL or SASL_SSL"),
        ({"protocol": "SSL", "cert_file": str(CA)}, BROKER, "key_file", "both cert_file and"),
        ({"protocol": "SSL", "ca_file": "/no/such.pem"}, BROKER, "ca_file", "not a readable"),
        (
            {**SASL, "password_file": "/no/such"},
            BROKER,
            "password_file",
            "'/no/such' is not a readable file",
        ),
        ({"protocol": "TLS"}, BROKER, "protocol", "Invalid enum value 'TLS'"),
    ],
)
def test_combinations_that_cannot_work_are_refused_at_load_with_the_fix(
    security: dict[str, Any], broker: str | None, key: str, says: str
) -> None:
    message = _refusal({k: v for k, v in security.items() if v is not None}, broker)
    assert f"kafka.security.{key}: " in message
    assert says in message
    assert f"NOTION_SYNC_KAFKA__SECURITY__{key.upper()}" in message


def test_a_refusal_never_shows_the_password() -> None:
    message = _refusal({"protocol": "SSL", "username": "u", "password": PASSWORD})
    assert PASSWORD not in message


def test_the_password_comes_from_the_environment_and_never_prints(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NOTION_SYNC_KAFKA__BROKER", BROKER)
    monkeypatch.setenv("NOTION_SYNC_KAFKA__SECURITY__PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("NOTION_SYNC_KAFKA__SECURITY__SASL_MECHANISM", "PLAIN")
    monkeypatch.setenv("NOTION_SYNC_KAFKA__SECURITY__USERNAME", "api-key")
    monkeypatch.setenv("NOTION_SYNC_KAFKA__SECURITY__PASSWORD", PASSWORD)
    settings = load_settings()
    security = settings.kafka.security
    assert security.password == Secret(PASSWORD)
    assert password(security) == PASSWORD
    assert PASSWORD not in repr(settings)
    assert PASSWORD not in str(settings.as_dict())
    assert repr(faust_credentials(security)) == "<SASLCredentials: username=api-key>"


def test_the_password_file_is_read_when_a_client_is_built(tmp_path: Path) -> None:
    secret = tmp_path / "password"
    secret.write_text(PASSWORD + "\n")
    security = _settings(**SASL, password_file=str(secret)).kafka.security
    assert password(security) == PASSWORD  # the newline a secret file ends with is dropped
    secret.unlink()
    with pytest.raises(ConfigError, match=r"cannot read kafka\.security\.password_file") as caught:
        password(security)
    assert PASSWORD not in str(caught.value)


@pytest.mark.parametrize(
    ("url", "servers"),
    [
        ("kafka://h1:9092,h2:9092", "h1:9092,h2:9092"),
        ("h1:9092, h2:9092", "h1:9092,h2:9092"),
        ("kafka://h1:9092,kafka://h2:9092/", "h1:9092,h2:9092"),
    ],
)
def test_broker_addresses_are_a_comma_list(url: str, servers: str) -> None:
    assert parse_broker_url(url) == servers


@pytest.mark.parametrize("url", ["kafka+ssl://h:9093", "kafka://h1:9092,ssl://h2:9093"])
def test_a_scheme_never_chooses_tls_the_setting_does(url: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_broker_url(url)
    assert "unknown scheme" in str(caught.value)
    assert "kafka.security.protocol" in str(caught.value)


def test_plaintext_is_what_every_stack_gets_by_default() -> None:
    assert Settings().kafka.security == PLAINTEXT
    assert aiokafka_options(PLAINTEXT) == {"security_protocol": "PLAINTEXT"}
    assert confluent_options(PLAINTEXT) == {"security.protocol": "PLAINTEXT"}
    assert faust_credentials(PLAINTEXT) is None
    assert ssl_context(PLAINTEXT) is None


def test_sasl_ssl_with_scram_in_each_stacks_words() -> None:
    security = _settings(**SASL, password=PASSWORD, ca_file=str(CA)).kafka.security
    aio = aiokafka_options(security)
    assert isinstance(aio.pop("ssl_context"), ssl.SSLContext)
    assert aio == {
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "svc",
        "sasl_plain_password": PASSWORD,
    }
    assert confluent_options(security) == {
        "security.protocol": "SASL_SSL",
        "sasl.mechanisms": "SCRAM-SHA-512",
        "sasl.username": "svc",
        "sasl.password": PASSWORD,
        "ssl.ca.location": str(CA),
        "ssl.endpoint.identification.algorithm": "https",
    }
    credentials = faust_credentials(security)
    assert isinstance(credentials, SASLCredentials)
    faust = credentials_to_aiokafka_auth(credentials)  # what Faust hands its aiokafka clients
    assert faust["security_protocol"] == "SASL_SSL"
    assert faust["sasl_mechanism"] == "SCRAM-SHA-512"
    assert (faust["sasl_plain_username"], faust["sasl_plain_password"]) == ("svc", PASSWORD)
    assert isinstance(faust["ssl_context"], ssl.SSLContext)


def test_sasl_plaintext_has_no_tls_anywhere() -> None:
    security = _settings(
        protocol="SASL_PLAINTEXT", sasl_mechanism="PLAIN", username="u", password=PASSWORD
    ).kafka.security
    assert "ssl_context" not in aiokafka_options(security)
    assert not [key for key in confluent_options(security) if key.startswith("ssl.")]
    credentials = credentials_to_aiokafka_auth(faust_credentials(security))
    assert credentials["security_protocol"] == "SASL_PLAINTEXT"
    assert credentials["ssl_context"] is None


def test_ssl_with_a_client_certificate_and_no_hostname_check() -> None:
    security = KafkaSecurity(
        protocol="SSL",
        ca_file=CA,
        cert_file=Path("/c.pem"),
        key_file=Path("/k.pem"),
        check_hostname=False,
    )
    assert confluent_options(security) == {
        "security.protocol": "SSL",
        "ssl.ca.location": str(CA),
        "ssl.certificate.location": "/c.pem",
        "ssl.key.location": "/k.pem",
        "ssl.endpoint.identification.algorithm": "none",
    }
    without_client_cert = KafkaSecurity(protocol="SSL", ca_file=CA, check_hostname=False)
    context = ssl_context(without_client_cert)
    assert context is not None
    assert context.check_hostname is False
    assert context.verify_mode == ssl.CERT_REQUIRED  # the chain is still verified
    credentials = faust_credentials(without_client_cert)
    assert isinstance(credentials, SSLCredentials)
    assert credentials_to_aiokafka_auth(credentials)["security_protocol"] == "SSL"


def test_tls_files_that_do_not_load_name_the_settings(tmp_path: Path) -> None:
    not_pem = tmp_path / "ca.pem"
    not_pem.write_text("not a certificate")
    with pytest.raises(ConfigError, match=r"kafka\.security: cannot load the TLS files"):
        ssl_context(KafkaSecurity(protocol="SSL", ca_file=not_pem))


def test_the_worker_app_carries_the_credentials() -> None:
    settings = _settings(**SASL, password=PASSWORD, ca_file=str(CA))
    app = create_app(settings, "b1:9093,b2:9093", embedded=False)
    assert isinstance(app.conf.broker_credentials, SASLCredentials)
    assert app.conf.broker_credentials.mechanism.value == "SCRAM-SHA-512"
    assert [url.port for url in app.conf.broker] == [9093, 9093]


def test_config_check_validates_and_redacts_the_kafka_password(tmp_path: Path) -> None:
    env = {
        "NOTION_SYNC_KAFKA__BROKER": BROKER,
        "NOTION_SYNC_KAFKA__SECURITY__PROTOCOL": "SASL_SSL",
        "NOTION_SYNC_KAFKA__SECURITY__SASL_MECHANISM": "SCRAM-SHA-256",
        "NOTION_SYNC_KAFKA__SECURITY__USERNAME": "svc",
        "NOTION_SYNC_KAFKA__SECURITY__PASSWORD": PASSWORD,
    }
    shown = CliRunner().invoke(main, ["config", "check", "--format", "json"], env=env)
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["kafka"]["security"]["password"] == "**********"
    assert PASSWORD not in shown.output
    env["NOTION_SYNC_KAFKA__SECURITY__SASL_MECHANISM"] = "GSSAPI"
    refused = CliRunner().invoke(main, ["config", "check"], env=env)
    assert refused.exit_code == 2
    assert "kafka.security.sasl_mechanism: Invalid enum value 'GSSAPI'" in refused.output
    assert PASSWORD not in refused.output


DOCS = Path(__file__).resolve().parents[2] / "docs" / "operations.md"
YAML_BLOCK = re.compile(r"^```yaml\n(.*?)^```", re.DOTALL | re.MULTILINE)


def _decode(kind: type, value: Any) -> Any:
    return Secret(value) if kind is Secret else Path(value)


def test_every_security_key_the_docs_name_is_a_setting() -> None:
    """Keys in prose (``kafka.security.ca_file``) and in the managed-Kafka examples exist,
    and each example's values are ones the settings accept."""
    text = DOCS.read_text(encoding="utf-8")
    fields = set(KafkaSecurity.__struct_fields__)
    named = set(re.findall(r"kafka\.security\.(\w+)", text))
    assert named, "docs/operations.md names no kafka.security key"
    assert named <= fields, sorted(named - fields)
    examples = [
        block["kafka"]["security"]
        for block in map(yaml.safe_load, YAML_BLOCK.findall(text))
        if isinstance(block, dict) and "security" in block.get("kafka", {})
    ]
    assert len(examples) >= 5, "the managed-Kafka examples are gone"
    for example in examples:
        if example["protocol"].startswith("SASL") and "password_file" not in example:
            example["password"] = "from NOTION_SYNC_KAFKA__SECURITY__PASSWORD"
        security = msgspec.convert(example, KafkaSecurity, strict=False, dec_hook=_decode)
        assert security.protocol in ("SSL", "SASL_SSL"), example
        missing = security.problem(BROKER)
        # Only the example's file paths may be missing on this machine.
        assert missing is None or "not a readable file" in missing[1], (example, missing)
