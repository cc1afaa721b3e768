"""``hf models``: search the models of the Hub, list a model's files, describe one model.

``hf models ls`` without argument searches (``HfApi.list_models``) and prints one table row per model; with a
model id it lists that repository's files instead, and the options of the other use are refused.
"""

import enum
from typing import Annotated, Literal, get_args

import click

from huggingface_hub._repo_info_types import ExpandModelProperty_T, ModelSort_T
from huggingface_hub.errors import CLIError, RepositoryNotFoundError, RevisionNotFoundError  # noqa: F401  (upstream's module exposes them)
from huggingface_hub.repocard import ModelCard

from ._cli_utils import RevisionOpt, SoftChoice, TokenOpt, get_hf_api, typer_factory
from ._file_listing import list_repo_files_cmd  # noqa: F401  (upstream's module exposes it)
from ._framework import Argument, Option
from ._output import _dataclass_as_dict, out
from ._repo_listing import list_files_instead_of_searching, print_repo_card, print_repo_info, refuse_file_options
from ._repo_options import (
    REPO_LIST_DEFAULT_LIMIT,
    AuthorOpt,
    FilterOpt,
    HumanReadableOpt,
    LimitOpt,
    RecursiveOpt,
    SearchOpt,
    TreeOpt,
    make_expand_properties_parser,
)

# The Inference Providers the Hub can filter on (upstream keeps this list with its inference client, which this
# package does not have). `--inference-provider` accepts other names too: the Hub learns new providers.
PROVIDER_T = Literal[
    "baseten",
    "cerebras",
    "cohere",
    "deepinfra",
    "fal-ai",
    "featherless-ai",
    "fireworks-ai",
    "groq",
    "hf-inference",
    "novita",
    "nscale",
    "openai",
    "ovhcloud",
    "publicai",
    "replicate",
    "scaleway",
    "together",
    "wavespeed",
    "zai-org",
]

_EXPAND_PROPERTIES = sorted(get_args(ExpandModelProperty_T))
ModelSortEnum = enum.Enum("ModelSortEnum", {key: key for key in get_args(ModelSort_T)}, type=str)  # type: ignore[misc]
InferenceProviderEnum = enum.Enum(  # type: ignore[misc]
    "InferenceProviderEnum", {name: name for name in sorted(get_args(PROVIDER_T))}, type=str
)

ExpandOpt = Annotated[
    str | None,
    Option(
        help="Comma-separated properties to return. When used, only the listed properties (and id) are returned. "
        f"Example: '--expand=downloads,likes,tags'. Valid: {', '.join(_EXPAND_PROPERTIES)}.",
        callback=make_expand_properties_parser(_EXPAND_PROPERTIES),
    ),
]

models_cli = typer_factory(help="Interact with models on the Hub.")


