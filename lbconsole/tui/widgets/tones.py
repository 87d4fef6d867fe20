"""Turn the tones of `lbconsole.tui.render` into Rich styles from the current theme.

Cells carry a tone, never a colour, so every theme works; the styles are
built from the theme's variables once per app and theme, and shared.
"""

from __future__ import annotations

from collections.abc import Iterable
from weakref import WeakKeyDictionary

from rich.style import Style
from rich.text import Text
from textual.app import App
from textual.color import Color

from lbconsole.tui.render import Cell

_CACHE: WeakKeyDictionary[App[object], tuple[str, dict[str, Style]]] = WeakKeyDictionary()
"""app -> (theme name, its styles): the detail pane asks on every cursor move."""


def tone_styles(app: App[object]) -> dict[str, Style]:
    """Tone -> style, from the app's current theme variables (cached per theme; do not mutate).

    Args:
        app: the running app (its current theme).

    Returns:
        The style of each tone ("" is the plain style).
    """
    cached = _CACHE.get(app)
    if cached is not None and cached[0] == app.theme:
        return cached[1]
    styles = _build(app)
    _CACHE[app] = (app.theme, styles)
    return styles


def _build(app: App[object]) -> dict[str, Style]:
    variables = app.get_css_variables()

    def color(name: str, fallback: str) -> str:
        try:
            return Color.parse(variables.get(name, fallback)).hex6
        except Exception:
            return Color.parse(fallback).hex6

    foreground = Color.parse(color("foreground", "#e0e0e0"))
    background = Color.parse(color("background", "#121212"))
    muted = foreground.blend(background, 0.4).hex6
    return {
        "": Style(),
        "success": Style(color=color("text-success", "green")),
        "warning": Style(color=color("text-warning", "yellow")),
        "error": Style(color=color("text-error", "red")),
        "accent": Style(color=color("text-accent", "cyan")),
        "muted": Style(color=muted),
        "header": Style(color=color("text-primary", "blue"), bold=True),
    }


def styled(cell: Cell, styles: dict[str, Style]) -> Text:
    """One cell as Rich text in its tone's style."""
    text, tone = cell
    return Text(text, style=styles.get(tone, Style()), no_wrap=True, overflow="ellipsis", end="")


def styled_lines(lines: Iterable[Cell], styles: dict[str, Style]) -> Text:
    """Several cells as one multi-line text."""
    out = Text(end="")
    for index, (text, tone) in enumerate(lines):
        if index:
            out.append("\n")
        out.append(text, style=styles.get(tone, Style()))
    return out
