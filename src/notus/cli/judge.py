"""`notus judge VERSION_DIR --queue Q --endpoint URL --model M`: an LLM re-rates a review queue's completions.

Progress goes to stderr, the summary to stdout. Exit 0 when every request this run made got an answer (or
with --dry-run / --batch-file), 1 when some got none (the next run asks them again) or the server refused
the job (wrong endpoint, model or key), 2 for a usage mistake.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections import Counter
from pathlib import Path

from notus.core.errors import DataError, UsageError

KEY_VARIABLES = ("NOTUS_JUDGE_API_KEY", "OPENAI_API_KEY")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "judge", help="re-rate a review queue's completions with an LLM (any OpenAI-compatible server) as verdicts",
        description="Ask an LLM judge for a 1-10 rating and a rationale of every completion in a review queue, "
        "with a rubric template, and write the answers as verdicts (set_score, or judge_failed with the raw "
        "answer) to VERDICTS_DIR/judge-<model>.jsonl, which the next build applies. Every answer is cached by "
        "a hash of model, template, messages and sampling params: a rerun sends nothing new, and a run killed "
        "midway resumes where it stopped.")
    p.add_argument("version", help="a version folder (or a pipeline folder / its `latest`)")
    p.add_argument("--queue", default="review_needed",
                   help="review_needed (default; needs a build with repair=true), mismatches, mismatches:<reason>")
    p.add_argument("--model", required=True, help="the model name the server knows (also the verdicts' author)")
    p.add_argument("--endpoint", help="the server's base URL, e.g. http://127.0.0.1:8000/v1 (vLLM), "
                   "http://localhost:11434/v1 (Ollama), https://api.openai.com/v1")
    p.add_argument("--template", type=Path, default=None,
                   help="rubric template (Jinja2 with `system` and `user` blocks; default "
                   "prompts/ultrafeedback-overall.md)")
    p.add_argument("--structured", action="store_true",
                   help="ask for JSON {rating, rationale} through response_format (a JSON schema)")
    p.add_argument("--concurrency", type=int, default=8, help="requests in flight at once (default 8)")
    p.add_argument("--max-requests", type=int, default=None, help="send at most N requests this run")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="print how many requests and estimated tokens; "
                      "send nothing")
    mode.add_argument("--batch-file", type=Path, metavar="FILE",
                      help="write the pending requests as an OpenAI Batch API file (vllm run-batch takes it too)")
    mode.add_argument("--import-batch", type=Path, metavar="RESULTS",
                      help="turn a Batch API results file into verdicts (same --queue, --model, --template and "
                      "sampling options as the batch file)")
    p.add_argument("--temperature", type=float, default=0.0, help="sampling temperature (default 0)")
    p.add_argument("--max-tokens", type=int, default=1024, help="answer length limit per request (default 1024)")
    p.add_argument("--seed", type=int, default=None, help="sampling seed sent to the server (default none)")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for an answer (default 120)")
    p.add_argument("--connect-timeout", type=float, default=10.0, help="seconds to connect (default 10)")
    p.add_argument("--max-attempts", type=int, default=5, help="attempts per request on 429/5xx/timeouts "
                   "(default 5)")
    p.add_argument("--max-wait", type=float, default=300.0,
                   help="the longest Retry-After honoured, seconds (default 300); longer gives the request up")
    p.add_argument("--api-key-env", metavar="NAME", default=None,
                   help=f"environment variable holding the API key (default: {' then '.join(KEY_VARIABLES)}, "
                   "none if unset); the key is sent to --endpoint and never printed or written")
    p.add_argument("--verdicts-dir", type=Path, default=Path("data/verdicts"), help="default data/verdicts")
    p.add_argument("--cache-dir", type=Path, default=Path("data/judge/cache"), help="default data/judge/cache")
    p.set_defaults(func=main)


def api_key(name: str | None) -> str | None:
    if name is not None:
        value = os.environ.get(name)
        if not value:
            raise UsageError(f"--api-key-env {name}: the variable is not set")
        return value
    return next((os.environ[v] for v in KEY_VARIABLES if os.environ.get(v)), None)


def main(args: argparse.Namespace) -> int:
    from notus.core.version import Version
    from notus.judge import messages, prompts
    from notus.judge.client import ClientSettings
    from notus.judge.items import Sampling
    from notus.judge.offline import batch_file, import_batch
    from notus.judge.run import Job, judge

    if not re.match(r"^[^\s:][^\n]{0,199}$", args.model):
        raise UsageError(f"--model {args.model!r}: expected a model name (no leading space or colon, one line, "
                         "at most 200 characters)")
    for name in ("concurrency", "max_tokens"):
        if getattr(args, name) < 1:
            raise UsageError(f"--{name.replace('_', '-')} must be >= 1")
    if args.max_requests is not None and args.max_requests < 0:
        raise UsageError("--max-requests must be >= 0")
    live = not (args.dry_run or args.batch_file or args.import_batch)
    if live and not args.endpoint:
        raise UsageError("--endpoint is required to send requests (or use --dry-run, --batch-file, --import-batch)")
    settings = ClientSettings(args.endpoint, api_key(args.api_key_env), args.connect_timeout, args.timeout,
                              args.max_attempts, max_wait=args.max_wait).check() if live else None
    version = Version.open(args.version)
    version.verify()  # the verdicts name this version: its files must be the ones its manifest describes
    job = Job(version, args.queue, args.model, prompts.load(args.template),
              Sampling(args.temperature, args.max_tokens, args.seed, args.structured), args.verdicts_dir,
              args.cache_dir)
    if args.dry_run:
        _say(messages.dry_run(job, job.plan(), args.max_requests))
        return 0
    if args.batch_file:
        _say(messages.batch_written(job, *batch_file(job, args.batch_file, args.max_requests)))
        return 0
    if args.import_batch:
        imported = import_batch(job, args.import_batch)
        _say(messages.imported(job, imported))
        return 1 if imported.failed else 0
    assert settings is not None
    if warning := messages.plain_http_warning(settings):
        print(warning, file=sys.stderr)
    summary = judge(job, settings, concurrency=args.concurrency, max_requests=args.max_requests,
                    progress=messages.Ticker(sys.stderr))
    _say(messages.judged(job, summary))
    if summary.unanswered:
        reasons = Counter(summary.unanswered).most_common(3)
        raise DataError(f"{len(summary.unanswered)} request(s) got no answer ("
                        + "; ".join(f"{n}× {why}" for why, n in reasons)
                        + "); run the same command again to ask them again")
    return 0


def _say(lines: list[str]) -> None:
    print("\n".join(lines))
