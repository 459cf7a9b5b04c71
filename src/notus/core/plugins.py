"""Plugins: the steps and source schemes that installed packages offer, found through entry points.

WHY entry points: the engine must not name the packages that extend it. notus' own UltraFeedback,
decontamination and Hub code register exactly as a user's package would, in its `pyproject.toml`:

    [project.entry-points."notus.steps"]
    "mypkg.dedupe" = "mypkg.steps:dedupe"        # a function decorated with @polars_step("mypkg.dedupe")
    "mypkg.top_k"  = "mypkg.steps:TOP_K"         # a SqlStep: a SQL file shipped inside the package

    [project.entry-points."notus.sources"]
    "s3" = "mypkg.s3:SCHEME"                     # a SourceScheme: resolves s3://... to a local path

Only the metadata of every plugin is read up front (cheap, no imports); a plugin's module is imported when a
spec names one of its steps or a URI uses its scheme, so one broken plugin cannot stop a pipeline that does
not use it. Two distributions registering one name, and a plugin that fails to import, are `PluginError`s
naming the distribution and the entry point.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from notus.core.errors import PluginError, first_line

STEPS_GROUP = "notus.steps"
SOURCES_GROUP = "notus.sources"


@dataclass(frozen=True)
class Plugin:
    """One entry point: where a name comes from, for messages and `notus plugins`."""

    group: str
    name: str
    value: str  # "module:attribute"
    distribution: str  # "name version", or "(in process)" for a registration made by importing a module

    def describe(self) -> str:
        return f"'{self.name}' ({self.group} entry point {self.value} of {self.distribution})"


@dataclass(frozen=True)
class SourceScheme:
    """A URI scheme a source may use (`hf://...`): `resolve` turns the URI into a local file or folder,
    which the engine then fingerprints like any other; `available` says whether it can be used right now
    (a remote scheme is not when its service is switched off), so a spec's list of candidate URIs can fall
    through to the next one."""

    resolve: Callable[[str], Path]
    available: Callable[[], bool] = field(default=lambda: True)
    doc: str = ""


@functools.cache
def installed(group: str) -> dict[str, Plugin]:
    """Every entry point of `group`, by name; raises PluginError if two distributions claim one name."""
    found: dict[str, Plugin] = {}
    for ep in metadata.entry_points(group=group):
        dist = ep.dist
        plugin = Plugin(group, ep.name, ep.value, f"{dist.name} {dist.version}" if dist else "(unknown)")
        other = found.get(ep.name)
        if other is not None and other.value != plugin.value:
            raise PluginError(f"two plugins register {group} name '{ep.name}': {other.describe()} and "
                              f"{plugin.describe()}; uninstall one")
        found[ep.name] = plugin
    return found


def load(group: str, name: str) -> tuple[Plugin, Any] | None:
    """Import the plugin registered as `name` in `group` and return it with the object it points to, or
    None when no plugin has that name."""
    plugin = installed(group).get(name)
    if plugin is None:
        return None
    return plugin, _load(plugin)


@functools.cache
def _load(plugin: Plugin) -> Any:
    module, _, attr = plugin.value.partition(":")
    try:
        obj: Any = __import__(module, fromlist=["_"])
        for part in attr.split(".") if attr else ():
            obj = getattr(obj, part)
    except PluginError:
        raise
    except Exception as exc:  # ImportError, a syntax error, an exception raised by the module: all the same
        raise PluginError(f"plugin {plugin.describe()} failed to import: {type(exc).__name__}: "
                          f"{first_line(exc)}") from exc
    return obj


def clear_cache() -> None:
    """Forget what was discovered (for tests that install or remove a plugin in-process)."""
    installed.cache_clear()
    _load.cache_clear()
