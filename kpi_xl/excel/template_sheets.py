"""The sheets of the input template, written with XlsxWriter: how-to, settings, input tables."""

from __future__ import annotations

import io
import pathlib
from collections.abc import Mapping

import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from ..errors import ConfigError
from ..i18n import text as _text
from ..metric_registry import canonical_metric, metric_def, metric_names
from ..report.cells import looks_like_formula
from ..schema import (
    TABLES,
    ColumnSpec,
    TableSpec,
    activity_label,
    stage_label,
    table_spec,
)
from ..settings import (
    Settings,
)
from ..units import display_width
from ..xlsx.text import TextChanges
from .template_names import (
    ACTIVITY_TYPE_SLOTS,
    BUTTON_CAPTIONS,
    BUTTON_MACRO,
    CONFIG_SHEET,
    CREATED,
    DATE_FORMAT,
    FORMAT_ROWS,
    INPUT_TABLES,
    INT_FORMAT,
    REP_LIST_ROWS,
    TABLE_STYLE,
    UDF_MODULES,
    currency_format,
    howto_sheet_name,
    module_name,
    quickstart_vba_project,
    table_name,
)
from .template_settings import is_missing_value, settings_rows, split_list

__all__ = ['TemplateBuilder', 'TemplateFormats', 'column_format', 'column_width']



# --------------------------------------------------------------------------- the workbook


class TemplateFormats:
    def __init__(self, wb: xlsxwriter.Workbook, currency: str) -> None:
        self.header = wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E78",
                                     "border": 1, "valign": "vcenter"})
        self.list_header = wb.add_format({"bold": True, "bg_color": "#D9D9D9", "border": 1})
        self.date = wb.add_format({"num_format": DATE_FORMAT})
        self.int = wb.add_format({"num_format": INT_FORMAT})
        self.money = wb.add_format({"num_format": currency_format(currency)})
        self.money_cf = wb.add_format({"num_format": currency_format(currency)})
        self.text = wb.add_format({"num_format": "@"})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        self.text_wrap = wb.add_format({"num_format": "@", "text_wrap": True, "valign": "top"})
        self.title = wb.add_format({"bold": True, "font_size": 16})
        self.section = wb.add_format({"bold": True, "font_size": 12, "bottom": 1})
        self.label = wb.add_format({"bold": True, "valign": "top"})
        self.code = wb.add_format({"font_name": "Consolas", "text_wrap": True, "valign": "top"})
        self.quoted_text = wb.add_format({"num_format": "@", "quote_prefix": True})

    def quoted(self, fmt):
        """The format of data text Excel would read as a formula (``=…``): text, quoted."""
        return self.quoted_text


def column_format(spec: TableSpec, col: ColumnSpec, f: TemplateFormats):
    if col.kind == "date":
        return f.date
    if col.kind == "number":
        if col.name == "amount":
            return f.money
        if spec.name == "external" and col.name == "value":
            return None  # outside factors can be prices or indices with decimals
        return f.int  # target: "#,##0" plus the currency on money metrics (conditional format)
    if col.kind == "int":
        return f.int
    if col.kind == "str":
        return f.text  # IDs such as 001 stay text
    return None


def column_width(col: ColumnSpec, label: str, frame: pd.DataFrame | None) -> int:
    width = display_width(label) + 4  # + the filter button
    if col.kind in ("date", "number", "int"):
        width = max(width, 12)
    if frame is not None and col.name in frame.columns and len(frame):
        sample = frame[col.name].head(1000)
        if col.kind == "str":
            longest = max((display_width(v) for v in sample if not is_missing_value(v)), default=0)
            width = max(width, min(longest + 2, 50))
    return max(width, 8)


