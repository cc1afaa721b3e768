"""``hf serve``: run a local Hub server (see `huggingface_hub.local_hub`).

The first line on stdout is the endpoint URL, flushed at once, so scripts can start the server on port 0 and
read where it listens. The server then runs until SIGINT or SIGTERM, shuts down gracefully and exits 0.
"""

import signal
import sys
import threading
from pathlib import Path
from typing import Annotated

import click

from huggingface_hub.errors import CLIError

from ._framework import Argument, Option

_USER_HELP = (
    "Create a user, as NAME[:TOKEN[:read|write]] (repeatable). Without a token the account cannot log in "
    "(e.g. an organisation member); the token role defaults to write."
)
_ORG_HELP = "Create an organisation with admin members, as NAME:MEMBER[,MEMBER...] (repeatable)."
_FOLLOW_HELP = "Make a user follow a user or an organisation, as FOLLOWER:TARGET (repeatable; both must exist)."


def serve(
    data_dir: Annotated[
        Path, Argument(help="Directory for the database and files (created if missing; reused if it exists).")
    ] = Path("hub-data"),
    host: Annotated[str, Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, Option(help="Port to listen on (0 picks a free port).")] = 0,
    user: Annotated[list[str] | None, Option("--user", help=_USER_HELP)] = None,
    org: Annotated[list[str] | None, Option("--org", help=_ORG_HELP)] = None,
    follow: Annotated[list[str] | None, Option("--follow", help=_FOLLOW_HELP)] = None,
    max_body_bytes: Annotated[
        int | None, Option(help="Largest accepted API request body, in bytes (default: 1 GiB).")
    ] = None,
) -> None:
    """Run a local Hugging Face Hub server.

    The first line on stdout is the server's URL. It serves until Ctrl-C or SIGTERM, then exits 0.
    """
    from huggingface_hub import _rust

    if not 0 <= port <= 65535:
        raise click.UsageError(f"invalid port {port}")
    if max_body_bytes is not None and max_body_bytes < 0:
        raise click.UsageError(f"invalid --max-body-bytes {max_body_bytes}")
    stop = threading.Event()
    interrupted = False
    # Installed before the server starts, so an early SIGTERM also ends in a clean shutdown.
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    try:
        try:
            server = _rust.start_local_hub(
                data_dir,
                host=host,
                port=port,
                users=user or [],
                orgs=org or [],
                max_body_bytes=max_body_bytes,
                follows=follow or [],
            )
        except ValueError as error:
            raise click.UsageError(str(error)) from None
        except OSError as error:
            raise CLIError(str(error)) from None
        try:
            sys.stdout.write(server.endpoint + "\n")
            sys.stdout.flush()
            print(f"Serving {data_dir} at {server.endpoint} (Ctrl-C to stop)", file=sys.stderr, flush=True)
            while not stop.is_set() and server.running:
                stop.wait(0.2)  # wakes up regularly so SIGINT (KeyboardInterrupt) is handled promptly
        except KeyboardInterrupt:
            interrupted = True  # Ctrl-C is the normal way to stop: exit 0
        finally:
            server.stop()
    finally:
        signal.signal(signal.SIGTERM, previous)
    if not (stop.is_set() or interrupted):
        raise CLIError("the local Hub server stopped unexpectedly")
