"""`notus sample`: synthetic openbmb/UltraFeedback data with the real data's quirks and known defects.

WHY: the pipelines must run (and be tested) without the 64k-prompt dataset or a network, and their
defect detection and decontamination must be measured against a known answer. So this writes data shaped
like the raw release — record schema, source mix, 17 models, string ratings, "N/A", `Type` "None", both
annotation shapes, missing `fine-grained_score`, 0-3 completions, duplicates, non-ASCII text — with each
deliberate defect or trap listed in a ground-truth table. Same (prompts, seed, options) -> byte-identical
files; the records depend neither on --shards (it only moves file boundaries) nor on --jobs (each record
is a function of the seed and its record_id alone, so worker processes can build chunks in any order).

Layout written under OUT:
- ultrafeedback/part-00000.<jsonl|json|parquet> ...: the records; record_id = 0-based ordinal over the
  sorted files, then lines (the order written).
- truth.parquet: one row per planted thing — record_id, completion_index (NULL for record-level kinds),
  kind, detail, true_overall_score (the critique score before the 1->10 parser bug; NULL for
  record-level kinds), item (the benchmark text, for contamination kinds), origin ("synthetic" or the
  benchmark folder the item came from).
- benchmarks/: the synthetic benchmark set (TruthfulQA.csv, alpaca_eval_805_instructions.jsonl,
  mt_bench_question.jsonl, vicuna_bench_question.jsonl), written when it was planted from.
- sample.json: the parameters, files, record and completion counts, and truth counts per kind.

Truth kinds:
- score_defect (completion): overall_score stored as 10 although the critique's own score was 1 (the
  upstream `score if score > 1 else 10 * score` bug); the critique is damning. detail: `low_ratings`
  (aspect mean <= 2), `na_ratings` (all four ratings "N/A"), `disagreeing_ratings` (mean > 2). ~1 % of
  completions. true_overall_score = 1.0. Every completion with overall_score 10 and a damning critique is
  one of these; no other completion has a true critique score of 1.
- good_top_score (completion): a genuine overall_score of 9-10 with a positive critique and high ratings
  (mean >= 4). Genuine tens are rare (~0.3 % of completions), as in the real data.
- tricky_positive (completion): a genuine overall_score of 9-10 whose positive critique contains negated
  or softened fault words ("no errors", "not incorrect", "could be slightly more concise, but excellent").
- low_score_negative (completion): a damning critique with a correctly low overall_score (2-3) and low
  ratings: negative text alone is not the defect.
- few_completions (record): fewer than 4 completions; detail = the count (0-3).
- duplicate_prompt (record): the instruction equals that of an earlier record; detail `of:<record_id>`
  of its first occurrence. Computed from the texts written, so it is exact (planted repeats, TruthfulQA
  questions drawn twice, identical benchmark copies, chance repeats of short prompts alike): ~2.7 % of
  64k prompts, more at 640k where the TruthfulQA questions and template pools repeat.
- duplicate_record (record): the whole record equals an earlier one byte for byte; detail
  `of:<record_id>`. Such a record also has a duplicate_prompt row and repeats the completion-level rows
  of its original.
- contamination (record): the prompt holds a benchmark item; detail `<benchmark>:<variant>` with
  benchmark in truthfulqa | alpaca_eval | mt_bench | vicuna_bench and variant in exact | case |
  punctuation | whitespace | unicode | embedded, or `truthfulqa:source` for every truthful_qa-subset
  record (its prompt is a TruthfulQA question verbatim; with no TruthfulQA set to draw from there is no
  truthful_qa subset). ~0.5 % of the other prompts carry a copy (--contamination-rate).
- contamination_control (record): a near miss sharing only a run of 2-4 consecutive words (at most half
  the item; a template word beside it may add one) with the item named; detail `<benchmark>:control`. As
  many as planted copies. It must NOT be flagged.

In Parquet (--format parquet) the annotations are always the struct shape and `Type` "None" is an empty
list, since one file has one schema; JSON and JSON lines keep both quirks.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import multiprocessing
import os
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from notus import __version__
from notus.core.errors import UsageError
from notus.sample import benchmarks as bench
from notus.sample.benchmarks import BenchmarkItem
from notus.sample.compact import shorten
from notus.sample.plan import DUP_RECORD, make_plan
from notus.sample.records import RecordBuilder, TruthRow
from notus.sample.writers import FORMATS, Payload, ShardWriter, TruthWriter, encode_chunk

DEFAULT_CONTAMINATION_RATE = 0.005
CHUNK = 1000  # records per chunk: the unit of work of a worker, and all a worker holds in memory
PARALLEL_FROM = 20_000  # below this many prompts, starting worker processes costs more than it saves


@dataclass(frozen=True)
class SampleResult:
    """What a run wrote."""

    out: Path
    record_files: tuple[Path, ...]
    truth: Path
    benchmark_files: tuple[Path, ...]
    summary: Path
    records: int
    completions: int
    truth_counts: dict[str, int]

    @property
    def paths(self) -> list[Path]:
        return [*self.record_files, self.truth, *self.benchmark_files, self.summary]


@dataclass(frozen=True)
class _Settings:
    """Everything a record depends on; a worker process rebuilds the generator from this alone."""

    prompts: int
    seed: int
    fmt: str
    benchmark_dirs: tuple[Path, ...]
    synthetic: bool
    contamination_rate: float
    short_records: bool = False


@dataclass(frozen=True)
class _Chunk:
    payload: Payload
    count: int
    completions: int
    prompt_keys: list[bytes]
    rows: list[list[TruthRow]]  # per record


def _check(prompts: int, seed: int, fmt: str, shards: int, rate: float, jobs: int) -> None:
    if prompts < 1:
        raise UsageError(f"--prompts must be at least 1 (got {prompts})")
    if seed < 0:
        raise UsageError(f"--seed must be a non-negative integer (got {seed})")
    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)} (got {fmt!r})")
    if not 1 <= shards <= prompts:
        raise UsageError(f"--shards must be between 1 and --prompts ({prompts}) (got {shards})")
    if not 0.0 <= rate <= 0.2:
        raise UsageError(f"--contamination-rate must be between 0 and 0.2 (got {rate})")
    if jobs < 0:
        raise UsageError(f"--jobs must be 0 (automatic) or more (got {jobs})")


def _benchmarks(dirs: Sequence[Path], synthetic: bool) -> dict[str, tuple[BenchmarkItem, ...]]:
    merged: dict[str, list[BenchmarkItem]] = {}
    sets = [bench.synthetic_items()] if synthetic else []
    sets += [bench.read_folder(Path(d)) for d in dirs]
    for items in sets:
        for name, values in items.items():
            merged.setdefault(name, []).extend(values)
    if not merged:
        raise UsageError("no benchmark set to plant from: give --benchmarks DIR or keep the synthetic set")
    return {name: tuple(values) for name, values in sorted(merged.items())}


def _builder(settings: _Settings) -> RecordBuilder:
    benchmarks = _benchmarks(settings.benchmark_dirs, settings.synthetic)
    tqa_items = benchmarks.get("truthfulqa", ())
    plan = make_plan(settings.prompts, settings.seed, len(tqa_items), settings.contamination_rate)
    return RecordBuilder(settings.seed, plan, benchmarks, tqa_items)


def _make_chunk(builder: RecordBuilder, settings: _Settings, start: int, stop: int) -> _Chunk:
    records, rows, keys, completions = [], [], [], 0
    for rid in range(start, stop):
        record, record_rows = builder.build(rid)
        if settings.short_records:
            record = shorten(record)
        records.append(record)
        rows.append(record_rows)
        keys.append(hashlib.blake2b(record["instruction"].encode("utf-8"), digest_size=12).digest())
        completions += len(record["completions"])
    return _Chunk(encode_chunk(records, settings.fmt), len(records), completions, keys, rows)


_WORKER: tuple[RecordBuilder, _Settings] | None = None


def _worker_init(settings: _Settings) -> None:
    global _WORKER
    _WORKER = (_builder(settings), settings)


def _worker_chunk(bounds: tuple[int, int]) -> _Chunk:
    assert _WORKER is not None
    return _make_chunk(_WORKER[0], _WORKER[1], *bounds)


def _chunks(settings: _Settings, builder: RecordBuilder, tasks: list[tuple[int, int]],
            jobs: int) -> Iterator[_Chunk]:
    """The chunks in record order, made here or by `jobs` worker processes; a record depends only on
    (settings, record_id), so the bytes are the same either way. At most 2 * jobs chunks are in flight,
    which bounds memory however many records there are."""
    if jobs <= 1:
        for start, stop in tasks:
            yield _make_chunk(builder, settings, start, stop)
        return
    context = multiprocessing.get_context("spawn")  # no inherited state: workers rebuild from settings
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_worker_init,
                             initargs=(settings,)) as pool:
        pending: deque[Future[_Chunk]] = deque()
        queue = iter(tasks)
        for bounds in itertools.islice(queue, 2 * jobs):
            pending.append(pool.submit(_worker_chunk, bounds))
        while pending:
            chunk = pending.popleft().result()
            bounds = next(queue, None)
            if bounds is not None:
                pending.append(pool.submit(_worker_chunk, bounds))
            yield chunk


def _auto_jobs(prompts: int) -> int:
    """Workers for --jobs 0: none for small samples or with fewer than 4 usable CPUs (the parent encodes and
    writes too, so on 2 CPUs workers only add copying), else one per spare CPU, at most 8."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if prompts < PARALLEL_FROM or cpus < 4:
        return 1
    return min(cpus - 1, 8)


