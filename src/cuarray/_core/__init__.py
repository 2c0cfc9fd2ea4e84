"""The ndarray, dtype rules and shape utilities (no math of its own)."""
