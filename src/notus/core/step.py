"""The step contract: what a Polars step declares, and what it is handed when it runs.

A step is either a SQL file (run by DuckDB, see `sqlstep.py`) or a Python function registered here with
`@polars_step`. A Polars step gets its upstream tables as LazyFrames (keyword arguments named after the
tables) and a `StepContext`, and returns a LazyFrame, or a dict of them when it writes several tables. It
declares the columns it needs and the columns it makes; the runner checks both, so a step never has to
defend itself against a missing column, and the fingerprint of the step is the source of its module.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from notus.core.sources import Source

StepResult = pl.LazyFrame | Mapping[str, pl.LazyFrame]
StepFn = Callable[..., StepResult]

# Modules whose import registers the built-in steps. Listed here rather than discovered so that a spec
# naming an unknown step fails fast and the list of what ships is one grep away.
BUILTIN_STEP_MODULES: tuple[str, ...] = (
    "notus.ultrafeedback.steps",
    "notus.decontamination.steps",
)


@dataclass(frozen=True)
class StepContext:
    """What a running step may use besides its input tables."""

    step: str
    params: Mapping[str, Any]
    sources: Mapping[str, Source]
    workdir: Path  # scratch space inside the step's staging folder
    outputs: Mapping[str, Path]  # table -> where its Parquet file goes

    def output_path(self, table: str) -> Path:
        """Where `table` is stored. A step that streams a table out itself (e.g. a DuckDB COPY) writes it
        here and returns `pl.scan_parquet(ctx.output_path(table))`; the runner then keeps the file as is
        instead of copying it through Polars."""
        return self.outputs[table]


@dataclass(frozen=True)
class PolarsStep:
    """A registered Python step and its column contract."""

    name: str
    fn: StepFn
    reads: Mapping[str, tuple[str, ...]]  # table -> columns it needs
    writes: Mapping[str, tuple[str, ...]]  # table -> columns it makes (at least)
    params: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    code: str = field(default="", repr=False)  # source of the defining module: the step's fingerprint


_REGISTRY: dict[str, PolarsStep] = {}
_loaded = False


def polars_step(
    name: str,
    *,
    reads: Mapping[str, Sequence[str]] | None = None,
    writes: Mapping[str, Sequence[str]],
    params: Sequence[str] = (),
    sources: Sequence[str] = (),
) -> Callable[[StepFn], StepFn]:
    """Register `fn` as the Polars step `name` (the name a spec's `polars:` key uses)."""

    def register(fn: StepFn) -> StepFn:
        module = inspect.getmodule(fn)
        code = _code_closure(module.__name__) if module is not None else inspect.getsource(fn)
        _REGISTRY[name] = PolarsStep(
            name=name,
            fn=fn,
            reads={t: tuple(c) for t, c in (reads or {}).items()},
            writes={t: tuple(c) for t, c in writes.items()},
            params=tuple(params),
            sources=tuple(sources),
            code=code,
        )
        return fn

    return register


def _code_closure(module_name: str) -> str:
    """Source of the step's module and of every project module it imports, transitively.

    A step's behaviour lives in its helpers too (decontamination's matcher, ingest's SQL), so they all
    enter its fingerprint; the engine (`notus.core`) and third-party libraries do not (their versions do).
    """
    root = module_name.split(".")[0]
    seen: dict[str, str] = {}
    pending = [module_name]
    while pending:
        name = pending.pop()
        if name in seen or name.startswith(f"{root}.core"):
            continue
        try:
            module = importlib.import_module(name)
            source = inspect.getsource(module)
        except (ImportError, OSError, TypeError):
            continue
        seen[name] = source
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                pending += [a.name for a in node.names if a.name.startswith(f"{root}.")]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith(f"{root}."):
                pending.append(str(node.module))
                pending += [f"{node.module}.{a.name}" for a in node.names]
    return "\n".join(f"# --- {name}\n{seen[name]}" for name in sorted(seen))


def load_builtin_steps() -> None:
    """Import the modules that register notus' own steps (idempotent)."""
    global _loaded
    if _loaded:
        return
    for module in BUILTIN_STEP_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:  # a module not written yet must not break the others
            if not exc.name or not module.startswith(exc.name):
                raise
    _loaded = True


def get_step(name: str) -> PolarsStep | None:
    """The registered step `name`, loading the built-ins and a `module:function` reference on demand."""
    load_builtin_steps()
    if name in _REGISTRY or ":" not in name:
        return _REGISTRY.get(name)
    module_name, _, attr = name.partition(":")  # a user's own step, named `package.module:function`
    try:
        fn = getattr(importlib.import_module(module_name), attr, None)
    except ImportError:
        return None
    return next((s for s in _REGISTRY.values() if s.fn is fn), None)
