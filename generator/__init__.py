"""cvat-gen: generate the low-level CVAT Python SDK from the server's OpenAPI schema."""

__version__ = "0.1.0"
