"""The sandbox's single frozen configuration object."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

__all__ = ["DEFAULT_BURST", "DEFAULT_RATE", "PRIMARY_INTEGRATION", "Integration", "SandboxConfig"]

#: Notion documents "an average of three requests per second" per integration.
DEFAULT_RATE = 3.0
#: Notion allows unspecified "bursts beyond the average"; ten requests lets a client
#: open a few pages in parallel before it is throttled, which is what we observe in practice.
DEFAULT_BURST = 10
#: The name, in the per-integration stats, of the integration the top-level fields describe.
PRIMARY_INTEGRATION = "default"


@dataclass(frozen=True)
class Integration:
    """Another integration served beside the first, as Notion serves many: its own token,
    its own workspace (``seed``, ``pages``) and its own rate budget.

    :param name: how the per-integration stats name it (never the token).
    """

    name: str
    token: str
    seed: int
    pages: int = 200
    rate: float = DEFAULT_RATE
    burst: int = DEFAULT_BURST


@dataclass(frozen=True)
class SandboxConfig:
    """Everything that shapes one sandbox server.

    :param pages: number of page objects in the generated workspace (data source rows
        included).
    :param seed: seed of the generated workspace, of its latency jitter and of its faults.
    :param rate: average requests per second allowed per token; ``math.inf`` disables
        rate limiting.
    :param burst: token-bucket capacity: how many requests a token may send at once.
    :param latency_ms: mean added latency per ``/v1`` request; each request gets
        ``latency_ms`` +/- a uniform third of it.
    :param fault_rate: probability that a ``/v1`` request answers 500/502/503/504/529
        instead of its result, decided by the seed and the request's sequence number.
    :param token: the integration token the server accepts (``Bearer <token>``).
    :param file_url_ttl: seconds for which a Notion-hosted file URL stays valid.
    :param host: interface to bind.
    :param port: port to bind; 0 picks a free one.
    :param integrations: further integrations on the same server, told apart by token.
    """

    pages: int = 200
    seed: int = 1
    rate: float = DEFAULT_RATE
    burst: int = DEFAULT_BURST
    latency_ms: float = 0.0
    fault_rate: float = 0.0
    token: str = "secret-sandbox-token"
    file_url_ttl: float = 3600.0
    host: str = "127.0.0.1"
    port: int = 0
    integrations: tuple[Integration, ...] = ()

    def __post_init__(self) -> None:
        if self.pages < 1:
            raise ValueError("pages must be at least 1")
        if not (self.rate > 0 or math.isinf(self.rate)):
            raise ValueError("rate must be positive (use math.inf for no limit)")
        if self.burst < 1:
            raise ValueError("burst must be at least 1")
        if not 0.0 <= self.fault_rate <= 1.0:
            raise ValueError("fault_rate must be between 0 and 1")
        if self.latency_ms < 0:
            raise ValueError("latency_ms must not be negative")
        if self.file_url_ttl <= 0:
            raise ValueError("file_url_ttl must be positive")
        if not self.token:
            raise ValueError("token must not be empty")
        tokens = [self.token, *(i.token for i in self.integrations)]
        names = [PRIMARY_INTEGRATION, *(i.name for i in self.integrations)]
        if len(set(tokens)) != len(tokens) or len(set(names)) != len(names):
            raise ValueError("every integration needs a token and a name of its own")

    def integration_configs(self) -> dict[str, SandboxConfig]:
        """One single-integration config per integration, by name, the first one first."""
        configs = {PRIMARY_INTEGRATION: replace(self, integrations=())}
        for extra in self.integrations:
            configs[extra.name] = replace(
                self,
                token=extra.token,
                seed=extra.seed,
                pages=extra.pages,
                rate=extra.rate,
                burst=extra.burst,
                integrations=(),
            )
        return configs

    @property
    def rate_limited(self) -> bool:
        """Whether the token bucket is active at all."""
        return not math.isinf(self.rate)
