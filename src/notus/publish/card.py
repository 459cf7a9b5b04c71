"""The dataset card (README.md): Hub metadata in YAML front matter, provenance in the body.

The front matter is what machines read: `configs` tells datasets and the viewer which files make which
config and split, `dataset_info` declares the features and the rows of every split (datasets checks those
counts on load, so a wrong card fails loudly), plus license, task categories, tags and size category for
search. The body is what a person needs to trust or rebuild the data: the source dataset and its revision,
the exact pipeline spec, params, step fingerprints, rows, why records were dropped, and which benchmark
sets were removed. Everything is read from the version's manifest and tables, never from curation code.
Nothing in the card depends on the clock, so the same version always renders the same card.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath
from typing import Any

import polars as pl
import yaml
from datasets import DatasetInfo, Features, SplitDict, SplitInfo
from datasets.info import DatasetInfosDict

from notus.core.version import Version
from notus.publish.layout import PRIMARY_TABLE, TableLayout

TASK_CATEGORIES = ["text-generation"]
TAGS = ["dpo", "preference", "rlhf", "notus"]
# What the pipeline spec's `card:` may say about its data (the source's license and citation); a spec
# without it gets license "other" and no citation, which the card says plainly.
DEFAULT_LICENSE = "other"
HF_DATASET_URI = re.compile(r"^hf://datasets/(?P<repo>[^/@]+/[^/@]+)(?:@(?P<rev>[^/]+))?(?:/(?P<path>.*))?$")
SIZE_CATEGORIES = (
    (1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M"), (1_000_000_000, "100M<n<1B"),
)
MAX_LISTED_ROWS = 50

# What the curated tables' columns mean; shown for the columns a published table actually has.
COLUMN_DOCS = {
    "record_id": "position of the source record in the input (stable join key across tables)",
    "prompt_id": "sha256 of the prompt's UTF-8 text (a multi-turn prompt: of its conversation as compact JSON)",
    "source": "where the record came from (UltraFeedback's sub-source; for other sets their own source field, "
    "else the input file)",
    "prompt": "the prompt: the text of the last user turn",
    "chosen": "the conversation before the answer ([user] when single-turn; earlier turns kept), then the "
    "assistant's preferred completion (TRL conversational format)",
    "rejected": "the same conversation, then the other completion",
    "chosen_rating": "mean of the chosen completion's aspect ratings (UltraFeedback: helpfulness, honesty, "
    "instruction following, truthfulness; other sets: the pipeline's aspects and weights); empty without ratings",
    "rejected_rating": "mean of the rejected completion's aspect ratings",
    "chosen_score": "the dataset's own score of the chosen completion (UltraFeedback: the critique "
    "`overall_score`, kept for comparison, not used to rank)",
    "rejected_score": "the dataset's own score of the rejected completion",
    "chosen_model": "model that wrote the chosen completion",
    "rejected_model": "model that wrote the rejected completion",
    "chosen_index": "0-based position of the chosen completion in the record",
    "rejected_index": "0-based position of the rejected completion in the record",
    "split": "`train` or `test` (the split the row is published in)",
}

def render_card(version: Version, layouts: Sequence[TableLayout], repo_id: str) -> str:
    meta = card_metadata(version, layouts)
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=10_000)
    return f"---\n{front}---\n\n{card_body(version, layouts, repo_id)}"


def default_config(layouts: Sequence[TableLayout]) -> str:
    names = [t.table for t in layouts]
    return PRIMARY_TABLE if PRIMARY_TABLE in names else names[0]


def card_metadata(version: Version, layouts: Sequence[TableLayout]) -> dict[str, Any]:
    default = default_config(layouts)
    main_rows = next(t.rows for t in layouts if t.table == default)
    meta: dict[str, Any] = {
        "pretty_name": f"{version.pipeline} preferences ({version.version_id})",
        "license": str(card_facts(version).get("license") or DEFAULT_LICENSE),
        "language": list(card_facts(version).get("language") or ["en"]),
        "task_categories": TASK_CATEGORIES,
        "tags": list(dict.fromkeys([*TAGS, *(card_facts(version).get("tags") or [])])),
        "size_categories": [size_category(main_rows)],
    }
    hub_sources = sorted({m["repo"] for m in _hub_sources(version)})
    if hub_sources:
        meta["source_datasets"] = hub_sources
    meta["configs"] = [_config_entry(t, default) for t in layouts]
    infos = DatasetInfosDict({t.table: _dataset_info(t) for t in layouts})
    holder: dict[str, Any] = {}
    infos.to_dataset_card_data(holder)  # datasets' own YAML form, so it reads it back exactly
    meta["dataset_info"] = holder["dataset_info"]
    return meta


def size_category(rows: int) -> str:
    return next((label for bound, label in SIZE_CATEGORIES if rows < bound), "n>1B")


def _config_entry(layout: TableLayout, default: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "config_name": layout.table,
        "data_files": [{"split": s.name, "path": layout.split_glob(s.name)} for s in layout.splits],
    }
    if layout.table == default:
        entry["default"] = True
    return entry


def _dataset_info(layout: TableLayout) -> DatasetInfo:
    splits = SplitDict()
    for s in layout.splits:
        splits.add(SplitInfo(name=s.name, num_bytes=s.num_bytes, num_examples=s.rows))
    return DatasetInfo(
        features=Features.from_arrow_schema(layout.schema),
        splits=splits,
        download_size=sum(s.download_size for s in layout.splits),
        dataset_size=sum(s.num_bytes for s in layout.splits),
    )


def _hub_sources(version: Version) -> list[dict[str, str]]:
    out = []
    for name, src in version.manifest.get("sources", {}).items():
        m = HF_DATASET_URI.match(str(src.get("uri", "")))
        if m:
            out.append({"name": name, "repo": m["repo"], "rev": m["rev"] or "main", "path": m["path"] or ""})
    return out


# --- body ---------------------------------------------------------------------------------------------


def card_body(version: Version, layouts: Sequence[TableLayout], repo_id: str) -> str:
    m = version.manifest
    default = default_config(layouts)
    parts = [
        f"# {repo_id}",
        "",
        f"Preference pairs for DPO built by the notus pipeline `{version.pipeline}`, version "
        f"`{version.version_id}` (this repository's tag `{version.version_id}` pins exactly these files).",
    ]
    if m.get("description"):
        parts += ["", str(m["description"]).strip()]
    parts += [
        "",
        "## Loading",
        "",
        "```python",
        "from datasets import load_dataset",
        "",
        f'ds = load_dataset("{repo_id}", "{default}", revision="{version.version_id}")',
        *(f'{s.name} = ds["{s.name}"]' for t in layouts if t.table == default for s in t.splits),
        "```",
        "",
        "## Configs and splits",
        "",
        md_table(
            ["config", "split", "rows", "files"],
            [[f"`{t.table}`" + (" (default)" if t.table == default else ""), s.name, f"{s.rows:,}", len(s.files)]
             for t in layouts for s in t.splits]
            + [[f"`{name}`", "", "0", "none: empty tables get no config (datasets cannot load an empty split)"]
               for name in _empty_tables(version, layouts)],
        ),
        *_columns_section(layouts),
        "",
        "## Provenance",
        "",
        md_table(
            ["", ""],
            [
                ["version id", f"`{version.version_id}`"],
                ["pipeline", f"`{version.pipeline}` (`{spec_path(version)}`)"],
                ["built", m.get("created_at", "")],
                ["engines", ", ".join(f"{k} {v}" for k, v in m.get("versions", {}).items())],
            ],
        ),
        *_sources_section(version),
        *_params_section(version),
        *_steps_section(version),
        *_drops_section(version),
        *_decontamination_section(version),
        *_rebuild_section(version),
        "",
        "## Pipeline spec",
        "",
        "The spec the version was built from (also in this repository as `pipeline.yaml`; `manifest.json` holds "
        "the full build record: file digests, step fingerprints, audits).",
        "",
        "```yaml",
        spec_yaml(version).rstrip("\n"),
        "```",
        "",
        *_license_section(version),
    ]
    return "\n".join(parts)


def card_facts(version: Version) -> dict[str, Any]:
    """The spec's `card:` mapping (license, license_note, source, citation, tags, language)."""
    facts = (version.manifest.get("spec") or {}).get("card") or {}
    return dict(facts) if isinstance(facts, dict) else {}


