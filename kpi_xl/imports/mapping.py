"""The declarative import mapping: a TOML file saying how one export format becomes kpi_xl tables.

The format is documented in ``docs/imports.md``; the bundled examples are in
``kpi_xl/imports/mappings/``. :func:`load_mapping` parses and checks a mapping completely before
any data is read: unknown keys, tables, columns, settings, sources and operators raise
:class:`~kpi_xl.errors.ConfigError` naming the key (``tables.opportunities.columns.stauts``) and
a did-you-mean.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ConfigError, ValidationError
from ..schema import TABLES, table_spec
from ..settings import SETTING_KEYS, Settings
from ..validate import did_you_mean

__all__ = [
    "BUNDLED_DIR",
    "ColumnRule",
    "DropRule",
    "JoinRule",
    "Mapping",
    "SourceSpec",
    "TableMapping",
    "bundled_mappings",
    "load_mapping",
    "resolve_mapping_path",
]

BUNDLED_DIR = Path(__file__).parent / "mappings"

_TOP_KEYS = ("name", "description", "settings", "sources", "tables")
_SOURCE_KEYS = ("file", "encoding", "sep", "sheet", "na_values", "required", "description")
_TABLE_KEYS = ("from", "rows_from", "joins", "drop", "columns", "distinct", "aggregate",
               "if_close_before_created", "description")
_JOIN_KEYS = ("source", "on", "left_on", "right_on", "how", "columns")
_DROP_OPS = ("blank", "startswith", "equals", "in", "matches", "lt", "le", "gt", "ge",
             "duplicate")
_DROP_KEYS = ("reason", "column", "columns", *_DROP_OPS)
_COLUMN_KEYS = ("column", "const", "multiply", "values", "unmapped", "normalize", "default",
                "date", "template", "if_present", "if_blank")
_UNMAPPED = ("keep", "blank", "drop", "error")
_AGG_KEYS = ("by", "sum", "first", "min", "max")
_CLOSE_BEFORE = ("set_created_to_close", "drop", "keep")


@dataclass(frozen=True)
class SourceSpec:
    """One export file: ``file`` is a glob matched against the file names given on import."""

    name: str
    file: str
    encoding: str = "utf-8"
    sep: str = ","
    sheet: str | int | None = None
    na_values: tuple[str, ...] = ("",)
    required: bool = True


@dataclass(frozen=True)
class JoinRule:
    source: str
    left_on: str
    right_on: str
    how: str = "left"
    columns: tuple[str, ...] | None = None  # right-hand columns to bring (default: all)


@dataclass(frozen=True)
class DropRule:
    """Drop the rows matching ``op`` on the source ``column`` (counted under ``reason``)."""

    reason: str
    op: str
    arg: Any
    column: str | None = None
    columns: tuple[str, ...] | None = None  # for duplicate


@dataclass(frozen=True)
class ColumnRule:
    """How one canonical column is filled (see docs/imports.md, "columns")."""

    name: str
    column: str | None = None
    const: Any = None
    multiply: tuple[str, ...] = ()
    values: dict[str, Any] | None = None
    unmapped: str = "keep"
    normalize: dict[str, Any] | None = None
    default: Any = None
    date: str = "auto"
    template: str | None = None
    if_present: Any = None
    if_blank: Any = None

    def source_columns(self) -> tuple[str, ...]:
        return tuple(c for c in ((self.column,) if self.column else ()) + self.multiply)


@dataclass(frozen=True)
class TableMapping:
    table: str
    source: str  # source name, or "@table" for another imported table's output
    columns: dict[str, ColumnRule]
    rows_from: str | None = None
    joins: tuple[JoinRule, ...] = ()
    drops: tuple[DropRule, ...] = ()
    distinct: tuple[str, ...] = ()
    aggregate: dict[str, tuple[str, ...]] | None = None
    if_close_before_created: str = "keep"

    def depends_on(self) -> set[str]:
        deps = set()
        if self.source.startswith("@"):
            deps.add(self.source[1:])
        if self.rows_from:
            deps.add(self.rows_from)
        return deps


@dataclass(frozen=True)
class Mapping:
    """A validated import mapping."""

    name: str
    path: Path | None
    settings_values: dict[str, str]
    settings: Settings
    sources: dict[str, SourceSpec]
    tables: dict[str, TableMapping]
    description: str = ""
    order: tuple[str, ...] = field(default=())  # tables in dependency order

    def settings_frame(self, locale: str | None = None) -> pd.DataFrame:
        """The Settings table rows (key/value) this mapping sets (plus ``locale`` if given)."""
        values = dict(self.settings_values)
        if locale:
            values["locale"] = locale
        return pd.DataFrame({"key": list(values), "value": list(values.values())},
                            dtype=object)


def bundled_mappings() -> dict[str, Path]:
    """The mappings shipped with kpi_xl: stem → path (``maven_crm``, ``generic_csv`` …)."""
    return {p.stem: p for p in sorted(BUNDLED_DIR.glob("*.toml"))}


def resolve_mapping_path(spec: str | Path) -> Path:
    """A mapping file path, or the name of a bundled mapping (``maven_crm``)."""
    p = Path(spec)
    if p.exists():
        return p
    bundled = bundled_mappings()
    if str(spec) in bundled:
        return bundled[str(spec)]
    if p.suffix == "" and p.with_suffix(".toml").exists():
        return p.with_suffix(".toml")
    raise ConfigError(f"no mapping file {str(spec)!r}: give a path to a .toml mapping or a "
                      f"bundled mapping name — {did_you_mean(p.stem, list(bundled))}")


# --------------------------------------------------------------------------- parsing helpers


def _unknown_keys(where: str, got: dict, allowed: tuple[str, ...]) -> None:
    for k in got:
        if k not in allowed:
            raise ConfigError(f"{where}: unknown key {k!r} — {did_you_mean(k, list(allowed))}")


def _need(where: str, value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    if not isinstance(value, kind):
        raise ConfigError(f"{where}: {what}, not {value!r}")
    return value


def _str_list(where: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"{where}: expected a column name or a list of column names, "
                      f"not {value!r}")


def _settings(raw: Any) -> tuple[dict[str, str], Settings]:
    if raw is None:
        return {}, Settings()
    _need("settings", raw, dict, "expected a table of key = value")
    values: dict[str, str] = {}
    from ..schema import normalize_header

    fields = sorted(set(SETTING_KEYS.values()))
    for k, v in raw.items():
        if normalize_header(k) not in SETTING_KEYS:
            raise ConfigError(f"settings.{k}: unknown setting — {did_you_mean(k, fields)}")
        if isinstance(v, list):
            v = ",".join(str(x) for x in v)
        values[k] = "" if v is None else str(v)
    frame = pd.DataFrame({"key": list(values), "value": list(values.values())}, dtype=object)
    from ..validate import validate

    try:
        settings = validate({"settings": frame}).settings
    except ValidationError as exc:
        p = exc.problems[0]
        raise ConfigError(f"settings: {p.problem}" + (f" (value {p.value!r})" if p.value else "")
                          + (f" — {p.hint}" if p.hint else "")) from exc
    return values, settings


def _source(name: str, raw: Any) -> SourceSpec:
    where = f"sources.{name}"
    if isinstance(raw, str):
        raw = {"file": raw}
    _need(where, raw, dict, "expected a table with at least file = \"name or glob\"")
    _unknown_keys(where, raw, _SOURCE_KEYS)
    if "file" not in raw:
        raise ConfigError(f"{where}: missing key 'file' (the export's file name or a glob)")
    na = raw.get("na_values", [""])
    return SourceSpec(name=name, file=_need(f"{where}.file", raw["file"], str, "expected text"),
                      encoding=str(raw.get("encoding", "utf-8")), sep=str(raw.get("sep", ",")),
                      sheet=raw.get("sheet"), na_values=tuple(str(x) for x in na),
                      required=bool(raw.get("required", True)))


def _join(where: str, raw: Any, sources: dict[str, SourceSpec]) -> JoinRule:
    _need(where, raw, dict, "expected { source = ..., on = ... }")
    _unknown_keys(where, raw, _JOIN_KEYS)
    src = raw.get("source")
    if src not in sources:
        raise ConfigError(f"{where}.source: unknown source {src!r} — "
                          f"{did_you_mean(src, list(sources))}")
    if "on" in raw:
        left = right = _need(f"{where}.on", raw["on"], str, "expected a column name")
    elif "left_on" in raw and "right_on" in raw:
        left, right = str(raw["left_on"]), str(raw["right_on"])
    else:
        raise ConfigError(f"{where}: give on = \"column\" (or left_on and right_on)")
    how = raw.get("how", "left")
    if how not in ("left", "inner"):
        raise ConfigError(f"{where}.how: 'left' or 'inner', not {how!r}")
    cols = _str_list(f"{where}.columns", raw["columns"]) if "columns" in raw else None
    return JoinRule(src, left, right, how, cols)


def _drop(where: str, raw: Any) -> DropRule:
    _need(where, raw, dict, "expected { reason = ..., column = ..., <operator> = ... }")
    _unknown_keys(where, raw, _DROP_KEYS)
    reason = raw.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise ConfigError(f"{where}: every drop rule needs a reason = \"…\" (it is reported)")
    ops = [k for k in _DROP_OPS if k in raw]
    if len(ops) != 1:
        raise ConfigError(f"{where}: give exactly one operator of {', '.join(_DROP_OPS)} "
                          f"(found {ops or 'none'})")
    op = ops[0]
    arg = raw[op]
    if op == "duplicate":
        cols = _str_list(f"{where}.columns", raw["columns"]) if "columns" in raw else None
        return DropRule(reason, op, bool(arg), None, cols)
    if "column" not in raw:
        raise ConfigError(f"{where}: missing key 'column' (the source column to test)")
    if op in ("lt", "le", "gt", "ge") and not isinstance(arg, (int, float)):
        raise ConfigError(f"{where}.{op}: expected a number, not {arg!r}")
    if op == "in" and not isinstance(arg, list):
        raise ConfigError(f"{where}.in: expected a list of values, not {arg!r}")
    return DropRule(reason, op, arg, str(raw["column"]))


def _column(where: str, name: str, raw: Any, kind: str) -> ColumnRule:
    if isinstance(raw, str):
        return ColumnRule(name=name, column=raw)
    _need(where, raw, dict, "expected a source column name or { column = ... } / "
                            "{ const = ... }")
    _unknown_keys(where, raw, _COLUMN_KEYS)
    given = [k for k in ("column", "const", "multiply") if k in raw]
    if len(given) != 1:
        raise ConfigError(f"{where}: give exactly one of column, const, multiply "
                          f"(found {given or 'none'})")
    unmapped = raw.get("unmapped", "keep")
    if unmapped not in _UNMAPPED:
        raise ConfigError(f"{where}.unmapped: one of {', '.join(_UNMAPPED)}, not {unmapped!r}")
    for key in ("values", "normalize"):
        if key in raw:
            _need(f"{where}.{key}", raw[key], dict, "expected a table \"source value\" = value")
    date = raw.get("date", "auto")
    if "date" in raw and kind != "date":
        raise ConfigError(f"{where}.date: {name!r} is not a date column")
    multiply = _str_list(f"{where}.multiply", raw["multiply"]) if "multiply" in raw else ()
    if multiply and len(multiply) < 2:
        raise ConfigError(f"{where}.multiply: give at least two columns")
    template = raw.get("template")
    if template is not None:
        try:
            str(template).format(value="x" * 40)
        except (KeyError, IndexError, ValueError) as exc:
            raise ConfigError(f"{where}.template: {template!r} is not a format string using "
                              f"{{value}} ({exc})") from exc
    return ColumnRule(name=name, column=raw.get("column"), const=raw.get("const"),
                      multiply=multiply, values=raw.get("values"), unmapped=unmapped,
                      normalize=raw.get("normalize"), default=raw.get("default"), date=str(date),
                      template=template, if_present=raw.get("if_present"),
                      if_blank=raw.get("if_blank"))


def _table(name: str, raw: Any, sources: dict[str, SourceSpec],
           settings: Settings) -> TableMapping:
    where = f"tables.{name}"
    if name == "settings":
        raise ConfigError(f"{where}: settings are given in the [settings] section, not as a "
                          "table")
    if name not in TABLES:
        raise ConfigError(f"{where}: unknown kpi_xl table {name!r} — "
                          f"{did_you_mean(name, [t for t in TABLES if t != 'settings'])}")
    _need(where, raw, dict, "expected a table")
    _unknown_keys(where, raw, _TABLE_KEYS)
    src = raw.get("from")
    if not isinstance(src, str):
        raise ConfigError(f"{where}: missing key 'from' (a source name, or '@table' for "
                          "another imported table)")
    if src.startswith("@"):
        if src[1:] not in TABLES or src[1:] == "settings":
            raise ConfigError(f"{where}.from: unknown table {src!r} — "
                              f"{did_you_mean(src[1:], list(TABLES))}")
    elif src not in sources:
        raise ConfigError(f"{where}.from: unknown source {src!r} — "
                          f"{did_you_mean(src, list(sources))}")
    spec = table_spec(name, settings.stages)
    cols_raw = raw.get("columns")
    _need(f"{where}.columns", cols_raw, dict, "expected a table canonical_column = source")
    columns: dict[str, ColumnRule] = {}
    for cname, craw in cols_raw.items():
        if cname not in spec.column_names:
            raise ConfigError(f"{where}.columns.{cname}: unknown column of {name} — "
                              f"{did_you_mean(cname, spec.column_names)}")
        columns[cname] = _column(f"{where}.columns.{cname}", cname, craw,
                                 spec.column(cname).kind)
    agg = None
    if "aggregate" in raw:
        a = _need(f"{where}.aggregate", raw["aggregate"], dict, "expected a table")
        _unknown_keys(f"{where}.aggregate", a, _AGG_KEYS)
        agg = {k: _str_list(f"{where}.aggregate.{k}", v) for k, v in a.items()}
        if not agg.get("by"):
            raise ConfigError(f"{where}.aggregate: missing key 'by' (the columns that identify "
                              "one aggregated row)")
        for k, cols in agg.items():
            for c in cols:
                if c not in columns:
                    raise ConfigError(f"{where}.aggregate.{k}: {c!r} is not a mapped column — "
                                      f"{did_you_mean(c, list(columns))}")
    for c in spec.columns:
        if c.required and c.name not in columns:
            raise ConfigError(f"{where}.columns: the required column {c.name!r} is not mapped "
                              f"(required in {name}: "
                              f"{', '.join(x.name for x in spec.columns if x.required)})")
    distinct: tuple[str, ...] = ()
    d = raw.get("distinct", False)
    if d is True:
        if not spec.key:
            raise ConfigError(f"{where}.distinct: {name} has no key column; give "
                              "distinct = [\"column\", …]")
        distinct = (spec.key,)
    elif d:
        distinct = _str_list(f"{where}.distinct", d)
        for c in distinct:
            if c not in columns:
                raise ConfigError(f"{where}.distinct: {c!r} is not a mapped column — "
                                  f"{did_you_mean(c, list(columns))}")
    rows_from = raw.get("rows_from")
    if rows_from is not None and rows_from not in TABLES:
        raise ConfigError(f"{where}.rows_from: unknown table {rows_from!r} — "
                          f"{did_you_mean(rows_from, list(TABLES))}")
    joins_raw = raw.get("joins", [])
    _need(f"{where}.joins", joins_raw, list, "expected a list of { source, on }")
    drops_raw = raw.get("drop", [])
    _need(f"{where}.drop", drops_raw, list, "expected a list of drop rules ([[tables.x.drop]])")
    close = raw.get("if_close_before_created", "keep")
    if close not in _CLOSE_BEFORE:
        raise ConfigError(f"{where}.if_close_before_created: one of {', '.join(_CLOSE_BEFORE)},"
                          f" not {close!r}")
    if close != "keep" and name != "opportunities":
        raise ConfigError(f"{where}.if_close_before_created: only for opportunities")
    return TableMapping(
        table=name, source=src, columns=columns, rows_from=rows_from,
        joins=tuple(_join(f"{where}.joins[{i}]", j, sources) for i, j in enumerate(joins_raw)),
        drops=tuple(_drop(f"{where}.drop[{i}]", d) for i, d in enumerate(drops_raw)),
        distinct=distinct, aggregate=agg, if_close_before_created=close)


def _order(tables: dict[str, TableMapping]) -> tuple[str, ...]:
    done: list[str] = []
    pending = dict(tables)
    while pending:
        ready = [n for n, t in pending.items() if t.depends_on() <= set(done)]
        if not ready:
            missing = {n: sorted(t.depends_on() - set(done)) for n, t in pending.items()}
            raise ConfigError(f"tables: circular or missing table dependencies {missing} "
                              "(from = \"@table\" and rows_from need that table mapped)")
        for n in ready:
            done.append(n)
            del pending[n]
    return tuple(done)


def parse_mapping(data: dict, *, path: Path | None = None, name: str | None = None) -> Mapping:
    """A :class:`Mapping` from already-parsed TOML (a dict); see :func:`load_mapping`."""
    _unknown_keys("mapping", data, _TOP_KEYS)
    values, settings = _settings(data.get("settings"))
    src_raw = data.get("sources")
    if not isinstance(src_raw, dict) or not src_raw:
        raise ConfigError("sources: a mapping needs at least one [sources.NAME] with file = …")
    sources = {n: _source(n, r) for n, r in src_raw.items()}
    tab_raw = data.get("tables")
    if not isinstance(tab_raw, dict) or not tab_raw:
        raise ConfigError("tables: a mapping needs at least one [tables.TABLE] "
                          f"(tables: {', '.join(t for t in TABLES if t != 'settings')})")
    tables = {n: _table(n, r, sources, settings) for n, r in tab_raw.items()}
    return Mapping(name=str(data.get("name") or name or (path.stem if path else "mapping")),
                   path=path, settings_values=values, settings=settings, sources=sources,
                   tables=tables, description=str(data.get("description", "")),
                   order=_order(tables))


def load_mapping(path: str | Path) -> Mapping:
    """Read and check a TOML mapping (a path or a bundled mapping name such as ``maven_crm``).

    Raises :class:`ConfigError` naming the offending key, with a did-you-mean, for unknown
    tables, canonical columns, settings, sources, operators and keys, for unmapped required
    columns and for TOML syntax errors.
    """
    p = resolve_mapping_path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p.name}: not valid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"cannot read mapping {p}: {exc}") from exc
    try:
        return parse_mapping(data, path=p)
    except ConfigError as exc:
        raise ConfigError(f"{p.name}: {exc}") from exc
