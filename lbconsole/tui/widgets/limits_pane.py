"""The Limits tab: batch limits and merge policy, validated inline, saved with ctrl+s.

A limit is checked as it is typed by the same `limits.*` check that
loading config.toml uses (`lbconsole.config.schema.SECTIONS`), so the tab
accepts exactly what the file may hold.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.message import Message
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Select, Static, Switch

from lbconsole.config.schema import SECTIONS, Check
from lbconsole.core.settings import MERGE_METHODS, Limits, MergePolicy, Settings
from lbconsole.tui.keys import bound_key

LIMIT_FIELDS: tuple[tuple[str, str], ...] = (
    ("merge", "Merges per run"),
    ("conflict", "Branch updates + conflict notices per run"),
    ("scan", "Security scans per run"),
    ("label", "Labels per run"),
)
POLICY_SWITCHES: tuple[tuple[str, str], ...] = (
    ("require_approval", "Require an approved review"),
    ("allow_unstable", "Allow merge state UNSTABLE"),
    ("allow_no_checks", "Allow a head commit without checks"),
)
LIMIT_RULE = "must be 0..100"
"""What a limit field says when its check fails (the short form of the schema's message)."""


class SchemaCheck(Validator):
    """An integer typed into an Input, validated by a `config.schema` field check."""

    def __init__(self, check: Check, failure_description: str) -> None:
        super().__init__(failure_description=failure_description)
        self.check = check

    def validate(self, value: str) -> ValidationResult:
        """Valid when `value` is an integer that the schema's check accepts."""
        try:
            number = int(value)
        except ValueError:
            return self.failure(value=value)
        _, problem = self.check(number)
        return self.success() if problem is None else self.failure(value=value)


class LimitsPane(Vertical):
    """Edits `settings.limits` and `settings.merge`; `ctrl+s` asks the app to save."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="limits.save"),
        Binding("escape", "release", "Leave the field", show=False, id="limits.release"),
    ]
    can_focus = True
    """The tab itself takes the focus (the number keys then switch tabs); Tab or a click enters a field."""

    class SaveRequested(Message):
        """Valid new settings to save and apply."""

        def __init__(self, settings: Settings) -> None:
            super().__init__()
            self.settings = settings

    def __init__(self, settings: Settings, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.settings = settings

    def action_release(self) -> None:
        """Leave the field being edited: the number keys switch tabs again."""
        self.focus()

    def compose(self) -> ComposeResult:
        yield Label("Batch limits (integers 0..100)", classes="section")
        with Grid(id="limits-grid"):
            for key, text in LIMIT_FIELDS:
                yield Label(text)
                yield Input(
                    str(getattr(self.settings.limits, key)),
                    id=f"limit-{key}",
                    type="integer",
                    validators=[SchemaCheck(SECTIONS["limits"][key].check, LIMIT_RULE)],
                    validate_on=["changed", "submitted"],
                )
                yield Label("", id=f"limit-{key}-error", classes="field-error", markup=False)
        yield Label("Merge policy", classes="section")
        with Grid(id="policy-grid"):
            yield Label("Merge method")
            yield Select(
                [(m, m) for m in MERGE_METHODS], value=self.settings.merge.method, allow_blank=False, id="policy-method"
            )
            yield Label("")
            for key, text in POLICY_SWITCHES:
                yield Label(text)
                yield Switch(getattr(self.settings.merge, key), id=f"policy-{key}")
                yield Label("")
        save = bound_key(self.app, "limits.save", "ctrl+s")
        yield Static(f"{save} saves to the config file; the plan uses the new values at once.", id="limits-hint")

    def load(self, settings: Settings) -> None:
        """Show `settings` (after a save or a reload)."""
        self.settings = settings
        for key, _ in LIMIT_FIELDS:
            self.query_one(f"#limit-{key}", Input).value = str(getattr(settings.limits, key))
        self.query_one("#policy-method", Select).value = settings.merge.method
        for key, _ in POLICY_SWITCHES:
            self.query_one(f"#policy-{key}", Switch).value = getattr(settings.merge, key)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if event.input.id and event.input.id.startswith("limit-"):
            error = self.query_one(f"#{event.input.id}-error", Label)
            result = event.validation_result
            error.update("" if result is None or result.is_valid else "; ".join(result.failure_descriptions))

    def problems(self) -> list[str]:
        """Every invalid field, as `limits.merge = '-1': must be 0..100` lines."""
        found = []
        for key, _ in LIMIT_FIELDS:
            box = self.query_one(f"#limit-{key}", Input)
            result = box.validate(box.value)
            if result is not None and not result.is_valid:
                found.append(f"limits.{key} = {box.value!r}: {'; '.join(result.failure_descriptions) or LIMIT_RULE}")
        return found

    def edited(self) -> Settings:
        """The settings as edited (only call when `problems()` is empty)."""
        limits = Limits(**{key: int(self.query_one(f"#limit-{key}", Input).value) for key, _ in LIMIT_FIELDS})
        method = self.query_one("#policy-method", Select).value

        def switch(key: str) -> bool:
            return self.query_one(f"#policy-{key}", Switch).value

        policy: MergePolicy = replace(
            self.settings.merge,
            method=str(method) if isinstance(method, str) else self.settings.merge.method,
            require_approval=switch("require_approval"),
            allow_unstable=switch("allow_unstable"),
            allow_no_checks=switch("allow_no_checks"),
        )
        return replace(self.settings, limits=limits, merge=policy)

    def action_save(self) -> None:
        problems = self.problems()
        if problems:
            # the problems quote what was typed: not markup
            self.notify("Not saved:\n" + "\n".join(problems), title="Invalid limits", severity="error", markup=False)
            return
        self.post_message(self.SaveRequested(self.edited()))
