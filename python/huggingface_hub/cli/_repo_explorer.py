"""``hf repos ls --explore``: the user's repositories as an isometric city in the terminal.

One block per repository (the 30 largest; the rest share one grey block), its height growing with the square root
of its storage, its colour telling its type. Arrow keys, WASD or vim keys move a marker from block to block; the
panel on the right details the marked repository, the one on the left sums storage per type; q, Esc or Ctrl-C quits.

Drawing is a pure function of (repositories, terminal size, marked block): ``render_frame``. The blocks are painted
on a pixel canvas, back to front, column by column (an isometric box is, in each pixel column, a run of its top face
over a run of one side face), and two pixel rows become one text row of half-block characters in 24-bit colour.
Only ``run_city_game`` touches the terminal.
"""

import math
import os
import select
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from huggingface_hub._api_user_repos import RepoStorageInfo

from ._file_listing import format_size

RGB = tuple[int, int, int]
Canvas = list[list[RGB | None]]

# Faces of a block: (top, left side, right side); the sides darker, as if lit from above on the left.
PALETTES: dict[str, tuple[RGB, RGB, RGB]] = {
    "model": ((172, 150, 238), (136, 114, 206), (104, 82, 176)),
    "dataset": ((242, 130, 126), (218, 94, 90), (186, 62, 60)),
    "space": ((244, 178, 88), (216, 142, 56), (182, 110, 32)),
    "bucket": ((114, 184, 240), (72, 148, 218), (42, 116, 190)),
}
OTHERS_PALETTE: tuple[RGB, RGB, RGB] = ((170, 176, 186), (130, 136, 146), (92, 98, 108))
GROUND: RGB = (176, 180, 188)
MARKER_EDGE: RGB = (32, 32, 32)
MARKER_FILL: RGB = (255, 255, 255)

TYPE_ORDER = ("model", "dataset", "space", "bucket")
TYPE_LABELS = {"model": "Models", "dataset": "Datasets", "space": "Spaces", "bucket": "Buckets"}

MAX_BLOCKS = 30  # more repositories than this share the last, grey block
GRID_COLUMNS = 6
HALF_W = 4  # a tile's diamond is 2*HALF_W pixels wide ...
HALF_H = 2  # ... and 2*HALF_H pixels high
MAX_HEIGHT = 16  # pixels of the largest repository's block
MARKER_LIFT = 3  # pixels between a block's top and the marker's tip
MIN_COLUMNS, MIN_LINES = 100, 24
SIDE_WIDTH = 24  # width of the left panel
GAP = 2
FOOTER = "  \033[90mArrows/WASD/HJKL: move · Q/Esc: quit\033[0m"

# The marker: a diamond pointing down at the block, 'e' its outline, 'f' its inside.
MARKER = (" eee ", "efffe", " efe ", "  e  ")

RESET, BOLD, GREY = "\033[0m", "\033[1m", "\033[90m"


@dataclass(frozen=True)
class Block:
    row: int
    col: int
    height: int
    palette: tuple[RGB, RGB, RGB]
    repo: RepoStorageInfo | None  # None: the block standing for the repositories beyond MAX_BLOCKS


@dataclass(frozen=True)
class City:
    blocks: tuple[Block, ...]
    rows: int
    cols: int
    total_storage: int
    others_count: int
    others_storage: int
    repos: tuple[RepoStorageInfo, ...]

    def block_at(self, row: int, col: int) -> Block | None:
        for block in self.blocks:
            if (block.row, block.col) == (row, col):
                return block
        return None


