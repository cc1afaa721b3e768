"""Repository cards: the `README.md` of a model, dataset or Space, as YAML metadata plus a Markdown body.

A card is read from a string, a local file or a repository of the Hub ([`RepoCard.load`]); its metadata is a
[`CardData`] (`card.data`) and its body a string (`card.text`). `card.content` is rebuilt from both on every access,
so that changing the data changes the file: the YAML is re-serialised in the keys' original order with the line
endings of the original text (the Hub compares cards textually, and a card re-saved with other line endings would be
a whole-file diff).

The metadata block is found with the same regular expression as the Hub's own Markdown view, so that a card means
the same here and on the website. `metadata_load`, `metadata_save` and `metadata_update` work on the metadata alone.
"""

import os
import re
from pathlib import Path
from typing import Any, Literal, cast

import yaml

from huggingface_hub.file_download import hf_hub_download
from huggingface_hub.hf_api import upload_file
from huggingface_hub.repocard_data import (
    CardData,
    DatasetCardData,
    EvalResult,
    ModelCardData,
    SpaceCardData,
    eval_results_to_model_index,
    model_index_to_eval_results,
)
from huggingface_hub.utils import HfHubHTTPError, get_session, hf_raise_for_status, is_jinja_available, yaml_dump

from . import constants
from .errors import EntryNotFoundError
from .utils import SoftTemporaryDirectory, logging, validate_hf_hub_args

logger = logging.get_logger(__name__)

TEMPLATE_MODELCARD_PATH = Path(__file__).parent / "templates" / "modelcard_template.md"
TEMPLATE_DATASETCARD_PATH = Path(__file__).parent / "templates" / "datasetcard_template.md"

# The Hub's own pattern for a card's metadata block (its Markdown view uses it): a `---` line, the YAML, a `---` line
# that may carry trailing blanks. Kept identical so that a card has the same metadata here and on the website; the
# lazy `[\S\s]*?` cannot backtrack catastrophically on a block that is never closed.
REGEX_YAML_BLOCK = re.compile(r"^(\s*---(?:\r\n|\r|\n))([\S\s]*?)((?:\r\n|\r|\n)---[ \t]*(\r\n|\n|$))")


