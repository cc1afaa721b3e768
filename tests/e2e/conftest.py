"""End-to-end tests use the `local_hub` and `alice_token` fixtures of tests/conftest.py."""
