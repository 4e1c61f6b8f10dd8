"""Write the generated parts of docs/cli.md from the typer app, so the
reference can never disagree with `python -m spacy_seq2seq COMMAND --help`.

    python scripts/cli_reference.py            # rewrite docs/cli.md in place
    python scripts/cli_reference.py --check    # exit 1 if it is out of date

docs/cli.md is hand-written prose and examples around generated blocks:

    <!-- cli-reference: commands -->  ...  <!-- /cli-reference: commands -->
    <!-- cli-reference: translate --> ...  <!-- /cli-reference: translate -->

The first holds the table of all commands; each other block holds one
command's usage line, arguments and options. Only what is between the
markers is rewritten. Every command must have its block (a new command
without one is an error naming it), and a block must name a command.
tests/scripts/test_cli_reference.py runs the check.
"""

import json
import re
from pathlib import Path
from typing import Dict, List

import click
import typer

from spacy_seq2seq.cli import app

DOCS = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
OVERVIEW = "commands"
BLOCK = re.compile(
    r"(?P<open><!-- cli-reference: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(?P<close><!-- /cli-reference: (?P=name) -->)",
    re.DOTALL,
)


def commands() -> Dict[str, click.Command]:
    """The app's commands by name, in the order `--help` lists them."""
    return dict(typer.main.get_command(app).commands)


def _cell(text: str) -> str:
    """Text for a Markdown table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def _summary(command: click.Command) -> str:
    """The first paragraph of the command's docstring."""
    return _cell((command.help or "").strip().split("\n\n")[0])


def _default(param) -> str:
    if param.required:
        return "required"
    if getattr(param, "is_flag", False):
        return "off"
    if param.default is None:
        return ""
    return f"`{json.dumps(param.default)}`"


def overview_block() -> str:
    rows = [f"| [`{name}`](#{name}) | {_summary(command)} |" for name, command in commands().items()]
    return "\n".join(["| Command | What it does |", "| --- | --- |", *rows]) + "\n"


def command_block(name: str, command: click.Command) -> str:
    """Usage, then the arguments and the options, as `--help` shows them."""
    ctx = click.Context(command, info_name=f"python -m spacy_seq2seq {name}")
    lines = ["```", command.get_usage(ctx).replace("Usage: ", ""), "```", ""]
    arguments = [param for param in command.params if param.param_type_name == "argument"]
    options = [param for param in command.params if param.param_type_name == "option"]
    if arguments:
        lines += ["| Argument | | Help |", "| --- | --- | --- |"]
        for param in arguments:
            declaration = param.get_help_record(ctx)[0]
            needed = "required" if param.required else "optional"
            lines.append(f"| `{declaration}` | {needed} | {_cell(param.help or '')} |")
        lines.append("")
    if options:
        lines += ["| Option | Default | Help |", "| --- | --- | --- |"]
        for param in options:
            declaration = param.get_help_record(ctx)[0]
            lines.append(f"| `{declaration}` | {_default(param)} | {_cell(param.help or '')} |")
        lines.append("")
    return "\n".join(lines)


def refresh(text: str) -> str:
    """`text` with every generated block rewritten from the app."""
    known = commands()
    missing = sorted(set(known) - {match["name"] for match in BLOCK.finditer(text)})
    if missing:
        raise ValueError(
            f"docs/cli.md has no block for {', '.join(missing)}: add a section with "
            "`<!-- cli-reference: NAME -->` and `<!-- /cli-reference: NAME -->` lines."
        )

    def generated(match: re.Match) -> str:
        name = match["name"]
        if name == OVERVIEW:
            body = overview_block()
        elif name in known:
            body = command_block(name, known[name])
        else:
            raise ValueError(f"docs/cli.md has a block for {name!r}, which is not a command: remove it.")
        return match["open"] + body + match["close"]

    return BLOCK.sub(generated, text)


def stale_blocks(text: str) -> List[str]:
    """The names of the blocks in `text` that differ from the app."""
    fresh = {match["name"]: match["body"] for match in BLOCK.finditer(refresh(text))}
    return [match["name"] for match in BLOCK.finditer(text) if fresh[match["name"]] != match["body"]]


def main(
    path: Path = typer.Argument(DOCS, help="The page to refresh."),
    check: bool = typer.Option(False, "--check", help="Only check; exit 1 if the page is out of date."),
) -> None:
    text = path.read_text(encoding="utf8")
    if check:
        stale = stale_blocks(text)
        if stale:
            typer.echo(f"{path} is out of date in: {', '.join(stale)}. Run python scripts/cli_reference.py", err=True)
            raise typer.Exit(1)
        typer.echo(f"{path} is current.")
        return
    path.write_text(refresh(text), encoding="utf8")
    typer.echo(f"Wrote {path}")


if __name__ == "__main__":
    typer.run(main)
