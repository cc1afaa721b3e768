"""The files of a repository as ``hf models|datasets|spaces ls <repo_id>`` prints them.

Four shapes, chosen by the output format and ``--tree``:

- flat (human and agent): ``<size>  <last commit date>  <path>`` with right-aligned columns, folders ending in ``/``;
- tree (``--tree``): an ASCII tree, with size and date columns before it except in quiet mode;
- json: the list of ``RepoFile``/``RepoFolder`` objects as dicts (None fields dropped);
- quiet: one path per line.

Sizes are exact byte counts, or decimal units with ``-h/--human-readable`` (``1.5 MB``).
"""

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import click

from huggingface_hub._repo_types import RepoFile, RepoFolder

from ._cli_utils import get_hf_api
from ._output import OutputFormat, _dataclass_as_dict, _encodable, out

RepoItem = RepoFile | RepoFolder

_SIZE_UNITS = ("B", "KB", "MB", "GB", "TB")


def get_item_date(item: RepoItem) -> datetime | None:
    """When the item last changed (its last commit's date), if the listing was expanded."""
    return item.last_commit.date if item.last_commit is not None else None


def format_size(size: int | float, human_readable: bool = False) -> str:
    """``1500`` -> ``"1500"``, or ``"1.5 KB"`` when ``human_readable`` (decimal units, bytes without decimals)."""
    if not human_readable:
        return str(size)
    for unit in _SIZE_UNITS:
        if size < 1000:
            return f"{size} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} PB"


def format_date(dt: datetime | None, human_readable: bool = False) -> str:
    """``2024-05-01 12:30:00``, or ``May 01 12:30`` when ``human_readable``; empty when unknown."""
    if dt is None:
        return ""
    return dt.strftime("%b %d %H:%M" if human_readable else "%Y-%m-%d %H:%M:%S")


# --- Tree view -----------------------------------------------------------------------------------------


class _Node:
    """A folder of the tree being drawn: sub-folders and files by name."""

    def __init__(self) -> None:
        self.children: dict[str, _Node | RepoFile] = {}

    def folder(self, name: str) -> "_Node":
        child = self.children.get(name)
        if not isinstance(child, _Node):
            child = self.children[name] = _Node()
        return child


def build_tree(items: Sequence[RepoItem], human_readable: bool = False, quiet: bool = False) -> list[str]:
    """The lines of an ASCII tree of ``items``, entries sorted by name at each level.

    Unless ``quiet``, each file line starts with its size (right-aligned) and date, and folder lines with as
    many spaces, so that the tree itself stays aligned.
    """
    root = _Node()
    for item in items:
        *parents, name = item.path.split("/")
        node = root
        for parent in parents:
            node = node.folder(parent)
        if isinstance(item, RepoFolder):
            node.folder(name)
        else:
            node.children[name] = item

    files = [item for item in items if isinstance(item, RepoFile)]
    size_width = date_width = 0
    if not quiet and files:
        size_width = max(len(format_size(item.size, human_readable)) for item in files)
        date_width = max(len(format_date(get_item_date(item), human_readable)) for item in files)
    prefix_width = size_width + 2 + date_width if size_width else 0

    def prefix(entry: "_Node | RepoFile") -> str:
        if isinstance(entry, _Node):
            return " " * prefix_width
        size = format_size(entry.size, human_readable)
        return f"{size:>{size_width}}  {format_date(get_item_date(entry), human_readable)}"

    lines: list[str] = []

    def draw(node: _Node, indent: str) -> None:
        names = sorted(node.children)
        for position, name in enumerate(names):
            entry = node.children[name]
            is_last = position == len(names) - 1
            branch = _encodable("└── ", "`-- ") if is_last else _encodable("├── ", "|-- ")
            label = f"{indent}{branch}{name}{'/' if isinstance(entry, _Node) else ''}"
            lines.append(f"{prefix(entry)}  {label}" if prefix_width else label)
            if isinstance(entry, _Node) and entry.children:
                draw(entry, indent + ("    " if is_last else _encodable("│   ", "|   ")))

    draw(root, "")
    return lines


# --- Listing -------------------------------------------------------------------------------------------


def print_file_listing(
    items: Sequence[RepoItem], *, human_readable: bool = False, as_tree: bool = False, recursive: bool = False
) -> None:
    """Print ``items`` in the shape the output format and ``as_tree`` call for (see the module docstring)."""
    if not items:
        out.text("(empty)")
        return

    mode = out.mode
    if as_tree:
        for line in build_tree(items, human_readable=human_readable, quiet=mode == OutputFormat.quiet):
            print(line)
    elif mode == OutputFormat.json:
        print(json.dumps([_dataclass_as_dict(item) for item in items], indent=2))
    elif mode == OutputFormat.quiet:
        for item in items:
            print(f"{item.path}/" if isinstance(item, RepoFolder) else item.path)
    else:
        for item in items:
            date = format_date(get_item_date(item), human_readable)
            if isinstance(item, RepoFolder):
                print(f"{'':>12}  {date:>19}  {item.path}/")
            else:
                print(f"{format_size(item.size, human_readable):>12}  {date:>19}  {item.path}")

    if not recursive and any(isinstance(item, RepoFolder) for item in items):
        out.hint("Use -R to list files recursively.")


def list_repo_files_cmd(
    repo_id: str,
    repo_type: str,
    human_readable: bool,
    as_tree: bool,
    recursive: bool,
    revision: str | None,
    token: str | None,
) -> None:
    """List the files of a repository with their last commit (``hf models|datasets|spaces ls <repo_id>``)."""
    if as_tree and out.mode == OutputFormat.json:
        raise click.BadParameter("Cannot use --tree with --format json.")
    api = get_hf_api(token=token)
    items: list[Any] = list(
        api.list_repo_tree(repo_id, recursive=recursive, revision=revision, repo_type=repo_type, expand=True)
    )
    print_file_listing(items, human_readable=human_readable, as_tree=as_tree, recursive=recursive)