def _license_section(version: Version) -> list[str]:
    facts = card_facts(version)
    license_id = str(facts.get("license") or DEFAULT_LICENSE)
    source = str(facts.get("source") or "the source dataset")
    lines = ["## License and citation", ""]
    if license_id == DEFAULT_LICENSE and "license" not in facts:
        lines.append("The pipeline spec names no license (`card: {license: ...}`): check the source dataset's terms "
                     "before using or redistributing this data.")
    else:
        lines.append(f"`{license_id}`, as {source}." + (f" {facts['license_note']}" if facts.get("license_note")
                                                        else ""))
    if facts.get("citation"):
        lines += ["", f"If you use this data, cite {source}:", "", "```bibtex", str(facts["citation"]).strip(), "```"]
    return [*lines, ""]


def _empty_tables(version: Version, layouts: Sequence[TableLayout]) -> list[str]:
    published = {t.table for t in layouts}
    return [name for name in version.tables if name not in published and version.rows(name) == 0]


def spec_yaml(version: Version) -> str:
    """The spec as the user wrote it when that text stands alone; the merged spec when it extends another
    (the recorded text then holds two documents, which is no single runnable file)."""
    text = version.manifest.get("spec_text")
    if isinstance(text, str) and text.strip():
        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError:
            doc = None
        if isinstance(doc, dict) and "extends" not in doc:
            return text if text.endswith("\n") else text + "\n"
    spec = dict(version.manifest.get("spec") or {})
    parent = spec.pop("extends", None)  # already merged in: the dump stands alone
    header = f"# {version.pipeline} as built" + (f", merged with the spec it extends ({parent})" if parent else "")
    return header + "\n" + yaml.safe_dump(spec, sort_keys=False, allow_unicode=True, width=110)