class RepoCard:
    """A repository card: metadata (`data`, a [`CardData`]) and a Markdown body (`text`).

    Args:
        content (`str`): the whole card, a YAML block between `---` lines followed by Markdown.
        ignore_metadata_errors (`bool`, *optional*): load metadata that cannot be fully understood (an invalid
            `model-index`) instead of failing; what cannot be read is dropped, with a warning.

    Raises:
        `ValueError`: if the metadata block is YAML but not a mapping.
        `yaml.YAMLError`: if the metadata block is not valid YAML.

    Example:
        ```py
        >>> card = RepoCard("---\\nlanguage: en\\nlicense: mit\\n---\\n\\n# My repo\\n")
        >>> card.data.to_dict()
        {'language': 'en', 'license': 'mit'}
        >>> card.text
        '\\n# My repo\\n'
        ```
    """

    card_data_class = CardData
    default_template_path = TEMPLATE_MODELCARD_PATH
    repo_type = "model"

    def __init__(self, content: str, ignore_metadata_errors: bool = False):
        self.ignore_metadata_errors = ignore_metadata_errors
        self.content = content  # parsed by the setter into `data` and `text`

    @property
    def content(self) -> str:
        """The whole card, rebuilt from `data` and `text` with the line endings of the text it was made from."""
        line_break = _detect_line_ending(self._content) or "\n"
        metadata = self.data.to_yaml(line_break=line_break, original_order=self._original_order)
        return f"---{line_break}{metadata}{line_break}---{line_break}{self.text}"

    @content.setter
    def content(self, content: str) -> None:
        self._content = content
        match = REGEX_YAML_BLOCK.search(content)
        if match:
            self.text = content[match.end() :]
            data_dict = yaml.safe_load(match.group(2))
            if data_dict is None:  # an empty block
                data_dict = {}
            if not isinstance(data_dict, dict):
                raise ValueError("repo card metadata block should be a dict")
        else:
            logger.warning("Repo card metadata block was not found. Setting CardData to empty.")
            data_dict = {}
            self.text = content
        self.data = self.card_data_class(**data_dict, ignore_metadata_errors=self.ignore_metadata_errors)
        self._original_order = list(data_dict.keys())

    def __str__(self) -> str:
        return self.content

    def save(self, filepath: Path | str) -> None:
        """Write the card to `filepath` (UTF-8, line endings as they are), creating its parent folders.

        Example:
            ```py
            >>> RepoCard("---\\nlanguage: en\\n---\\n# A card").save("/tmp/card/README.md")
            ```
        """
        filepath = Path(filepath)
        filepath.parent.mkdir(parents=True, exist_ok=True)
        with open(filepath, mode="w", newline="", encoding="utf-8") as f:
            f.write(str(self))

    @classmethod
    def load(
        cls,
        repo_id_or_path: str | Path,
        repo_type: str | None = None,
        token: str | None = None,
        ignore_metadata_errors: bool = False,
    ):
        """A card read from a local file, or from the `README.md` of a repository of the Hub (its default branch).

        Args:
            repo_id_or_path (`str` or `Path`): a path to an existing file, or a repository id. A `str` that is not
                an existing file (even an existing folder) is taken as a repository id.
            repo_type (`str`, *optional*): `"model"`, `"dataset"` or `"space"`; defaults to the class's type
                (`"model"` for `RepoCard` and `ModelCard`). Unused for a local file.
            token (`str`, *optional*): token to read a private or gated repository; defaults to the stored token.
            ignore_metadata_errors (`bool`, *optional*): see [`RepoCard`].

        Returns:
            An instance of the class it is called on.

        Raises:
            `ValueError`: for a `Path` that is not an existing file.
            [`~utils.RepositoryNotFoundError`], [`~utils.EntryNotFoundError`]...: if the repository or its
                `README.md` cannot be read.

        Example:
            ```py
            >>> card = ModelCard.load("nateraw/food")
            ```
        """
        if Path(repo_id_or_path).is_file():
            card_path = Path(repo_id_or_path)
        elif isinstance(repo_id_or_path, str):
            downloaded = hf_hub_download(
                repo_id_or_path, constants.REPOCARD_NAME, repo_type=repo_type or cls.repo_type, token=token
            )
            card_path = Path(cast(str, downloaded))  # a path: this is not a dry run
        else:
            raise ValueError(f"Cannot load RepoCard: path not found on disk ({repo_id_or_path}).")
        with card_path.open(mode="r", newline="", encoding="utf-8") as f:  # line endings kept as they are
            return cls(f.read(), ignore_metadata_errors=ignore_metadata_errors)

    def validate(self, repo_type: str | None = None) -> None:
        """Have the Hub check the card's metadata (`POST /api/validate-yaml` on the configured endpoint, without
        authentication). [`push_to_hub`] calls it before uploading.

        Args:
            repo_type (`str`, *optional*): the type of repository the card is meant for; defaults to the class's.

        Raises:
            `ValueError`: if the Hub rejects the metadata; the message is the Hub's list of errors.
            [`~utils.HfHubHTTPError`]: if the request fails otherwise.
        """
        body = {"repoType": repo_type or self.repo_type, "content": str(self)}
        # The text form of the answer is the readable list of errors, shown as it is.
        response = get_session().post(
            f"{constants.ENDPOINT}/api/validate-yaml", json=body, headers={"Accept": "text/plain"}
        )
        try:
            hf_raise_for_status(response)
        except HfHubHTTPError:
            if response.status_code == 400:
                raise ValueError(response.text) from None
            raise

    def push_to_hub(
        self,
        repo_id: str,
        token: str | None = None,
        repo_type: str | None = None,
        commit_message: str | None = None,
        commit_description: str | None = None,
        revision: str | None = None,
        create_pr: bool | None = None,
        parent_commit: str | None = None,
    ):
        """Validate the card, then upload it as the repository's `README.md` in one commit.

        Args:
            repo_id (`str`): the repository, e.g. `"user/my-model"`; it must exist.
            token (`str`, *optional*): token with write access; defaults to the stored token.
            repo_type (`str`, *optional*): defaults to the class's type.
            commit_message (`str`, *optional*), commit_description (`str`, *optional*): of the commit
                (default message: `"Upload README.md with huggingface_hub"`).
            revision (`str`, *optional*): branch to commit to; defaults to the default branch.
            create_pr (`bool`, *optional*): open a pull request with the commit instead.
            parent_commit (`str`, *optional*): fail unless the branch is still at this commit (or, with
                `create_pr`, open the pull request from it).

        Returns:
            [`CommitInfo`]: the commit made (a `str` subclass: its URL).
        """
        repo_type = repo_type or self.repo_type
        self.validate(repo_type=repo_type)
        with SoftTemporaryDirectory() as tmpdir:
            tmp_path = Path(tmpdir) / constants.REPOCARD_NAME
            tmp_path.write_text(str(self), encoding="utf-8")
            return upload_file(
                path_or_fileobj=str(tmp_path),
                path_in_repo=constants.REPOCARD_NAME,
                repo_id=repo_id,
                token=token,
                repo_type=repo_type,
                commit_message=commit_message,
                commit_description=commit_description,
                create_pr=create_pr,
                revision=revision,
                parent_commit=parent_commit,
            )

    @classmethod
    def from_template(
        cls,
        card_data: CardData,
        template_path: str | None = None,
        template_str: str | None = None,
        **template_kwargs: Any,
    ):
        """A card rendered from a Jinja2 template (requires `Jinja2`).

        The template sees every metadata key of `card_data` as a variable (overridden by `template_kwargs`) and
        `card_data`, the metadata as YAML, to put between its `---` lines.

        Args:
            card_data ([`CardData`]): the metadata of the card.
            template_path (`str`, *optional*): a template file; defaults to the class's default template.
            template_str (`str`, *optional*): a template given as a string; ignored when `template_path` is given.
            **template_kwargs: more template variables (e.g. `model_id`, `model_description` for the default model
                template, `pretty_name` for the default dataset template).

        Raises:
            `ImportError`: if Jinja2 is not installed.

        Example:
            ```py
            >>> card = ModelCard.from_template(ModelCardData(license="mit"), model_id="user/my-model")
            >>> card.text.splitlines()[1]
            '# Model Card for user/my-model'
            ```
        """
        if not is_jinja_available():
            raise ImportError(
                "Using RepoCard.from_template requires Jinja2 to be installed. Please"
                " install it with `pip install Jinja2`."
            )
        import jinja2

        variables = card_data.to_dict()
        variables.update(template_kwargs)
        if template_path is not None:
            template_str = Path(template_path).read_text()
        if template_str is None:
            template_str = Path(cls.default_template_path).read_text()
        content = jinja2.Template(template_str).render(card_data=card_data.to_yaml(), **variables)
        return cls(content)


