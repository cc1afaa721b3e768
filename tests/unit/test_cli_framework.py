"""The machinery under every ``hf`` command, exercised in-process with Click's ``CliRunner``.

A small demo CLI (``DEMO_CLI``) is declared the way command modules are: ``typer_factory``, annotated
function signatures, aliases, topics and examples. The same source runs against upstream
``huggingface_hub`` too, to check that help texts and parsing agree.
"""

import json
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated, Any

import click
import pytest
from _upstream_oracle import UPSTREAM_PYTHON, clean_env, run_snippet, upstream_compat
from click.testing import CliRunner

from huggingface_hub.cli import _output
from huggingface_hub.cli._framework import Argument, Option
from huggingface_hub.cli._output import OutputFormat, out

DEMO_CLI = textwrap.dedent(
    '''
    import json
    from enum import Enum
    from typing import Annotated, Literal

    import click

    from huggingface_hub.cli._cli_utils import SoftChoice, typer_factory
    from huggingface_hub.cli._framework import Argument, Option


    class Color(str, Enum):
        red = "red"
        green = "green"


    app = typer_factory(help="Demo CLI")
    sub = typer_factory(help="A sub group.")


    @app.command("paint | p", examples=["demo paint wall", "demo paint wall --color green"])
    def paint(
        target: Annotated[str, Argument(help="What to paint.")],
        extras: Annotated[list[str] | None, Argument(help="Other things to paint.")] = None,
        color: Annotated[Color, Option("--color", "-c", help="Paint color.")] = Color.red,
        coats: Annotated[int, Option(help="Number of coats.", min=1)] = 2,
        dry_run: Annotated[bool, Option(help="Only pretend.")] = False,
        verbose: Annotated[bool, Option("--verbose", help="Talk more.")] = False,
        tag: Annotated[list[str] | None, Option(help="Tags, can be repeated.")] = None,
        brush: Annotated[str | None, Option(help="Brush name.", show_default="auto")] = None,
        secret: Annotated[str | None, Option(hidden=True)] = None,
        flavor: Annotated[str, Option(help="Flavor.", click_type=SoftChoice(["a", "b"]))] = "a",
        ratio: Annotated[float, Option(help="A ratio.")] = 0.5,
    ) -> None:
        """Paint something, with a first line that is long enough to be wrapped by the help formatter.

        A second paragraph of description.
        """
        print(json.dumps({
            "target": target, "extras": extras, "color": [type(color).__name__, color.value], "coats": coats,
            "dry_run": dry_run, "verbose": verbose, "tag": tag, "brush": brush, "flavor": flavor, "ratio": ratio,
        }))


    @app.command(topic="help")
    def about() -> None:
        """About the demo."""
        print("about")


    @app.command("hidden-cmd", hidden=True)
    def hidden_cmd() -> None:
        """Not listed."""


    @sub.command("run", examples=["demo sub run bob"])
    def run(
        name: Annotated[str, Argument(help="Who runs.")],
        mode: Annotated[Literal["fast", "slow"], Option(help="How.")] = "fast",
        ctx: click.Context = None,
    ) -> None:
        """Run."""
        print(json.dumps({"name": name, "mode": mode, "command": ctx.command.name}))


    app.add_group(sub, name="sub | s")
    '''
)

DEMO_INVOCATIONS = [
    [],
    ["--help"],
    ["paint", "--help"],
    ["paint"],
    ["p", "--help"],
    ["sub"],
    ["s", "run", "--help"],
    ["paint", "wall", "door", "-c", "green", "--coats", "3", "--tag", "x", "--tag", "y", "--dry-run", "--json"],
    ["paint", "wall", "--coats", "0"],
    ["paint", "wall", "--color", "blue"],
    ["paint", "wall", "--flavor", "z", "--ratio", "1.5", "--verbose"],
    ["paint", "wall", "--colr", "x"],
    ["pain"],
    ["sub", "--nope"],
    ["s", "run", "bob", "--mode", "slow"],
    ["about", "extra"],
]

