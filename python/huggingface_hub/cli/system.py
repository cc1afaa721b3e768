"""``hf env`` and ``hf version``: what is installed, for bug reports and scripts."""

from huggingface_hub import __version__

from ._output import out


def env() -> None:
    """Print information about the environment."""
    from huggingface_hub.utils import dump_environment_info

    dump_environment_info()


def version() -> None:
    """Print information about the hf version."""
    out.result("hf version", version=__version__)
