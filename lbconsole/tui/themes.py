"""Themes as data: TOML files turned into `textual.theme.Theme`.

Looked up in the package's `themes/` (the wheel force-includes the repo's
folder as `lbconsole/themes`), the repo's `themes/` next to the package (a
source checkout), and the user's `user_data_dir/themes`. A broken file is
reported with its path and problem, never fatal. `install` registers them
on the console and selects the theme of the settings.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.color import Color, ColorParseError
from textual.theme import Theme

import lbconsole

if TYPE_CHECKING:
    from textual.app import App

    from lbconsole.engine.logbus import LogBus

COLOR_KEYS: tuple[str, ...] = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "warning",
    "error",
    "success",
    "boost",
)
ALLOWED = frozenset({"name", "dark", "variables", *COLOR_KEYS})


def builtin_theme_dirs() -> list[Path]:
    """The shipped theme folders that exist (installed wheel, then source checkout)."""
    package = Path(lbconsole.__file__).parent
    candidates = [package / "themes", package.parent / "themes"]
    return [d for d in dict.fromkeys(candidates) if d.is_dir()]


def user_theme_dir() -> Path:
    """The user's theme folder (`lbconsole.config.paths.themes_dir`)."""
    from lbconsole.config.paths import themes_dir

    return themes_dir()


def load_theme(path: Path) -> Theme:
    """Parse one theme file.

    Raises:
        ValueError: with a message naming the file and what is wrong.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path}: {exc}") from exc
    problems: list[str] = []
    unknown = sorted(set(data) - ALLOWED)
    if unknown:
        problems.append(f"unknown key(s) {', '.join(unknown)}")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append("'name' must be a non-empty string")
    if not isinstance(data.get("primary"), str):
        problems.append("'primary' colour is required")
    for key in COLOR_KEYS:
        value = data.get(key)
        if value is None:
            continue
        try:
            Color.parse(str(value))
        except ColorParseError:
            problems.append(f"{key} = {value!r} is not a colour")
    dark = data.get("dark", True)
    if not isinstance(dark, bool):
        problems.append("'dark' must be true or false")
    variables = data.get("variables", {})
    if not isinstance(variables, dict):
        problems.append("'variables' must be a table")
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems))
    colour = {key: (str(data[key]) if key in data else None) for key in COLOR_KEYS}
    return Theme(
        name=str(name),
        primary=str(data["primary"]),
        secondary=colour["secondary"],
        accent=colour["accent"],
        foreground=colour["foreground"],
        background=colour["background"],
        surface=colour["surface"],
        panel=colour["panel"],
        warning=colour["warning"],
        error=colour["error"],
        success=colour["success"],
        boost=colour["boost"],
        dark=dark,
        variables={str(k): str(v) for k, v in variables.items()},
    )


def discover(dirs: Iterable[Path]) -> tuple[list[Theme], list[str]]:
    """Every theme in `dirs` (later folders override earlier names), and every problem."""
    themes: dict[str, Theme] = {}
    problems: list[str] = []
    for folder in dirs:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                theme = load_theme(path)
            except ValueError as exc:
                problems.append(str(exc))
                continue
            themes[theme.name] = theme
    return list(themes.values()), problems


def theme_names(dirs: Iterable[Path] | None = None) -> list[str]:
    """Every theme `ui.theme` may name: Textual's own and those in `dirs` (default: shipped, then the user's)."""
    from textual.theme import BUILTIN_THEMES

    found, _ = discover([*builtin_theme_dirs(), user_theme_dir()] if dirs is None else dirs)
    return sorted({*BUILTIN_THEMES, *(theme.name for theme in found)})


def unknown_theme(name: str, dirs: Iterable[Path] | None = None) -> str:
    """Why `name` is not a theme, naming the valid ones ('' when it is one)."""
    names = theme_names(dirs)
    if name in names:
        return ""
    return f"ui.theme: unknown theme {name!r} (themes: {', '.join(names)})"


def install(app: App[Any], dirs: Iterable[Path] | None, wanted: str, bus: LogBus) -> None:
    """Register every theme found on `app`, then select `wanted`; problems are shown, never fatal.

    Args:
        app: the console.
        dirs: where to look (None: the built-in folders, then the user's).
        wanted: the theme of the settings (`ui.theme`).
        bus: where a theme file that did not load is logged too.
    """
    if dirs is None:
        dirs = [*builtin_theme_dirs(), user_theme_dir()]
    found, problems = discover(dirs)
    for theme in found:
        app.register_theme(theme)
    for problem in problems:
        app.notify(problem, title="Theme not loaded", severity="warning", timeout=10, markup=False)
        bus.emit("app", f"theme not loaded: {problem}", "warning")
    if wanted in app.available_themes:
        app.theme = wanted
    else:
        fallback = "lbconsole-dark" if "lbconsole-dark" in app.available_themes else "textual-dark"
        app.notify(f"unknown theme {wanted!r}; using {fallback}", title="Theme", severity="warning", markup=False)
        app.theme = fallback
