"""The ``notion-sync`` command line: ``main.py`` gathers one module per subcommand."""