def _columns_section(layouts: Sequence[TableLayout]) -> list[str]:
    main = next((t for t in layouts if t.table == PRIMARY_TABLE), None)
    if main is None:
        return []
    rows = [[f"`{f.name}`", f"`{f.type}`", COLUMN_DOCS.get(f.name, "")] for f in main.schema]
    return ["", f"## Columns of `{main.table}`", "", md_table(["column", "type", "meaning"], rows)]


def _sources_section(version: Version) -> list[str]:
    sources = version.manifest.get("sources", {})
    if not sources:
        return []
    hub = {s["name"]: s for s in _hub_sources(version)}
    rows = []
    for name, src in sources.items():
        files = src.get("files", [])
        where = f"`{src.get('uri', '')}`"
        if name in hub:
            h = hub[name]
            where = f"[{h['repo']}](https://huggingface.co/datasets/{h['repo']}) at revision `{h['rev']}`" + (
                f", `{h['path']}`" if h["path"] else "")
        size = sum(int(f.get("bytes", 0)) for f in files)
        rows.append([f"`{name}`", where, len(files), f"{size:,}", f"`{str(src.get('fingerprint', ''))[:16]}`"])
    out = ["", "### Sources", "", md_table(["source", "dataset", "files", "bytes", "fingerprint"], rows)]
    if "input" in sources and "input" not in hub:
        out += ["", "The input was read from local files, not from a Hub revision: only the fingerprint (sha256 "
                "over the files' bytes) identifies it."]
    return out


def _params_section(version: Version) -> list[str]:
    params = version.params
    if not params:
        return []
    rows = [[f"`{k}`", f"`{json.dumps(v, ensure_ascii=False)}`"] for k, v in sorted(params.items())]
    return ["", "### Parameters", "", md_table(["param", "value"], rows)]


def _steps_section(version: Version) -> list[str]:
    steps = version.manifest.get("steps", [])
    if not steps:
        return []
    rows = [
        [f"`{s.get('name')}`", s.get("kind", ""), f"`{str(s.get('fingerprint', ''))[:16]}`",
         ", ".join(f"{t} {n:,}" for t, n in s.get("rows", {}).items())]
        for s in steps
    ]
    audits = version.manifest.get("audits", {})
    out = ["", "### Steps", "", md_table(["step", "kind", "fingerprint", "rows out"], rows)]
    if audits:
        out += ["", "Audits (SQL that must return no rows): " + ", ".join(
            f"`{name}` {'passed' if a.get('ok') else 'FAILED'}" for name, a in audits.items())]
    return out


