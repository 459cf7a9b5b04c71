"""The `verdicts.apply` step: the verdicts source (a folder of JSONL files) against this input, as the
published `verdicts` table (every line and what became of it) and `verdict_effects` (what the curation
SQL must do, one row per record or completion affected).

WHY a step of its own: the verdicts folder is a pipeline source, so its fingerprint enters the version id
(a new verdict makes a new version; the same verdicts make the same one), and the curation SQL only joins
`verdict_effects`: `completions.sql` (set_score, completion_ok, completion_defective), `excluded.sql`
(drop_record -> dropped with reason `reviewed`), `binarized.sql` (set_pair). With no verdicts the step
reads nothing but the folder listing.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections import defaultdict
from pathlib import Path

import polars as pl

from notus.core.errors import DataError
from notus.core.step import StepContext, polars_step
from notus.verdicts.format import RETRACT, Verdict, VerdictError, read
from notus.verdicts.resolve import APPLIED, INVALID, NOT_IN_INPUT, STALE, Entry, resolve

VERDICTS_SCHEMA: dict[str, pl.DataType] = {
    "file": pl.String(), "line": pl.Int64(), "verdict_id": pl.String(), "action": pl.String(),
    "prompt_id": pl.String(), "completion_index": pl.Int32(), "author": pl.String(), "created_at": pl.String(),
    "made_on": pl.String(), "note": pl.String(), "score": pl.Float64(), "chosen_index": pl.Int32(),
    "rejected_index": pl.Int32(), "judge_model": pl.String(), "judge_rating": pl.Float64(),
    "judge_template_sha256": pl.String(), "retracts": pl.String(), "status": pl.String(), "detail": pl.String(),
    "records": pl.Int64(),
}
EFFECTS_SCHEMA: dict[str, pl.DataType] = {
    "record_id": pl.Int64(), "prompt_id": pl.String(), "completion_index": pl.Int32(), "action": pl.String(),
    "score": pl.Float64(), "chosen_index": pl.Int32(), "rejected_index": pl.Int32(), "note": pl.String(),
    "author": pl.String(), "verdict_id": pl.String(),
}

Key = tuple[str, int]  # (prompt_id, completion_index)


@polars_step(
    "verdicts.apply",
    reads={"prompts": ["record_id", "prompt_id"],
           "responses": ["record_id", "prompt_id", "completion_index", "response"]},
    writes={"verdicts": list(VERDICTS_SCHEMA), "verdict_effects": list(EFFECTS_SCHEMA)},
    sources=("verdicts",),
)
def apply_verdicts(ctx: StepContext, prompts: pl.LazyFrame, responses: pl.LazyFrame) -> dict[str, pl.LazyFrame]:
    """Every verdict line -> its status against this input; the applied ones -> effects."""
    source = ctx.sources["verdicts"]
    entries = list(_entries(source.paths))
    if not entries:
        return {"verdicts": pl.LazyFrame(schema=VERDICTS_SCHEMA),
                "verdict_effects": pl.LazyFrame(schema=EFFECTS_SCHEMA)}
    named = {e.verdict.prompt_id for e in entries if e.verdict}
    records = _records(prompts, named)
    hashes = _hashes(responses, _completion_keys(entries))
    resolve(entries, lambda v: _mismatch(v, records, hashes))
    effects = [row for e in entries if e.status == APPLIED and e.verdict and e.verdict.action != RETRACT
               for row in _effects(e, records, hashes)]
    affected: dict[str, int] = defaultdict(int)
    for row in effects:
        affected[row["verdict_id"]] += 1
    invalid = sum(e.status == INVALID for e in entries)
    if invalid:
        print(f"notus: warning: {invalid} verdict line(s) are not valid verdicts and are ignored "
              "(see the `verdicts` table, status 'invalid')", file=sys.stderr, flush=True)
    table = pl.DataFrame([_row(e, affected) for e in entries], schema=VERDICTS_SCHEMA, orient="row")
    return {"verdicts": table.lazy(), "verdict_effects": pl.DataFrame(effects, schema=EFFECTS_SCHEMA).lazy()}


def _entries(paths: list[str]) -> list[Entry]:
    """Every line of every verdict file, files named relative to the folder that holds them."""
    root = Path(os.path.commonpath([str(Path(p).parent) for p in paths])) if paths else Path()
    out = []
    for path in paths:
        p = Path(path)
        if not p.name.endswith(".jsonl"):
            raise DataError(f"verdicts: {p.name} is not a verdict file (verdicts are .jsonl files)")
        name = p.relative_to(root).as_posix()
        for number, found in read(p):
            if isinstance(found, VerdictError):
                out.append(Entry(name, number, None, INVALID, str(found)))
            else:
                out.append(Entry(name, number, found))
    return out


def _records(prompts: pl.LazyFrame, prompt_ids: set[str]) -> dict[str, list[int]]:
    """prompt_id -> the record_ids that carry it (several when a prompt repeats)."""
    found = (prompts.filter(pl.col("prompt_id").is_in(list(prompt_ids))).select("prompt_id", "record_id")
             .sort("record_id").collect())
    out: dict[str, list[int]] = defaultdict(list)
    for prompt_id, record_id in found.iter_rows():
        out[prompt_id].append(record_id)
    return out


def _completion_keys(entries: list[Entry]) -> set[Key]:
    keys: set[Key] = set()
    for e in entries:
        v = e.verdict
        if v is None:
            continue
        if v.completion_index is not None:
            keys.add((v.prompt_id, v.completion_index))
        if v.action == "set_pair":
            keys |= {(v.prompt_id, v.chosen_index or 0), (v.prompt_id, v.rejected_index or 0)}
    return keys


def _hashes(responses: pl.LazyFrame, keys: set[Key]) -> dict[Key, dict[str, list[int]]]:
    """(prompt_id, index) -> sha256 of the response text -> record_ids, for the completions verdicts name."""
    if not keys:
        return {}
    wanted = pl.LazyFrame({"prompt_id": [k[0] for k in keys], "completion_index": [k[1] for k in keys]},
                          schema={"prompt_id": pl.String, "completion_index": pl.Int32})
    rows = (responses.with_columns(pl.col("completion_index").cast(pl.Int32))
            .join(wanted, on=["prompt_id", "completion_index"], how="semi")
            .select("prompt_id", "completion_index", "record_id", "response").collect())
    out: dict[Key, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for prompt_id, index, record_id, text in rows.iter_rows():
        digest = hashlib.sha256((text or "").encode("utf-8")).hexdigest()
        out[(prompt_id, index)][digest].append(record_id)
    return out


def _mismatch(
    v: Verdict, records: dict[str, list[int]], hashes: dict[Key, dict[str, list[int]]]
) -> tuple[str, str] | None:
    """None if the verdict fits this input, else its status (not_in_input, stale) and why."""
    if v.prompt_id not in records:
        return NOT_IN_INPUT, "no record of this input has this prompt_id"
    named = ([(v.chosen_index, v.chosen_sha256), (v.rejected_index, v.rejected_sha256)] if v.action == "set_pair"
             else [(v.completion_index, v.response_sha256)] if v.completion_index is not None else [])
    for index, digest in named:
        texts = hashes.get((v.prompt_id, int(index or 0)), {})
        if not texts:
            return STALE, f"the record has no completion {index}"
        if digest not in texts:
            return STALE, f"completion {index}'s response text changed since the verdict (sha256 differs)"
    return None


def _effects(
    e: Entry, records: dict[str, list[int]], hashes: dict[Key, dict[str, list[int]]]
) -> list[dict[str, object]]:
    """One row per record the applied verdict acts on (a repeated prompt: each record whose text matches)."""
    v = e.verdict
    assert v is not None
    if v.action == "set_pair":
        chosen = set(hashes[(v.prompt_id, int(v.chosen_index or 0))][v.chosen_sha256 or ""])
        rejected = set(hashes[(v.prompt_id, int(v.rejected_index or 0))][v.rejected_sha256 or ""])
        targets = sorted(chosen & rejected)
    elif v.completion_index is not None:
        targets = sorted(hashes[(v.prompt_id, v.completion_index)][v.response_sha256 or ""])
    else:
        targets = records[v.prompt_id]
    return [{
        "record_id": record_id, "prompt_id": v.prompt_id, "completion_index": v.completion_index,
        "action": v.action, "score": v.score, "chosen_index": v.chosen_index, "rejected_index": v.rejected_index,
        "note": v.note, "author": v.author, "verdict_id": v.verdict_id,
    } for record_id in targets]


def _row(e: Entry, affected: dict[str, int]) -> tuple[object, ...]:
    """The entry as a row of the published `verdicts` table."""
    v = e.verdict
    judge = dict(v.judge or {}) if v else {}
    rating = judge.get("rating")
    return (
        e.file, e.line, v.verdict_id if v else None, v.action if v else None, v.prompt_id if v else None,
        v.completion_index if v else None, v.author if v else None, v.created_at if v else None,
        v.version_id if v else None, v.note if v else None, float(v.score) if v and v.score is not None else None,
        v.chosen_index if v else None, v.rejected_index if v else None, judge.get("model"),
        float(rating) if isinstance(rating, int | float) and not isinstance(rating, bool) else None,
        judge.get("template_sha256"), v.retracts if v else None, e.status, e.detail or None,
        affected.get(v.verdict_id, 0) if v else 0,
    )
