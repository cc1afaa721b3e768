"""The library's logging: one root logger, verbosity helpers, HF_HUB_VERBOSITY and HF_DEBUG."""

import logging as std_logging
import sys

import pytest
from _upstream_oracle import clean_env, ours_and_upstream, run_snippet, upstream_compat

from huggingface_hub.utils import logging


@pytest.fixture(autouse=True)
def _restore_library_logger():
    root = std_logging.getLogger("huggingface_hub")
    level, propagate = root.level, root.propagate
    yield
    root.setLevel(level)
    root.propagate = propagate


def test_get_logger_without_name_is_the_library_root_logger():
    assert logging.get_logger() is std_logging.getLogger("huggingface_hub")
    assert logging.get_logger().name == "huggingface_hub"


def test_named_loggers_are_children_of_the_library_root():
    child = logging.get_logger("huggingface_hub.some.module")
    assert child is std_logging.getLogger("huggingface_hub.some.module")
    assert child.parent is not None and child.parent.name in ("huggingface_hub", "huggingface_hub.some")


def test_library_root_logger_has_a_stderr_handler_and_warning_level_by_default():
    result = run_snippet(
        sys.executable,
        "import logging; from huggingface_hub.utils import logging as hf_logging\n"
        "root = logging.getLogger('huggingface_hub')\n"
        "print(hf_logging.get_verbosity(), [type(h).__name__ for h in root.handlers], root.propagate)\n"
        "hf_logging.get_logger('huggingface_hub.x').warning('shown')\n"
        "hf_logging.get_logger('huggingface_hub.x').info('hidden')\n",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["30", "['StreamHandler']", "True"]
    assert result.stderr == "shown\n"


@pytest.mark.parametrize(
    ("setter", "level"),
    [
        (logging.set_verbosity_debug, std_logging.DEBUG),
        (logging.set_verbosity_info, std_logging.INFO),
        (logging.set_verbosity_warning, std_logging.WARNING),
        (logging.set_verbosity_error, std_logging.ERROR),
    ],
)
def test_set_verbosity_helpers(setter, level):
    assert setter() is None
    assert logging.get_verbosity() == level
    assert logging.get_logger("huggingface_hub.deep.child").getEffectiveLevel() == level


def test_set_verbosity_accepts_any_level_and_get_verbosity_reads_it_back():
    logging.set_verbosity(logging.CRITICAL)
    assert logging.get_verbosity() == std_logging.CRITICAL
    logging.set_verbosity(15)
    assert logging.get_verbosity() == 15


def test_verbosity_filters_records_of_child_loggers(caplog):
    logger = logging.get_logger("huggingface_hub.test_child")
    with caplog.at_level(std_logging.NOTSET):  # caplog sees whatever the library lets through
        logging.set_verbosity_error()
        logger.warning("filtered")
        logger.error("kept")
    assert [record.getMessage() for record in caplog.records] == ["kept"]


def test_level_constants_are_the_standard_ones():
    for name in ("CRITICAL", "DEBUG", "ERROR", "FATAL", "INFO", "NOTSET", "WARN", "WARNING"):
        assert getattr(logging, name) == getattr(std_logging, name)
    assert logging.log_levels == {"debug": 10, "info": 20, "warning": 30, "error": 40, "critical": 50}


def test_propagation_can_be_switched_off_and_on():
    logging.disable_propagation()
    assert std_logging.getLogger("huggingface_hub").propagate is False
    logging.enable_propagation()
    assert std_logging.getLogger("huggingface_hub").propagate is True


def _verbosity_at_import(**env: str) -> tuple[str, str]:
    result = run_snippet(
        sys.executable,
        "from huggingface_hub.utils import logging; print(logging.get_verbosity())",
        env=clean_env(**env),
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip(), result.stderr


@pytest.mark.parametrize(
    ("value", "level"),
    [("debug", "10"), ("info", "20"), ("warning", "30"), ("error", "40"), ("critical", "50")],
)
def test_hf_hub_verbosity_sets_the_initial_level(value, level):
    assert _verbosity_at_import(HF_HUB_VERBOSITY=value) == (level, "")


def test_unknown_hf_hub_verbosity_warns_and_keeps_warning_level():
    level, stderr = _verbosity_at_import(HF_HUB_VERBOSITY="loud")
    assert level == "30"
    assert "Unknown option HF_HUB_VERBOSITY=loud, has to be one of: debug, info, warning, error, critical" in stderr


def test_hf_hub_verbosity_is_case_sensitive():
    level, stderr = _verbosity_at_import(HF_HUB_VERBOSITY="INFO")
    assert level == "30"
    assert "Unknown option HF_HUB_VERBOSITY=INFO" in stderr


def test_empty_hf_hub_verbosity_is_ignored():
    assert _verbosity_at_import(HF_HUB_VERBOSITY="") == ("30", "")


def test_hf_debug_forces_debug_even_over_hf_hub_verbosity():
    assert _verbosity_at_import(HF_DEBUG="1", HF_HUB_VERBOSITY="error") == ("10", "")
    assert _verbosity_at_import(HF_DEBUG="0")[0] == "30"


_LOGGING_PROBE = """
import json, logging
from huggingface_hub.utils import logging as hf_logging
root = logging.getLogger("huggingface_hub")
out = {"level": hf_logging.get_verbosity(), "handlers": [type(h).__name__ for h in root.handlers],
       "propagate": root.propagate, "levels": hf_logging.log_levels}
hf_logging.set_verbosity_info(); out["after_info"] = hf_logging.get_verbosity()
hf_logging.disable_propagation(); out["after_disable"] = root.propagate
print(json.dumps(out))
"""


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"HF_HUB_VERBOSITY": "info"},
        {"HF_HUB_VERBOSITY": "bogus"},
        {"HF_DEBUG": "yes", "HF_HUB_VERBOSITY": "error"},
    ],
)
@upstream_compat
def test_same_behaviour_as_upstream(env):
    ours, upstream = ours_and_upstream(_LOGGING_PROBE, **env)
    assert ours == upstream
