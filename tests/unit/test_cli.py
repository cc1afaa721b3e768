"""The ``hf`` command as a user runs it: help, exit codes, output formats, ``version``, ``env`` and ``auth``.

Every test starts ``python -m huggingface_hub.cli.hf`` in a subprocess with an isolated HF_HOME; the Hub is
a small local HTTP server (``_fake_hub``) answering ``/api/whoami-v2`` and the OAuth routes.
"""

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from _cli_helpers import Run, hf_env, run_hf, run_upstream_hf, same_as_upstream
from _fake_hub import Answer, FakeHub
from _upstream_oracle import upstream_compat

from huggingface_hub import __version__

ANSI_CODE = re.compile(r"\x1b\[[0-9;]*m")
PROG = "python -m huggingface_hub.cli.hf"  # how Click names the program when run with `-m`
DEBUG_HINT = "Hint: set HF_DEBUG=1 as environment variable for full traceback."

TOKEN = "hf_TestTokenAbcdefgh1234"
OTHER_TOKEN = "hf_OtherTokenZyxwvut9876"


def whoami_answer(token_name: str = "my-token", orgs: tuple[str, ...] = ("org1", "org2")) -> Answer:
    return Answer(
        body={
            "type": "user",
            "name": "alice",
            "orgs": [{"name": org, "type": "org"} for org in orgs],
            "auth": {"type": "access_token", "accessToken": {"displayName": token_name, "role": "write"}},
        }
    )


def plain(text: str) -> str:
    return ANSI_CODE.sub("", text)


def login(hub: FakeHub, *token_names: str) -> None:
    """Log in once per name (tokens TOKEN, OTHER_TOKEN...), the Hub naming each token in turn."""
    names = token_names or ("my-token",)
    hub.answer("GET", "/api/whoami-v2", *(whoami_answer(name) for name in names))
    for token in (TOKEN, OTHER_TOKEN)[: len(names)]:
        run = run_hf("auth", "login", "--token", token, endpoint=hub.endpoint)
        assert run.returncode == 0, run.stderr


@pytest.fixture
def hub() -> Iterator[FakeHub]:
    """A local stand-in for the Hub; CLI runs reach it through HF_ENDPOINT."""
    with FakeHub() as server:
        yield server


# --- Help and command tree ----------------------------------------------------------------------------


