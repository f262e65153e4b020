"""Load the framework (framework.yaml, surveys/, indicators/) and validate it in one pass.

Every problem in every file is collected with its `path:line` and a stable code; nothing stops at
the first error (the habit of dbt's MetricFlow).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from monitor.errors import Issue, MonitorError, issue
from monitor.framework.checks import cross_check
from monitor.framework.models import Framework, FrameworkSettings, Indicator, Survey
from monitor.framework.params import resolve_param_refs
from monitor.framework.yamlsrc import YamlDoc, read_yaml

PROJECT_ROOT = Path(__file__).resolve().parents[3]

_WHAT = {
    Survey: ("Survey", "Опитувальник"),
    Indicator: ("Indicator", "Індикатор"),
    FrameworkSettings: ("Framework settings", "Налаштування рамки"),
}


def default_root() -> Path:
    env = os.environ.get("MONITOR_FRAMEWORK")
    if env:
        return Path(env)
    cwd = Path.cwd()
    if (cwd / "indicators").is_dir() and (cwd / "surveys").is_dir():
        return cwd
    return PROJECT_ROOT


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        try:
            return str(path.relative_to(root.parent))
        except ValueError:
            return str(path)


def _pydantic_issues(doc: YamlDoc, model: type[BaseModel], exc: ValidationError) -> list[Issue]:
    what, what_uk = _WHAT[model]
    ident = str(doc.data.get("id", Path(doc.path).stem))
    out: list[Issue] = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        kind = error["type"]
        field = ".".join(str(p) for p in loc)
        line = doc.line(loc)
        common: dict[str, Any] = {"what": what, "what_uk": what_uk, "id": ident, "field": field}
        if kind == "catalogue":
            # Raised by a model validator with a code of the catalogue (models.catalogue_error).
            ctx = dict(error.get("ctx") or {})
            code, at = ctx.pop("code"), tuple(ctx.pop("at", ()))
            out.append(issue(code, path=doc.path, line=doc.line(loc + at) or line, **{**common, **ctx}))
        elif loc and loc[-1] in ("uk", "en") and kind in ("missing", "string_too_short"):
            lang = str(loc[-1])
            label_field = ".".join(str(p) for p in loc[:-1])
            out.append(
                issue(
                    "missing-label",
                    path=doc.path,
                    line=line,
                    **{**common, "field": label_field},
                    lang_name="Ukrainian" if lang == "uk" else "English",
                    lang_name_uk="українською" if lang == "uk" else "англійською",
                )
            )
        elif kind == "missing":
            out.append(issue("missing-field", path=doc.path, line=line, **common))
        elif kind == "extra_forbidden":
            out.append(issue("unknown-field", path=doc.path, line=line, **common))
        else:
            value = error.get("input")
            detail = f"has value {value!r}: {error['msg']}"
            detail_uk = f"має значення {value!r}, що не підходить ({error['msg']})"
            out.append(issue("wrong-type", path=doc.path, line=line, detail=detail, detail_uk=detail_uk, **common))
    return out


def _validate(doc: YamlDoc, model: type[BaseModel]) -> tuple[Any, list[Issue]]:
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        return None, _pydantic_issues(doc, model, exc)


def _hash(model: BaseModel) -> str:
    canonical = json.dumps(model.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_framework(root: Path | str | None = None) -> tuple[Framework | None, list[Issue]]:
    """Load and validate everything under root; returns (framework or None, every issue found)."""
    root = Path(root) if root else default_root()
    issues: list[Issue] = []
    if not (root / "indicators").is_dir() or not (root / "surveys").is_dir():
        return None, [issue("no-framework", path=str(root), root=str(root))]

    docs: dict[str, YamlDoc] = {}
    settings: FrameworkSettings | None = None
    settings_path = root / "framework.yaml"
    if settings_path.exists():
        doc, found = read_yaml(settings_path, _display(settings_path, root))
        issues += found
        if doc:
            settings, found = _validate(doc, FrameworkSettings)
            issues += found
            docs["<framework>"] = doc
    else:
        issues.append(issue("no-framework", path=str(settings_path), root=str(root)))

    surveys: dict[str, Survey] = {}
    indicators: dict[str, Indicator] = {}
    sources: dict[str, str] = {}
    for folder, model, target in (("surveys", Survey, surveys), ("indicators", Indicator, indicators)):
        for path in sorted((root / folder).glob("*.y*ml")):
            doc, found = read_yaml(path, _display(path, root))
            issues += found
            if doc is None:
                continue
            obj, found = _validate(doc, model)
            issues += found
            if obj is None:
                continue
            key = f"{folder}:{obj.id}"
            if obj.id in target:
                issues.append(issue("duplicate-id", path=doc.path, line=doc.line(("id",)), id=obj.id, other=sources[key]))
                continue
            if path.stem != obj.id:
                issues.append(issue("file-id-mismatch", path=doc.path, line=doc.line(("id",)), file=path.name, id=obj.id))
            target[obj.id] = obj
            sources[key] = doc.path
            docs[key] = doc

    if settings is not None:
        # Before the cross-checks, so threshold order and ranges are checked on the numbers used.
        indicators = {k: resolve_param_refs(v, settings) for k, v in indicators.items()}
    issues += cross_check(settings, surveys, indicators, docs)
    if settings is None:
        return None, issues
    framework = Framework(
        root=str(root),
        settings=settings,
        surveys=surveys,
        indicators=indicators,
        sources={k.split(":", 1)[1]: v for k, v in sources.items()},
        survey_hashes={k: _hash(v) for k, v in surveys.items()},
        indicator_hashes={k: _hash(v) for k, v in indicators.items()},
    )
    everything = hashlib.sha256()
    for part in (
        _hash(settings),
        *(framework.survey_hashes[k] for k in sorted(surveys)),
        *(framework.indicator_hashes[k] for k in sorted(indicators)),
    ):
        everything.update(part.encode())
    framework.hash = everything.hexdigest()
    return framework, issues


def framework_or_raise(root: Path | str | None = None) -> Framework:
    framework, issues = load_framework(root)
    errors = [i for i in issues if i.level == "error"]
    if framework is None or errors:
        raise MonitorError(errors or issues)
    return framework
