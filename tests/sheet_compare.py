"""What a generated sheet shows, read back with openpyxl, to compare two renderers.

:func:`sheet_facts` gives, for one worksheet, everything a reader of the sheet sees: cell
values, number formats, fonts, fills, borders and quote prefixes; column widths; conditional
formats (range, rule, operator, formulas, fill colour, colour-scale colours); charts (plot
kinds, each series' value/category/title references and axis, axis number formats and
orientation, titles, legend position, anchor cell); zoom and page setup (paper, orientation,
scale, page breaks, print titles, print area, header and footer, row heights).
"""

from __future__ import annotations

from typing import Any

from openpyxl.chart.text import RichText
from openpyxl.worksheet.worksheet import Worksheet


def _colour(c: Any) -> str | None:
    if c is None:
        return None
    rgb = getattr(c, "rgb", None)
    return rgb[-6:].upper() if isinstance(rgb, str) else None


def _rich_text(t: Any) -> str | None:
    if t is None or t.tx is None:
        return None
    rich = t.tx.rich
    if not isinstance(rich, RichText):
        return None
    return "".join(r.t for p in rich.p for r in (p.r or []))


def _axis(ax: Any) -> tuple:
    if ax is None:
        return ()
    fmt = ax.numFmt.formatCode if ax.numFmt is not None else "General"
    orient = ax.scaling.orientation if ax.scaling is not None else "minMax"
    title = _rich_text(ax.title) if ax.title is not None else None
    return (fmt, orient or "minMax", title)


def _ref(formula: str | None) -> str | None:
    """A reference in one spelling: sheet name unquoted, no ``$``."""
    if formula is None:
        return None
    sheet, _, cells = formula.rpartition("!")
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return f"{sheet}!{cells.replace('$', '')}"


def _series(s: Any) -> tuple:
    val = s.val.numRef.f if s.val is not None and s.val.numRef is not None else None
    cat = None
    if s.cat is not None:
        ref = s.cat.strRef or s.cat.numRef
        cat = ref.f if ref is not None else None
    tx = s.tx.strRef.f if s.tx is not None and s.tx.strRef is not None else None
    return (_ref(val), _ref(cat), _ref(tx), bool(getattr(s, "smooth", None)))


def _chart(ch: Any) -> dict[str, Any]:
    """Plots with their series and value axis (secondary or not); the category axis as the
    first plot shows it (XlsxWriter gives a secondary plot a hidden category axis of its
    own, openpyxl shares one; both draw the same chart)."""
    plots, first_val, category = [], None, ()
    for plot in ch._charts:
        x, y = getattr(plot, "x_axis", None), getattr(plot, "y_axis", None)
        if y is not None and first_val is None:
            first_val, category = y.axId, _axis(x)
        plots.append({"kind": type(plot).__name__,
                      "bar": getattr(plot, "barDir", None),
                      "value_axis": _axis(y),
                      "secondary": y is not None and y.axId != first_val,
                      "series": [_series(s) for s in plot.series]})
    anchor = ch.anchor._from
    return {"plots": plots, "category_axis": category,
            "title": _rich_text(ch.title) if ch.title else None,
            "legend": ch.legend.position if ch.legend is not None else None,
            "anchor": (anchor.row, anchor.col)}


def _cf(ws: Worksheet) -> list[tuple]:
    out = []
    for rng in ws.conditional_formatting:
        for r in rng.rules:
            fill = None
            if r.dxf is not None and r.dxf.fill is not None:
                fill = _colour(r.dxf.fill.bgColor) or _colour(r.dxf.fill.fgColor)
            scale = None
            if r.colorScale is not None:
                # a min/max point has no value (XlsxWriter writes val="0", openpyxl none)
                scale = (tuple(_colour(c) for c in r.colorScale.color),
                         tuple((v.type, None if v.type in ("min", "max") else v.val)
                               for v in r.colorScale.cfvo))
            formulas = tuple(str(f) for f in (r.formula or []))
            out.append((str(rng.sqref), r.type, r.operator, formulas, fill, scale,
                        bool(r.stopIfTrue)))
    return sorted(out, key=repr)


def sheet_facts(ws: Worksheet) -> dict[str, Any]:
    """Everything one generated worksheet shows (see the module docstring)."""
    cells = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is None and not c.has_style:
                continue
            cells[c.coordinate] = (
                c.value, c.number_format if c.value is not None else None,
                bool(c.font.b), c.font.sz or 11.0, _colour(c.font.color),
                _colour(c.fill.fgColor) if c.fill.fill_type else None,
                c.border.left.style, bool(c.quotePrefix), c.alignment.horizontal)
    widths = {}
    for dim in ws.column_dimensions.values():
        if dim.width and dim.customWidth:
            for col in range(dim.min or 1, (dim.max or dim.min or 1) + 1):
                widths[col] = round(dim.width, 1)
    return {
        "cells": cells,
        "widths": widths,
        "cf": _cf(ws),
        "charts": sorted((_chart(ch) for ch in ws._charts), key=repr),
        "zoom": ws.sheet_view.zoomScale,
        "landscape": ws.page_setup.orientation,
        "paper": str(ws.page_setup.paperSize),
        "scale": ws.page_setup.scale or 100,
        "fit": bool(ws.sheet_properties.pageSetUpPr.fitToPage
                    if ws.sheet_properties.pageSetUpPr else False),
        "breaks": [b.id for b in ws.row_breaks.brk],
        "print_titles": ws.print_title_rows,
        "print_area": str(ws.print_area).replace("$", "").split("!")[-1]
        if ws.print_area else None,
        "header": tuple(getattr(ws.oddHeader, k).text for k in ("left", "center", "right")),
        "footer": tuple(getattr(ws.oddFooter, k).text for k in ("left", "center", "right")),
        "heights": {r: d.height for r, d in ws.row_dimensions.items()
                    if d.height and d.height != ws.sheet_format.defaultRowHeight},
        "default_height": ws.sheet_format.defaultRowHeight,
    }


def differences(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """Human-readable differences between two :func:`sheet_facts` results."""
    out = []
    for key in a:
        if key == "cells":
            for coord in sorted(set(a["cells"]) | set(b["cells"])):
                va, vb = a["cells"].get(coord), b["cells"].get(coord)
                if va != vb:
                    out.append(f"cell {coord}: {va} != {vb}")
        elif a[key] != b[key]:
            out.append(f"{key}: {a[key]} != {b[key]}")
    return out