class TestHelp:
    def test_root_help_lists_commands_by_topic(self) -> None:
        run = run_hf("--help")
        assert run.returncode == 0
        assert run.stdout.startswith(f"Usage: {PROG} [OPTIONS] [COMMAND] [ARGS]...\n\n  Hugging Face Hub CLI\n")
        sections = re.findall(r"^(\S[^\n]*):$", run.stdout, flags=re.MULTILINE)
        assert sections == ["Options", "Main commands", "Help commands"]
        main = run.stdout.split("Main commands:\n")[1].split("\n\n")[0]
        assert [line.split()[0] for line in main.splitlines()] == [
            "auth",
            "cache",
            "collections",
            "datasets",
            "discussions",
            "download",
            "models",
            "repos",
            "serve",
            "spaces",
            "upload",
            "upload-large-folder",
        ]
        help_commands = run.stdout.split("Help commands:\n")[1].split("\n\n")[0]
        assert [line.split()[0] for line in help_commands.strip().splitlines()] == ["env", "version"]
        assert "--version" not in run.stdout  # hidden option
        assert "--install-completion" in run.stdout

    def test_short_help_flag(self) -> None:
        assert run_hf("-h").stdout == run_hf("--help").stdout

    def test_bare_root_prints_help_and_exits_2(self) -> None:
        run = run_hf()
        assert run.returncode == 2
        assert run.stdout == ""
        assert "Main commands:" in run.stderr

    def test_bare_group_prints_help_and_exits_2(self) -> None:
        run = run_hf("auth")
        assert run.returncode == 2
        assert run.stderr.startswith(f"Usage: {PROG} auth [OPTIONS] COMMAND [ARGS]...")
        listed = run.stderr.split("Main commands:\n")[1].split("\n\n")[0]
        names = [line.split()[0] for line in listed.splitlines() if not line.startswith("    ")]
        assert names == ["list", "login", "logout", "switch", "token", "whoami"]  # alphabetical
        assert "List all stored access tokens. [alias: ls]" in listed

    def test_group_help_has_examples_epilog(self) -> None:
        run = run_hf("auth", "--help")
        assert run.returncode == 0
        examples = run.stdout.split("Examples\n")[1].split("\n\n")[0].splitlines()
        # The first example of each command, in listing order.
        assert examples == [
            "  $ hf auth list",
            "  $ hf auth login",
            "  $ hf auth logout",
            "  $ hf auth switch",
            "  $ hf auth token",
            "  $ hf auth whoami",
        ]
        assert "Learn more\n  Use `hf <command> --help`" in run.stdout

    def test_leaf_help_sections_and_flags(self) -> None:
        run = run_hf("auth", "login", "--help")
        assert run.returncode == 0
        sections = re.findall(r"^(\S[^\n]*):$", run.stdout, flags=re.MULTILINE)
        assert sections == ["Options", "Formatting options"]
        assert "--add-to-git-credential / --no-add-to-git-credential" in run.stdout
        assert "[default: no-force]" in run.stdout
        assert "--format [auto|human|agent|json|quiet]" in run.stdout
        assert "  $ hf auth login --token $HF_TOKEN --add-to-git-credential" in run.stdout

    def test_alias_runs_the_command(self) -> None:
        run = run_hf("auth", "ls", "--help")
        assert run.returncode == 0
        assert run.stdout.startswith(f"Usage: {PROG} auth ls [OPTIONS]")
        assert "List all stored access tokens." in run.stdout

    def test_unknown_command_suggests_and_lists(self) -> None:
        run = run_hf("auth", "logn")
        assert run.returncode == 2
        assert "Error: No such command 'logn'. Did you mean 'login', 'logout'?" in run.stderr
        assert f"Available commands for '{PROG} auth':" in run.stderr
        assert re.search(r"^  whoami {25}Find out which", run.stderr, flags=re.MULTILINE)

    def test_unknown_option_lists_the_options(self) -> None:
        run = run_hf("auth", "logout", "--tokn-name", "x")
        assert run.returncode == 2
        assert "Error: No such option '--tokn-name'" in run.stderr
        assert f"Available options for '{PROG} auth logout':" in run.stderr
        assert "--token-name TEXT" in run.stderr
        assert "Did you mean: --token-name?" in run.stderr

    def test_unexpected_argument_is_a_usage_error(self) -> None:
        run = run_hf("version", "extra")
        assert run.returncode == 2
        assert run.stderr == (
            f"Usage: {PROG} version [OPTIONS]\nTry '{PROG} version --help' for help.\n\n"
            "Error: Got unexpected extra argument (extra)\n"
        )


# --- version, env and the formatting flags ------------------------------------------------------------


