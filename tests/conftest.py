"""Shared fixtures: a safe environment for every test, GitHub's schema once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GITHUB_SCHEMA = ROOT / "tests" / "data" / "github-graphql-schema" / "schema.graphql"
"""GitHub's public schema, vendored with its licence: the tests need nothing beside the clone."""


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path):
    """No real token, keyring, config or state directory ever leaks into a test."""
    for name in ("LBCONSOLE_TOKEN", "GH_TOKEN", "GITHUB_TOKEN", "LBCONSOLE_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))


@pytest.fixture(scope="session")
def github_schema():
    """GitHub's public GraphQL schema, built once (about 1 s)."""
    import graphql

    schema = graphql.build_schema(GITHUB_SCHEMA.read_text(encoding="utf-8"), assume_valid_sdl=True)
    schema._validation_errors = []  # GitHub's SDL breaks two strict rules; documents still validate
    return schema
