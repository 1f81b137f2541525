"""User-facing errors: what is wrong, where, and what to do.  Never a traceback."""

from __future__ import annotations

import errno
import re
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
        except OSError as error:
            # A full disk or a read-only folder met by a write that did not go through
            # scripts/core/atomic.py (a library's own): still the machine's state, not a bug.
            if error.errno not in MACHINE_STATE:
                raise
            print(f"error: {machine_state(error)}", file=sys.stderr)
            return 2
        except CheckFailed as failed:
            print(f"failed: {failed}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return 130

    return run


# The errors of a write that are the machine's state (a full disk, a quota, a read-only
# folder), which a user fixes, rather than a bug of the toolchain.
MACHINE_STATE = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}


def cannot_write(path, error: OSError) -> UserError:
    """A full disk or a read-only folder is the machine's state, not a bug: say so."""
    return UserError(f"cannot write this file: {error.strerror or error}", file=str(path),
                     hint="check that the build folder is writable and the disk has room, "
                          "then run make again (nothing half-written was left)")


def machine_state(error: OSError) -> UserError:
    """The UserError for an OSError of MACHINE_STATE: the file it names, what is wrong."""
    return cannot_write(error.filename or "the build folder", error)


# How many values a YAML file may stand for once its aliases (*name) are expanded: far
# more than any editor's file or front matter holds, far less than a "billion laughs" (a
# few lines of nested aliases that stand for a billion values, to exhaust whatever walks them).
YAML_EXPANDED_LIMIT = 100_000
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def compose_yaml(text: str, file: str, hint: str, first_line: int = 1):
    """Parse an editor's YAML file into a node tree (node marks give line numbers for
    later errors); a syntax error becomes a UserError naming the file and line.
    `first_line` is the file's line the text starts on (front matter starts on line 2).
    A tree that expands to more than YAML_EXPANDED_LIMIT values, or refers to itself, and a
    lone surrogate (an escape such as \\ud800, half of a character) are refused too: the
    one stands for a billion values, the other cannot be written to any file."""
    import yaml

    fast = getattr(yaml, "CSafeLoader", None)
    try:
        try:
            # libyaml's parser where PyYAML was built with it: the same nodes and marks, ten
            # times sooner (index.yaml, read by five stages: 84 ms -> 7 ms).
            root = yaml.compose(text, Loader=fast) if fast else yaml.compose(text)
        except yaml.YAMLError:
            # Read again by PyYAML's own parser, whose messages say more, and which reads what
            # libyaml refuses outright (a lone surrogate escape: named by the check below).
            root = yaml.compose(text)
        if root is not None:
            _check_nodes(root, file, first_line)
    except RecursionError:
        raise UserError("the lists or mappings are nested too deeply to read", file=file,
                        line=first_line, hint="write the values out, a few levels deep at most") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise UserError(f"not valid YAML: {getattr(error, 'problem', None) or error}", file=file,
                        line=mark.line + first_line if mark else None, hint=hint) from None
    return root


def _check_nodes(root, file: str, first_line: int) -> None:
    import yaml

    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def line(node) -> int:
        return node.start_mark.line + first_line

    def size(node) -> int:
        # Each node once (an alias is the same node object again), so the walk is as long
        # as the file, not as the expansion.
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise UserError("an alias (*name) refers to the list or mapping it is inside", file=file,
                            line=line(node), hint="write the values out instead of the alias")
        if isinstance(node, yaml.ScalarNode):
            if LONE_SURROGATE.search(node.value):
                raise UserError("an escape here (such as \\ud800) is half of a character (a lone "
                                "surrogate), which no file can hold", file=file, line=line(node),
                                hint="write the character itself, or its whole escape "
                                     "(\\U0001F600 for 😀)")
            sizes[key] = 1
            return 1
        open_nodes.add(key)
        children = node.value if isinstance(node, yaml.SequenceNode) else \
            [part for pair in node.value for part in pair]
        total = 1 + sum(size(child) for child in children)
        open_nodes.discard(key)
        if total > YAML_EXPANDED_LIMIT:
            raise UserError(f"the aliases (*name) here stand for more than {YAML_EXPANDED_LIMIT:,} values",
                            file=file, line=line(node),
                            hint="write the values out, without anchors (&name) and aliases (*name)")
        sizes[key] = total
        return total

    size(root)