class TestVersionAndFormats:
    def test_version_flag_prints_the_bare_version(self) -> None:
        for flag in ("-v", "--version"):
            run = run_hf(flag)
            assert (run.returncode, run.stdout, run.stderr) == (0, f"{__version__}\n", "")

    def test_version_human_is_colored_even_when_piped(self) -> None:
        run = run_hf("version")
        assert run.returncode == 0
        assert run.stdout == f"\x1b[32m✓ hf version\x1b[0m\n  version: {__version__}\n"

    def test_no_color_disables_ansi(self) -> None:
        assert run_hf("version", NO_COLOR="1").stdout == f"✓ hf version\n  version: {__version__}\n"

    @pytest.mark.parametrize(
        ("flags", "expected"),
        [
            (["--json"], json.dumps({"version": __version__}) + "\n"),
            (["--format", "json"], json.dumps({"version": __version__}) + "\n"),
            (["--format=json"], json.dumps({"version": __version__}) + "\n"),
            (["-q"], f"{__version__}\n"),
            (["--quiet"], f"{__version__}\n"),
            (["--format", "quiet"], f"{__version__}\n"),
            (["--format", "agent"], f"version={__version__}\n"),
            (["--format", "human", "--no-truncate"], f"\x1b[32m✓ hf version\x1b[0m\n  version: {__version__}\n"),
        ],
    )
    def test_version_in_every_format(self, flags: list[str], expected: str) -> None:
        run = run_hf("version", *flags)
        assert (run.returncode, run.stdout, run.stderr) == (0, expected, "")

    def test_agent_is_detected_from_the_harness_registry(self, isolated_hf_home: Path) -> None:
        registry = {"standardEnvVars": ["AI_AGENT"], "harnesses": {"test-agent": {"envVars": {"HFH_TEST_AGENT": "*"}}}}
        (isolated_hf_home / ".agent_harnesses.json").write_text(json.dumps(registry))
        run = run_hf("version", HFH_TEST_AGENT="1")
        assert run.stdout == f"version={__version__}\n"
        # An explicit format still wins over detection.
        assert run_hf("version", "--format", "human", HFH_TEST_AGENT="1").stdout.startswith("✓ hf version")

    @pytest.mark.parametrize(
        ("flags", "message"),
        [
            (["--json", "-q"], "'--json' and '-q' are mutually exclusive."),
            (["-q", "--json"], "'-q' and '--json' are mutually exclusive."),
            (["--format", "json", "--quiet"], "'--format' and '--quiet' are mutually exclusive."),
            (["--json", "--format", "nonsense"], "'--json' and '--format' are mutually exclusive."),
            (["--format=bad"], "Invalid value for '--format': 'bad'. Valid values: agent, auto, human, json, quiet."),
            (["--format"], "Option '--format' requires a value."),
            (["--no-truncate=1"], "Option '--no-truncate' does not take a value."),
        ],
    )
    def test_formatting_flag_errors(self, flags: list[str], message: str) -> None:
        run = run_hf("version", *flags)
        assert (run.returncode, run.stdout, run.stderr) == (2, "", f"Error: {message}\n")

    def test_flags_after_double_dash_are_left_alone(self) -> None:
        run = run_hf("version", "--", "--json")
        assert run.returncode == 2
        assert "Got unexpected extra argument (--json)" in run.stderr

    def test_formatting_flags_belong_to_leaf_commands(self) -> None:
        run = run_hf("--json", "version")
        assert run.returncode == 2
        assert "No such option '--json'" in run.stderr

    def test_env_prints_the_environment_report(self, isolated_hf_home: Path) -> None:
        run = run_hf("env")
        assert run.returncode == 0
        assert "Copy-and-paste the text below in your GitHub issue." in run.stdout
        assert f"- huggingface_hub version: {__version__}\n" in run.stdout
        assert f"- HF_TOKEN_PATH: {isolated_hf_home / 'token'}\n" in run.stdout


# --- auth ------------------------------------------------------------------------------------------------


class TestAuthNotLoggedIn:
    def test_token_errors_with_exit_1(self) -> None:
        run = run_hf("auth", "token")
        assert (run.returncode, run.stdout) == (1, "")
        assert plain(run.stderr) == "Error: Not logged in. Run `hf auth login` first.\n"
        assert run.stderr.startswith("\x1b[1m\x1b[31mError:")  # bold red for humans

    def test_token_error_is_plain_in_json_mode(self) -> None:
        assert run_hf("auth", "token", "--json").stderr == "Error: Not logged in. Run `hf auth login` first.\n"

    def test_whoami_errors_with_exit_1(self) -> None:
        run = run_hf("auth", "whoami", "--format", "agent")
        assert (run.returncode, run.stdout, run.stderr) == (1, "", "Error: Not logged in\n")

    def test_list_and_logout_have_nothing_to_do(self) -> None:
        listing = run_hf("auth", "list")
        assert (listing.returncode, listing.stdout) == (0, "")
        assert "No access tokens found." in listing.stderr
        logout = run_hf("auth", "logout")
        assert logout.returncode == 0
        assert "Not logged in!" in logout.stderr

    def test_switch_without_tokens_aborts_cleanly(self) -> None:
        run = run_hf("auth", "switch")
        assert (run.returncode, run.stdout) == (0, "No token name provided. Aborting.\n")
        assert "No stored tokens found. Please login first." in run.stderr

    def test_unknown_token_name_is_a_mapped_error_with_debug_hint(self, isolated_hf_home: Path) -> None:
        run = run_hf("auth", "switch", "--token-name", "nope", NO_COLOR="1")
        assert run.returncode == 1
        assert run.stderr == (
            f"Error: Invalid value. Access token nope not found in {isolated_hf_home / 'stored_tokens'}\n"
            f"{DEBUG_HINT}\n"
        )

    def test_hf_debug_prints_the_traceback_instead_of_the_hint(self) -> None:
        run = run_hf("auth", "switch", "--token-name", "nope", HF_DEBUG="1")
        assert run.returncode == 1
        assert "Traceback (most recent call last):" in run.stderr
        assert "ValueError: Access token nope not found" in run.stderr
        assert DEBUG_HINT not in run.stderr

    def test_login_needs_a_token_in_json_and_quiet_modes(self) -> None:
        message = (
            "Error: `hf auth login` is interactive and does not support --format json/quiet. "
            "Pass --token for a non-interactive login.\n"
        )
        as_json = run_hf("auth", "login", "--json")
        assert (as_json.returncode, as_json.stdout, as_json.stderr) == (1, "", message + DEBUG_HINT + "\n")
        quiet = run_hf("auth", "login", "-q")
        assert (quiet.returncode, quiet.stdout, quiet.stderr) == (1, "", message)  # quiet: no hint