def _clean(folder: Path, names: Sequence[str]) -> None:
    """Remove what an earlier run left that this run would not overwrite (other shard counts/formats)."""
    for pattern in names:
        for stale in folder.glob(pattern):
            if stale.is_file():
                stale.unlink()


def write_sample(
    out: Path | str,
    prompts: int,
    seed: int,
    fmt: str = "jsonl",
    shards: int = 1,
    benchmark_dirs: Sequence[Path | str] = (),
    synthetic_benchmarks: bool | None = None,
    contamination_rate: float = DEFAULT_CONTAMINATION_RATE,
    jobs: int = 0,
    short_records: bool = False,
) -> SampleResult:
    """Write a synthetic sample under `out` (layout in the module docstring).

    `benchmark_dirs` are folders laid out like ../shared/data/benchmarks whose items are planted (and
    whose TruthfulQA questions become the truthful_qa subset); the synthetic set is planted too when
    `synthetic_benchmarks` is true, which is the default only when no folder is given. `jobs` worker
    processes build the records (0: automatic, see `_auto_jobs`); the output does not depend on it.
    `short_records` writes the short-record shape (`notus.sample.compact`).
    """
    out = Path(out)
    _check(prompts, seed, fmt, shards, contamination_rate, jobs)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a folder")
    dirs = tuple(Path(d) for d in benchmark_dirs)
    synthetic = not dirs if synthetic_benchmarks is None else synthetic_benchmarks
    settings = _Settings(prompts, seed, fmt, dirs, synthetic, contamination_rate, short_records)
    builder = _builder(settings)
    if jobs == 0:
        jobs = _auto_jobs(prompts)

    records_dir = out / "ultrafeedback"
    records_dir.mkdir(parents=True, exist_ok=True)
    _clean(records_dir, [f"part-*.{f}" for f in FORMATS] + [f"part-*.{f}.tmp" for f in FORMATS])
    bench_dir = out / "benchmarks"
    if synthetic:
        benchmark_files = tuple(bench.write_synthetic(bench_dir))
    else:
        benchmark_files = ()
        if bench_dir.is_dir():
            _clean(bench_dir, list(bench.FILE_NAMES.values()))

    bounds = [(k * prompts // shards, (k + 1) * prompts // shards) for k in range(shards)]
    tasks = [(start, min(hi, start + CHUNK)) for lo, hi in bounds for start in range(lo, hi, CHUNK)]
    writers = [ShardWriter(records_dir / f"part-{k:05d}.{fmt}", fmt) for k in range(shards)]
    truth = TruthWriter(out / "truth.parquet")
    plan = builder.plan
    first_seen: dict[bytes, int] = {}
    completions = 0
    shard = 0
    for (start, _stop), chunk in zip(tasks, _chunks(settings, builder, tasks, jobs), strict=True):
        while start >= bounds[shard][1]:
            shard += 1
        writers[shard].write(chunk.payload, chunk.count)
        completions += chunk.completions
        rows: list[TruthRow] = []
        for offset, (key, record_rows) in enumerate(zip(chunk.prompt_keys, chunk.rows, strict=True)):
            rid = start + offset
            first = first_seen.setdefault(key, rid)
            if first != rid:
                rows.append(TruthRow(rid, None, "duplicate_prompt", f"of:{first}"))
            if plan.role[rid] == DUP_RECORD:
                rows.append(TruthRow(rid, None, "duplicate_record", f"of:{int(plan.target[rid])}"))
            rows.extend(record_rows)
        truth.write(rows)
    record_files = tuple(writer.close() for writer in writers)
    truth_path = truth.close()

    summary = out / "sample.json"
    counts = dict(sorted(truth.counts.items()))
    info = {
        "generator": f"notus {__version__} sample",
        "synthetic": True,
        "prompts": prompts,
        "seed": seed,
        "format": fmt,
        "shards": shards,
        "contamination_rate": contamination_rate,
        "short_records": short_records,
        "benchmarks": sorted({i.origin for items in builder.benchmarks.values() for i in items}),
        "benchmark_items": {name: len(items) for name, items in builder.benchmarks.items()},
        "records": prompts,
        "completions": completions,
        "truth_counts": counts,
        "files": {str(p.relative_to(out)): p.stat().st_size for p in [*record_files, truth_path, *benchmark_files]},
    }
    summary.write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return SampleResult(out, record_files, truth_path, benchmark_files, summary, prompts, completions, counts)
