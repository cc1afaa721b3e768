"""`HfApi.get_dataset_leaderboard`: the ranking of models on a benchmark dataset.

A benchmark dataset's leaderboard gathers the scores that model repositories publish about it in their
`.eval_results/*.yaml` files (see [`EvalResultEntry`]). This is the dataset-centric view; the model-centric one is
`model_info(..., expand=["evalResults"])`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ._api_social import Organization, User
from .utils._http import get_session, hf_raise_for_status
from .utils._pagination import hub_params
from .utils._validators import validate_hf_hub_args


@dataclass
class DatasetLeaderboardEntry:
    """One row of a dataset's leaderboard (returned by [`get_dataset_leaderboard`]).

    For a model's results across benchmarks, see [`ModelInfo.eval_results`] and [`EvalResultEntry`].

    Attributes:
        rank (`int`):
            Rank of the model on the leaderboard (1-indexed).
        model_id (`str`):
            ID of the model (e.g. `"meta-llama/Llama-3-8b"`).
        value (`float`):
            Evaluation score value.
        filename (`str`):
            Name of the result file containing the evaluation data.
        verified (`bool`):
            Whether the result has been verified.
        source (`dict[str, Any]`, *optional*):
            Where the result comes from (keys like `"url"`, `"name"`, `"isExternal"`), if known.
        author (`User` or `Organization`):
            The model's author, an [`Organization`] when the Hub says its `"type"` is `"org"`, else a [`User`].
        pull_request (`int`, *optional*):
            Number of the pull request the result comes from, if any.
        notes (`str`, *optional*):
            Notes about the result, if any.
    """

    rank: int
    model_id: str
    value: float
    filename: str
    verified: bool
    source: dict[str, Any] | None
    author: User | Organization
    pull_request: int | None = None
    notes: str | None = None

    def __init__(self, **kwargs: Any) -> None:
        self.rank = kwargs.pop("rank")
        self.model_id = kwargs.pop("modelId")
        self.value = kwargs.pop("value")
        self.filename = kwargs.pop("filename")
        self.verified = kwargs.pop("verified")
        self.source = kwargs.pop("source", None)
        author = dict(kwargs.pop("author"))
        if author.get("type") == "org":
            self.author = Organization(**author)
        else:
            # A user's JSON names them `name` here, where `User` expects `user`.
            author["user"] = author.pop("name", "")
            self.author = User(**author)
        self.pull_request = kwargs.pop("pullRequest", None)
        self.notes = kwargs.pop("notes", None)
        # Keys added to the Hub's answers later stay reachable.
        self.__dict__.update(**kwargs)


class LeaderboardMixin:
    """`HfApi.get_dataset_leaderboard`."""

    endpoint: str
    _build_hf_headers: Callable[..., dict[str, str]]  # provided by HfApi

    @validate_hf_hub_args
    def get_dataset_leaderboard(
        self,
        repo_id: str,
        *,
        base_model_only: bool | None = None,
        token: bool | str | None = None,
        timeout: float | None = None,
    ) -> list[DatasetLeaderboardEntry]:
        """Get the leaderboard of a benchmark dataset: models ranked by the scores they report on it.

        Only benchmark datasets that models publish results about have a leaderboard.

        Args:
            repo_id (`str`):
                A namespace (user or an organization) and a repo name separated by a `/`, e.g.
                `"allenai/olmOCR-bench"`.
            base_model_only (`bool` or `None`, *optional*):
                By default the Hub lists only models that declare no `base_model` (root repositories), as its
                leaderboard page does. `False` lists every result, fine-tuned and derivative models included.
            token (`bool` or `str`, *optional*):
                A User Access Token. Defaults to the locally saved token; `False` sends none.
            timeout (`float`, *optional*):
                Seconds to wait for the Hub's answer.

        Returns:
            `list[DatasetLeaderboardEntry]`: the entries, sorted by rank.

        Raises:
            [`~utils.RepositoryNotFoundError`]: the dataset does not exist or is not visible to the token.
            [`~utils.HfHubHTTPError`]: the dataset has no leaderboard.

        Example:
            ```python
            >>> from huggingface_hub import HfApi
            >>> leaderboard = HfApi().get_dataset_leaderboard("allenai/olmOCR-bench")
            >>> leaderboard[0].rank
            1
            ```
        """
        # `base_model=true|false` only when asked: without it the Hub applies its default (root models only).
        params = hub_params({"base_model": base_model_only})
        response = get_session().get(
            f"{self.endpoint}/api/datasets/{repo_id}/leaderboard",
            headers=self._build_hf_headers(token=token),
            params=params,
            timeout=timeout,
        )
        hf_raise_for_status(response)
        return [DatasetLeaderboardEntry(**entry) for entry in response.json()]