class ModelCard(RepoCard):
    """The card of a model repository; its `data` is a [`ModelCardData`] (evaluation results read from and written
    to the `model-index`). [`from_template`] uses the default model card template."""

    card_data_class = ModelCardData  # type: ignore[assignment]
    default_template_path = TEMPLATE_MODELCARD_PATH
    repo_type = "model"

    @classmethod
    def from_template(  # type: ignore[override]  # narrower card data than the base class
        cls,
        card_data: ModelCardData,
        template_path: str | None = None,
        template_str: str | None = None,
        **template_kwargs: Any,
    ):
        """A model card rendered from a template: see [`RepoCard.from_template`]. The default template's variables
        include `model_id`, `model_summary`, `model_description`, `developers`, `repo`, `training_data`..."""
        return super().from_template(card_data, template_path, template_str, **template_kwargs)


class DatasetCard(RepoCard):
    """The card of a dataset repository; its `data` is a [`DatasetCardData`]. [`from_template`] uses the default
    dataset card template."""

    card_data_class = DatasetCardData  # type: ignore[assignment]
    default_template_path = TEMPLATE_DATASETCARD_PATH
    repo_type = "dataset"

    @classmethod
    def from_template(  # type: ignore[override]  # narrower card data than the base class
        cls,
        card_data: DatasetCardData,
        template_path: str | None = None,
        template_str: str | None = None,
        **template_kwargs: Any,
    ):
        """A dataset card rendered from a template: see [`RepoCard.from_template`]. The default template's variables
        include `pretty_name`, `dataset_summary`, `dataset_description`, `curators`, `dataset_structure`..."""
        return super().from_template(card_data, template_path, template_str, **template_kwargs)


class SpaceCard(RepoCard):
    """The card of a Space; its `data` is a [`SpaceCardData`] (SDK, app file, ...). As upstream, its default
    template is the model card template."""

    card_data_class = SpaceCardData  # type: ignore[assignment]
    default_template_path = TEMPLATE_MODELCARD_PATH
    repo_type = "space"


