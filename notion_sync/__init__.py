"""notion-sync: export whole Notion workspaces through a Kafka streaming pipeline.

Reading order: ``config`` (settings), ``errors`` (one tree), ``notion/`` (the only
code that talks to Notion: client, rate limiter, retries, breaker), ``broker``
(embedded Tansu), then the pipeline packages ``schemas`` → ``producers`` →
``streams`` → ``sinks``, and ``cli/`` which wires them to commands. ``sandbox/``
is a local Notion API server for demos, tests and benchmarks.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
