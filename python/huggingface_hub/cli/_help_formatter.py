"""Look of ``hf ... --help``: styled headings, the examples epilog and the "Formatting options" section.

Styles are ANSI codes; Click drops them when help goes to a pipe or a file, and ``ANSI`` itself
omits them under ``NO_COLOR`` or for AI agents.
"""

from collections.abc import Iterable

import click

from huggingface_hub.utils import ANSI

CLI_REFERENCE_URL = "https://huggingface.co/docs/huggingface_hub/en/guides/cli"


class StyledHelpFormatter(click.HelpFormatter):
    """Underlined section headings and bold option/command names."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{ANSI.underline(heading + ':')}\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(ANSI.bold(term), text) for term, text in rows], col_max=col_max, col_spacing=col_spacing)


class StyledContext(click.Context):
    formatter_class = StyledHelpFormatter


def generate_epilog(examples: list[str], docs_anchor: str | None = None) -> str:
    """The "Examples" and "Learn more" blocks closing a command's help (examples without the ``$ ``)."""
    docs_url = CLI_REFERENCE_URL + (docs_anchor or "")
    example_lines = "\n".join(f"  $ {example}" for example in examples)
    return (
        f"Examples\n{example_lines}\n\n"
        "Learn more\n"
        "  Use `hf <command> --help` for more information about a command.\n"
        f"  Read the documentation at {docs_url}\n"
    )


def write_epilog_unindented(epilog: str | None, formatter: click.HelpFormatter) -> None:
    """Write ``epilog`` flush left (Click indents epilogs), re-wrapping each line to the help width."""
    if not epilog:
        return
    formatter.write_paragraph()
    for line in epilog.split("\n"):
        formatter.write_text(line)


# Global flags accepted by every leaf command (consumed before Click parses; see `_format_flags`).
FORMATTING_OPTIONS_HELP: list[tuple[str, str]] = [
    (
        "--format [auto|human|agent|json|quiet]",
        "Output format. Defaults to 'auto' which picks 'agent' or 'human' based on the terminal.",
    ),
    ("--json", "JSON output. Equivalent to '--format json'."),
    ("-q, --quiet", "Quiet output (one ID per line). Equivalent to '--format quiet'."),
    ("--no-truncate", "Do not truncate scalar values in human tables (list/dict columns stay shortened)."),
]


def write_formatting_options(formatter: click.HelpFormatter) -> None:
    with formatter.section("Formatting options"):
        formatter.write_dl(FORMATTING_OPTIONS_HELP)
