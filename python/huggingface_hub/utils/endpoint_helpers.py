"""Helpers for filtering what the Hub's listings return, on the client side."""

import math
import re
from typing import TYPE_CHECKING, Any

from ..repocard_data import ModelCardData

if TYPE_CHECKING:
    from .._repo_info_types import ModelInfo

_FIRST_NUMBER = re.compile(r"\d+\.\d+|\d+")


def _is_emission_within_threshold(model_info: "ModelInfo", minimum_threshold: float, maximum_threshold: float) -> bool:
    """Whether the model card declares CO2 emissions (`co2_eq_emissions`, in grams) within the bounds (inclusive).

    The value may be a number, a string holding one, or a dict with an `emissions` key; the first number found
    is used. A model whose card says nothing is outside any bounds.

    Raises:
        `ValueError`: if both bounds are `None`.
    """
    if minimum_threshold is None and maximum_threshold is None:
        raise ValueError("Both `minimum_threshold` and `maximum_threshold` cannot both be `None`")
    low = -1 if minimum_threshold is None else minimum_threshold
    high = math.inf if maximum_threshold is None else maximum_threshold

    card_data: Any = getattr(model_info, "card_data", None)
    if not isinstance(card_data, dict | ModelCardData):
        return False
    emission = card_data.get("co2_eq_emissions", None)
    if isinstance(emission, dict):
        emission = emission.get("emissions")
    if not emission:
        return False
    number = _FIRST_NUMBER.search(str(emission))
    return number is not None and low <= float(number.group(0)) <= high