class TestAuthWithHub:
    def test_login_with_token_saves_it_without_printing_it(self, hub: FakeHub, isolated_hf_home: Path) -> None:
        hub.answer("GET", "/api/whoami-v2", whoami_answer())
        run = run_hf("auth", "login", "--token", TOKEN, endpoint=hub.endpoint)
        assert run.returncode == 0, run.stderr
        assert (isolated_hf_home / "token").read_text() == TOKEN
        assert "Login successful." in run.stderr
        assert "The current active token is: `my-token`" in run.stderr
        assert TOKEN not in run.stdout + run.stderr
        [request] = hub.requests_to("/api/whoami-v2")
        assert request.headers["authorization"] == f"Bearer {TOKEN}"

    def test_login_with_rejected_token(self, hub: FakeHub, isolated_hf_home: Path) -> None:
        hub.answer("GET", "/api/whoami-v2", Answer(401, {"error": "Invalid credentials in Authorization header"}))
        run = run_hf("auth", "login", "--token", TOKEN, endpoint=hub.endpoint, NO_COLOR="1")
        assert run.returncode == 1
        assert "Error: Invalid user token.\n" + DEBUG_HINT + "\n" in run.stderr
        assert not (isolated_hf_home / "token").exists()

    def test_login_when_already_logged_in(self, hub: FakeHub) -> None:
        login(hub)
        human = run_hf("auth", "login", endpoint=hub.endpoint)
        assert human.returncode == 0
        assert "User is already logged in. Use `hf auth login --force` to force re-login." in human.stderr
        agent = run_hf("auth", "login", "--format", "agent", endpoint=hub.endpoint)
        assert (agent.returncode, agent.stdout) == (0, "Already logged in. Use `hf auth login --force` to re-login.\n")

    def test_agent_login_prints_device_flow_instructions(self, hub: FakeHub, isolated_hf_home: Path) -> None:
        hub.answer(
            "POST",
            "/oauth/device",
            Answer(
                body={
                    "device_code": "dev-123",
                    "user_code": "ABCD-EFGH",
                    "verification_uri": f"{hub.endpoint}/device",
                    "expires_in": 60,
                    "interval": 0,
                }
            ),
        )
        hub.answer("POST", "/oauth/token", Answer(body={"access_token": TOKEN, "token_type": "bearer"}))
        hub.answer("GET", "/api/whoami-v2", whoami_answer(token_name="my-token"))
        run = run_hf("auth", "login", "--format", "agent", endpoint=hub.endpoint)
        assert run.returncode == 0, run.stderr
        assert run.stdout.splitlines() == [
            f"Ask the user to open {hub.endpoint}/device in a browser and enter the code ABCD-EFGH. "
            "The code expires in 60 seconds. Waiting for authorization...",
            "Login successful: logged in as alice (token saved as 'my-token').",
        ]
        assert (isolated_hf_home / "token").read_text() == TOKEN
        assert hub.requests_to("/oauth/token")[0].form["device_code"] == "dev-123"

    @pytest.mark.parametrize(
        ("flags", "expected"),
        [
            ([], "\x1b[32m✓ Logged in\x1b[0m\n  user: alice\n  orgs: org1,org2\n  endpoint: {endpoint}\n"),
            (["--json"], '{{"user": "alice", "orgs": "org1,org2", "endpoint": "{endpoint}"}}\n'),
            (["-q"], "alice\n"),
            (["--format", "agent"], "user=alice orgs=org1,org2 endpoint={endpoint}\n"),
        ],
    )
    def test_whoami_in_every_format(self, hub: FakeHub, flags: list[str], expected: str) -> None:
        login(hub)
        run = run_hf("auth", "whoami", *flags, endpoint=hub.endpoint)
        assert (run.returncode, run.stdout, run.stderr) == (0, expected.format(endpoint=hub.endpoint), "")

    def test_whoami_without_orgs_in_json_keeps_nulls(self, hub: FakeHub) -> None:
        hub.answer("GET", "/api/whoami-v2", whoami_answer(orgs=()))
        run = run_hf("auth", "whoami", "--json", endpoint=hub.endpoint, HF_TOKEN=TOKEN)
        assert json.loads(run.stdout) == {"user": "alice", "orgs": None, "endpoint": hub.endpoint}
        human = run_hf("auth", "whoami", endpoint=hub.endpoint, HF_TOKEN=TOKEN)
        assert "orgs" not in human.stdout

    def test_whoami_with_invalid_environment_token(self, hub: FakeHub) -> None:
        hub.answer("GET", "/api/whoami-v2", Answer(401, {"error": "Invalid credentials in Authorization header"}))
        run = run_hf("auth", "whoami", endpoint=hub.endpoint, HF_TOKEN="hf_bad", NO_COLOR="1")
        assert run.returncode == 1
        assert run.stderr == (
            "Error: Invalid user token. The token from HF_TOKEN environment variable is invalid. "
            "Note that HF_TOKEN takes precedence over `hf auth login`.\n" + DEBUG_HINT + "\n"
        )

    def test_token_is_printed_by_auth_token_only(self, hub: FakeHub) -> None:
        login(hub)
        run = run_hf("auth", "token")
        assert (run.returncode, run.stdout) == (0, f"{TOKEN}\n")
        assert plain(run.stderr) == "Hint: Run `hf auth whoami` to see which account this token belongs to.\n"
        for flags in (["--json"], ["--format", "agent"]):
            assert run_hf("auth", "token", *flags).stdout == f"{TOKEN}\n"
        quiet = run_hf("auth", "token", "-q")
        assert (quiet.stdout, quiet.stderr) == (f"{TOKEN}\n", "")

    def test_no_other_command_reveals_the_token(self, hub: FakeHub) -> None:
        login(hub, "my-token", "second")
        commands = [
            ["auth", "whoami"],
            ["auth", "whoami", "--json"],
            ["auth", "list"],
            ["auth", "list", "--json"],
            ["auth", "switch", "--token-name", "my-token"],
            ["auth", "logout", "--token-name", "second"],
            ["env"],
            ["auth", "logout"],
        ]
        for command in commands:
            run = run_hf(*command, endpoint=hub.endpoint)
            assert run.returncode == 0, (command, run.stderr)
            for secret in (TOKEN, OTHER_TOKEN):
                assert secret not in run.stdout + run.stderr, command

    def test_list_switch_and_logout(self, hub: FakeHub, isolated_hf_home: Path) -> None:
        login(hub, "my-token", "second")
        listing = run_hf("auth", "ls")
        assert listing.returncode == 0
        assert listing.stdout.splitlines() == [
            "  name     token      ",
            "- -------- -----------",
            "  my-token hf_****1234",
            "* second   hf_****9876",
        ]

        switched = run_hf("auth", "switch", "--token-name", "my-token", "-q")
        assert switched.returncode == 0
        assert (isolated_hf_home / "token").read_text() == TOKEN
        assert "The current active token is: my-token" in switched.stderr

        loggedout = run_hf("auth", "logout", "--token-name", "second", endpoint=hub.endpoint)
        assert loggedout.returncode == 0
        assert "Successfully logged out from access token: second." in loggedout.stderr
        assert "second" not in run_hf("auth", "list").stdout

        everything = run_hf("auth", "logout", endpoint=hub.endpoint)
        assert "Successfully logged out from all access tokens." in everything.stderr
        assert not (isolated_hf_home / "token").exists()
        assert run_hf("auth", "token").returncode == 1

    def test_switch_without_name_asks_a_human(self, hub: FakeHub, isolated_hf_home: Path) -> None:
        login(hub, "my-token", "second")
        run = run_hf("auth", "switch", input="1\n")
        assert run.returncode == 0, run.stderr
        assert run.stdout.startswith("? Select a token to switch to:\n  1. my-token\n  2. second\n")
        assert (isolated_hf_home / "token").read_text() == TOKEN
        no_answer = run_hf("auth", "switch")  # end of input: nobody to answer
        assert no_answer.returncode == 1
        assert no_answer.stderr.endswith("Aborted!\n")

    def test_switch_without_name_needs_a_human(self, hub: FakeHub) -> None:
        login(hub)
        run = run_hf("auth", "switch", "--json")
        assert run.returncode == 1
        assert run.stderr == "Error: Use --token-name to select a token in non-interactive mode.\n" + DEBUG_HINT + "\n"


