"""``python -m notion_sync`` is the ``notion-sync`` command."""

from notion_sync.cli.main import main

main()
