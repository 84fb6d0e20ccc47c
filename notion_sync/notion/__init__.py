"""Everything that talks to Notion: the gateway (limits, retries, breaker) and what it fetches.

Reading order: ``errors`` (client errors → ours), ``ratelimit``, ``breaker``,
``client`` (the gateway), ``documents`` (what one fetch task reads), ``files``.
"""

from notion_sync.notion.client import NotionGateway, TrafficStats, current_export

__all__ = ["NotionGateway", "TrafficStats", "current_export"]
