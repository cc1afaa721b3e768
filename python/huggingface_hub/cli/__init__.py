"""The ``hf`` command-line interface (entry point: ``huggingface_hub.cli.hf:main``)."""

from ._output import out  # noqa: F401  (the output sink, shared with downstream CLIs)
