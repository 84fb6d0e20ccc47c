"""``kafka.security`` in each client stack's own words, and a login tried before any client.

Three stacks talk to Kafka (Faust over aiokafka, aiokafka's admin client and consumer,
confluent-kafka's producer and consumer) and each spells TLS and SASL differently; they
are all built from here, so one setting reaches every client. The password is read
(from the settings or ``password_file``) only when a client is built and goes nowhere
else: not into a message, a log line or a repr.

A wrong CA or password costs a Kafka client its whole timeout and a vague "transport
failure" (aiokafka even reports a failed SCRAM login as a ``KeyError``), and a listener
that wants a login drops a PLAINTEXT client without a word, so :func:`check_login`
connects first as the clients will, handshake by handshake, asks for the metadata, and
says which setting is wrong.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import TYPE_CHECKING, Any

from notion_sync.core.errors import BrokerError, ConfigError
from notion_sync.core.kafka_settings import SASL_PROTOCOLS, TLS_PROTOCOLS, KafkaSecurity

if TYPE_CHECKING:
    from faust.types.auth import CredentialsT

__all__ = [
    "PLAINTEXT",
    "aiokafka_options",
    "check_login",
    "confluent_options",
    "faust_credentials",
    "password",
    "ssl_context",
]

#: No TLS, no SASL: the embedded broker, and the default of every client.
PLAINTEXT = KafkaSecurity()


def password(security: KafkaSecurity) -> str | None:
    """The SASL password, from the settings or its file (one trailing newline dropped)."""
    if security.password is not None:
        return security.password.get_secret_value()
    if security.password_file is None:
        return None
    try:
        text = security.password_file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"cannot read kafka.security.password_file {str(security.password_file)!r}: "
            f"{exc.strerror or type(exc).__name__}"
        ) from None
    return text.removesuffix("\n").removesuffix("\r")


def ssl_context(security: KafkaSecurity) -> ssl.SSLContext | None:
    """The TLS context of aiokafka and Faust (None without TLS): the system's CAs unless
    ``ca_file``, a client certificate if ``cert_file``, hostname checks unless turned off."""
    if security.protocol not in TLS_PROTOCOLS:
        return None
    from aiokafka.helpers import create_ssl_context

    def given(path: Any) -> str | None:
        return None if path is None else str(path)

    try:
        context = create_ssl_context(
            cafile=given(security.ca_file),
            certfile=given(security.cert_file),
            keyfile=given(security.key_file),
        )
    except (ssl.SSLError, OSError) as exc:
        raise ConfigError(
            "kafka.security: cannot load the TLS files "
            f"(ca_file {given(security.ca_file)}, cert_file {given(security.cert_file)}, "
            f"key_file {given(security.key_file)}): {exc}"
        ) from None
    context.check_hostname = security.check_hostname
    return context


def aiokafka_options(security: KafkaSecurity) -> dict[str, Any]:
    """Keyword arguments for ``AIOKafkaAdminClient`` and ``AIOKafkaConsumer``."""
    options: dict[str, Any] = {"security_protocol": security.protocol}
    context = ssl_context(security)
    if context is not None:
        options["ssl_context"] = context
    if security.protocol in SASL_PROTOCOLS:
        options["sasl_mechanism"] = security.sasl_mechanism
        options["sasl_plain_username"] = security.username
        options["sasl_plain_password"] = password(security)
    return options


def faust_credentials(security: KafkaSecurity) -> CredentialsT | None:
    """Faust's ``broker_credentials`` (its consumer, producer and admin client); None:
    PLAINTEXT."""
    from faust.auth import SASLCredentials, SSLCredentials

    context = ssl_context(security)
    if security.protocol in SASL_PROTOCOLS:
        return SASLCredentials(
            username=security.username,
            password=password(security),
            ssl_context=context,
            mechanism=security.sasl_mechanism,
        )
    return None if context is None else SSLCredentials(context)


def confluent_options(security: KafkaSecurity) -> dict[str, Any]:
    """librdkafka's properties for confluent-kafka's ``Producer``, ``Consumer`` and
    ``AdminClient``; without ``ca_file`` librdkafka probes the system's CA paths."""
    config: dict[str, Any] = {"security.protocol": security.protocol}
    if security.protocol in SASL_PROTOCOLS:
        config["sasl.mechanisms"] = security.sasl_mechanism
        config["sasl.username"] = security.username
        config["sasl.password"] = password(security)
    if security.protocol in TLS_PROTOCOLS:
        files = {
            "ssl.ca.location": security.ca_file,
            "ssl.certificate.location": security.cert_file,
            "ssl.key.location": security.key_file,
        }
        config.update({key: str(path) for key, path in files.items() if path is not None})
        config["ssl.endpoint.identification.algorithm"] = (
            "https" if security.check_hostname else "none"
        )
    return config


