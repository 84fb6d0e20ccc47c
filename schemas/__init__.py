"""Avro schemas (``<event>.v<N>.avsc``) and the codec that reads and writes them."""

from schemas.codec import MAGIC, Codec, Decoded, codec, decode, encode

__all__ = ["MAGIC", "Codec", "Decoded", "codec", "decode", "encode"]
