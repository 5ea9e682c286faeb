"""One figure, one number on every surface a user sees: the text of ``kpi-xl metrics``, its
JSON, the cells of the refreshed workbook (dashboard and rep tabs, as written to the file) and
the ``KPI_SCORECARD`` formula over the same book's tables; and the text in the user's
language only."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import openpyxl
import pytest

from kpi_xl.cli import main
from kpi_xl.excel.udfs import KPI_SCORECARD
from kpi_xl.figures import compute_figures
from kpi_xl.i18n import text
from kpi_xl.metric_registry import metric_def
from kpi_xl.refresh import demo_book
from kpi_xl.report.figures_text import render_text
from kpi_xl.report.layout import build_report
from kpi_xl.validate import load

FIXED = dt.datetime(2026, 11, 21, 9, 0)
AS_OF = dt.date(2026, 11, 20)  # the demo's last date: what every surface defaults to


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """The Japanese demo workbook as ``kpi-xl demo`` writes it (template + data + refresh)."""
    return demo_book(tmp_path_factory.mktemp("surfaces") / "demo.xlsx", locale="ja",
                     generated_at=FIXED).path


def _yen(v: float) -> str:
    return f"-¥{-v:,.0f}" if v < 0 else f"¥{v:,.0f}"


def _text_rows(out: str, first: str) -> dict[tuple[str, str], list[str]]:
    """The rows of the text's scorecard tables whose group cell is ``first`` (or any group when
    ``first`` is empty): (group, metric label) → the cells, split on the column gaps."""
    rows = {}
    for line in out.splitlines():
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) >= 4 and (not first or cells[0] == first) and cells[2][:1] in "¥—-0123456789":
            rows.setdefault((cells[0], cells[1]), cells)
    return rows


def test_one_figure_is_the_same_number_in_the_text_json_cells_and_kpi_scorecard(
        book, monkeypatch):
    code, out, err = run("metrics", str(book), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["as_of"] == AS_OF.isoformat()
    monkeypatch.setenv("KPI_XL_LANG", "ja")
    code, txt, err = run("metrics", str(book))
    assert code == 0, err
    div = data["amount_unit"]["divisor"]
    assert div == 1000  # the demo's amounts are shown in 千円 on the sheets
    report = build_report(load(book), generated_at=FIXED)  # where each table sits
    wb = openpyxl.load_workbook(book)

    # the dashboard's scorecard cells (target, actual), the JSON and the text's 全体 rows
    sheet = report.sheets[0]
    card, ws = sheet.table("scorecard"), wb[sheet.name]
    everyone = _text_rows(txt, text("everyone", "ja"))
    assert len(data["overall"]) == len(card.rows) >= 7
    for i, j in enumerate(data["overall"]):
        r = card.first_data_row + 1 + i
        money = j["unit"] == "currency"
        cells = [ws.cell(r, card.col + 2).value, ws.cell(r, card.col + 3).value]
        assert cells == pytest.approx([j["target"] / div, j["actual"] / div] if money
                                      else [j["target"], j["actual"]]), j["metric"]
        label = metric_def(j["metric"]).label("ja")
        shown = everyone[(text("everyone", "ja"), label)]
        assert shown[2:4] == ([_yen(j["target"]), _yen(j["actual"])] if money
                              else [f"{j['target']:,.0f}", f"{j['actual']:,.0f}"])

    # every rep tab's scorecard actuals (as written) and the text's per-rep rows
    per_rep = _text_rows(txt, "")
    tabs = [s for s in report.sheets if s.kind == "rep"]
    assert len(tabs) == 11
    for tab in tabs:
        t, ws = tab.table("scorecard"), wb[tab.name]
        rows = [j for j in data["scorecard_rep"] if j["group"] == tab.rep]
        assert len(rows) == len(t.rows)
        for i, j in enumerate(rows):
            money = j["unit"] == "currency"
            got = ws.cell(t.first_data_row + 1 + i, t.col + 3).value
            assert got == pytest.approx(j["actual"] / div if money else j["actual"]), (
                tab.rep, j["metric"])
            shown = per_rep[(tab.rep, metric_def(j["metric"]).label("ja"))]
            assert shown[3] == (_yen(j["actual"]) if money else f"{j['actual']:,.0f}")

    # KPI_SCORECARD over the same book's tables: the same target and actual per rep
    tables = {name: [[c.value for c in row] for row in wb[name].iter_rows()]
              for name in ("目標", "商談", "担当者", "活動", "受注実績", "ステージ履歴", "顧客")}
    formula = KPI_SCORECARD(tables["目標"], tables["商談"], data["period"]["label"],
                            dt.datetime.combine(AS_OF, dt.time()), tables["担当者"],
                            tables["活動"], tables["受注実績"], tables["ステージ履歴"],
                            tables["顧客"])
    got = {(r[0], r[1]): r for r in formula[1:]}
    compared = 0
    for j in data["scorecard_rep"]:
        row = got.get((j["group"], metric_def(j["metric"]).label("ja")))
        if row is None or j["target"] is None:
            continue
        compared += 1
        assert row[2:4] == pytest.approx([j["target"], j["actual"]]), (j["group"], j["metric"])
    assert compared >= 11 * 5


def test_every_rep_tab_writes_the_comparisons_of_the_json(book):
    code, out, err = run("metrics", str(book), "--json")
    assert code == 0, err
    data = json.loads(out)
    div = data["amount_unit"]["divisor"]
    report = build_report(load(book), generated_at=FIXED)
    wb = openpyxl.load_workbook(book)
    keys = ("current", "last_year", "previous_month", "t12m")  # columns 2, 3, 5, 7
    checked = 0
    for tab in (s for s in report.sheets if s.kind == "rep"):
        t, ws = tab.table("comparisons"), wb[tab.name]
        rows = [j for j in data["comparisons"]["by_rep"] if j["group"] == tab.rep]
        assert len(rows) == len(t.rows) == 4  # revenue, won deals, new customers, activities
        for i, j in enumerate(rows):
            r = t.first_data_row + 1 + i
            cells = [ws.cell(r, t.col + c).value for c in (2, 3, 5, 7)]
            scale = div if j["unit"] == "currency" else 1
            assert cells == [None if j[k] is None else pytest.approx(j[k] / scale)
                             for k in keys], (tab.rep, j["metric"])
            checked += 1
    assert checked == 44


def test_the_japanese_text_names_definitions_splits_and_everyone_in_japanese():
    fig = compute_figures(load(_demo_dir()), as_of=AS_OF)
    out = render_text(fig, "ja")
    defs = out[out.index(text("cli.definitions", "ja")):]
    # the definitions are named as on the 定義 sheet, never by their setting keys
    for key in ("win_rate", "conversion", "churn", "nrr", "revenue", "opportunity",
                "new_customer"):
        assert f"  {text(f'defname.{key}', 'ja')}: " in defs
    assert "  受注率: 決着済みの商談 — " in defs
    assert not re.search(r"\b(win_rate|conversion|churn|nrr|revenue|opportunity|new_customer)"
                         r":", out)
    # the split, the everyone row and the definition choices in Japanese
    assert "スコアカード（担当者別）" in out and "商談（担当者別）" in out
    assert "顧客（担当者別）" in out
    assert re.search(r"^全体\s+売上\s+¥39,300,000\s+¥15,970,000", out, re.M)
    assert "受注率（決着済みの商談）: 10.9%（11/101）" in out
    assert "受注率（進行中を含む）: 2.9%（11/382）" in out
    assert "顧客離反率（期首稼働基準）: 0.0%" in out
    assert "月別売上と目標（売上の基準：受注商談（" in out
    assert not re.search(r"\((all|rep|closed|active_at_start|year_over_year)\)|（(all|rep|closed|"
                         r"active_at_start|year_over_year)", out)
    assert not re.search(r"\brep別", out)


def test_the_english_text_keeps_english_and_names_everyone():
    fig = compute_figures(load(_demo_dir()), as_of=AS_OF)
    out = render_text(fig, "en")
    assert "Scorecard by rep" in out and "win rate (closed): 10.9% (11/101)" in out
    assert re.search(r"^Everyone\s+Revenue\s+¥39,300,000\s+¥15,970,000", out, re.M)
    assert "  Win rate: closed — " in out
    assert not re.search(r"^\(all\)", out, re.M)  # the everyone row is named, not a key


@pytest.mark.parametrize(("lang", "label"), [("ja", "データ: kpi_xl 付属のデモデータ"),
                                             ("en", "source: kpi_xl bundled demo data")])
def test_the_demo_source_is_named_in_the_users_language(monkeypatch, lang, label):
    monkeypatch.setenv("KPI_XL_LANG", lang)
    code, out, err = run("metrics", "--demo", "--period", "2026-10")
    assert code == 0, err
    assert out.splitlines()[1] == label


def _demo_dir():
    from kpi_xl.demo import DATA_DIR

    return DATA_DIR


@pytest.mark.parametrize(("s", "width"), [("abc", 3), ("売上", 4), ("ｶﾅ", 2), ("Ｒ＆Ｄ", 6),
                                          ("e\u0301", 1), ("", 0)])
def test_one_text_width_for_the_terminal_and_the_sheets(s, width):
    from kpi_xl import cli_progress, units

    assert cli_progress.display_width is units.display_width  # one function, not two copies
    assert units.display_width(s) == width


def test_one_japanese_name_for_the_conversion_from_the_previous_stage():
    from kpi_xl.i18n import catalog

    named = {v for v in catalog("ja").values() if "前段" in v}
    assert named and all("前段階" in v for v in named), named
    assert text("conv_prev", "ja") == "前段階からの転換率"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_text_defines_both_win_rates_it_prints(lang):
    fig = compute_figures(load(_demo_dir()), as_of=AS_OF)
    out = render_text(fig, lang)
    defs = out[out.index(text("cli.definitions", lang)):]
    for name in ("closed", "all"):  # the one in force and the one printed beside it
        assert text(f"def.win_rate.{name}", lang) in defs
    assert defs.count(text("defname.win_rate", lang)) == 2


def test_japanese_sheet_and_figure_labels_use_full_width_parentheses_around_japanese():
    import unicodedata

    from kpi_xl.i18n.ja import figures, report

    def wide(c: str) -> bool:
        return unicodedata.east_asian_width(c) in "WF"

    bad = []
    for key, value in {**figures.LABELS, **report.LABELS}.items():
        for m in re.finditer(r"\(([^()]*)\)", value):
            before = value[m.start() - 1] if m.start() else ""
            if any(wide(c) for c in m.group(1)) or wide(before):
                bad.append((key, m.group(0)))
    assert not bad


def test_a_book_without_activities_or_stalled_deals_says_so_in_the_text_as_on_the_sheets():
    import pandas as pd

    from kpi_xl.calendar import parse_period
    from kpi_xl.dataset import make_dataset

    opp = pd.DataFrame({
        "opportunity_id": ["o1", "o2"], "rep": ["a", "b"], "amount": [1000.0, 2000.0],
        "status": ["won", "open"], "stage": ["closing", "proposal"],
        "created_date": pd.to_datetime(["2026-10-01", "2026-11-02"]),
        "close_date": pd.to_datetime(["2026-11-05", None]),
        "expected_close": pd.to_datetime([None, "2026-11-25"])})
    fig = compute_figures(make_dataset(opportunities=opp), parse_period("2026-11"),
                          dt.date(2026, 11, 20))
    for lang in ("ja", "en"):
        out = render_text(fig, lang)
        assert text("why.no_activities", lang) in out  # not a ranking of zeros
        assert text("why.no_stalled", lang) in out
        assert text("stalled", lang, n=0) not in out  # no "top 0"
        assert not any(line.startswith(("活動量ランキング", "Activity ranking"))
                       for line in out.splitlines())


@pytest.mark.parametrize(("note", "lang", "worded"), [
    ("no business days left", "ja", "残りの営業日なし"),
    ("no business days left", "en", "no business days left"),
    ("needs win rate", "ja", "受注率が測れないため算出できません"),
    ("needs calls per opportunity", "ja", "商談1件あたりの電話数が測れないため算出できません"),
    ("needs visits per opportunity", "en", "needs visits per opportunity"),
    ("period over; no target", "ja", "期間終了; 目標未設定"),
    ("no deals decided in the period", "ja", "期間内に受注・失注が決まった商談なし"),
    ("no customers active at the start of the period", "ja", "期首に稼働中の顧客なし"),
    ("something new", "ja", "something new"),  # no wording yet: shown as it is
    ("", "ja", ""), (None, "en", ""),
])
def test_engine_notes_are_worded_in_the_readers_language(note, lang, worded):
    from kpi_xl.i18n import note_text

    assert note_text(note, lang) == worded


def test_a_past_period_prints_no_english_note_on_japanese_sheets_or_text():
    from kpi_xl.calendar import parse_period

    ds = load(_demo_dir())
    period = parse_period("2026-10")  # over on the as-of date: no business days left
    report = build_report(ds, locale="ja", generated_at=FIXED, period=period, as_of=AS_OF)
    plan = next(s for s in report.sheets if s.kind == "rep").table("plan")
    assert {r[-1] for r in plan.rows} == {"残りの営業日なし"}
    english = re.compile(r"\b[a-z]{2,} [a-z]{2,}\b")
    cells = [(s.name, t.name, v) for s in report.sheets for t in s.tables for row in t.rows
             for v in row if isinstance(v, str) and english.search(v)]
    assert not cells
    out = render_text(compute_figures(ds, period, AS_OF), "ja")
    assert not [ln for ln in out.splitlines() if english.search(ln)]