def _detect_line_ending(content: str) -> Literal["\r", "\n", "\r\n", None]:
    """The line ending a text mostly uses (the Hub's rule): `"\\r\\n"` if every break is one, else `"\\r"` if bare
    carriage returns outnumber line feeds, else `"\\n"`; `None` for a single line."""
    cr = content.count("\r")
    lf = content.count("\n")
    crlf = content.count("\r\n")
    if cr + lf == 0:
        return None
    if crlf == cr and crlf == lf:
        return "\r\n"
    return "\r" if cr > lf else "\n"


def metadata_load(local_path: str | Path) -> dict | None:
    """The metadata of a local card file as a dict; `None` when it has no metadata block or an empty one.

    Raises:
        `ValueError`: if the block is YAML but not a mapping.
    """
    match = REGEX_YAML_BLOCK.search(Path(local_path).read_text())
    if match is None:
        return None
    data = yaml.safe_load(match.group(2))
    if data is None or isinstance(data, dict):
        return data
    raise ValueError("repo card metadata block should be a dict")


def metadata_save(local_path: str | Path, data: dict) -> None:
    """Write `data` as the metadata block of a local card file, replacing the block it has (or adding one at the
    top; the file is created if needed). The rest of the file and its line endings are kept. Keys keep their order,
    and `None` values are written too.
    """
    line_break = "\n"
    content = ""
    if os.path.exists(local_path):
        # Read without translating line endings: `newlines` then tells which ones the file uses.
        with open(local_path, newline="", encoding="utf8") as readme:
            content = readme.read()
            if isinstance(readme.newlines, tuple):
                line_break = readme.newlines[0]
            elif isinstance(readme.newlines, str):
                line_break = readme.newlines
    data_yaml = yaml_dump(data, sort_keys=False, line_break=line_break)
    header = f"---{line_break}{data_yaml}---{line_break}"
    match = REGEX_YAML_BLOCK.search(content)
    output = content[: match.start()] + header + content[match.end() :] if match else header + content
    with open(local_path, "w", newline="", encoding="utf8") as readme:
        readme.write(output)


def metadata_eval_result(
    *,
    model_pretty_name: str,
    task_pretty_name: str,
    task_id: str,
    metrics_pretty_name: str,
    metrics_id: str,
    metrics_value: Any,
    dataset_pretty_name: str,
    dataset_id: str,
    metrics_config: str | None = None,
    metrics_verified: bool = False,
    dataset_config: str | None = None,
    dataset_split: str | None = None,
    dataset_revision: str | None = None,
    metrics_verification_token: str | None = None,
) -> dict:
    """A metadata dict holding one evaluation result as a `model-index`, ready for [`metadata_update`].

    Args:
        model_pretty_name (`str`): the model's display name (the `model-index` name).
        task_pretty_name (`str`), task_id (`str`): the task's display name and id (e.g. `"text-classification"`).
        metrics_pretty_name (`str`), metrics_id (`str`): the metric's display name and id (e.g. `"accuracy"`).
        metrics_value (`Any`): the value, e.g. `0.9` or `"20.0 ± 1.2"`.
        dataset_pretty_name (`str`), dataset_id (`str`): the dataset's display name and Hub id.
        metrics_config (`str`, *optional*): the metric's configuration.
        metrics_verified (`bool`, *optional*): set by the Hub's evaluation service only (written even when
            `False`).
        dataset_config (`str`, *optional*), dataset_split (`str`, *optional*), dataset_revision (`str`,
            *optional*): what exactly was evaluated on.
        metrics_verification_token (`str`, *optional*): the Hub's signature of a verified result.

    Example:
        ```py
        >>> metadata_eval_result(model_pretty_name="m", task_pretty_name="Text Classification",
        ...     task_id="text-classification", metrics_pretty_name="Accuracy", metrics_id="accuracy",
        ...     metrics_value=0.9, dataset_pretty_name="IMDB", dataset_id="imdb")["model-index"][0]["name"]
        'm'
        ```
    """
    result = EvalResult(
        task_name=task_pretty_name,
        task_type=task_id,
        metric_name=metrics_pretty_name,
        metric_type=metrics_id,
        metric_value=metrics_value,
        dataset_name=dataset_pretty_name,
        dataset_type=dataset_id,
        metric_config=metrics_config,
        verified=metrics_verified,
        verify_token=metrics_verification_token,
        dataset_config=dataset_config,
        dataset_split=dataset_split,
        dataset_revision=dataset_revision,
    )
    return {"model-index": eval_results_to_model_index(model_name=model_pretty_name, eval_results=[result])}


