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


def test_architecture_doc_matches_the_contract() -> None:
    doc = DOC.read_text(encoding="utf-8")
    assert render(doc) == doc, f"docs/architecture.md is stale: {REGENERATE}"


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        DOC.write_text(render(DOC.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        sys.stdout.write(package_map())
