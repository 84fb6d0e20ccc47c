"""What publishes into the pipeline from outside it: the export-request publisher behind the CLI."""

from producers.request import (
    FORMATS,
    build_request,
    normalize_id,
    publish_request,
    validate_request,
)

__all__ = ["FORMATS", "build_request", "normalize_id", "publish_request", "validate_request"]
