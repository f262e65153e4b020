"""The layers are code: pyproject.toml's [tool.importlinter] contract holds, and docs/architecture.md's
package map is generated from that contract and the packages themselves.

Regenerate the map after changing the contract, a package's docstring or its `__all__`:

    PYTHONPATH=src python tests/test_architecture.py --write
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "monitor"
DOC = ROOT / "docs" / "architecture.md"
MARKER = re.compile(r"<!-- generated:begin package-map -->\n(?P<body>.*?)<!-- generated:end package-map -->", re.S)
REGENERATE = "regenerate with `PYTHONPATH=src python tests/test_architecture.py --write`"


def contract() -> list[list[str]]:
    """The layers, top first, each a list of sibling package names (relative to `monitor`)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    (layers,) = [c for c in config["contracts"] if c["type"] == "layers"]
    return [[name.strip() for name in layer.split("|")] for layer in layers["layers"]]


def _source(name: str) -> Path:
    package = SRC / name / "__init__.py"
    return package if package.exists() else SRC / f"{name}.py"


def _concept_and_surface(name: str) -> tuple[str, list[str] | None]:
    tree = ast.parse(_source(name).read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree) or ""
    concept = " ".join(doc.split("\n\n")[0].split()) if doc else ""
    surface = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets):
            surface = list(ast.literal_eval(node.value))
    return concept, surface


def package_map() -> str:
    lines = [
        "| layer | package | one concept | public surface (`__all__`) |",
        "|---|---|---|---|",
    ]
    for depth, layer in enumerate(contract(), start=1):
        for name in layer:
            concept, surface = _concept_and_surface(name)
            shown = ", ".join(f"`{s}`" for s in surface) if surface is not None else "— (no `__all__` yet)"
            lines.append(f"| {depth} | `monitor.{name}` | {concept or '(no docstring yet)'} | {shown} |")
    return "\n".join(lines) + "\n"


def render(doc: str) -> str:
    if not MARKER.search(doc):
        raise AssertionError("docs/architecture.md has no package-map markers")
    return MARKER.sub(lambda _: f"<!-- generated:begin package-map -->\n{package_map()}<!-- generated:end package-map -->",
                      doc)


def test_import_contract_holds() -> None:
    """`lint-imports` over this checkout's src (the layers and no cycle inside any package)."""
    lint = Path(sys.executable).with_name("lint-imports")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([str(lint), "--no-cache", "--config", str(ROOT / "pyproject.toml")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    # every declared contract was checked and kept (a contract import-linter skipped would not count)
    assert f"Contracts: {len(config['contracts'])} kept, 0 broken." in done.stdout


def test_every_package_is_in_the_contract() -> None:
    placed = {name for layer in contract() for name in layer}
    present = {p.parent.name for p in SRC.glob("*/__init__.py")} | {p.stem for p in SRC.glob("*.py")} - {"__init__"}
    assert placed == present


def _surfaces() -> dict[str, set[str]]:
    """Each package's `__all__`: the names it publishes, and the modules it publishes whole (store.models)."""
    return {p.parent.name: set(_concept_and_surface(p.parent.name)[1] or ()) for p in SRC.glob("*/__init__.py")}


def surface_breaches() -> list[str]:
    """Imports in src/ (and app.py) that reach into another package past its `__all__`.

    `from monitor.engine import compute` is the surface; `from monitor.engine.compute import compute` is not
    (the module may move), unless the package publishes the module itself (`store`'s `models`).
    """
    surfaces = _surfaces()
    breaches: list[str] = []
    for path in [*sorted(SRC.rglob("*.py")), ROOT / "app.py"]:
        inside = path.relative_to(SRC).parts[0] if path.is_relative_to(SRC) else None
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "monitor":
                targets = [(node.module.split(".")[1:], alias.name) for alias in node.names]
            elif isinstance(node, ast.Import):
                targets = [(a.name.split(".")[1:], None) for a in node.names if a.name.split(".")[0] == "monitor"]
            else:
                continue
            for parts, name in targets:
                if not parts or parts[0] == inside or parts[0] not in surfaces:
                    continue
                public = surfaces[parts[0]]
                through_module = len(parts) > 1 and parts[1] in public
                through_package = len(parts) == 1 and (name is None or name in public)
                if not (through_module or through_package):
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    breaches.append(f"{where}: monitor.{'.'.join(parts)}" + (f" import {name}" if name else ""))
    return breaches


def test_other_packages_use_only_the_public_surface() -> None:
    assert surface_breaches() == []


def test_architecture_doc_matches_the_contract() -> None:
    doc = DOC.read_text(encoding="utf-8")
    assert render(doc) == doc, f"docs/architecture.md is stale: {REGENERATE}"


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        DOC.write_text(render(DOC.read_text(encoding="utf-8")), encoding="utf-8")
    elif sys.argv[1:] == ["--breaches"]:
        sys.stdout.write("\n".join(surface_breaches()) + "\n")
    else:
        sys.stdout.write(package_map())
