"""The key a binding answers to, as a hint names it: the config's keymap (`ui.keymap`) applied.

A hint that names a key ("u reloads") must name the key that works, also
after the operator rebound it.
"""

from __future__ import annotations

from typing import Any

from textual.app import App


def bound_key(app: App[Any], binding_id: str, default: str) -> str:
    """The first key bound to `binding_id` (`default` unless the keymap rebinds it), as written in config."""
    settings = getattr(app, "settings", None)
    keymap = dict(settings.ui.keymap) if settings is not None else {}
    return keymap.get(binding_id, default).split(",")[0].strip() or default