def check_login(bootstrap: str, security: KafkaSecurity, timeout: float = 5.0) -> None:
    """Connect to the first server of ``bootstrap`` as the clients will (TCP, TLS, SASL)
    and ask for its metadata: a refused certificate or login raises ConfigError naming the
    setting to fix, a listener that wants another protocol a BrokerError saying so."""
    asyncio.run(_check_login(bootstrap.split(",")[0], security, timeout))


async def _check_login(server: str, security: KafkaSecurity, timeout: float) -> None:
    from aiokafka.errors import KafkaError
    from aiokafka.protocol.metadata import MetadataRequest

    connection = await _connect(server, security, timeout)
    try:
        await asyncio.wait_for(connection.send(MetadataRequest([])), timeout)
    except (TimeoutError, KafkaError) as exc:
        raise BrokerError(
            f"Kafka at {server} took a {security.protocol} connection but not our first "
            f"request ({_describe(exc)}): a listener that wants TLS or a SASL login does that; "
            "check kafka.security.protocol"
        ) from None
    finally:
        connection.close()


async def _connect(server: str, security: KafkaSecurity, timeout: float) -> Any:
    """aiokafka's connection to ``server``, TLS and SASL done; the errors as settings to fix."""
    from aiokafka.conn import create_conn

    host, _, port = server.rpartition(":")
    options = aiokafka_options(security)
    try:
        connection = await asyncio.wait_for(
            create_conn(
                host.strip("[]"), int(port), request_timeout_ms=int(timeout * 1000), **options
            ),
            timeout,
        )
    except ssl.SSLCertVerificationError as exc:
        raise ConfigError(_refused_certificate(server, security, exc)) from None
    except ssl.SSLError as exc:
        raise BrokerError(
            f"the TLS handshake with Kafka at {server} failed ({exc.reason or exc}): "
            f"is it a TLS listener? kafka.security.protocol is {security.protocol}"
        ) from None
    except TimeoutError:
        raise BrokerError(
            f"Kafka at {server} did not complete a {security.protocol} handshake in "
            f"{timeout:.0f}s: does the listener speak {security.protocol}? "
            "check kafka.security.protocol"
        ) from None
    except OSError as exc:
        raise BrokerError(f"cannot reach Kafka at {server}: {exc.strerror or exc}") from None
    except Exception as exc:  # aiokafka's SASL steps raise Kafka errors, or KeyError on SCRAM
        if security.protocol not in SASL_PROTOCOLS:
            raise
        raise ConfigError(
            f"Kafka at {server} refused the {security.sasl_mechanism} login of user "
            f"{security.username!r} ({_describe(exc)}): check kafka.security.username and "
            "the password (kafka.security.password, NOTION_SYNC_KAFKA__SECURITY__PASSWORD "
            "or kafka.security.password_file)"
        ) from None
    return connection


def _refused_certificate(
    server: str, security: KafkaSecurity, exc: ssl.SSLCertVerificationError
) -> str:
    reason = exc.verify_message or exc.reason or str(exc)
    if "hostname" in reason.lower() or "ip address mismatch" in reason.lower():
        fix = (
            "connect by a name the certificate lists, or set kafka.security.check_hostname to false"
        )
    elif security.ca_file is not None:
        fix = f"it is not signed by kafka.security.ca_file ({security.ca_file})"
    else:
        fix = "no system CA signed it: set kafka.security.ca_file to the broker's CA"
    return f"the TLS certificate of Kafka at {server} was refused ({reason}): {fix}"


def _describe(exc: Exception) -> str:
    """A login error without its arguments' internals: aiokafka's SCRAM failure is a
    ``KeyError('v')`` (the server's answer had no signature), Kafka's a SaslAuthenticationFailed."""
    if isinstance(exc, KeyError):
        return "the server's SCRAM answer carried no signature: the credentials were rejected"
    if type(exc).__name__ == "KafkaConnectionError":
        return "the broker closed the connection"
    if isinstance(exc, TimeoutError):
        return "no answer"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
