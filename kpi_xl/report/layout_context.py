"""What every part of the layout shares: the figures, the locale, the amount unit, the sheet
header and footnote, the page setup and the rules that keep empty sections small.

The layout only *projects* figures: amounts are divided by the unit the figures chose
(``Figures.amount_divisor``) and labelled with it; a cohort revenue ratio is shown as an
index (× 100). Nothing else is computed here.
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import math
import unicodedata

import pandas as pd

from ..figures import Figures, Window
from ..i18n import catalog, exclusion_text, note_text, outside_text, text
from ..metric_registry import metric_def
from ..units import display_width
from .model import Chart, Column, Legend, Sheet, Table
from .pages import paginate

__all__ = ["LayoutContext", "num", "records", "tuples_of", "wrap_text"]


def num(v: object) -> object:
    """A value for a cell: None for missing (NaN, NA, NaT), else the value."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


@functools.lru_cache(maxsize=256)
def _row_type(fields: tuple[str, ...]) -> type:
    return collections.namedtuple("Pandas", fields, rename=True)


def tuples_of(df: pd.DataFrame) -> list[tuple]:
    """``list(df.itertuples())`` — the same named tuples with the same values — without
    ``itertuples``' per-column positional indexing and a new tuple class on every call (the
    rep tabs read ~10 small frames each)."""
    if not df.columns.is_unique:
        return list(df.itertuples())
    make = _row_type(("Index", *map(str, df.columns)))._make
    return [make(r) for r in zip(df.index, *(df[c] for c in df.columns), strict=True)]


def records(df: pd.DataFrame, cols: list[str]) -> list[list[object]]:
    return [[num(v) for v in row] for row in df[cols].itertuples(index=False, name=None)]


