"""Reading ``KEY=value`` lines in the dotenv format (``--env``, ``--secrets`` and their ``--*-file`` options).

One definition per line: ``[export ]KEY[=value]``. Blank lines and ``#`` comments are skipped, as are lines
that do not start with a valid key. A value may be single- or double-quoted (quotes removed, backslash
escapes ``\\n``, ``\\t``, ``\\"`` and ``\\\\`` expanded, plus ``\\$`` in double quotes); an unquoted value ends
at ``#`` and is trimmed. A bare ``KEY`` (no ``=``) takes its value from ``environ`` when given, else is
left out.
"""

import re

_DEFINITION = re.compile(r"(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*(=)?[ \t]*(.*)")
_ESCAPE = re.compile(r"\\(.)")
_COMMON_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
_ESCAPES_BY_QUOTE = {"'": _COMMON_ESCAPES, '"': {**_COMMON_ESCAPES, "$": "$"}}


def _unescape(text: str, escapes: dict[str, str]) -> str:
    # One left-to-right pass, so that `\\n` is an escaped backslash followed by `n`, not a newline.
    return _ESCAPE.sub(lambda match: escapes.get(match.group(1), match.group(0)), text)


def _closing_quote(text: str) -> int:
    """Index of the quote closing ``text[0]`` (a backslash-escaped quote does not close), or -1."""
    quote, index = text[0], 1
    while index < len(text):
        if text[index] == "\\" and text[index + 1 : index + 2] == quote:
            index += 2
        elif text[index] == quote:
            return index
        else:
            index += 1
    return -1


def _is_blank_or_comment(text: str) -> bool:
    stripped = text.lstrip(" \t")
    return not stripped or stripped.startswith("#")


def _parse_value(text: str) -> str:
    """The value after ``=``: a quoted string followed only by an optional comment, or text up to ``#``."""
    if text[:1] in _ESCAPES_BY_QUOTE:
        end = _closing_quote(text)
        if end > 0 and _is_blank_or_comment(text[end + 1 :]):
            return _unescape(text[1:end], _ESCAPES_BY_QUOTE[text[0]])
    value = text.partition("#")[0].strip()
    # Something like `'it\'` (the escaped quote was the closing one) still counts as quoted.
    if len(value) >= 1 and value[0] in _ESCAPES_BY_QUOTE and value.endswith(value[0]):
        return _unescape(value[1:-1], _ESCAPES_BY_QUOTE[value[0]])
    return value


def load_dotenv(dotenv_str: str, environ: dict[str, str] | None = None) -> dict[str, str]:
    """The definitions of a dotenv-format text, as a dict (later definitions of a key win).

    Args:
        dotenv_str (`str`): the text, e.g. the content of a `.env` file or a single `KEY=value`.
        environ (`dict[str, str]`, *optional*): where a bare `KEY` (without `=`) takes its value from.

    Example:
        ```py
        >>> load_dotenv('export A=1 # one\\nB="two words"\\nHOME', environ={"HOME": "/root"})
        {'A': '1', 'B': 'two words', 'HOME': '/root'}
        ```
    """
    definitions: dict[str, str] = {}
    for line in dotenv_str.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = _DEFINITION.fullmatch(line)
        if match is None:
            continue
        key, has_value, rest = match.groups()
        if has_value:
            definitions[key] = _parse_value(rest)
        elif environ is not None and key in environ:
            definitions[key] = environ[key]
    return definitions
