"""The gateway: the only code that talks to Notion (limits, retries, breaker, error mapping).

Reading order: ``errors`` (client errors → ours), ``ratelimit``, ``breaker``, ``client``.
What one fetch task reads with it lives in the pipeline
(:mod:`notion_sync.streams.reader`, :mod:`notion_sync.streams.downloads`), so this layer
knows nothing of storage.
"""

from notion_sync.notion.client import NotionGateway, TrafficStats

__all__ = ["NotionGateway", "TrafficStats"]