# --- Entry points -----------------------------------------------------------------------------------------


def test_deprecated_huggingface_cli_exits_1() -> None:
    code = "import sys; sys.argv = ['huggingface-cli', 'whoami']; from huggingface_hub.cli.deprecated_cli import main; main()"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=hf_env(NO_COLOR="1", PATH="/nonexistent")
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith(
        "Warning: `huggingface-cli` is deprecated and no longer works. Use `hf` instead.\n\n"
        "Hint: Install `hf`:\n  Standalone (recommended): curl -LsSf https://hf.co/cli/install.sh | bash\n"
    )
    assert "Hint: Examples:\n  hf auth login\n" in result.stderr


def test_deprecated_huggingface_cli_points_to_an_installed_hf(tmp_path: Path) -> None:
    (tmp_path / "hf").write_text("#!/bin/sh\n")
    (tmp_path / "hf").chmod(0o755)
    code = "from huggingface_hub.cli.deprecated_cli import main; main()"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=hf_env(NO_COLOR="1", PATH=str(tmp_path))
    )
    assert result.returncode == 1
    assert "Hint: `hf` is already installed! Use it directly.\n" in result.stderr
    assert "Install `hf`" not in result.stderr


def run_as_console_script(*args: str, **env: str) -> Run:
    """Run ``main()`` the way the ``hf`` console script does (program name ``hf``, not ``python -m ...``)."""
    code = f"import sys; sys.argv = ['hf', *{list(args)!r}]; from huggingface_hub.cli.hf import main; main()"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=hf_env(**env), cwd="/")
    return Run(result.returncode, result.stdout, result.stderr)


