"""The step contract: what a step declares, what it is handed when it runs, and how a spec finds it.

A step is a SQL file (run by DuckDB, see `execute.py`) or a Python function registered with
`@polars_step`. A Polars step gets its upstream tables as LazyFrames (keyword arguments named after the
tables) and a `StepContext`, and returns a LazyFrame, or a dict of them when it writes several tables. It
declares the columns it needs and the columns it makes; the runner checks both, so a step never has to
defend itself against a missing column. Its fingerprint is the source of its module and of every module
of the same package that module imports.

A spec names a step in one of three ways, looked up in this order:
- a name a package registers in the `notus.steps` entry-point group (see `plugins.py`): how notus' own
  steps and any installed plugin's are found;
- a name registered in this process by importing a module that uses `@polars_step` (tests, notebooks);
- `package.module:function`, a decorated function imported on demand (a project's own step, no packaging).
SQL files shipped inside a package are registered as `SqlStep`s and named by `sql: NAME` in a spec.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl

from notus.core import plugins
from notus.core.errors import PluginError
from notus.core.sources import Source

StepResult = pl.LazyFrame | Mapping[str, pl.LazyFrame]
StepFn = Callable[..., StepResult]
STEP_ATTRIBUTE = "notus_step"  # where @polars_step leaves the PolarsStep on the function it decorates


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

    @property
    def origin(self) -> str:
        return f"{self.fn.__module__}:{self.fn.__qualname__}"

    @functools.cached_property
    def code(self) -> str:
        """Source of the defining module and of the package modules it imports: the step's fingerprint."""
        return code_closure(self.fn.__module__)


@dataclass(frozen=True)
class SqlStep:
    """A SQL file shipped inside a package and registered under a name (`sql: NAME` in a spec)."""

    name: str
    package: str
    resource: str  # path of the file inside the package, e.g. "sql/top_k.sql"

    @property
    def origin(self) -> str:
        return f"{self.package}:{self.resource}"

    def text(self) -> str:
        try:
            return resources.files(self.package).joinpath(self.resource).read_text(encoding="utf-8")
        except (OSError, ModuleNotFoundError) as exc:
            raise PluginError(f"SQL step '{self.name}': cannot read {self.origin}: {exc}") from None


_REGISTRY: dict[str, PolarsStep | SqlStep] = {}  # registrations made in this process, by name


def _register(step: PolarsStep | SqlStep) -> None:
    known = _REGISTRY.get(step.name)
    if known is not None and known.origin != step.origin:
        raise PluginError(f"step name '{step.name}' is registered twice: by {known.origin} and by {step.origin}")
    _REGISTRY[step.name] = step


def polars_step(
    name: str,
    *,
    reads: Mapping[str, Sequence[str]] | None = None,
    writes: Mapping[str, Sequence[str]],
    params: Sequence[str] = (),
    sources: Sequence[str] = (),
) -> Callable[[StepFn], StepFn]:
    """Declare `fn` as the Polars step `name` (the name a spec's `polars:` key uses)."""

    def register(fn: StepFn) -> StepFn:
        step = PolarsStep(
            name=name, fn=fn, reads={t: tuple(c) for t, c in (reads or {}).items()},
            writes={t: tuple(c) for t, c in writes.items()}, params=tuple(params), sources=tuple(sources),
        )
        _register(step)
        setattr(fn, STEP_ATTRIBUTE, step)
        return fn

    return register


def sql_step(name: str, package: str, resource: str) -> SqlStep:
    """Declare a SQL file inside `package` as the step `name`; assign the result to a module attribute
    and point a `notus.steps` entry point at it."""
    step = SqlStep(name=name, package=package, resource=resource)
    _register(step)
    return step


def get_step(name: str) -> PolarsStep | SqlStep | None:
    """The step a spec calls `name`: an installed plugin's, one registered in this process, or a
    `module:function` reference; None if there is none."""
    found = plugins.load(plugins.STEPS_GROUP, name)
    if found is not None:
        plugin, obj = found
        step = obj if isinstance(obj, SqlStep) else getattr(obj, STEP_ATTRIBUTE, None)
        if not isinstance(step, PolarsStep | SqlStep):
            raise PluginError(f"plugin {plugin.describe()} is neither a @polars_step function nor a SqlStep")
        if step.name != name:
            raise PluginError(f"plugin {plugin.describe()} declares its step as '{step.name}', not '{name}'")
        known = _REGISTRY.get(name)
        if known is not None and known.origin != step.origin:
            raise PluginError(f"step name '{name}' is registered twice: by {known.origin} (in this process) "
                              f"and by plugin {plugin.describe()}")
        return step
    if name in _REGISTRY:
        return _REGISTRY[name]
    if ":" not in name:
        return None
    module_name, _, attr = name.partition(":")  # a project's own step, named `package.module:function`
    try:
        fn = getattr(importlib.import_module(module_name), attr, None)
    except ImportError:
        return None
    step = getattr(fn, STEP_ATTRIBUTE, None)
    return step if isinstance(step, PolarsStep) else None


def code_closure(module_name: str) -> str:
    """Source of a module and of every module of the same top-level package it imports, transitively.

    A step's behaviour lives in its helpers too (decontamination's matcher, ingest's SQL), so they all
    enter its fingerprint; the engine (`notus.core`, covered by its fingerprint version) and third-party
    libraries (covered by their versions) do not.
    """
    root = module_name.split(".")[0]
    seen: dict[str, str] = {}
    pending = [module_name]
    while pending:
        name = pending.pop()
        if name in seen or name == f"{root}.core" or name.startswith(f"{root}.core."):
            continue
        try:
            module = importlib.import_module(name)
            source = inspect.getsource(module)
        except (ImportError, OSError, TypeError):
            continue  # `from pkg.mod import function` also queues pkg.mod.function, which is no module
        seen[name] = source
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                pending += [a.name for a in node.names if a.name.startswith(f"{root}.")]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith(f"{root}."):
                pending.append(str(node.module))
                pending += [f"{node.module}.{a.name}" for a in node.names]
    return "\n".join(f"# --- {name}\n{seen[name]}" for name in sorted(seen))
