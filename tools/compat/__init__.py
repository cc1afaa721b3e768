"""Tooling for docs/compat.md: the public API of this package compared with upstream huggingface_hub."""
