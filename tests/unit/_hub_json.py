"""Answers of the Hub's repository API, in the shapes the public Hub sends (keys, nesting, value types).

Written from the documented shapes (shared/reference/repo-api-uploads.md §2, recorded answers quoted there) so that
parsing can be tested without a network; the values are made up.
"""

MODEL_INFO = {
    "_id": "621ffdc036468d709f17434d",
    "id": "openai-community/gpt2",
    "modelId": "openai-community/gpt2",
    "author": "openai-community",
    "sha": "607a30d783dfa663caf39e06633721c8d4cfcd7e",
    "lastModified": "2024-02-19T10:57:45.000Z",
    "createdAt": "2022-03-02T23:29:04.000Z",
    "private": False,
    "gated": False,
    "disabled": False,
    "downloads": 1000,
    "downloadsAllTime": 5000,
    "likes": 42,
    "library_name": "transformers",
    "tags": ["transformers", "pytorch", "text-generation", "en", "license:mit"],
    "pipeline_tag": "text-generation",
    "mask_token": "<mask>",
    "trendingScore": 3,
    "usedStorage": 16199127154,
    "inference": "warm",
    "inferenceProviderMapping": {
        "together": {"providerId": "gpt2-together", "status": "live", "task": "text-generation"},
        "fal-ai": {
            "providerId": "fal/gpt2",
            "status": "staging",
            "task": "text-generation",
            "adapter": "lora",
            "adapterWeightsPath": "adapter.safetensors",
            "type": "single-model",
        },
    },
    "cardData": {"language": "en", "license": "mit", "co2_eq_emissions": {"emissions": 149.2}},
    "widgetData": [{"text": "My name is Julien"}],
    "model-index": [{"name": "gpt2", "results": []}],
    "config": {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2"},
    "transformersInfo": {
        "auto_model": "AutoModelForCausalLM",
        "pipeline_tag": "text-generation",
        "processor": "AutoTokenizer",
    },
    "safetensors": {"parameters": {"F32": 137022720}, "total": 137022720},
    "siblings": [
        {"rfilename": ".gitattributes", "size": 445, "blobId": "dcab4f2bf1e0fe9cc3a4e4e87d1b0a1b0e3bf4f1"},
        {
            "rfilename": "model.safetensors",
            "size": 548105171,
            "blobId": "8fbf6bb6f9b9e1b2e1d14a0d0e26b1d4d8bc42f7",
            "lfs": {
                "sha256": "248dfc3911869ec493c76e65bf2fcf7f615828b0254c12b473182f0f81d3a707",
                "size": 548105171,
                "pointerSize": 135,
            },
        },
    ],
    "spaces": ["user/gpt2-demo"],
    "securityRepoStatus": {"scansDone": True, "filesWithIssues": []},
    "evalResults": [
        {
            "data": {
                "dataset": {"id": "cais/hle", "task_id": "default", "revision": "5503434d"},
                "value": 20.9,
                "source": {"url": "https://huggingface.co/spaces/x/y", "name": "Eval logs", "org": "cais"},
                "notes": "no-tools",
            }
        }
    ],
    "baseModels": ["openai-community/gpt2-base"],
    "childrenModelCount": 7,
    "resourceGroup": {"id": "66670e5163145ca562cb1988", "name": "research"},
    "someFutureField": {"nested": 1},
}

# `list_models` items: fewer properties, and the provider mapping as a list.
LISTED_MODEL = {
    "_id": "621ffdc036468d709f17434d",
    "id": "openai-community/gpt2",
    "likes": 42,
    "downloads": 1000,
    "tags": ["transformers"],
    "createdAt": "2022-03-02T23:29:04.000Z",
    "inferenceProviderMapping": [
        {"provider": "together", "providerId": "gpt2-together", "status": "live", "task": "text-generation"}
    ],
}

DATASET_INFO = {
    "_id": "621ffdd236468d709f181d5e",
    "id": "rajpurkar/squad",
    "author": "rajpurkar",
    "sha": "7b6d24c440a36b6815f21b70d25016731768db1f",
    "lastModified": "2024-03-04T13:54:37.000Z",
    "createdAt": "2022-03-02T23:29:22.000Z",
    "private": False,
    "gated": "auto",
    "disabled": False,
    "downloads": 120000,
    "downloadsAllTime": 9000000,
    "likes": 300,
    "mainSize": 16278203,
    "paperswithcode_id": "squad",
    "tags": ["task_categories:question-answering", "language:en"],
    "trendingScore": 1,
    "usedStorage": 89001234,
    "cardData": {"language": ["en"], "license": "cc-by-sa-4.0", "pretty_name": "SQuAD"},
    "citation": "@article{2016arXiv160605250R, ...}",
    "description": "Stanford Question Answering Dataset",
    "siblings": [{"rfilename": "README.md"}, {"rfilename": "plain_text/train-00000-of-00001.parquet"}],
}

SPACE_INFO = {
    "_id": "6398b04a1d9b1c4e1a6a7a85",
    "id": "user/tmp_test_space",
    "author": "user",
    "sha": "0f0c6a1b2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a",
    "lastModified": "2023-10-01T12:00:00.000Z",
    "createdAt": "2023-09-01T12:00:00.000Z",
    "private": True,
    "gated": False,
    "disabled": False,
    "host": "https://user-tmp-test-space.hf.space",
    "subdomain": "user-tmp-test-space",
    "likes": 0,
    "sdk": "gradio",
    "tags": ["gradio", "region:us"],
    "trendingScore": 0,
    "usedStorage": 1024,
    "cardData": {"title": "Tmp", "sdk": "gradio", "app_file": "app.py"},
    "siblings": [{"rfilename": "app.py"}],
    "runtime": {
        "stage": "BUILDING",
        "hardware": {"current": None, "requested": "cpu-basic"},
        "storage": None,
        "gcTimeout": 172800,
        "replicas": {"requested": 1},
        "devMode": False,
        "domains": [{"domain": "user-tmp-test-space.hf.space", "stage": "READY"}],
        "volumes": [{"type": "bucket", "source": "user/b", "mountPath": "/data", "readOnly": False}],
    },
    "models": ["openai-community/gpt2"],
    "datasets": ["rajpurkar/squad"],
    "region": "us",
}

KERNEL_INFO = {
    "id": "kernels-community/activation",
    "author": "kernels-community",
    "downloads": 10,
    "gated": False,
    "lastModified": "2025-06-01T00:00:00.000Z",
    "likes": 1,
    "private": False,
    "sha": "1111111111111111111111111111111111111111",
    "license": "apache-2.0",
}

# Tree and paths-info entries: `lfs` carries `oid` (the info endpoints' siblings carry `sha256`).
TREE_FILE = {
    "type": "file",
    "oid": "226b0752cac7789c48f0cb3ec53eda48b7be36cc",
    "size": 548105171,
    "path": "model.safetensors",
    "lfs": {
        "oid": "248dfc3911869ec493c76e65bf2fcf7f615828b0254c12b473182f0f81d3a707",
        "size": 548105171,
        "pointerSize": 135,
    },
    "xetHash": "a" * 64,
    "lastCommit": {
        "id": "47b62b20b20e06b9de610e840282b7e6c3d51190",
        "title": "Upload diffusers weights (#48)",
        "date": "2023-03-21T09:05:27.000Z",
    },
    "securityFileStatus": {
        "status": "safe",
        "avScan": {"virusFound": False, "virusNames": None},
        "pickleImportScan": None,
    },
}
TREE_FOLDER = {
    "type": "directory",
    "oid": "aa536c4ea18073388b5b0bc791057a7296a00398",
    "size": 0,
    "path": "feature_extractor",
    "lastCommit": {
        "id": "47b62b20b20e06b9de610e840282b7e6c3d51190",
        "title": "Upload diffusers weights (#48)",
        "date": "2023-03-21T09:05:27.000Z",
    },
}

REFS = {
    "branches": [
        {"name": "main", "ref": "refs/heads/main", "targetCommit": "18edc1591d9ce72aa82f56c4431b3c969b210ae3"}
    ],
    "converts": [
        {"name": "parquet", "ref": "refs/convert/parquet", "targetCommit": "f9826b862d1567f3822d3d25649b0d6d22ace714"}
    ],
    "tags": [{"name": "v1.0", "ref": "refs/tags/v1.0", "targetCommit": "c37a8cd1e382064d8aced5e05543c5f7753834da"}],
    "pullRequests": [{"name": "1", "ref": "refs/pr/1", "targetCommit": "c37a8cd1e382064d8aced5e05543c5f7753834da"}],
}

COMMIT = {
    "id": "9b865efde13a30c13e0a33e536cf3e4a5a9d71d8",
    "authors": [{"user": "system", "avatar": "https://huggingface.co/avatars/system.svg"}],
    "date": "2019-02-18T10:36:15.000Z",
    "title": "initial commit",
    "message": "",
    "formatted": {"title": "<p>initial commit</p>", "message": ""},
}

LFS_FILE = {
    "fileOid": "248dfc3911869ec493c76e65bf2fcf7f615828b0254c12b473182f0f81d3a707",
    "filename": "model.safetensors",
    "oid": "248dfc3911869ec493c76e65bf2fcf7f615828b0254c12b473182f0f81d3a707",
    "pushedAt": "2024-01-01T00:00:00.000Z",
    "ref": "refs/heads/main",
    "size": 548105171,
    "xetHash": "b" * 64,
}
