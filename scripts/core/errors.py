"""User-facing errors: what is wrong, where, and what to do.  Never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps


class UserError(Exception):
    """A problem with the user's input, reported as `file:line: message` plus a hint."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.hint = hint

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        text = f"{where}{self.message}"
        if self.hint:
            text += f"\n  what to do: {self.hint}"
        return text


class CheckFailed(Exception):
    """A judge (EPUBCheck, Ace, a preflight) found problems; it has printed them.
    The command exits 1 with this summary, not with a traceback."""


def cli(main: Callable[..., int | None]) -> Callable[..., int]:
    """Wrap a stage's main() so that a UserError prints one clear message and exits 2."""

    @wraps(main)
    def run(*args, **kwargs) -> int:
        try:
            return main(*args, **kwargs) or 0
        except UserError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        except CheckFailed as failed:
            print(f"failed: {failed}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return 130

    return run


def compose_yaml(text: str, file: str, hint: str):
    """Parse an editor's YAML file into a node tree (node marks give line numbers for
    later errors); a syntax error becomes a UserError naming the file and line."""
    import yaml

    try:
        return yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise UserError(f"not valid YAML: {getattr(error, 'problem', None) or error}", file=file,
                        line=mark.line + 1 if mark else None, hint=hint) from None
