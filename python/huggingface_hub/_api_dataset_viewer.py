"""`HfApi.list_dataset_parquet_files`: the parquet conversion of a dataset, as listed by the Dataset Viewer.

The Dataset Viewer is a separate service (`constants.DATASETS_SERVER_ENDPOINT`) that only exists next to
huggingface.co, so a client configured for another Hub endpoint is refused rather than sent to it.
"""

from collections.abc import Callable

from . import constants
from ._dataset_viewer import DatasetParquetEntry
from .utils._http import get_session, hf_raise_for_status
from .utils._validators import validate_hf_hub_args


class DatasetViewerMixin:
    """Calls to the Dataset Viewer."""

    endpoint: str
    _build_hf_headers: Callable[..., dict[str, str]]  # provided by HfApi

    @validate_hf_hub_args
    def list_dataset_parquet_files(
        self,
        repo_id: str,
        *,
        config: str | None = None,
        token: bool | str | None = None,
    ) -> list[DatasetParquetEntry]:
        """List the parquet files of a dataset, as converted by the
        [Dataset Viewer](https://huggingface.co/docs/dataset-viewer/parquet).

        Args:
            repo_id (`str`):
                The dataset repository ID (e.g. `"username/dataset-name"`).
            config (`str`, *optional*):
                Only the files of this config (subset).
            token (`bool` or `str`, *optional*):
                A User Access Token. Defaults to the locally saved token; `False` sends none.

        Returns:
            `list[DatasetParquetEntry]`: one entry (config, split, url, size) per parquet file.

        Raises:
            `ValueError`: the client's endpoint is not huggingface.co (the Dataset Viewer only serves the Hub).
            [`~utils.HfHubHTTPError`]: the Dataset Viewer refused the request (unknown or inaccessible dataset, ...).

        Example:
            ```python
            >>> from huggingface_hub import list_dataset_parquet_files
            >>> list_dataset_parquet_files("lhoestq/demo1")[0]
            DatasetParquetEntry(config='default', split='train', url='https://huggingface.co/...', size=5038)
            ```
        """
        if self.endpoint != constants._HF_DEFAULT_ENDPOINT:
            raise ValueError(
                "The Dataset Viewer is only available on the Hugging Face Hub"
                f" (endpoint='{constants._HF_DEFAULT_ENDPOINT}'). It is not supported on"
                f" third-party endpoints. (endpoint={self.endpoint})"
            )
        params = {"dataset": repo_id}
        if config is not None:
            params["config"] = config
        response = get_session().get(
            f"{constants.DATASETS_SERVER_ENDPOINT}/parquet", params=params, headers=self._build_hf_headers(token=token)
        )
        hf_raise_for_status(response)
        return [
            DatasetParquetEntry(config=item["config"], split=item["split"], url=item["url"], size=item["size"])
            for item in response.json().get("parquet_files", [])
        ]
