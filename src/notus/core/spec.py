"""Pipeline specs: YAML in, a validated `PipelineSpec` (steps in dependency order) out.

Everything that can be wrong with a spec is found here, before any data is read: unknown step or table,
a cycle, a missing SQL file, a param of the wrong type, two steps writing one table. Each error names the
file and the key. `extends:` lets a pipeline reuse another and override steps by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from notus.core import sqlfile
from notus.core.errors import SpecError, first_line
from notus.core.params import PARAM_TYPES, RULE_KEYS, ParamSpec, Rule, RuleError, infer_type
from notus.core.step import PolarsStep, SqlStep, get_step

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PIPELINE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
TOP_KEYS = {"name", "description", "extends", "params", "sources", "steps", "publish", "audits", "card"}


@dataclass(frozen=True)
class SourceSpec:
    name: str
    candidates: tuple[str, ...]
    doc: str = ""


@dataclass(frozen=True)
class StepSpec:
    name: str
    kind: str  # "sql" | "polars"
    ref: str  # SQL file path (as written) or registered step name
    key: str  # where it is in the spec, for messages
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    params: tuple[str, ...]
    sources: tuple[str, ...]
    code: str  # SQL text or the step module's source: what the fingerprint hashes (SQL: normalised)
    sql_path: Path | None = None
    polars: PolarsStep | None = field(default=None, repr=False)


@dataclass(frozen=True)
class AuditSpec:
    name: str
    path: Path
    sql: str
    reads: tuple[str, ...]
    params: tuple[str, ...]


@dataclass(frozen=True)
class PipelineSpec:
    path: Path
    root: Path
    name: str
    description: str
    params: dict[str, ParamSpec]
    sources: dict[str, SourceSpec]
    steps: tuple[StepSpec, ...]  # in dependency order
    publish: tuple[str, ...]
    audits: tuple[AuditSpec, ...]
    document: dict[str, Any]  # the merged spec, as recorded in the manifest
    text: str  # the YAML text(s) it was read from

    def step(self, name: str) -> StepSpec:
        return next(s for s in self.steps if s.name == name)

    def writer(self, table: str) -> StepSpec:
        return next(s for s in self.steps if table in s.writes)


def load_spec(path: str | Path) -> PipelineSpec:
    """Read, merge (`extends`), validate and order a pipeline spec."""
    path = Path(path)
    if not path.is_file():
        raise SpecError(path, "(file)", "no such pipeline spec")
    document, text = _merged_document(path, seen=())
    root = _project_root(path)
    return _validate(path, root, document, text)


def _project_root(path: Path) -> Path:
    """Paths in a spec are relative to the repository root: the parent of `pipelines/`."""
    folder = path.resolve().parent
    return folder.parent if folder.name == "pipelines" else folder


def _read_yaml(path: Path) -> tuple[dict[str, Any], str]:
    text = path.read_text(encoding="utf-8")
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "(yaml)"
        raise SpecError(path, where, f"invalid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(doc, dict):
        raise SpecError(path, "(top)", "a pipeline spec is a mapping with name, steps, publish")
    unknown = set(doc) - TOP_KEYS
    if unknown:
        raise SpecError(path, sorted(unknown)[0], f"unknown key (allowed: {', '.join(sorted(TOP_KEYS))})")
    return doc, text


def _merged_document(path: Path, seen: tuple[Path, ...]) -> tuple[dict[str, Any], str]:
    doc, text = _read_yaml(path)
    if "extends" not in doc:
        return doc, text
    parent_path = (path.parent / str(doc["extends"])).resolve()
    if parent_path in seen or parent_path == path.resolve():
        raise SpecError(path, "extends", f"circular extends via {parent_path.name}")
    if not parent_path.is_file():
        raise SpecError(path, "extends", f"{doc['extends']} not found")
    parent, parent_text = _merged_document(parent_path, (*seen, path.resolve()))
    merged = dict(parent)
    merged["name"] = doc.get("name", parent.get("name"))
    merged["description"] = doc.get("description", parent.get("description", ""))
    merged["params"] = {**(parent.get("params") or {}), **(doc.get("params") or {})}
    merged["sources"] = {**(parent.get("sources") or {}), **(doc.get("sources") or {})}
    steps = [dict(s) for s in parent.get("steps") or [] if isinstance(s, dict)]
    for child in doc.get("steps") or []:
        name = child.get("name") if isinstance(child, dict) else None
        index = next((i for i, s in enumerate(steps) if s.get("name") == name), None)
        if index is None:
            steps.append(child)
        else:
            steps[index] = child  # override by name, keeping the parent's position
    merged["steps"] = steps
    merged["publish"] = doc.get("publish", parent.get("publish"))
    merged["audits"] = list(dict.fromkeys([*(parent.get("audits") or []), *(doc.get("audits") or [])]))
    merged["card"] = {**(parent.get("card") or {}), **(doc.get("card") or {})}
    merged["extends"] = str(doc["extends"])
    return merged, f"{parent_text}\n# --- extended by {path.name} ---\n{text}"


def _validate(path: Path, root: Path, doc: dict[str, Any], text: str) -> PipelineSpec:
    name = doc.get("name")
    if not isinstance(name, str) or not _PIPELINE_NAME.match(name):
        raise SpecError(path, "name", "required: letters, digits, '-', '_' or '.'")
    card = doc.get("card", {})
    if not isinstance(card, dict) or not all(isinstance(k, str) for k in card):
        raise SpecError(path, "card", "a mapping of facts about the data for whoever publishes it (license, "
                        "citation, tags, ...)")
    params = _params(path, doc.get("params") or {})
    sources = _sources(path, doc.get("sources") or {})
    raw_steps = doc.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise SpecError(path, "steps", "required: a non-empty list of steps")
    steps = [_step(path, root, i, raw, params, sources) for i, raw in enumerate(raw_steps)]
    ordered = _order(path, steps)
    tables = {t for s in ordered for t in s.writes}
    publish = doc.get("publish")
    if not isinstance(publish, list) or not publish or not all(isinstance(t, str) for t in publish):
        raise SpecError(path, "publish", "required: a non-empty list of table names")
    for i, table in enumerate(publish):
        if table not in tables:
            raise SpecError(path, f"publish[{i}]", f"unknown table '{table}' (tables: {', '.join(sorted(tables))})")
    if len(set(publish)) != len(publish):
        raise SpecError(path, "publish", "a table is listed twice")
    audits = tuple(_audit(path, root, i, a, tables, params) for i, a in enumerate(doc.get("audits") or []))
    return PipelineSpec(
        path=path.resolve(), root=root, name=name, description=str(doc.get("description") or ""),
        params=params, sources=sources, steps=tuple(ordered), publish=tuple(publish), audits=audits,
        document=doc, text=text,
    )


def _params(path: Path, raw: Any) -> dict[str, ParamSpec]:
    if not isinstance(raw, dict):
        raise SpecError(path, "params", "a mapping of name -> {type, default, ...} or name -> default")
    out: dict[str, ParamSpec] = {}
    for name, value in raw.items():
        key = f"params.{name}"
        if not isinstance(name, str) or not _NAME.match(name):
            raise SpecError(path, key, "param names are identifiers")
        if isinstance(value, dict):
            unknown = sorted(set(value) - {"type", "default", *RULE_KEYS})
            if unknown:
                raise SpecError(path, f"{key}.{unknown[0]}", f"unknown key (allowed: type, default, "
                                f"{', '.join(RULE_KEYS)})")
            kind = value.get("type") or infer_type(value.get("default"))
            default, doc = value.get("default"), str(value.get("doc", ""))
            try:
                rule = Rule.parse({k: v for k, v in value.items() if k in RULE_KEYS and k != "doc"})
            except RuleError as exc:
                raise SpecError(path, f"{key}.{exc.key}", str(exc).partition(": ")[2]) from None
        else:
            kind, default, doc, rule = infer_type(value), value, "", Rule()
        if kind not in PARAM_TYPES:
            raise SpecError(path, f"{key}.type", f"unknown type {kind!r} (one of {', '.join(PARAM_TYPES)})")
        out[name] = ParamSpec(name=name, type=kind, default=default, doc=doc, rule=rule)
    defaults = {name: p.default for name, p in out.items()}
    for name, param in out.items():
        if param.rule.length_matches is not None and param.rule.length_matches not in out:
            raise SpecError(path, f"params.{name}.length_matches", f"no param '{param.rule.length_matches}'")
        problem = param.check(param.default, defaults)
        if problem is not None:
            raise SpecError(path, f"params.{name}.default", problem)
    return out


def _sources(path: Path, raw: Any) -> dict[str, SourceSpec]:
    if not isinstance(raw, dict):
        raise SpecError(path, "sources", "a mapping of name -> {default: URI or [URI, ...]}")
    out: dict[str, SourceSpec] = {}
    for name, value in raw.items():
        key = f"sources.{name}"
        if not isinstance(name, str) or not _NAME.match(name):
            raise SpecError(path, key, "source names are identifiers")
        value = value if isinstance(value, dict) else {"default": value}
        default = value.get("default")
        candidates = [default] if isinstance(default, str) else default
        if not isinstance(candidates, list) or not all(isinstance(c, str) for c in candidates):
            raise SpecError(path, f"{key}.default", "a URI or a list of candidate URIs")
        out[name] = SourceSpec(name=name, candidates=tuple(candidates), doc=str(value.get("doc", "")))
    return out


def _step(
    path: Path, root: Path, index: int, raw: Any, params: dict[str, ParamSpec], sources: dict[str, SourceSpec]
) -> StepSpec:
    key = f"steps[{index}]"
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not _NAME.match(raw["name"]):
        raise SpecError(path, f"{key}.name", "each step needs a name (an identifier)")
    name = raw["name"]
    key = f"steps[{index}] ({name})"
    unknown = set(raw) - {"name", "sql", "polars", "table", "doc"}
    if unknown:
        raise SpecError(path, f"{key}.{sorted(unknown)[0]}", "unknown key (allowed: name, sql, polars, table, doc)")
    if ("sql" in raw) == ("polars" in raw):
        raise SpecError(path, key, "a step has exactly one of `sql:` or `polars:`")
    if "sql" in raw:
        return _sql_step(path, root, key, name, raw, params, sources)
    registered = get_step(str(raw["polars"]))
    if registered is None:
        raise SpecError(path, f"{key}.polars", f"unknown step '{raw['polars']}' (no installed plugin or "
                        "module:function registers it; see `notus plugins`)")
    if isinstance(registered, SqlStep):
        raise SpecError(path, f"{key}.polars", f"'{raw['polars']}' is a SQL step: write `sql: {raw['polars']}`")
    for p in registered.params:
        if p not in params:
            raise SpecError(path, f"{key}.polars", f"step '{registered.name}' needs param '{p}', not declared")
    for s in registered.sources:
        if s not in sources:
            raise SpecError(path, f"{key}.polars", f"step '{registered.name}' reads source '{s}', not declared")
    return StepSpec(
        name=name, kind="polars", ref=registered.name, key=key, reads=tuple(registered.reads),
        writes=tuple(registered.writes), params=registered.params, sources=registered.sources,
        code=registered.code, polars=registered,
    )


def _sql_step(
    path: Path, root: Path, key: str, name: str, raw: dict[str, Any], params: dict[str, ParamSpec],
    sources: dict[str, SourceSpec],
) -> StepSpec:
    """`sql: path/to/file.sql` (relative to the project root) or `sql: NAME`, a SQL file a plugin ships."""
    ref = str(raw["sql"])
    sql_path: Path | None = None
    if ref.endswith(".sql"):
        sql_path = root / ref
        if not sql_path.is_file():
            raise SpecError(path, f"{key}.sql", f"SQL file {ref} not found (relative to {root})")
        code = sql_path.read_text(encoding="utf-8")
    else:
        registered = get_step(ref)
        if not isinstance(registered, SqlStep):
            what = "a Polars step: write `polars: " + ref + "`" if registered else "not a SQL file (*.sql) or a " \
                "registered SQL step"
            raise SpecError(path, f"{key}.sql", f"'{ref}' is {what}")
        code = registered.text()
    try:
        reads = sqlfile.read_tables(code)
    except sqlfile.SqlSyntaxError as exc:
        raise SpecError(path, f"{key}.sql", f"{ref}: {first_line(exc)}") from None
    used = sqlfile.used_params(code)
    for p in used:
        if p not in params:
            raise SpecError(path, f"{key}.sql", f"{ref} uses ${p}, which is not a declared param")
    used_sources = sqlfile.used_sources(code)
    for s in used_sources:
        if s not in sources:
            raise SpecError(path, f"{key}.sql", f"{ref} reads source '{s}', which is not declared")
    table = str(raw.get("table", name))
    return StepSpec(
        name=name, kind="sql", ref=ref, key=key, reads=tuple(sorted(reads)), writes=(table,),
        params=tuple(used), sources=tuple(used_sources), code=code, sql_path=sql_path,
    )


def _order(path: Path, steps: list[StepSpec]) -> list[StepSpec]:
    """Topological order (stable in spec order); checks unknown and duplicate tables, and cycles."""
    writer: dict[str, StepSpec] = {}
    names: set[str] = set()
    for step in steps:
        if step.name in names:
            raise SpecError(path, step.key, f"duplicate step name '{step.name}'")
        names.add(step.name)
        for table in step.writes:
            if table in writer:
                raise SpecError(path, step.key, f"table '{table}' is also written by step '{writer[table].name}'")
            writer[table] = step
    for step in steps:
        for table in step.reads:
            if table not in writer:
                raise SpecError(path, step.key, f"reads unknown table '{table}'")
    deps = {s.name: {writer[t].name for t in s.reads} for s in steps}
    done: list[StepSpec] = []
    remaining = list(steps)
    while remaining:
        ready = [s for s in remaining if deps[s.name] <= {d.name for d in done}]
        if not ready:
            raise SpecError(path, "steps", f"cycle between steps: {' -> '.join(_cycle(deps))}")
        done.append(ready[0])
        remaining.remove(ready[0])
    return done


def _cycle(deps: dict[str, set[str]]) -> list[str]:
    for start in deps:
        trail, node = [start], start
        while deps[node]:
            node = sorted(deps[node])[0]
            if node in trail:
                return [*trail[trail.index(node):], node]
            trail.append(node)
    return sorted(deps)


def _audit(
    path: Path, root: Path, index: int, raw: Any, tables: set[str], params: dict[str, ParamSpec]
) -> AuditSpec:
    key = f"audits[{index}]"
    if not isinstance(raw, str):
        raise SpecError(path, key, "an audit is the path of a SQL file")
    audit_path = root / raw
    if not audit_path.is_file():
        raise SpecError(path, key, f"SQL file {raw} not found (relative to {root})")
    sql = audit_path.read_text(encoding="utf-8")
    try:
        reads = sqlfile.read_tables(sql)
    except sqlfile.SqlSyntaxError as exc:
        raise SpecError(path, key, f"{raw}: {first_line(exc)}") from None
    for table in sorted(reads):
        if table not in tables:
            raise SpecError(path, key, f"{raw} reads unknown table '{table}'")
    used = sqlfile.used_params(sql)
    for p in used:
        if p not in params:
            raise SpecError(path, key, f"{raw} uses ${p}, which is not a declared param")
    return AuditSpec(name=audit_path.stem, path=audit_path, sql=sql, reads=tuple(sorted(reads)), params=tuple(used))