def _text_as_objects(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with its pandas ``string`` columns as object columns (same values)."""
    text_cols = [c for c in df.columns if isinstance(df[c].dtype, pd.StringDtype)]
    if not text_cols:
        return df
    return df.astype(dict.fromkeys(text_cols, object))


def wrap_text(line: str, width: int) -> list[str]:
    """``line`` cut into pieces of at most ``width`` display columns, preferring to cut after
    punctuation or a space (for cells that print without wrapping)."""
    out: list[str] = []
    while display_width(line) > width:
        cut, used, best = 0, 0, 0
        for i, ch in enumerate(line):
            used += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
            if used > width:
                break
            cut = i + 1
            if ch in "、。，．,.;；: ）)":
                best = i + 1
        cut = best if best > cut * 0.6 else cut
        out.append(line[:cut].rstrip())
        line = line[cut:].lstrip()
    if line:
        out.append(line)
    return out


def _escape_page_code(value: object) -> str:
    """Text for a header/footer: a literal ``&`` is written ``&&``."""
    return str(value).replace("&", "&&")


class LayoutContext:
    """The figures being laid out, the locale, the generation time and the shared rules."""

    def __init__(self, fig: Figures, locale: str, generated_at: dt.datetime) -> None:
        self.fig, self.locale, self.generated_at = fig, locale, generated_at
        # each rep tab's rows, split once (not filtered again per tab)
        tables = {"scorecard": (fig.scorecard_rep, "group"), "trend": (fig.rep_trend, "rep"),
                  "funnel": (fig.funnel_rep, "rep"), "mix": (fig.activity_mix, "rep"),
                  "risk": (fig.at_risk, "rep"), "compare": (fig.comparisons_rep, "group"),
                  "landing": (fig.landing_rep, "group"), "stalled": (fig.stalled, "rep"),
                  "ranking": (fig.activity_ranking, "rep"),
                  "act_trend": (fig.activity_trend, "rep")}
        # text columns as Python objects first (these tables are small): the split and the
        # rows read per tab are then plain NumPy takes, not Arrow takes and conversions
        frames = {name: (_text_as_objects(frame), col) for name, (frame, col) in tables.items()}
        self._split = {name: ({k: g for k, g in frame.groupby(col, sort=False)}
                              if len(frame) else {}) for name, (frame, col) in frames.items()}
        self._empty = {name: frame for name, (frame, _) in frames.items()}

    def of(self, name: str, rep: str) -> pd.DataFrame:
        """The rows of one rep in figures table ``name`` (an empty frame when none)."""
        got = self._split[name].get(rep)
        return got if got is not None else self._empty[name].iloc[0:0]

    def L(self, key: str, **kw: object) -> str:
        return text(key, self.locale, **kw)

    # ------------------------------------------------------------------ units

    @property
    def unit(self) -> str:
        """The amount unit as headers show it: 千円, 円, JPY thousands …"""
        cur = self.fig.currency
        word = catalog(self.locale).get(f"currency.{cur}", cur)
        return self.L(f"unit.{self.fig.amount_unit}", cur=word)

    def with_unit(self, label: str) -> str:
        return self.L("with_unit", label=label, unit=self.unit)

    @property
    def amount_fmt(self) -> str:
        return "amount1" if self.fig.amount_unit == "million" else "amount"

    def amount(self, v: object) -> object:
        """An amount in the report's unit (None for a missing one)."""
        v = num(v)
        return None if v is None else float(v) / self.fig.amount_divisor

    def money(self, v: object) -> str:
        """An amount as text in the report's unit: ``3,930千円``."""
        a = self.amount(v)
        if a is None:
            return "—"
        fmt = f"{a:,.1f}" if self.amount_fmt == "amount1" else f"{a:,.0f}"
        return f"{fmt}{self.unit}" if self.locale == "ja" else f"{fmt} {self.unit}"

    def metric_label(self, metric: str, unit: str | None = None) -> str:
        label = metric_def(metric, self.fig.settings).label(self.locale)
        return self.with_unit(label) if unit == "currency" else label

    def amount_column(self, key: str, label_key: str) -> Column:
        """A column of amounts in the report's unit (the unit is in the table's title)."""
        return Column(key, self.L(label_key), self.amount_fmt)

    def in_unit(self, title: str) -> str:
        """A table title with the unit of its amounts: 着地見込（単位：千円）."""
        return title + self.L("in_unit", unit=self.unit)

    # ------------------------------------------------------------------ texts

    def window(self, what: str, w: Window) -> str:
        if w.all_time:
            return self.L("note.window_all", what=what)
        return self.L("note.window", what=what, start=w.start.isoformat(), end=w.end.isoformat())

    def notes(self, *parts: str) -> str:
        """Metric notes (English keys such as "no target") worded in the locale."""
        words = (note_text(part, self.locale) for part in parts)
        return "; ".join(dict.fromkeys(w for part in words for w in part.split("; ") if w))

    def header(self, sheet: Sheet, title: str) -> None:
        """The top of every sheet: its title, then the period, as-of date and source."""
        fig = self.fig
        sheet.add_text([title], "title")
        sheet.add_text([self.L("generated", p=fig.period.label,
                               start=fig.period.start.isoformat(),
                               end=fig.period.end.isoformat(), asof=fig.as_of.isoformat(),
                               src=fig.source)], "subtitle")

    def legend(self, sheet: Sheet) -> None:
        sheet.add_legend(Legend(self.L("legend.title"), [
            ("green", self.L("legend.green")), ("amber", self.L("legend.amber")),
            ("red", self.L("legend.red"))]))

    def footnote(self, sheet: Sheet) -> None:
        fig = self.fig
        lines = [exclusion_text(e, self.locale) for e in fig.exclusions]
        lines += [outside_text(o, self.locale) for o in fig.outside_rows]
        if lines:
            sheet.add_text([self.L("note.footnote"), *(f"  {x}" for x in lines)], "note")

    def page(self, sheet: Sheet) -> None:
        """The print setup of a finished sheet (header: sheet name, period, as-of date;
        footer: when it was made and the page number)."""
        fig = self.fig
        paginate(sheet, header=self.L("page.header", p=_escape_page_code(fig.period.label),
                                      asof=fig.as_of.isoformat()),
                 footer=self.L("page.footer", at=self.generated_at.strftime("%Y-%m-%d %H:%M")))

    # ------------------------------------------------------------------ small sections

    @staticmethod
    def category_rows(n: int) -> int:
        """Rows a bar chart of ``n`` categories needs for every label to show."""
        return max(12, math.ceil(1.6 * n) + 4)

    def chart(self, table: Table, chart: Chart) -> list[Chart]:
        """``[chart]`` when every series it keeps has a value and some value is not 0, with
        the series that have no value at all left out; ``[]`` otherwise (no chart with a ¥1
        axis over nothing)."""
        if not table.rows:
            return []
        keys = [c.key for c in table.columns]
        kept, any_value = [], False
        for s in chart.series:
            j = keys.index(s.column)
            vals = [r[j] for r in table.rows if j < len(r) and isinstance(num(r[j]), (int, float))
                    and not isinstance(r[j], bool)]
            if vals:
                kept.append(s)
                any_value = any_value or any(v != 0 for v in vals)
        if not kept or not any_value:
            return []
        chart.series = kept
        return [chart]