def build_city(repos: Sequence[RepoStorageInfo]) -> City:
    """Lay the repositories out on the grid, largest first (row by row), heights relative to the largest."""
    ordered = sorted(repos, key=lambda r: r.storage, reverse=True)
    shown, others = ordered[:MAX_BLOCKS], ordered[MAX_BLOCKS:]
    largest = max([r.storage for r in shown] + [1])
    others_storage = sum(r.storage for r in others)

    def height(storage: int) -> int:
        return max(1, round(math.sqrt(storage / largest) * MAX_HEIGHT))

    count = len(shown) + (1 if others else 0)
    cols = max(1, min(count, GRID_COLUMNS))
    blocks = [
        Block(i // cols, i % cols, height(r.storage), PALETTES.get(r.type, OTHERS_PALETTE), r)
        for i, r in enumerate(shown)
    ]
    if others:
        blocks.append(Block(len(shown) // cols, len(shown) % cols, height(others_storage), OTHERS_PALETTE, None))
    return City(
        blocks=tuple(blocks),
        rows=max(1, math.ceil(count / cols)),
        cols=cols,
        total_storage=sum(r.storage for r in repos),
        others_count=len(others),
        others_storage=others_storage,
        repos=tuple(repos),
    )


# --- Painting ---------------------------------------------------------------------------------------------


def _anchor(city: City, row: int, col: int) -> tuple[int, int]:
    """Canvas position of the top corner of tile (row, col)'s ground diamond.

    Columns run down to the right, rows down to the left; room is left above the back row for the tallest block
    and the marker.
    """
    x = (col - row) * HALF_W + city.rows * HALF_W
    y = (col + row) * HALF_H + MAX_HEIGHT + MARKER_LIFT + len(MARKER)
    return x, y


def _canvas_size(city: City) -> tuple[int, int]:
    width = (city.rows + city.cols) * HALF_W + 1
    height = (city.rows + city.cols) * HALF_H + MAX_HEIGHT + MARKER_LIFT + len(MARKER) + 1
    return width, height + height % 2


def _put(canvas: Canvas, x: int, y: int, color: RGB) -> None:
    if 0 <= y < len(canvas) and 0 <= x < len(canvas[y]):
        canvas[y][x] = color


def _slope(dx: int) -> int:
    """How far a diamond edge has dropped `dx` pixels away from its top or bottom corner."""
    return round(abs(dx) * HALF_H / HALF_W)


def _paint_ground(canvas: Canvas, x: int, y: int) -> None:
    for dx in range(-HALF_W, HALF_W + 1):
        _put(canvas, x + dx, y + _slope(dx), GROUND)
        _put(canvas, x + dx, y + 2 * HALF_H - _slope(dx), GROUND)


def _paint_block(canvas: Canvas, x: int, y: int, height: int, faces: tuple[RGB, RGB, RGB]) -> None:
    top, left, right = faces
    for dx in range(-HALF_W, HALF_W + 1):
        top_start = y - height + _slope(dx)
        side_start = y - height + 2 * HALF_H - _slope(dx)
        side_end = y + 2 * HALF_H - _slope(dx)
        side = left if dx < 0 else right
        for py in range(top_start, side_start):
            _put(canvas, x + dx, py, top)
        for py in range(side_start, side_end + 1):
            _put(canvas, x + dx, py, side)


def _lighter(color: RGB, amount: int = 40) -> RGB:
    return (min(255, color[0] + amount), min(255, color[1] + amount), min(255, color[2] + amount))


def paint_city(city: City, marked: tuple[int, int] | None) -> Canvas:
    """The city as pixels: ground tiles, then blocks from the back to the front, then the marker."""
    width, height = _canvas_size(city)
    canvas: Canvas = [[None] * width for _ in range(height)]
    for row in range(city.rows):
        for col in range(city.cols):
            _paint_ground(canvas, *_anchor(city, row, col))
    for block in sorted(city.blocks, key=lambda b: (b.row + b.col, b.col)):
        top, left, right = block.palette
        if (block.row, block.col) == marked:
            top = _lighter(top)
        _paint_block(canvas, *_anchor(city, block.row, block.col), block.height, (top, left, right))
    target = city.block_at(*marked) if marked is not None else None
    if target is not None:
        x, y = _anchor(city, target.row, target.col)
        tip = y - target.height - MARKER_LIFT
        for dy, line in enumerate(MARKER):
            for dx, char in enumerate(line):
                if char != " ":
                    color = MARKER_EDGE if char == "e" else MARKER_FILL
                    _put(canvas, x + dx - len(line) // 2, tip - len(MARKER) + 1 + dy, color)
    return canvas


def _fg(color: RGB) -> str:
    return f"\033[38;2;{color[0]};{color[1]};{color[2]}m"


def _bg(color: RGB) -> str:
    return f"\033[48;2;{color[0]};{color[1]};{color[2]}m"


def canvas_to_text(canvas: Canvas) -> list[str]:
    """Two pixel rows per text row: '▀' in the upper pixel's colour over the lower one's background."""
    lines = []
    for y in range(0, len(canvas), 2):
        upper, lower = canvas[y], canvas[y + 1] if y + 1 < len(canvas) else [None] * len(canvas[y])
        cells = []
        style = ""  # the escape sequence in effect, to avoid repeating it
        for up, down in zip(upper, lower, strict=True):
            if up is None and down is None:
                wanted, char = "", " "
            elif up is None or down is None or up == down:
                color = up if up is not None else down
                char = "█" if up == down else ("▀" if down is None else "▄")
                wanted = _fg(color)  # type: ignore[arg-type]
            else:
                wanted, char = _fg(up) + _bg(down), "▀"
            if wanted != style:
                cells.append(RESET + wanted if style else wanted)
                style = wanted
            cells.append(char)
        text = "".join(cells).rstrip(" ")
        lines.append(text + RESET if style else text)
    return lines


# --- Panels and frame --------------------------------------------------------------------------------------

_ESCAPE = "\033["


def visible_width(text: str) -> int:
    """Width of `text` on screen: escape sequences take none."""
    width, i = 0, 0
    while i < len(text):
        if text.startswith(_ESCAPE, i):
            end = i + 2
            while end < len(text) and not text[end].isalpha():
                end += 1
            i = end + 1
            continue
        width += 1
        i += 1
    return width


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - visible_width(text))


def clip(text: str, width: int) -> str:
    """`text` cut after `width` visible characters (escape sequences kept whole, colours reset after a cut)."""
    if visible_width(text) <= width:
        return text
    kept, seen, i = [], 0, 0
    while i < len(text) and seen < width:
        if text.startswith(_ESCAPE, i):
            end = i + 2
            while end < len(text) and not text[end].isalpha():
                end += 1
            kept.append(text[i : end + 1])
            i = end + 1
            continue
        kept.append(text[i])
        seen += 1
        i += 1
    return "".join(kept) + RESET


def summary_panel(city: City) -> list[str]:
    """Left panel: total storage, then count and storage per repository type."""
    lines = ["  Storage Overview", "  " + "─" * 16, f"  {format_size(city.total_storage, human_readable=True)} total"]
    for kind in TYPE_ORDER:
        group = [r for r in city.repos if r.type == kind]
        if group:
            storage = format_size(sum(r.storage for r in group), human_readable=True)
            lines += [
                "",
                f"  {_fg(PALETTES[kind][0])}■{RESET} {TYPE_LABELS[kind]}",
                f"    {len(group)} repos · {storage}",
            ]
    if city.others_count:
        lines += ["", f"  {_fg(OTHERS_PALETTE[0])}■{RESET} +{city.others_count} more repos"]
    return lines


def details_panel(city: City, block: Block | None, width: int) -> list[str]:
    """Right panel: the marked repository (or the grey block's aggregate)."""
    inner = max(8, width - 2)
    lines = [f"  {BOLD}City Explorer{RESET}", "  " + "─" * min(22, inner), ""]
    if block is None:
        return lines + [f"  {GREY}Move to a block to see details.{RESET}"]
    if block.repo is None:
        storage = format_size(city.others_storage, human_readable=True)
        return lines + [f"  {GREY}+{city.others_count} more repos{RESET}", f"  {GREY}{storage} combined{RESET}"]
    repo = block.repo
    name = repo.id if len(repo.id) <= inner else repo.id[: inner - 3] + "..."
    color = _fg(PALETTES.get(repo.type, OTHERS_PALETTE)[0])
    bar = min(18, inner)
    filled = max(0, min(bar, round(repo.storage_percent / 100 * bar)))
    return lines + [
        f"  {BOLD}{name}{RESET}",
        "",
        f"  Type       {color}{repo.type}{RESET}",
        f"  Visibility {repo.visibility}",
        f"  Storage    {format_size(repo.storage, human_readable=True)}",
        f"  Usage      {repo.storage_percent:.1f}%",
        f"  Updated    {repo.updated_at.strftime('%Y-%m-%d')}",
        "",
        f"  {color}{'█' * filled}{GREY}{'░' * (bar - filled)}{RESET}",
    ]


def render_frame(repos: Sequence[RepoStorageInfo], columns: int, lines: int, marked: tuple[int, int]) -> list[str]:
    """The whole screen, `lines - 1` text lines (the last line stays free so that the screen never scrolls):
    summary | city | details, each panel centred vertically, then the key help."""
    city = build_city(repos)
    picture = canvas_to_text(paint_city(city, marked))
    while picture and not picture[0].strip():
        picture.pop(0)
    while picture and not picture[-1].strip():
        picture.pop()
    city_width = max((visible_width(line) for line in picture), default=0)
    details = details_panel(city, city.block_at(*marked), columns - SIDE_WIDTH - city_width - 2 * GAP)
    summary = summary_panel(city)
    body_height = max(len(picture), len(summary), len(details))

    def centred(panel: list[str]) -> list[str]:
        above = (body_height - len(panel)) // 2
        return [""] * above + panel + [""] * (body_height - len(panel) - above)

    rows = [
        clip(_pad(left, SIDE_WIDTH) + " " * GAP + _pad(middle, city_width) + " " * GAP + right, columns)
        for left, middle, right in zip(centred(summary), centred(picture), centred(details), strict=True)
    ]
    rows += ["", FOOTER]
    rows += [""] * max(0, lines - 1 - len(rows))
    return rows[: max(0, lines - 1)]


# --- Keys and the interactive loop ---------------------------------------------------------------------------

MOVES: dict[str, tuple[int, int]] = {}
for _keys, _move in (
    (("\x1b[A", "w", "W", "k", "K"), (-1, 0)),
    (("\x1b[B", "s", "S", "j", "J"), (1, 0)),
    (("\x1b[D", "a", "A", "h", "H"), (0, -1)),
    (("\x1b[C", "d", "D", "l", "L"), (0, 1)),
):
    MOVES.update(dict.fromkeys(_keys, _move))
QUIT_KEYS = frozenset({"q", "Q", "\x1b", "\x03", "\x04"})


def move(city: City, marked: tuple[int, int], key: str) -> tuple[int, int]:
    """Where the marker goes on `key`: the neighbouring block in that direction, else where it is."""
    d_row, d_col = MOVES.get(key, (0, 0))
    target = (marked[0] + d_row, marked[1] + d_col)
    return target if city.block_at(*target) is not None else marked


def _read_key(fd: int) -> str:
    """One key press: a character, or an arrow's whole escape sequence (a lone Esc when nothing follows soon)."""
    first = os.read(fd, 1)
    if first != b"\x1b":
        return first.decode(errors="replace")
    sequence = first
    while len(sequence) < 3 and select.select([fd], [], [], 0.05)[0]:
        sequence += os.read(fd, 1)
        if sequence[1:2] != b"[":
            break
    return sequence.decode(errors="replace") if sequence[1:2] == b"[" else "\x1b"


def run_city_game(repos: list[RepoStorageInfo]) -> None:
    """Explore `repos` interactively in the terminal until q, Esc or Ctrl-C (the terminal is restored after)."""
    if not repos:
        print("No repositories found.")
        return
    try:
        import termios
        import tty
    except ImportError:  # Windows consoles have neither
        print("Interactive mode requires a Unix-like terminal (Linux/macOS).")
        return
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print("Interactive mode requires a terminal.")
        return
    size = shutil.get_terminal_size()
    if size.columns < MIN_COLUMNS or size.lines < MIN_LINES:
        print(f"Your terminal is {size.columns}×{size.lines} characters.")
        print(f"Please resize to at least {MIN_COLUMNS}×{MIN_LINES} to explore the city!")
        return

    city = build_city(repos)
    marked = (0, 0)  # the largest repository
    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    try:
        tty.setraw(fd)
        # Alternate screen, hidden cursor: the user's scrollback is left as it was.
        sys.stdout.write("\033[?1049h\033[?25l\033[2J")
        while True:
            size = shutil.get_terminal_size()  # read on every frame: the window may have been resized
            frame = render_frame(repos, size.columns, size.lines, marked)
            sys.stdout.write("\033[H" + "".join(line + "\033[K\r\n" for line in frame))
            sys.stdout.flush()
            key = _read_key(fd)
            if key in QUIT_KEYS or key == "":
                return
            marked = move(city, marked, key)
    finally:
        sys.stdout.write("\033[?25h\033[?1049l")
        sys.stdout.flush()
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