# Runs each invocation through Click's test runner and prints the results as one JSON document.
_RUN_DEMO = DEMO_CLI + textwrap.dedent(
    """
    from click.testing import CliRunner

    results = []
    for args in json.loads(INVOCATIONS):
        result = CliRunner().invoke(app, args, prog_name="demo")
        results.append([result.exit_code, result.stdout, result.stderr])
    print(json.dumps(results))
    """
)


def _demo_app() -> click.Group:
    namespace: dict[str, Any] = {}
    exec(compile(DEMO_CLI, "<demo_cli>", "exec"), namespace)
    return namespace["app"]


def _invoke(app: click.Command, *args: str) -> Any:
    return CliRunner().invoke(app, list(args), prog_name="demo")


@pytest.fixture(autouse=True)
def fresh_output(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A fresh ``out``: no mode chosen yet, no agent around, and progress bars left alone (the recorded
    calls are returned) so that one test's format does not leak into other tests."""
    calls: list[str] = []
    monkeypatch.setattr(out, "_mode", None)
    monkeypatch.setattr(out, "no_truncate", False)
    monkeypatch.setattr(_output, "is_agent", lambda: False)
    monkeypatch.setattr(_output, "disable_progress_bars", lambda: calls.append("disabled"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("COLUMNS", "80")
    return calls


# --- Declarations and parsing ------------------------------------------------------------------------


class TestDeclarations:
    def test_leaf_help_layout(self) -> None:
        result = _invoke(_demo_app(), "paint", "--help")
        assert result.exit_code == 0
        help_text = result.stdout
        assert help_text.startswith("Usage: demo paint [OPTIONS] TARGET [EXTRAS]...\n")
        assert "  A second paragraph of description." in help_text
        assert "Arguments:\n  TARGET" in help_text
        assert "What to paint.  [required]" in help_text
        assert "  [EXTRAS]...  Other things to paint.\n" in help_text
        assert "-c, --color [red|green]" in help_text
        assert "[default: red]" in help_text
        assert "--coats INTEGER RANGE" in help_text and "[default: 2; x>=1]" in help_text
        assert "--dry-run / --no-dry-run" in help_text and "[default: no-dry-run]" in help_text
        assert "  --verbose " in help_text and "--no-verbose" not in help_text
        assert "--brush TEXT" in help_text and "[default: (auto)]" in help_text
        assert "--secret" not in help_text
        assert "[default: 0.5]" in help_text
        assert help_text.index("Options:") < help_text.index("Formatting options:")
        assert help_text.rstrip().endswith(
            "Read the documentation at\n  https://huggingface.co/docs/huggingface_hub/en/guides/cli"
        )

    def test_group_help_lists_topics_aliases_and_first_examples(self) -> None:
        result = _invoke(_demo_app(), "--help")
        assert result.exit_code == 0
        assert "Main commands:\n  paint  Paint something," in result.stdout
        assert "[alias: p]" in result.stdout
        assert "  sub    A sub group. [alias: s]\n" in result.stdout
        assert "Help commands:\n  about  About the demo.\n" in result.stdout
        assert "hidden-cmd" not in result.stdout
        assert "Examples\n  $ demo paint wall\n\nLearn more" in result.stdout

    def test_values_are_converted_for_the_function(self) -> None:
        args = ["paint", "wall", "door", "-c", "green", "--coats", "3", "--tag", "x", "--tag", "y", "--dry-run"]
        result = _invoke(_demo_app(), *args)
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout) == {
            "target": "wall",
            "extras": ["door"],
            "color": ["Color", "green"],  # the Enum member, not the string
            "coats": 3,
            "dry_run": True,
            "verbose": False,
            "tag": ["x", "y"],  # a list, not Click's tuple
            "brush": None,
            "flavor": "a",
            "ratio": 0.5,
        }

    def test_empty_lists_become_none(self) -> None:
        result = _invoke(_demo_app(), "p", "wall")
        assert json.loads(result.stdout)["extras"] is None
        assert json.loads(result.stdout)["tag"] is None

    def test_soft_choice_accepts_unknown_values(self) -> None:
        result = _invoke(_demo_app(), "paint", "wall", "--flavor", "z")
        assert json.loads(result.stdout)["flavor"] == "z"

    def test_invalid_values_are_usage_errors(self) -> None:
        below_min = _invoke(_demo_app(), "paint", "wall", "--coats", "0")
        assert below_min.exit_code == 2
        assert "Invalid value for '--coats': 0 is not in the range x>=1." in below_min.stderr
        bad_choice = _invoke(_demo_app(), "paint", "wall", "--color", "blue")
        assert bad_choice.exit_code == 2
        assert "'blue' is not one of 'red', 'green'." in bad_choice.stderr

    def test_context_parameter_and_literal_choice(self) -> None:
        result = _invoke(_demo_app(), "s", "run", "bob", "--mode", "slow")
        assert json.loads(result.stdout) == {"name": "bob", "mode": "slow", "command": "run"}

    def test_required_positional_without_args_shows_help_with_exit_0(self) -> None:
        result = _invoke(_demo_app(), "paint")
        assert result.exit_code == 0
        assert result.stdout.startswith("Usage: demo paint [OPTIONS] TARGET [EXTRAS]...")

    def test_bare_groups_show_help_with_exit_2(self) -> None:
        for args in ([], ["sub"]):
            result = _invoke(_demo_app(), *args)
            assert result.exit_code == 2
            assert "Main commands:" in result.stderr

    def test_callback_parses_the_converted_value(self) -> None:
        app = _demo_app()

        @app.command("double")
        def double(number: Annotated[int, Option(callback=lambda value: value * 2)] = 1) -> None:
            print(number)

        assert _invoke(app, "double", "--number", "21").stdout == "42\n"

    def test_typer_markers_are_understood(self) -> None:
        # Typer is not a dependency: its markers are recognised by module and class name.
        option_info = type("OptionInfo", (), {"__module__": "typer.models"})
        marker = option_info()
        marker.default = "--shout"
        marker.param_decls = ("-s",)
        marker.help = "Shout it."
        app = _demo_app()

        @app.command("say")
        def say(word: Annotated[str, Argument()], shout: Annotated[bool, marker] = False) -> None:
            print(word.upper() if shout else word)

        assert _invoke(app, "say", "hi", "-s").stdout == "HI\n"
        assert "--shout" in _invoke(app, "say", "--help").stdout

    def test_unsupported_annotation_fails_at_declaration(self) -> None:
        app = _demo_app()
        with pytest.raises(TypeError, match="Unsupported CLI annotation"):

            @app.command("bad")
            def bad(value: Annotated[dict, Option()] = None) -> None:  # type: ignore[assignment]
                pass


@upstream_compat
def test_demo_cli_matches_upstream() -> None:
    code = f"INVOCATIONS = {json.dumps(json.dumps(DEMO_INVOCATIONS))}\n" + _RUN_DEMO
    ours, theirs = (
        run_snippet(python, code, env=clean_env(HF_HUB_OFFLINE="1")) for python in (sys.executable, UPSTREAM_PYTHON)
    )
    assert ours.returncode == 0, ours.stderr
    assert theirs.returncode == 0, theirs.stderr
    for args, mine, upstream in zip(DEMO_INVOCATIONS, json.loads(ours.stdout), json.loads(theirs.stdout), strict=True):
        assert mine == upstream, args


class TestCompletionOptions:
    def test_show_completion_prints_the_script(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from huggingface_hub.cli.hf import app

        monkeypatch.setenv("SHELL", "/bin/zsh")
        result = CliRunner().invoke(app, ["--show-completion"], prog_name="hf")
        assert result.exit_code == 0
        assert "#compdef hf" in result.stdout and "_HF_COMPLETE=zsh_complete" in result.stdout

    def test_install_completion_adds_one_line_to_the_rc_file(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        from huggingface_hub.cli.hf import app

        monkeypatch.setenv("SHELL", "/usr/bin/bash")
        monkeypatch.setenv("HOME", str(tmp_path))
        for _ in range(2):  # idempotent
            result = CliRunner().invoke(app, ["--install-completion"], prog_name="hf")
            assert result.exit_code == 0
        assert (
            result.stdout
            == f"bash completion installed in {tmp_path / '.bashrc'}. Restart your shell for it to take effect.\n"
        )
        assert (tmp_path / ".bashrc").read_text() == '\neval "$(_HF_COMPLETE=bash_source hf)"\n'


# --- Repo-type prefixes -------------------------------------------------------------------------------------


@pytest.fixture
def repo_cli() -> click.Group:
    from huggingface_hub.cli._cli_utils import RepoIdArg, RepoTypeOpt, typer_factory

    app = typer_factory(help="Repos")

    @app.command("show")
    def show(
        repo_id: RepoIdArg,
        filename: Annotated[str | None, Argument()] = None,
        repo_type: RepoTypeOpt = "model",  # type: ignore[assignment]
        revision: Annotated[str | None, Option()] = None,
    ) -> None:
        print(repo_id, filename, getattr(repo_type, "value", repo_type), revision)

    return app


class TestRepoTypePrefix:
    def test_prefix_becomes_the_type(self, repo_cli: click.Group) -> None:
        assert _invoke(repo_cli, "show", "datasets/user/data").stdout == "user/data None dataset None\n"
        assert (
            _invoke(repo_cli, "show", "--revision", "spaces/x/y", "spaces/u/s").stdout == "u/s None space spaces/x/y\n"
        )

    def test_only_repo_ids_are_rewritten(self, repo_cli: click.Group) -> None:
        assert _invoke(repo_cli, "show", "user/model", "datasets/a/b").stdout == "user/model datasets/a/b model None\n"

    def test_prefix_and_explicit_type_conflict(self, repo_cli: click.Group) -> None:
        result = _invoke(repo_cli, "show", "datasets/user/data", "--type", "dataset")
        assert result.exit_code == 2
        assert "Ambiguous repo type: got prefix 'datasets/' in repo ID and explicit --type." in result.stderr


# --- The output sink ------------------------------------------------------------------------------------------


def _print_with(mode: OutputFormat, action: Any, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    out.set_mode(mode)
    action()
    captured = capsys.readouterr()
    return captured.out, captured.err


ITEMS = [
    {
        "id": "user/alpha",
        "downloads": 1200,
        "private": True,
        "tags": ["a", "b"],
        "lastModified": "2024-05-01T10:00:00.000Z",
    },
    {"id": "user/beta", "downloads": 7, "private": False, "tags": [], "lastModified": None},
]


class TestOutput:
    def test_auto_mode_is_resolved_on_first_use(
        self, fresh_output: list[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(_output, "is_agent", lambda: True)
        assert out.mode == OutputFormat.agent
        assert fresh_output == ["disabled"]  # no progress bars for agents

    def test_table_human(self, capsys: pytest.CaptureFixture[str]) -> None:
        stdout, _ = _print_with(OutputFormat.human, lambda: out.table(ITEMS), capsys)
        assert stdout.splitlines() == [
            "ID         DOWNLOADS PRIVATE TAGS LAST_MODIFIED",
            "---------- --------- ------- ---- -------------",
            "user/alpha      1200 ✔       a, b 2024-05-01   ",
            "user/beta          7                           ",
        ]

    def test_table_other_modes(self, capsys: pytest.CaptureFixture[str]) -> None:
        agent, _ = _print_with(OutputFormat.agent, lambda: out.table(ITEMS), capsys)
        assert agent.splitlines()[0] == "id\tdownloads\tprivate\ttags\tlastModified"
        assert agent.splitlines()[1] == "user/alpha\t1200\tTrue\t['a', 'b']\t2024-05-01T10:00:00.000Z"
        as_json, _ = _print_with(OutputFormat.json, lambda: out.table(ITEMS), capsys)
        assert json.loads(as_json) == ITEMS
        quiet, _ = _print_with(OutputFormat.quiet, lambda: out.table(ITEMS), capsys)
        assert quiet == "user/alpha\nuser/beta\n"
        quiet_key, _ = _print_with(OutputFormat.quiet, lambda: out.table(ITEMS, id_key="downloads"), capsys)
        assert quiet_key == "1200\n7\n"

    @pytest.mark.parametrize(
        ("mode", "expected"),
        [
            (OutputFormat.human, "No results found.\n"),
            (OutputFormat.agent, "No results found.\n"),
            (OutputFormat.json, "[]\n"),
            (OutputFormat.quiet, ""),
        ],
    )
    def test_empty_table(self, mode: OutputFormat, expected: str, capsys: pytest.CaptureFixture[str]) -> None:
        assert _print_with(mode, lambda: out.table([]), capsys) == (expected, "")

    def test_long_cells_are_truncated_with_a_hint(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("NO_COLOR", "1")
        rows = [{"id": "x" * 100, "note": "short"}]
        stdout, stderr = _print_with(OutputFormat.human, lambda: out.table(rows), capsys)
        assert stdout.splitlines()[2] == "x" * 71 + "... short"  # 80 columns
        assert stderr == "Hint: Use `--no-truncate` or `--format json` to display full values.\n"
        out.set_no_truncate(True)
        stdout, stderr = _print_with(OutputFormat.human, lambda: out.table(rows), capsys)
        assert "x" * 100 in stdout and stderr == ""

    def test_dict(self, capsys: pytest.CaptureFixture[str]) -> None:
        record = SimpleNamespace(data={"id": "u/r", "n": 1})
        assert (
            _print_with(OutputFormat.human, lambda: out.dict(record.data), capsys)[0]
            == '{\n  "id": "u/r",\n  "n": 1\n}\n'
        )
        assert _print_with(OutputFormat.agent, lambda: out.dict(record.data), capsys)[0] == '{"id": "u/r", "n": 1}\n'
        assert _print_with(OutputFormat.quiet, lambda: out.dict(record.data, id_key="id"), capsys)[0] == "u/r\n"

    def test_dict_of_a_dataclass_drops_none(self, capsys: pytest.CaptureFixture[str]) -> None:
        from dataclasses import dataclass
        from datetime import datetime, timezone

        @dataclass
        class Info:
            id: str
            created: datetime
            card: dict | None = None
            extra: str | None = None

        info = Info("u/r", datetime(2024, 1, 2, tzinfo=timezone.utc), {"a": 1, "b": None})
        stdout, _ = _print_with(OutputFormat.json, lambda: out.dict(info), capsys)
        assert json.loads(stdout) == {"id": "u/r", "created": "2024-01-02T00:00:00+00:00", "card": {"a": 1}}

    @pytest.mark.parametrize(
        ("mode", "expected"),
        [
            (OutputFormat.human, "✓ Done\n  path: /x\n"),
            (OutputFormat.agent, "path=/x\n"),
            (OutputFormat.json, '{"path": "/x", "url": null}\n'),
            (OutputFormat.quiet, "/x\n"),
        ],
    )
    def test_result(
        self, mode: OutputFormat, expected: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("NO_COLOR", "1")
        assert _print_with(mode, lambda: out.result("Done", path="/x", url=None), capsys) == (expected, "")

    def test_result_without_data(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert _print_with(OutputFormat.agent, lambda: out.result("Done"), capsys)[0] == "Done\n"
        assert _print_with(OutputFormat.json, lambda: out.result("Done"), capsys)[0] == "\n"
        assert _print_with(OutputFormat.quiet, lambda: out.result("Done"), capsys)[0] == ""

    def test_text_per_mode(self, capsys: pytest.CaptureFixture[str]) -> None:
        colored = "\x1b[32mgreen\x1b[0m"
        assert _print_with(OutputFormat.human, lambda: out.text(colored), capsys)[0] == colored + "\n"
        assert _print_with(OutputFormat.agent, lambda: out.text(colored), capsys)[0] == "green\n"
        assert _print_with(OutputFormat.json, lambda: out.text(colored), capsys)[0] == ""
        assert _print_with(OutputFormat.agent, lambda: out.text(human="h", agent="a"), capsys)[0] == "a\n"
        with pytest.raises(ValueError):
            out.text("x", agent="y")

    def test_stderr_messages_per_mode(self, capsys: pytest.CaptureFixture[str]) -> None:
        def all_messages() -> None:
            out.warning("w")
            out.error("e")
            out.log("l")
            out.hint("h")

        _, human = _print_with(OutputFormat.human, all_messages, capsys)
        assert (
            human
            == "\x1b[33mWarning: w\x1b[0m\n\x1b[1m\x1b[31mError: e\x1b[0m\n\x1b[90ml\x1b[0m\n\x1b[90mHint: h\x1b[0m\n"
        )
        assert _print_with(OutputFormat.json, all_messages, capsys) == ("", "Warning: w\nError: e\nl\nHint: h\n")
        assert _print_with(OutputFormat.quiet, all_messages, capsys) == ("", "Warning: w\nError: e\n")

    def test_confirm_without_a_human_names_the_skip_flag(self) -> None:
        from huggingface_hub.errors import ConfirmationError

        out.set_mode(OutputFormat.json)
        with pytest.raises(ConfirmationError, match=r"^Delete it\? Use --yes to skip confirmation\.$"):
            out.confirm("Delete it?")
        out.confirm("Delete it?", yes=True)  # nothing to ask

    def test_confirm_asks_a_human(self) -> None:
        app = click.Command("ask", callback=lambda: out.confirm("Sure?"))
        out.set_mode(OutputFormat.human)
        assert CliRunner().invoke(app, input="y\n").exit_code == 0
        declined = CliRunner().invoke(app, input="n\n")
        assert declined.exit_code == 1 and "Aborted!" in declined.output


# --- Errors and main() -----------------------------------------------------------------------------------------


def _http_error(cls: type, message: str, **attrs: Any) -> Exception:
    import requests

    response = requests.Response()
    response.status_code = 404
    response.url = "https://hub.example/api/models/u/r/resolve/main/f.txt"
    response.request = requests.Request("GET", response.url).prepare()
    error = cls(message, response=response)
    for name, value in attrs.items():
        setattr(error, name, value)
    return error


class TestErrorMessages:
    def test_known_errors(self) -> None:
        from huggingface_hub import errors
        from huggingface_hub.cli._errors import format_known_exception

        dataset_missing = _http_error(errors.RepositoryNotFoundError, "404", repo_id="u/d", repo_type="dataset")
        assert format_known_exception(dataset_missing) == (
            "Dataset 'u/d' not found.\n"
            "If the repo is private, make sure you are authenticated and your token has the required permissions.\n"
            "If the repo does not exist, create it with: hf repos create u/d --type dataset"
        )
        gated = _http_error(errors.GatedRepoError, "403", repo_id="u/m", repo_type="model")
        assert format_known_exception(gated) == "Access denied. Model 'u/m' requires approval."
        missing_file = _http_error(errors.RemoteEntryNotFoundError, "404", repo_id="u/r", repo_type="model")
        assert format_known_exception(missing_file) == (
            "File not found in model 'u/r'.\nURL: https://hub.example/api/models/u/r/resolve/main/f.txt"
        )
        revision = _http_error(errors.RevisionNotFoundError, "404")
        assert format_known_exception(revision) == "Revision not found in repository. Check the revision parameter."
        assert (
            format_known_exception(errors.LocalTokenNotFoundError("x")) == "Not logged in. Run 'hf auth login' first."
        )
        assert format_known_exception(errors.DeviceCodeError("denied")) == "Login failed: denied"
        assert format_known_exception(ValueError("bad")) == "Invalid value. bad"
        assert format_known_exception(errors.ConfirmationError("Sure? Use --yes")) == "Sure? Use --yes"
        try:
            raise errors.LocalEntryNotFoundError("outer") from OSError("offline")
        except errors.LocalEntryNotFoundError as error:
            assert format_known_exception(error) == "Local entry not found. offline"
        assert format_known_exception(RuntimeError("boom")) is None

    def test_main_maps_known_errors_to_exit_1(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        from huggingface_hub.cli import hf

        def failing_app() -> None:
            raise ValueError("nope")

        monkeypatch.setattr(hf, "app", failing_app)
        monkeypatch.setenv("NO_COLOR", "1")
        out.set_mode(OutputFormat.human)
        with pytest.raises(SystemExit) as exit_info:
            hf.main()
        assert exit_info.value.code == 1
        assert (
            capsys.readouterr().err
            == "Error: Invalid value. nope\nHint: set HF_DEBUG=1 as environment variable for full traceback.\n"
        )

    def test_main_lets_unknown_errors_through(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from huggingface_hub.cli import hf

        def failing_app() -> None:
            raise RuntimeError("unexpected")

        monkeypatch.setattr(hf, "app", failing_app)
        with pytest.raises(RuntimeError, match="unexpected"):
            hf.main()


# --- Update check ------------------------------------------------------------------------------------------------


class TestUpdateCheck:
    @pytest.fixture
    def pypi(self, monkeypatch: pytest.MonkeyPatch) -> list[str]:
        """Pretend to be release 1.0.0 with 2.0.0 on PyPI; returns the URLs fetched."""
        from huggingface_hub import constants
        from huggingface_hub.cli import _update_check

        fetched: list[str] = []

        def fetch(url: str, path: tuple[str, ...]) -> str:
            fetched.append(url)
            return "2.0.0"

        monkeypatch.setattr(constants, "HF_HUB_DISABLE_UPDATE_CHECK", False)
        monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
        monkeypatch.setattr(_update_check, "__version__", "1.0.0")
        monkeypatch.setattr(_update_check, "_fetch_json_field", fetch)
        monkeypatch.setattr(_update_check, "installation_method", lambda: "pip")
        monkeypatch.setenv("NO_COLOR", "1")
        out.set_mode(OutputFormat.human)
        return fetched

    def test_hint_once_a_day(
        self, pypi: list[str], capsys: pytest.CaptureFixture[str], isolated_hf_home: Path
    ) -> None:
        from huggingface_hub.cli._update_check import check_cli_update

        check_cli_update("huggingface_hub")
        assert capsys.readouterr().err == (
            "Hint: A new version of huggingface_hub (2.0.0) is available! You are using version 1.0.0.\n"
            "To update, run: hf update\n"
        )
        assert pypi == ["https://pypi.org/pypi/huggingface_hub/json"]
        assert (isolated_hf_home / ".check_for_update_done").exists()
        check_cli_update("huggingface_hub")  # stamped less than 24 h ago
        assert pypi == ["https://pypi.org/pypi/huggingface_hub/json"]

    @pytest.mark.parametrize("version", ["1.0.0rc1", "1.0.0.dev0", "1.29.0+rs.1"])
    def test_not_for_prereleases_or_local_builds(
        self, pypi: list[str], version: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from huggingface_hub.cli import _update_check

        monkeypatch.setattr(_update_check, "__version__", version)
        _update_check.check_cli_update("huggingface_hub")
        assert pypi == []

    @pytest.mark.parametrize("switch", ["HF_HUB_DISABLE_UPDATE_CHECK", "HF_HUB_OFFLINE"])
    def test_not_when_disabled_or_offline(self, pypi: list[str], switch: str, monkeypatch: pytest.MonkeyPatch) -> None:
        from huggingface_hub import constants
        from huggingface_hub.cli._update_check import check_cli_update

        monkeypatch.setattr(constants, switch, True)
        check_cli_update("huggingface_hub")
        assert pypi == []

    def test_failures_are_swallowed(
        self, pypi: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        from huggingface_hub.cli import _update_check

        def broken() -> str:
            raise RuntimeError("no way to tell")

        monkeypatch.setattr(_update_check, "installation_method", broken)
        _update_check.check_cli_update("huggingface_hub")
        assert capsys.readouterr().err == ""

    def test_unreachable_index_reads_as_unknown(self) -> None:
        from huggingface_hub.cli._update_check import _fetch_json_field

        # Nothing listens on the discard port: the real request fails at once.
        assert _fetch_json_field("http://127.0.0.1:9/pypi/x/json", ("info", "version")) is None