@models_cli.command(
    "list | ls",
    examples=[
        "hf models ls --sort downloads --limit 10",
        'hf models ls --search "llama" --author meta-llama',
        "hf models ls --pipeline-tag text-generation --warm",
        "hf models ls --num-parameters min:6B,max:128B --sort likes",
        "hf models ls --no-gated --author google",
        "hf models ls --apps llama.cpp --apps vllm",
        "hf models ls --inference-provider fireworks-ai --sort downloads",
        "hf models ls --warm --search llama",
        "hf models ls meta-llama/Llama-3.2-1B-Instruct",
        "hf models ls meta-llama/Llama-3.2-1B-Instruct -R",
        "hf models ls meta-llama/Llama-3.2-1B-Instruct --tree -h",
    ],
)
def models_ls(
    repo_id: Annotated[
        str | None,
        Argument(help="Model ID (e.g. `username/repo-name`) to list files from. If omitted, lists models."),
    ] = None,
    search: SearchOpt = None,
    author: AuthorOpt = None,
    filter: FilterOpt = None,
    pipeline_tag: Annotated[
        str | None, Option("--pipeline-tag", help="Filter by pipeline tag (canonical task), e.g. 'summarization'.")
    ] = None,
    gated: Annotated[
        bool | None,
        Option(
            "--gated/--no-gated",
            help="Filter by gated status. '--gated' for gated only, '--no-gated' for non-gated only.",
        ),
    ] = None,
    apps: Annotated[
        list[str] | None, Option("--apps", help="Filter by app(s) that can run the model, e.g. 'ollama' or 'vllm'.")
    ] = None,
    num_parameters: Annotated[str | None, Option(help="Filter by parameter count, e.g. 'min:6B,max:128B'.")] = None,
    inference_provider: Annotated[
        list[str] | None,
        Option(
            "--inference-provider",
            click_type=SoftChoice(InferenceProviderEnum),
            help="Filter by inference provider(s) serving the model, e.g. 'fireworks-ai'.",
        ),
    ] = None,
    warm: Annotated[
        bool, Option("--warm", help="Only list models currently served by at least one inference provider.")
    ] = False,
    sort: Annotated[ModelSortEnum | None, Option(help="Sort results.")] = None,
    limit: LimitOpt = REPO_LIST_DEFAULT_LIMIT,
    expand: ExpandOpt = None,
    human_readable: HumanReadableOpt = False,
    as_tree: TreeOpt = False,
    recursive: RecursiveOpt = False,
    revision: RevisionOpt = None,
    token: TokenOpt = None,
) -> None:
    """List models on the Hub, or files in a model repo.

    When called with no argument, lists models on the Hub.
    When called with a model ID, lists files in that model repo.
    """
    search_options = {  # in upstream's order: the first one given is the one reported
        "--search": search is not None,
        "--author": author is not None,
        "--filter": filter is not None,
        "--pipeline-tag": pipeline_tag is not None,
        "--gated/--no-gated": gated is not None,
        "--apps": apps is not None,
        "--num-parameters": num_parameters is not None,
        "--inference-provider": inference_provider is not None,
        "--warm": warm,
        "--sort": sort is not None,
        "--limit": limit != REPO_LIST_DEFAULT_LIMIT,
        "--expand": expand is not None,
    }
    if repo_id is not None:
        list_files_instead_of_searching(
            repo_id,
            "model",
            search_options,
            human_readable=human_readable,
            as_tree=as_tree,
            recursive=recursive,
            revision=revision,
            token=token,
        )
        return

    refuse_file_options(
        "models", as_tree=as_tree, recursive=recursive, human_readable=human_readable, revision=revision
    )
    if warm and inference_provider is not None:
        raise click.BadParameter("Cannot use --warm together with --inference-provider.")
    models = get_hf_api(token=token).list_models(
        filter=filter,
        author=author,
        search=search,
        pipeline_tag=pipeline_tag,
        gated=gated,
        apps=apps,
        num_parameters=num_parameters,
        inference="warm" if warm else None,
        inference_provider=inference_provider,
        sort=sort.value if sort else None,
        limit=limit,
        expand=expand,  # type: ignore[arg-type]  # the option's parser returns the list
    )
    out.table([_dataclass_as_dict(model) for model in models])
    if (inference_provider is not None or warm) and not expand:
        out.hint(
            "Use `--expand inferenceProviderMapping` to see which provider serves each model and the "
            "provider-specific model id."
        )


@models_cli.command(
    "info",
    examples=[
        "hf models info meta-llama/Llama-3.2-1B-Instruct",
        "hf models info Qwen/Qwen3.5-9B --expand downloads,likes,tags",
    ],
)
def models_info(
    model_id: Annotated[str, Argument(help="The model ID (e.g. `username/repo-name`).")],
    revision: RevisionOpt = None,
    expand: ExpandOpt = None,
    token: TokenOpt = None,
) -> None:
    """Get info about a model on the Hub."""
    api = get_hf_api(token=token)
    print_repo_info(
        "Model",
        model_id,
        revision,
        lambda: api.model_info(repo_id=model_id, revision=revision, expand=expand),  # type: ignore[arg-type]
    )


@models_cli.command(
    "card",
    examples=[
        "hf models card google/gemma-4-31B-it",
        "hf models card google/gemma-4-31B-it --metadata",
        "hf models card google/gemma-4-31B-it --metadata --format json",
        "hf models card google/gemma-4-31B-it --text",
    ],
)
def models_card(
    model_id: Annotated[str, Argument(help="The model ID (e.g. `username/repo-name`).")],
    metadata: Annotated[bool, Option("--metadata", help="Output only the metadata from the card.")] = False,
    text: Annotated[bool, Option("--text", help="Output only the text body (no metadata).")] = False,
    token: TokenOpt = None,
) -> None:
    """Get the model card (README) for a model on the Hub."""
    print_repo_card(lambda: ModelCard.load(model_id, token=token), "models", model_id, metadata=metadata, text=text)