def _drops_section(version: Version) -> list[str]:
    if "dropped" not in version.tables:
        return []
    counts = (
        version.scan("dropped").group_by("reason").agg(pl.len().alias("rows"))
        .sort(["rows", "reason"], descending=[True, False]).collect()
    )
    total = int(counts["rows"].sum()) if counts.height else 0
    intro = (f"{total:,} input records are not in `preferences`; each is in the `dropped` config with its "
             "reason and detail.")
    return ["", "## Dropped records", "", intro, "", md_table(["reason", "records"], [
        [f"`{r}`", f"{n:,}"] for r, n in counts.iter_rows()])] if total else ["", "## Dropped records", "",
                                                                             "No input record was dropped."]


def _decontamination_section(version: Version) -> list[str]:
    out: list[str] = []
    if "benchmark_sets" in version.tables:
        sets = version.scan("benchmark_sets").head(MAX_LISTED_ROWS).collect()
        out += ["Benchmark files the prompts were checked against (config `benchmark_sets` has them in full):", "",
                md_table([f"`{c}`" for c in sets.columns], [[_short(v) for v in r] for r in sets.iter_rows()])]
    if "contamination" in version.tables:
        cols = version.scan("contamination").collect_schema().names()
        keys = [c for c in ("benchmark", "method") if c in cols]
        if keys:
            aggs = [pl.len().alias("matches")]
            if "record_id" in cols:
                aggs.append(pl.col("record_id").n_unique().alias("records"))
            found = version.scan("contamination").group_by(keys).agg(aggs).sort(keys).collect()
            out += ["", "Matches (config `contamination` lists each with its evidence; a matched record is dropped "
                    "with reason `contaminated`):", "",
                    md_table(found.columns, [list(r) for r in found.iter_rows()]) if found.height
                    else "No prompt matched a benchmark item."]
    bench_sources = [n for n in version.manifest.get("sources", {}) if n != "input"]
    if bench_sources and not out:
        out += ["Reference sources used by the pipeline: " + ", ".join(f"`{n}`" for n in bench_sources) + "."]
    if not out:
        out = ["This pipeline has no decontamination step: prompts were not checked against benchmark sets."]
    return ["", "## Decontamination", "", *out]


def _short(value: Any) -> Any:
    """A sha256 shortened for display (the full digest is in the data)."""
    if isinstance(value, str) and re.fullmatch(r"[0-9a-f]{64}", value):
        return value[:16] + "…"
    return value


def _rebuild_section(version: Version) -> list[str]:
    m = version.manifest
    args = [f"notus run {spec_path(version)}"]
    args += [f"--set {k}={_cli_value(v)}" for k, v in sorted(version.params.items())]
    args += [f"--source {n}={s.get('uri')}" for n, s in m.get("sources", {}).items()]
    return [
        "",
        "## Rebuilding",
        "",
        f"With notus {m.get('versions', {}).get('notus', '')} and the same sources (their fingerprints must match "
        "the ones above), this command rebuilds the same version id; `notus show` then lists the same table "
        "digests as `manifest.json`:",
        "",
        "```bash",
        " \\\n    ".join(args),
        "```",
    ]


def spec_path(version: Version) -> str:
    """Where the spec lives in a notus checkout (the manifest may hold the builder's absolute path, which
    means nothing to a reader and should not be published)."""
    recorded = PurePosixPath(str(version.manifest.get("spec_path") or f"pipelines/{version.pipeline}.yaml"))
    if not recorded.is_absolute():
        return str(recorded)
    parts = recorded.parts
    return "/".join(parts[parts.index("pipelines"):]) if "pipelines" in parts else recorded.name


def _cli_value(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return text if re.fullmatch(r"[\w.,:/@+-]*", text) else "'" + text.replace("'", "'\\''") + "'"


def md_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    def cell(value: Any) -> str:
        text = "" if value is None else str(value)
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cell(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
