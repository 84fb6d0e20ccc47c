"""notion-sync: export whole Notion workspaces through a Kafka streaming pipeline.

Reading order, bottom layer first (``make lint`` holds each layer to importing only
those below it):

1. ``core/``: errors (one tree), settings, export requests, logging, metrics.
2. ``kafka/``: topics, the Avro codec over ``schemas/*.avsc``, topic readers, the
   embedded broker, and every adaptation of Faust and aiokafka.
3. ``notion/``: the gateway, the only code that talks to Notion.
4. ``store/``: documents, downloaded files, spools, chunks, atomic writes.
5. ``producers/`` (what publishes requests) and ``streams/`` (the Faust agents over pure
   state machines, and what one fetch task reads).
6. ``sinks/``: pure renderers, the layout, the render child, replay.
7. ``cli/``: one module per subcommand.

``sandbox/`` is a local Notion API server for demos, tests and benchmarks: a leaf that
the product never imports (only the ``sandbox`` and ``demo`` commands start it).
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
