"""Make rules generated from the stage table, so a stage's prerequisites cannot drift.

For each stage the rule's prerequisites are: its inputs, the editor files it reads
when they exist, every template, stylesheet and font it uses, and the source of
every project module its code imports (followed through the whole import graph,
imports inside functions included).  Editing a module therefore rebuilds exactly
the stages whose code reaches it.  The rules file names its own prerequisites too,
so Make regenerates it when the code, the templates or book.yaml change.
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from pathlib import Path

from scripts.core import paths as resources
from scripts.core.atomic import write_text
from scripts.core.paths import BookPaths
from scripts.stages import BUILD_STAGES, STAGES, Stage

PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def module_file(name: str) -> Path | None:
    """scripts.a.b -> scripts/a/b.py (or its package's __init__.py); None outside the project."""
    if name != "scripts" and not name.startswith("scripts."):
        return None
    relative = Path(*name.split(".")[1:])
    if not relative.parts:
        return PACKAGE / "__init__.py"
    for candidate in (PACKAGE / relative.with_suffix(".py"), PACKAGE / relative / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


# The fields of a statement that hold statements: an import is a statement, so the walk
# goes down through bodies (functions, classes, if/try/with/for/match) and never into
# expressions, which are most of a module's nodes.
_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")


def _statements(nodes: list[ast.AST]):
    todo = list(nodes)
    while todo:
        node = todo.pop()
        yield node
        for name in _BODIES:
            todo.extend(getattr(node, name, ()))


@lru_cache(maxsize=None)
def _imported(file: Path) -> frozenset[str]:
    """The modules a file imports, anywhere in its code (each file is read once per run:
    every stage's import graph shares most of its files)."""
    names: set[str] = set()
    for node in _statements(ast.parse(file.read_text(encoding="utf-8"), str(file)).body):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            # `from scripts.core import paths` imports a module, not a name in a module.
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return frozenset(names)


@lru_cache(maxsize=None)
def code_of(module: str) -> tuple[Path, ...]:
    """Every project source file the module's code can reach through its imports."""
    seen: set[Path] = set()
    todo = [module]
    while todo:
        name = todo.pop()
        parts = name.split(".")
        # A module's packages run their __init__ first: they are part of its code.
        for depth in range(1, len(parts) + 1):
            file = module_file(".".join(parts[:depth]))
            if file is not None and file not in seen:
                seen.add(file)
                todo.extend(_imported(file))
    return tuple(sorted(seen))


def resource_files(stage: Stage) -> list[Path]:
    files: list[Path] = []
    for item in stage.resources:
        files += sorted(p for p in item.rglob("*") if p.is_file()) if item.is_dir() else [item]
    return files


def _show(path: Path) -> str:
    """A path as Make should see it: relative to the project when inside it."""
    try:
        text = path.resolve().relative_to(resources.PROJECT).as_posix()
    except ValueError:
        text = path.resolve().as_posix()
    if any(c in text for c in " #:$%"):
        from scripts.core.errors import UserError
        raise UserError("make cannot work with a path that has a space or one of #:$% in it",
                        file=text, hint="move or rename the book folder (e.g. ~/my-blog), or run "
                                        "'.venv/bin/anthology build --book DIR', which has no such limit")
    return text


def _join(paths: list[Path]) -> str:
    return " \\\n    ".join(dict.fromkeys(_show(p) for p in paths))


def stage_rule(stage: Stage, paths: BookPaths, command: str) -> str:
    outputs = stage.outputs(paths)
    prerequisites = [*stage.inputs(paths), *resource_files(stage), *code_of(stage.module)]
    optional = " ".join(f"$(wildcard {_show(p)})" for p in stage.optional(paths))
    run = f"\t@{command} {stage.name} --book {_show(paths.book)} --build {_show(paths.build)}\n"
    if stage.builds:
        head = f"{_join(outputs)} &: \\\n    {_join(prerequisites)} {optional} | $(STAMP)\n"
        return f"# {stage.help}\n{stage.name}: {_show(outputs[0])}\n{head}{run}"
    # Checks and helpers run whenever asked for: their result is the verdict, not a file.
    return (f"# {stage.help}\n.PHONY: {stage.name}\n{stage.name}: \\\n    "
            f"{_join(prerequisites)} {optional} | $(STAMP)\n{run}")


def rules(paths: BookPaths, target: Path, command: str = "$(ANTHOLOGY)") -> str:
    code = sorted({f for s in STAGES for f in code_of(s.module)} | set(code_of("scripts.makerules")))
    folders = sorted({r for s in STAGES for r in s.resources if r.is_dir()})
    sections = [
        "# Generated by `anthology make-rules` from scripts/stages.py: do not edit.",
        f"{_show(target)}: $(wildcard {_show(paths.sources_dir)}) \\\n    "
        f"{_join([paths.book_yaml, *code, *folders])}",
        f"BOOK_OUTPUTS := {' '.join(_show(s.outputs(paths)[0]) for s in BUILD_STAGES if s.wanted(paths))}",
        f".PHONY: {' '.join(s.name for s in BUILD_STAGES)}",
        # Never deleted by Make, on an error or an interrupt (see the Makefile's comment).
        f".PRECIOUS: {_join([path for s in STAGES for path in s.outputs(paths)])}",
        *(stage_rule(stage, paths, command) for stage in STAGES),
        # Every code and template file as a target with no recipe (as gcc -MP does): a
        # module deleted or renamed rebuilds what used it instead of stopping Make.
        "\n".join(f"{_show(f)}:" for f in sorted({*code, *(r for s in STAGES for r in resource_files(s))})),
    ]
    return "\n\n".join(sections) + "\n"


def write_rules(paths: BookPaths, target: Path) -> None:
    write_text(target, rules(paths, target))


_TARGET_LINE = re.compile(r"^([a-z][a-z-]*):[^#\n]*##\s*(.+)$", re.M)


def make_help(makefile: Path = resources.PROJECT / "Makefile") -> str:
    """`make help`: the Makefile's own targets (each described by its `## ...` comment),
    then every stage of the table, which `make <stage>` runs with what it needs.  Only the
    standard library: it runs before the virtualenv exists."""
    targets = _TARGET_LINE.findall(makefile.read_text(encoding="utf-8"))
    width = max(len(name) for name, _ in targets + [(s.name, "") for s in STAGES])
    lines = ["make TARGET [BOOK=DIR]   (BOOK: a book folder of your own; the demo book by default)", "",
             "targets:"]
    lines += [f"  {name:<{width}}  {text}" for name, text in targets]
    lines += ["", "stages (make STAGE runs it and the stages before it that are out of date;",
              "        '.venv/bin/anthology STAGE --help' says what it reads, writes and takes):"]
    for stage in STAGES:
        lines.append(f"  {stage.name:<{width}}  {stage.help}" + ("" if stage.builds else "  (not part of make)"))
    return "\n".join(lines) + "\n"
