"""`python -m scripts` is the `anthology` command (scripts/cli.py)."""

from scripts.cli import main

raise SystemExit(main())