class TemplateBuilder:
    def __init__(self, path: pathlib.Path, locale: str, macro: bool,
                 data: Mapping[str, pd.DataFrame], settings: Settings) -> None:
        self.path, self.locale, self.macro = path, locale, macro
        self.data, self.settings = data, settings
        self.settings_rows = settings_rows(settings, data.get("settings"), locale)
        effective = {name: value for _, value, _, name in self.settings_rows if name}
        self.currency = effective.get("currency", settings.currency)
        self.activity_types = split_list(effective.get("activity_types", ""))
        self.buffer = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.buffer, {"in_memory": True,
                                                    "strings_to_formulas": False,
                                                  "strings_to_urls": False,
                                                  "strings_to_numbers": False})
        self.f = TemplateFormats(self.wb, self.currency)
        self.sheet_no = 0
        self.changes = TextChanges()

    # -- plumbing
    def add_sheet(self, name: str):
        ws = self.wb.add_worksheet(name)
        self.sheet_no += 1
        if self.macro:
            ws.set_vba_name(f"Sheet{self.sheet_no}")
        return ws

    def t(self, key: str) -> str:
        """The template text ``key`` (``kpi_xl/i18n/*/template.py``) in the book's language."""
        return _text(f"template.{key}", self.locale)

    def label(self, key: str) -> str:
        return stage_label(key, self.locale)

    def metric_labels(self) -> list[str]:
        return [metric_def(n, self.settings).label(self.locale)
                for n in metric_names(self.settings)]

    def money_metric_texts(self) -> list[str]:
        """Metric names and labels (both locales) of the metrics measured in currency."""
        out: list[str] = []
        for n in metric_names(self.settings):
            m = metric_def(n, self.settings)
            if m.unit == "currency":
                out += [t for t in (m.label(self.locale), n) if t not in out]
        return out

    def stage_labels(self) -> list[str]:
        return [self.label(s) for s in self.settings.stages]

    def status_labels(self) -> list[str]:
        return [self.label(s) for s in ("open", "won", "lost")]

    # -- build
    def build(self) -> pathlib.Path:
        wb = self.wb
        wb.set_properties({
            "title": self.t("title"),
            "subject": "kpi_xl input template",
            "author": "kpi_xl",
            "company": "",
            "comments": "Generated by kpi_xl.excel.template.build_template",
            "created": CREATED,
        })
        if self.macro:
            wb.set_vba_name("ThisWorkbook")
        howto = self.add_sheet(howto_sheet_name(self.locale))
        self.settings_sheet()
        for name in INPUT_TABLES:
            self.input_sheet(name)
        self.howto(howto)
        if self.macro:
            self.config_sheet()
            wb.add_vba_project(io.BytesIO(quickstart_vba_project()), is_stream=True)
        howto.activate()
        wb.close()
        return self.path

    def package(self) -> bytes:
        """The workbook built by :meth:`build`, as the bytes of its package."""
        return self.buffer.getvalue()

    def howto(self, ws) -> None:
        t, f = self.t, self.f
        ws.set_column(0, 0, 24)
        ws.set_column(1, 1, 100)
        ws.write_string(0, 0, t("title"), f.title)
        ws.set_row(0, 24)
        row = 2
        ws.write_string(row, 0, t("purpose_h"), f.section)
        ws.merge_range(row + 1, 0, row + 1, 1, "", f.wrap)
        ws.write_string(row + 1, 0, t("purpose"), f.wrap)
        ws.set_row(row + 1, 36)
        row += 3
        ws.write_string(row, 0, t("steps_h"), f.section)
        row += 1
        for i in (1, 2, 3):
            head = t(f"step{i}_head")
            text = t("step3_no_macro") if i == 3 and not self.macro else t(f"step{i}")
            ws.write_string(row, 0, head, f.label)
            ws.write_string(row, 1, text, f.wrap)
            ws.set_row(row, 32)
            row += 1
        if self.macro:
            ws.set_row(row, 36)
            ws.insert_button(row, 1, {"macro": BUTTON_MACRO,
                                      "caption": BUTTON_CAPTIONS[self.locale],
                                      "width": 280, "height": 36})
            row += 1
            ws.write_string(row, 1, t("button_note"), f.wrap)
            ws.set_row(row, 32)
            row += 1
            ws.write_string(row, 1, _text("package.howto_macro_name", self.locale,
                                          module=module_name(self.path) + ".py"), f.wrap)
            ws.set_row(row, 48)
            row += 1
        row += 1
        ws.write_string(row, 0, t("inputs_h"), f.section)
        row += 1
        for name in ("settings", *INPUT_TABLES):
            spec = TABLES[name]
            desc = t(f"table.{name}")
            ws.write_string(row, 0, spec.label(self.locale), f.label)
            ws.write_string(row, 1, desc, f.wrap)
            row += 1
        ws.write_string(row, 0, TABLES["aliases"].label(self.locale), f.label)
        ws.write_string(row, 1, t("aliases"), f.wrap)
        ws.set_row(row, 96)
        row += 2
        ws.write_string(row, 0, t("outputs_h"), f.section)
        row += 1
        for i in (1, 2, 3, 4):
            ws.write_string(row, 0, t(f"output{i}_head"), f.label)
            ws.write_string(row, 1, t(f"output{i}"), f.wrap)
            row += 1
        ws.hide_gridlines(2)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)

    def settings_sheet(self) -> None:
        spec = TABLES["settings"]
        ws = self.add_sheet(spec.label(self.locale))
        f, loc = self.f, self.locale
        headers = (*(c.label(self.locale) for c in spec.columns), self.t("settings_description_h"))
        rows = self.settings_rows
        ws.add_table(0, 0, len(rows), 2, {
            "name": table_name(spec), "style": TABLE_STYLE,
            "columns": [{"header": h, "header_format": f.header} for h in headers],
        })
        for r, (key, value, desc, _) in enumerate(rows, start=1):
            ws.write_string(r, 0, key, f.text)
            ws.write_string(r, 1, value, f.text_wrap)
            ws.write_string(r, 2, desc, f.wrap)
        key_width = max([display_width(h) + 4 for h in headers[:1]]
                        + [display_width(r[0]) + 2 for r in rows])
        ws.set_column(0, 0, min(key_width, 40), f.text)
        ws.set_column(1, 1, 36, f.text_wrap)
        ws.set_column(2, 2, 90, f.wrap)
        ws.freeze_panes(1, 0)

        # Dropdown lists, to the right of the table (column E on).
        sheet = spec.label(loc)
        value_header, key_header = headers[1], headers[0]
        at_key = next(k for k, _, _, n in rows if n == "activity_types")
        tbl = table_name(spec)
        lists: list[tuple[str, list[str] | None]] = [
            ("kpi_activity_types", None),
            ("kpi_statuses", self.status_labels()),
            ("kpi_stages", self.stage_labels()),
            ("kpi_stage_history_stages", [*self.stage_labels(), self.label("lost")]),
            ("kpi_metrics", self.metric_labels()),
        ]
        for i, (name, values) in enumerate(lists):
            col = 4 + i
            header = self.t(f"list.{name}")
            ws.write_string(0, col, header, f.list_header)
            ws.set_column(col, col, max(display_width(header) + 2, 16), f.text)
            if values is None:
                # Split the activity_types setting so the dropdown follows the Settings value.
                # Separators as the reader's: , 、 ， ;
                source = (f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE('
                          f'INDEX({tbl}[{value_header}],MATCH("{at_key}",{tbl}[{key_header}],0)),'
                          f'"、",","),"，",","),";",","),",",REPT(" ",200))')
                for k in range(ACTIVITY_TYPE_SLOTS):
                    cached = self.activity_types[k] if k < len(self.activity_types) else ""
                    ws.write_formula(1 + k, col,
                                     f"=IFERROR(TRIM(MID({source},{k * 200 + 1},200)),\"\")",
                                     f.text, cached)
                n = ACTIVITY_TYPE_SLOTS
            else:
                for k, v in enumerate(values):
                    ws.write_string(1 + k, col, v, f.text)
                n = len(values)
            letter = xl_col_to_name(col)
            self.wb.define_name(name, f"='{sheet}'!${letter}$2:${letter}${n + 1}")
        self.aliases_table(ws, 4 + len(lists) + 1)

    def aliases_table(self, ws, first_col: int) -> None:
        """The alias table (表記ゆれ, ``tblAliases``) right of the dropdown lists: value as typed →
        the value it means, optionally for one column (see :mod:`kpi_xl.validate.aliases`)."""
        spec = TABLES["aliases"]
        f, loc = self.f, self.locale
        frame = self.data.get("aliases")
        rows: list[list[str]] = []
        if frame is not None:
            for r in frame.itertuples(index=False):
                rows.append(["" if is_missing_value(getattr(r, c.name, None)) else
                             str(getattr(r, c.name)) for c in spec.columns])
        headers = [c.label(loc) for c in spec.columns]
        last = first_col + len(headers) - 1
        ws.add_table(0, first_col, max(len(rows), 1), last, {
            "name": table_name(spec), "style": TABLE_STYLE,
            "columns": [{"header": h, "header_format": f.header} for h in headers],
        })
        for r, values in enumerate(rows, start=1):
            for j, v in enumerate(values):
                ws.write_string(r, first_col + j, v, f.text)
        notes = [self.t(f"aliases_note{i}") for i in (1, 2, 3)]
        for j, (h, note) in enumerate(zip(headers, notes, strict=True)):
            ws.set_column(first_col + j, first_col + j, max(display_width(h) + 4, 22), f.text)
            # An input message (shown when the cell is selected) explains each column without
            # a comment's VML part.
            ws.data_validation(0, first_col + j, FORMAT_ROWS, first_col + j, {
                "validate": "any", "input_title": self.t("aliases_h")[:32],
                "input_message": note[:255]})

    def input_sheet(self, name: str) -> None:
        spec = table_spec(name, self.settings.stages)
        frame = self.data.get(name)
        if frame is not None:
            unknown = [c for c in frame.columns if c not in spec.column_names]
            if unknown:
                raise ConfigError(f"data[{name!r}] has unknown columns {unknown}; "
                                  f"the {name} table has {spec.column_names}")
        sheet = spec.label(self.locale)
        ws = self.add_sheet(sheet)
        f = self.f
        n = 0 if frame is None else len(frame)
        cols = spec.columns
        formats = [column_format(spec, c, f) for c in cols]
        labels = [c.label(self.locale) for c in cols]
        ws.add_table(0, 0, max(n, 1), len(cols) - 1, {
            "name": table_name(spec), "style": TABLE_STYLE,
            "columns": [{"header": lab, "header_format": f.header, **({"format": fmt} if fmt
                                                                      else {})}
                        for lab, fmt in zip(labels, formats, strict=True)],
        })
        for i, (c, lab, fmt) in enumerate(zip(cols, labels, formats, strict=True)):
            ws.set_column(i, i, column_width(c, lab, frame), fmt)
        ws.freeze_panes(1, 0)
        if name == "reps":
            # Data validation cannot use structured references: name the column's range.
            letter = xl_col_to_name(spec.column_names.index("rep"))
            last = max(n, REP_LIST_ROWS) + 1
            self.wb.define_name("kpi_reps", f"='{sheet}'!${letter}$2:${letter}${last}")
        if frame is not None:
            for j, c in enumerate(cols):
                if c.name not in frame.columns:
                    continue
                for i, value in enumerate(frame[c.name].tolist(), start=1):
                    self.write_value(ws, i, j, spec, c, value, formats[j])
        self.validations(ws, spec, n)

    def write_value(self, ws, row: int, col: int, spec: TableSpec, c: ColumnSpec,
                    value: object, fmt) -> None:
        if is_missing_value(value):
            return
        if c.kind == "date" and not isinstance(value, str):
            try:
                ts = pd.Timestamp(value)
                if ts.tzinfo is not None:
                    ts = ts.tz_localize(None)
                ws.write_datetime(row, col, ts.to_pydatetime(), fmt)
                return
            except (TypeError, ValueError):
                pass
        elif c.kind in ("number", "int") and not isinstance(value, (str, bool)):
            try:
                ws.write_number(row, col, float(value), fmt)  # type: ignore[arg-type]
                return
            except (TypeError, ValueError):
                pass
        elif c.kind == "bool" and not isinstance(value, str):
            ws.write_boolean(row, col, bool(value), fmt)
            return
        text = str(value)
        if spec.name == "activities" and c.name == "type":
            text = activity_label(text, self.locale)
        elif spec.name == "targets" and c.name == "metric":
            name = canonical_metric(text, self.settings)
            if name is not None:
                text = metric_def(name, self.settings).label(self.locale)
        elif c.name in ("status", "stage") and spec.name in ("opportunities", "stage_history"):
            key = self.settings.stage_key(text)
            if c.name == "status" and key == self.settings.won_stage:
                key = "won"
            if key is not None:
                text = self.label(key)
        # XML cannot hold control characters (XlsxWriter would write them as _x0001_)
        text = self.changes.clean(text)
        if looks_like_formula(text):  # stays text when the user edits the cell, too
            fmt = self.f.quoted(fmt)
        ws.write_string(row, col, text, fmt if fmt is not None else self.f.text)

    def validations(self, ws, spec: TableSpec, n: int) -> None:
        last = max(n, FORMAT_ROWS)
        title, message = self.t("dv_title"), self.t("dv_message")
        for j, c in enumerate(spec.columns):
            source, strict = None, True
            if c.name == "rep" and spec.name != "reps":
                source, strict = "=kpi_reps", False  # a new rep is allowed, with a warning
            elif c.name == "status" and spec.name == "opportunities":
                source = "=kpi_statuses"
            elif c.name == "stage" and spec.name == "opportunities":
                source = "=kpi_stages"
            elif c.name == "stage" and spec.name == "stage_history":
                source = "=kpi_stage_history_stages"
            elif c.name == "type" and spec.name == "activities":
                source, strict = "=kpi_activity_types", False
            elif c.name == "metric" and spec.name == "targets":
                source = "=kpi_metrics"
            if source is None:
                continue
            ws.data_validation(1, j, last, j, {
                "validate": "list", "source": source, "ignore_blank": True,
                "error_type": "stop" if strict else "warning",
                "error_title": title, "error_message": message,
            })
        if spec.name == "targets":
            # Money targets carry the currency symbol; counts (visits, calls…) do not.
            metric = spec.column_names.index("metric")
            target = spec.column_names.index("target")
            cell = xl_rowcol_to_cell(1, metric, row_abs=False, col_abs=True)
            cond = ",".join(f'{cell}="{m}"' for m in self.money_metric_texts())
            ws.conditional_format(1, target, last, target, {
                "type": "formula", "criteria": f"=OR({cond})", "format": self.f.money_cf,
            })

    def config_sheet(self) -> None:
        ws = self.add_sheet(CONFIG_SHEET)
        ws.write_string(0, 0, "UDF Modules")
        ws.write_string(0, 1, UDF_MODULES)
        ws.set_column(0, 0, 16)
        ws.set_column(1, 1, 30)
