"""Download a published repo back the way a user would, in a fresh process pointed at HF_ENDPOINT.

huggingface_hub and datasets both read HF_ENDPOINT once, at import, so the only faithful way to load from
the stand-in Hub is a process started with it set: no patching of either library. Usage:

    HF_ENDPOINT=http://127.0.0.1:PORT python download_back.py ORG/NAME REVISION OUT_DIR

writes OUT_DIR/snapshot.json ({"path": snapshot folder}) and, for every config and split the card
declares, OUT_DIR/<config>/<split>.parquet holding what `datasets.load_dataset` returned.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import datasets
import yaml
from huggingface_hub import snapshot_download


def main(repo_id: str, revision: str, out: Path) -> None:
    snapshot = snapshot_download(repo_id, repo_type="dataset", revision=revision, cache_dir=out / "hub-cache")
    (out / "snapshot.json").write_text(json.dumps({"path": snapshot}))
    card = (Path(snapshot) / "README.md").read_text(encoding="utf-8")
    meta = yaml.safe_load(card.split("---\n")[1])
    for config in meta["configs"]:
        for entry in config["data_files"]:
            ds = datasets.load_dataset(
                repo_id, config["config_name"], split=entry["split"], revision=revision,
                cache_dir=str(out / "datasets-cache"),
            )
            target = out / config["config_name"] / f"{entry['split']}.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            ds.to_parquet(str(target))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], Path(sys.argv[3]))
