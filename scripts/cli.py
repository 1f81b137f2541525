"""`anthology`: one command, one subcommand per stage of the table in scripts/stages.py.

    anthology split                     run one stage on the demo book (manuscript/)
    anthology build --book ~/my-blog    every build stage in order, for another book folder
    anthology make-rules                the Make rules generated from the stage table
    anthology new ~/my-blog --from export.xml   start a book folder from a blog

Make is the incremental driver (it calls these subcommands only for what changed);
this command is what it calls, and what a user can run by hand.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from scripts.core.atomic import build_lock
from scripts.core.console import stage as stage_line
from scripts.core.errors import UserError, cli
from scripts.core.limits import time_limit
from scripts.core.paths import BookPaths
from scripts.stages import BUILD_STAGES, BY_NAME, STAGES, Stage


def _paths_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--book", type=Path, default=None, metavar="DIR",
                        help="the book folder, with its book.yaml (default: the demo book, manuscript/)")
    common.add_argument("--build", type=Path, default=None, metavar="DIR",
                        help="where the outputs go (default: build/ for the demo book, DIR/build/ for another)")
    return common


def stage_epilog(stage: Stage) -> str:
    """What a stage's --help says beyond its options: what it reads and writes (from the
    table, BOOK and BUILD standing for --book and --build) and the settings it reads."""
    from scripts.core.limits import DEFAULT_SECONDS, ENVIRONMENT
    placeholder = BookPaths(Path("BOOK"), Path("BUILD"))

    def listed(label: str, files: list[Path]) -> list[str]:
        names = list(dict.fromkeys(str(f) for f in files))
        return [f"{label:<10}{', '.join(names)}"] if names else []

    lines = listed("reads:", stage.inputs(placeholder))
    lines += listed("if there:", stage.optional(placeholder))
    lines += listed("writes:", stage.outputs(placeholder))
    settings = [(f"{ENVIRONMENT}=SECONDS", f"stop the stage after this long ({DEFAULT_SECONDS} by default, 0: never)"),
                *stage.settings]
    lines += [f"{'settings:' if i == 0 else '':<10}{name}  {what}" for i, (name, what) in enumerate(settings)]
    return "\n".join(lines)


def parser(*, epilogs: bool = True) -> argparse.ArgumentParser:
    """The command line.  `epilogs`: each stage's --help lists what it reads and writes,
    which takes looking at the book's sources; a run that asks for no help skips it (a
    build starts a dozen of these processes)."""
    common = _paths_options()
    top = argparse.ArgumentParser(
        prog="anthology", description="Turn a writer's blog posts into an EPUB and a print-ready PDF.")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("build", parents=[common], help="run every build stage in order")
    for stage in STAGES:
        commands.add_parser(stage.name, parents=[common], help=stage.help, description=stage.help,
                            epilog=stage_epilog(stage) if epilogs else None,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    rules = commands.add_parser("make-rules", parents=[common],
                                help="write the Make rules generated from the stage table")
    rules.add_argument("--out", type=Path, required=True, help="the makefile to write")
    new = commands.add_parser("new", help="start a book folder from a blog (export, posts, pages or scrape)",
                              description="Copy the blog into DIR/sources/, write DIR/book.yaml from what "
                                          "the sources say, and seed DIR/index.yaml from the index candidates.")
    new.add_argument("folder", type=Path, metavar="DIR", help="the new book folder")
    new.add_argument("--from", dest="source", type=Path, required=True, metavar="PATH",
                     help="a WordPress export (.xml), a folder of Markdown posts, saved .html pages or a .txt scrape")
    new.add_argument("--images", type=Path, metavar="FOLDER",
                     help="the folder of the blog's pictures (WordPress: wp-content/uploads), copied into DIR/images/")
    return top


def run_stage(stage: Stage, paths: BookPaths) -> None:
    inputs = stage.inputs(paths)
    missing = [path for path in inputs if not path.exists()]
    if missing:
        raise UserError(f"the {stage.name} stage needs {missing[0]}, which does not exist",
                        file=str(missing[0]),
                        hint="run 'make' (it runs the stages before this one), or check book.yaml's sources")
    named = ", ".join(str(path) for path in inputs[:3]) + (f" and {len(inputs) - 3} more" if len(inputs) > 3 else "")
    # The lock first: waiting for another build's stage is not this stage's time.
    with build_lock(paths.build), time_limit(stage.name, named), stage_line(stage.name) as line:
        line.summary = stage.run(paths)


@cli
def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    asks_for_help = any(a == "-h" or (len(a) > 3 and "--help".startswith(a)) for a in arguments)   # (or "--hel")
    args = parser(epilogs=asks_for_help).parse_args(arguments)
    if args.command == "new":
        from scripts.ingest.starter import new_book
        with stage_line("new") as line:
            line.summary = new_book(args.folder, args.source, args.images)
        return 0
    paths = BookPaths.of(args.book, args.build)
    if args.command == "make-rules":
        from scripts.makerules import write_rules
        write_rules(paths, args.out)
    elif args.command == "build":
        for stage in BUILD_STAGES:
            if stage.wanted(paths):
                run_stage(stage, paths)
    else:
        run_stage(BY_NAME[args.command], paths)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