@validate_hf_hub_args
def metadata_update(
    repo_id: str,
    metadata: dict,
    *,
    repo_type: str | None = None,
    overwrite: bool = False,
    token: str | None = None,
    commit_message: str | None = None,
    commit_description: str | None = None,
    revision: str | None = None,
    create_pr: bool = False,
    parent_commit: str | None = None,
) -> str:
    """Update the metadata of a repository's `README.md` on the Hub, in one commit.

    The card is read from the repository's default branch (whatever `revision` is). A model or dataset without a
    `README.md` gets one from the default template (requires Jinja2); a Space must have one. Evaluation results
    (`model-index`) are merged with the card's: a result for a metric already listed replaces its value (only with
    `overwrite=True` when the value differs), others are appended.

    Args:
        repo_id (`str`): the repository; it must exist.
        metadata (`dict`): the metadata keys to set.
        repo_type (`str`, *optional*): `"model"` (default), `"dataset"` or `"space"`.
        overwrite (`bool`, *optional*): allow changing keys and metric values the card already has.
        token (`str`, *optional*): token with write access; defaults to the stored token.
        commit_message (`str`, *optional*): defaults to `"Update metadata with huggingface_hub"`.
        commit_description (`str`, *optional*): description of the commit.
        revision (`str`, *optional*): branch to commit to.
        create_pr (`bool`, *optional*): open a pull request with the commit instead.
        parent_commit (`str`, *optional*): fail unless the branch is still at this commit.

    Returns:
        `str`: the URL of the commit.

    Raises:
        `ValueError`: for an unknown `repo_type`, a Space without `README.md`, or a changed value without
            `overwrite=True`.

    Example:
        ```py
        >>> metadata_update("user/my-model", {"license": "mit", "tags": ["demo"]})
        ```
    """
    commit_message = commit_message if commit_message is not None else "Update metadata with huggingface_hub"
    card_class: type[RepoCard]
    if repo_type is None or repo_type == "model":
        card_class = ModelCard
    elif repo_type == "dataset":
        card_class = DatasetCard
    elif repo_type == "space":
        card_class = RepoCard
    else:
        raise ValueError(f"Unknown repo_type: {repo_type}")

    try:
        card = card_class.load(repo_id, token=token, repo_type=repo_type)
    except EntryNotFoundError:
        if repo_type == "space":
            raise ValueError("Cannot update metadata on a Space that doesn't contain a `README.md` file.") from None
        card = card_class.from_template(CardData())  # type: ignore[arg-type]

    for key, value in metadata.items():
        if key == "model-index":
            _merge_model_index(card, repo_id, value, overwrite)
            continue
        existing = card.data.get(key)
        if existing is not None and not overwrite and existing != value:
            raise ValueError(
                f"You passed a new value for the existing meta data field '{key}'."
                " Set `overwrite=True` to overwrite existing metadata."
            )
        card.data[key] = value

    return card.push_to_hub(
        repo_id,
        token=token,
        repo_type=repo_type,
        commit_message=commit_message,
        commit_description=commit_description,
        create_pr=create_pr,
        revision=revision,
        parent_commit=parent_commit,
    )


def _merge_model_index(card: RepoCard, repo_id: str, model_index: list[dict], overwrite: bool) -> None:
    """Merge the results of a `model-index` into the card's evaluation results."""
    if "name" not in model_index[0]:
        # As upstream: the card object has no `model_name` (its data has), so this is the repository id.
        model_index[0]["name"] = getattr(card, "model_name", repo_id)
    model_name, new_results = model_index_to_eval_results(model_index)
    data: Any = card.data
    if data.eval_results is None:
        data.eval_results = new_results
        data.model_name = model_name
        return
    for new_result in new_results:
        found = False
        for existing in data.eval_results:
            if not new_result.is_equal_except_value(existing):
                continue
            if new_result != existing and not overwrite:
                raise ValueError(
                    "You passed a new value for the existing metric"
                    f" 'name: {new_result.metric_name}, type: {new_result.metric_type}'."
                    " Set `overwrite=True` to overwrite existing metrics."
                )
            found = True
            existing.metric_value = new_result.metric_value
            if existing.verified is True:
                existing.verify_token = new_result.verify_token
        if not found:
            data.eval_results.append(new_result)
