"""The layering of ARCHITECTURE.md, checked: every `import` in src/notus (at any depth, inside functions
too) goes from a layer to one it may use. A new package must be placed in a layer here before it can
import anything, so the map in ARCHITECTURE.md and this table stay one."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support.paths import REPO

SRC = REPO / "src"

# layer -> the packages in it
LAYERS: dict[str, tuple[str, ...]] = {
    "core": ("notus.core",),
    "plugin": ("notus.ingest", "notus.hub", "notus.verdicts", "notus.ultrafeedback", "notus.decontamination",
               "notus.sample", "notus.preference"),
    "capability": ("notus.report", "notus.publish", "notus.train", "notus.judge", "notus.review"),
    "command": ("notus.cli", "notus.bench"),
}
# what a package may import besides itself, the package root (`notus`, its version) and the core
SHARED_LIBRARIES = ("notus.ingest", "notus.hub", "notus.verdicts")  # plugin libraries: any plugin may use them
ALLOWED: dict[str, tuple[str, ...]] = {
    "core": (),
    "plugin": SHARED_LIBRARIES,
    # publish talks to the Hub; review and judge write verdicts; versions are read through notus.core.version
    "capability": ("notus.hub", "notus.verdicts"),
    "command": tuple(p for packages in LAYERS.values() for p in packages),
}


def package_of(module: str) -> str:
    for packages in LAYERS.values():
        for package in packages:
            if module == package or module.startswith(package + "."):
                return package
    return module


def layer_of(module: str) -> str | None:
    package = package_of(module)
    return next((layer for layer, packages in LAYERS.items() if package in packages), None)


def module_name(path: Path, src: Path = SRC) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, src: Path = SRC) -> list[tuple[int, str]]:
    """(line, imported notus module) for every import statement of the file."""
    name = module_name(path, src)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "notus"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.split(".")[0] == "notus":
                found.append((node.lineno, target))
    return found


def violations(src: Path = SRC) -> list[str]:
    found = []
    for path in sorted((src / "notus").rglob("*.py")):
        source = module_name(path, src)
        layer = layer_of(source)
        if source == "notus":
            continue
        if layer is None:
            found.append(f"{path.relative_to(src)}: package {package_of(source)} is in no layer "
                         "(tests/test_architecture.py)")
            continue
        own = package_of(source)
        for line, target in imports(path, src):
            if target == "notus" or package_of(target) in (own, "notus.core"):
                continue
            if package_of(target) not in ALLOWED[layer]:
                found.append(f"{path.relative_to(src)}:{line}: {layer} {own} imports {target} "
                             f"({layer_of(target)} layer)")
    return found


def test_every_import_goes_the_way_the_layers_allow() -> None:
    assert violations() == []


def code_words(path: Path) -> set[str]:
    """Identifiers, attribute names and string constants of a module, docstrings and comments left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value) for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }
    words: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            words.add(node.id)
        elif isinstance(node, ast.Attribute):
            words.add(node.attr)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            words.add(node.value)
    return words


def test_the_core_names_no_domain_package() -> None:
    """No import of, and no name or string naming, a domain package or the Hub in notus.core."""
    domain = ("ultrafeedback", "decontamination", "huggingface", "hf_hub", "hf://", "notus.hub", "notus.sample")
    offenders = []
    for path in sorted((SRC / "notus" / "core").rglob("*.py")):
        for line, target in imports(path):
            if not target.startswith("notus.core") and target != "notus":
                offenders.append(f"{path.name}:{line} imports {target}")
        offenders += [f"{path.name} names {word!r}" for word in sorted(code_words(path))
                      if any(term in word.lower() for term in domain)]
    assert offenders == []


def test_the_check_sees_wrong_way_imports(tmp_path: Path) -> None:
    """The checker itself, on a made-up tree: a core module importing a plugin (relative import too), a
    capability importing a curation plugin inside a function, and a package in no layer are reported."""
    (tmp_path / "notus" / "core").mkdir(parents=True)
    (tmp_path / "notus" / "report").mkdir()
    (tmp_path / "notus" / "mystery").mkdir()
    (tmp_path / "notus" / "core" / "probe.py").write_text("from ..ultrafeedback.ingest import step\n")
    (tmp_path / "notus" / "report" / "probe.py").write_text(
        "from notus.core.version import Version\n\ndef f():\n    import notus.decontamination.match\n")
    (tmp_path / "notus" / "mystery" / "x.py").write_text("")
    assert violations(tmp_path) == [
        "notus/core/probe.py:1: core notus.core imports notus.ultrafeedback.ingest (plugin layer)",
        "notus/mystery/x.py: package notus.mystery.x is in no layer (tests/test_architecture.py)",
        "notus/report/probe.py:4: capability notus.report imports notus.decontamination.match (plugin layer)",
    ]
