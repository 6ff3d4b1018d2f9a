"""Generate docs/cli-reference.md from the commands' own ``--help``.

Run ``python -m influence_cli._reference > docs/cli-reference.md``; a test checks that the file is
up to date, so the reference never drifts from the code (the role cog plays in sqlite-utils).
"""

from __future__ import annotations

import click
from click.testing import CliRunner


def reference() -> str:
    from . import cli

    runner = CliRunner()
    parts = [
        "# CLI reference",
        "",
        "Generated from `--help` by `python -m influence_cli._reference > docs/cli-reference.md`;",
        "do not edit by hand.",
        "",
        "Exit codes: 0 success; 2 bad usage or bad input (one line on stderr); 1 other failures; "
        "130 interrupted (Ctrl-C). See docs/safety.md.",
        "",
    ]

    def block(args: list[str], title: str) -> None:
        out = runner.invoke(cli, args + ["--help"], prog_name="influence", terminal_width=100)
        parts.extend([f"## {title}", "", "```", out.output.rstrip(), "```", ""])

    block([], "influence")
    for name in sorted(cli.commands):
        block([name], f"influence {name}")
    return "\n".join(parts)


if __name__ == "__main__":
    click.echo(reference(), nl=False)
