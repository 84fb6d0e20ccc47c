"""What publishes into the pipeline from outside it: the export-request publisher behind the CLI."""

from notion_sync.producers.request import publish_request

__all__ = ["publish_request"]
