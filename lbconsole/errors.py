"""One error tree for everything a user can be told about.

Every error carries a message a user can act on, and the exit code the
command line maps it to (SPEC 3.1: 2 usage/config, 3 auth, 4 unreachable).
"""

from __future__ import annotations


class LbError(Exception):
    """Base of every error lbconsole reports to a user."""

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(LbError):
    """The command line was wrong (unknown mode, malformed --repo...)."""

    exit_code = 2


class ConfigError(LbError):
    """The configuration could not be used."""

    exit_code = 2


class AuthError(LbError):
    """No token, a bad token, or a keyring that cannot store one."""

    exit_code = 3


class GatewayError(LbError):
    """GitHub answered with an error (a refusal: 403, 404, 422...); exit code 1."""

    exit_code = 1

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class Unreachable(GatewayError):
    """GitHub (or the configured API URL) could not be reached at all."""

    exit_code = 4


class RateLimited(GatewayError):
    """A rate limit would need a wait longer than the configured cap.

    Attributes:
        reset_at: POSIX time when the limit resets, when GitHub said so.
        wait_s: seconds that would have been needed.
    """

    exit_code = 4

    def __init__(self, message: str, *, reset_at: float | None, wait_s: float) -> None:
        super().__init__(message, status=403)
        self.reset_at = reset_at
        self.wait_s = wait_s


class ActionFailed(LbError):
    """One action of a plan failed; the batch goes on."""

    exit_code = 1

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status