def test_console_script_program_name_is_hf() -> None:
    run = run_as_console_script("auth")
    assert run.returncode == 2
    assert run.stderr.startswith("Usage: hf auth [OPTIONS] COMMAND [ARGS]...")


def test_shell_completion_is_answered_by_click() -> None:
    # Click reads the request from `_HF_COMPLETE` (named after the program) and prints candidates only.
    run = run_as_console_script(_HF_COMPLETE="bash_complete", COMP_WORDS="hf auth lo", COMP_CWORD="2")
    assert (run.returncode, run.stdout, run.stderr) == (0, "plain,login\nplain,logout\n", "")


# --- Parity with upstream ---------------------------------------------------------------------------------


@upstream_compat
@pytest.mark.parametrize(
    "args",
    [
        ["auth"],
        ["auth", "--help"],
        ["auth", "login", "--help"],
        ["auth", "switch", "--help"],
        ["auth", "ls", "--help"],
        ["version", "--help"],
        ["version"],
        ["version", "--format", "agent"],
        ["version", "--json", "-q"],
        ["version", "--bad"],
        ["auth", "nosuch"],
        ["auth", "--bad"],
        ["auth", "token"],
        ["auth", "whoami", "--json"],
        ["auth", "login", "--json"],
    ],
)
def test_same_output_as_upstream(args: list[str]) -> None:
    same_as_upstream(run_hf(*args), run_upstream_hf(*args))


@upstream_compat
def test_same_auth_flow_as_upstream(hub: FakeHub, tmp_path: Path) -> None:
    hub.answer("GET", "/api/whoami-v2", whoami_answer())
    steps = [
        ["auth", "login", "--token", TOKEN],
        ["auth", "whoami"],
        ["auth", "whoami", "--format", "agent"],
        ["auth", "list"],
        ["auth", "token"],
        ["auth", "switch", "--token-name", "missing"],
        ["auth", "logout"],
    ]
    ours_home, upstream_home = tmp_path / "ours", tmp_path / "upstream"
    for step in steps:
        ours = run_hf(*step, endpoint=hub.endpoint, HF_HOME=str(ours_home))
        theirs = run_upstream_hf(*step, endpoint=hub.endpoint, HF_HOME=str(upstream_home))
        ours.stdout = ours.stdout.replace(str(ours_home), str(upstream_home))
        ours.stderr = ours.stderr.replace(str(ours_home), str(upstream_home))
        same_as_upstream(ours, theirs)
