"""Turn the tones of `lbconsole.tui.render` into Rich styles from the current theme.

Cells carry a tone, never a colour, so every theme works; the styles are
rebuilt from the theme's variables whenever the theme changes.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.style import Style
from rich.text import Text
from textual.app import App
from textual.color import Color

from lbconsole.tui.render import Cell


def tone_styles(app: App[object]) -> dict[str, Style]:
    """Tone -> style, from the app's current theme variables."""
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
