"""The Avro contract: one ``<event>.v<N>.avsc`` per event type and version (data only)."""
