"""One set of figures: every number the sheets show is the number ``metrics --json`` and the
CLI text show, for the demo and for books typed the way offices type them."""

from __future__ import annotations

import datetime as dt
import io
import json
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi_xl.calendar import parse_period
from kpi_xl.cli import main
from kpi_xl.dataset import Exclusion, OutsideRows, make_dataset
from kpi_xl.demo import DATA_DIR
from kpi_xl.figures import compute_figures
from kpi_xl.i18n import text
from kpi_xl.metric_registry import metric_def
from kpi_xl.report.figures_json import figures_dict, figures_json
from kpi_xl.report.figures_text import render_text
from kpi_xl.report.layout import build_report, layout
from kpi_xl.schema import stage_label
from kpi_xl.validate import load

FIXED = dt.datetime(2026, 11, 21, 9, 0)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def _strict(text: str) -> dict:
    def bad(c: str) -> None:
        raise AssertionError(f"non-standard JSON constant {c}")
    return json.loads(text, parse_constant=bad)


def _n(v: object) -> object:
    """A cell as JSON holds it (NaN → None)."""
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


# ------------------------------------------------------------------ a book with company names


def company_book(folder):
    """Deals name customers by company (株式会社アルファ), orders and the customers table by ID.
    Two customers start in October 2026; four have traded since 2020."""
    folder.mkdir(exist_ok=True)
    pd.DataFrame({"担当者": ["佐藤", "田中"], "チーム": ["東京", "東京"]}).to_csv(
        folder / "reps.csv", index=False)
    pd.DataFrame({
        "顧客ID": ["C001", "C002", "C003", "C004", "C005", "C006"],
        "顧客名": ["株式会社アルファ", "ベータ商事株式会社", "ガンマ工業", "デルタ", "イプシロン",
                "ゼータ"],
        "担当者": ["佐藤", "佐藤", "田中", "田中", "佐藤", "田中"],
        "取引開始日": ["2020-04-01", "2020-04-01", "2026-10-05", "2026-10-12", "2020-01-01",
                  "2020-01-01"],
    }).to_csv(folder / "customers.csv", index=False)
    pd.DataFrame({
        "日付": ["2026-09-01", "2026-09-02", "2026-10-06", "2026-10-13", "2026-09-10",
               "2026-09-11", "2026-10-20", "2026-10-21"],
        "顧客ID": ["C001", "C002", "C003", "C004", "C005", "C006", "C001", "C002"],
        "金額": [100000, 200000, 300000, 400000, 50000, 60000, 110000, 120000],
    }).to_csv(folder / "orders.csv", index=False)
    pd.DataFrame({
        "商談ID": ["D1", "D2", "D3", "D4", "D5", "D6"],
        "担当者": ["佐藤", "佐藤", "田中", "田中", "佐藤", "田中"],
        "顧客": ["株式会社アルファ", "ベータ商事株式会社", "ガンマ工業", "デルタ", "イプシロン",
               "ゼータ"],
        "作成日": ["2026-08-01"] * 6, "金額": [1e6, 2e6, 3e6, 4e6, 5e5, 6e5],
        "状態": ["受注"] * 6,
        "完了日": ["2026-10-02", "2026-10-03", "2026-10-04", "2026-10-11", "2026-10-15",
                "2026-10-16"],
    }).to_csv(folder / "opportunities.csv", index=False)
    pd.DataFrame({"担当者": ["佐藤", "田中"], "月": ["2026-10", "2026-10"],
                  "指標": ["新規顧客数", "新規顧客数"], "目標": [2, 2]}).to_csv(
        folder / "targets.csv", index=False)
    return folder


def test_new_customers_agree_when_deals_name_customers_by_company(tmp_path):
    # issue 10: this book showed 2 new customers in `metrics` and 6 on the dashboard
    book = company_book(tmp_path / "book")
    code, out, err = run("metrics", str(book), "--json", "--period", "2026-10", "--as-of",
                         "2026-10-31")
    assert code == 0, err
    data = _strict(out)
    new = {r["metric"]: r["actual"] for r in data["overall"]}["new_customers"]
    assert new == data["customers"]["movements"]["new"] == 2  # C003 and C004
    report = build_report(load(book), as_of=dt.date(2026, 10, 31),
                          period=parse_period("2026-10"), generated_at=FIXED)
    card = report.sheets[0].table("scorecard")
    label = metric_def("new_customers").label(report.locale)
    assert [r[2] for r in card.rows if r[0] == label] == [2.0]


# ------------------------------------------------------------------ dashboard == JSON


def _unit(data):
    div = data["amount_unit"]["divisor"]
    return lambda v: None if v is None else v / div


def _check_dashboard_equals_json(report, data) -> None:
    loc = report.locale
    dash = report.sheets[0]
    money = _unit(data)
    for row, j in zip(dash.table("scorecard").rows, data["overall"], strict=True):
        assert row[0].startswith(metric_def(j["metric"]).label(loc))
        conv = money if j["unit"] == "currency" else (lambda v: v)
        assert row[1:8] == [conv(j["target"]), conv(j["actual"]), j["achievement"], j["pace"],
                            conv(j["forecast"]), conv(j["gap"]), conv(j["required_per_day"])]
    trend = dash.table("revenue_trend").rows
    assert [r[:7] for r in trend] == [
        [m["month"], money(m["target"]), money(m["actual"]), m["achievement"], m["pace"],
         money(m["last_year"]), money(m["t12m"])] for m in data["trend"]["months"]]
    if "funnel" in [t.name for t in dash.tables] and dash.table("funnel").rows:
        assert [r[:4] for r in dash.table("funnel").rows] == [
            [stage_label(s["stage"], loc), s["reached"], s["conversion_from_previous"],
             s["conversion_from_first"]] for s in data["funnel"]["stages"]]
        probs = {p["stage"]: p["probability"] for p in data["landing"]["stage_probabilities"]}
        assert [r[4] for r in dash.table("funnel").rows][:len(probs)] == list(probs.values())
    churn = dash.table("churn_trend").rows
    assert [r[1:8] for r in churn] == [
        [c[k] for k in ("active_at_start", "new", "reactivated", "churned", "logo_churn",
                        "grr", "nrr")] for c in data["churn_trend"]]
    if "leaderboard" in [t.name for t in dash.tables]:
        board = {r[0]: r for r in dash.table("leaderboard").rows}
        land = {j["group"]: j for j in data["landing"]["by_rep"]}
        for j in data["scorecard_rep"]:
            if j["metric"] == "revenue" and j["group"] in board:
                lj = land.get(j["group"], {})  # the landing of the active reps
                assert board[j["group"]][2:9] == [
                    money(j["target"]), money(j["actual"]), j["achievement"], j["pace"],
                    money(j["forecast"]), money(lj.get("landing")),
                    lj.get("landing_achievement")]
    everyone = data["landing"]["overall"][0]
    row = dash.table("landing").rows[0]
    assert row[1:9] == [money(everyone[k]) for k in ("target", "actual")] + [
        row[3], money(everyone["weighted"]), money(everyone["landing"]),
        everyone["landing_achievement"], everyone["open_deals"], money(everyone["open_amount"])]
    if "categories" in [t.name for t in dash.tables]:  # コミット / ベスト / パイプライン
        assert [r[1:] for r in dash.table("categories").rows] == [
            [everyone[f"{k}_deals"], money(everyone[k]), money(everyone[f"landing_{land}"])]
            for k, land in (("commit", "commit"), ("best_case", "best"),
                            ("pipeline", "pipeline"))]
    cmp_rows = dash.table("comparisons").rows
    for r, j in zip(cmp_rows, data["comparisons"]["overall"], strict=True):
        conv = money if j["unit"] == "currency" else (lambda v: v)
        assert [r[1], r[2], r[4], r[6]] == [conv(j["current"]), conv(j["last_year"]),
                                            conv(j["previous_month"]), conv(j["t12m"])]
        assert r[3] == (j["yoy"] if not j["yoy_note"]
                        else text(f"cmp.{j['yoy_note']}.yoy", loc))
    stalled = dash.table("stalled").rows
    assert [[r[0], r[2], r[4]] for r in stalled] == [
        [d["opportunity_id"], money(d["amount"]), d["days_in_stage"]]
        for d in data["stalled_deals"]["deals"][:20]]
    if "ranking" in [t.name for t in dash.tables]:
        ranked = [x for x in data["activity_ranking"]["ranking"] if x["type"] == "activities"]
        ranked.sort(key=lambda x: (x["rank"], x["rep"]))
        assert [r[:4] for r in dash.table("ranking").rows] == [
            [x["rank"], x["rep"], x["per_day"], x["vs_median"]] for x in ranked]
    risk = dash.table("at_risk").rows  # the same customers and flags
    assert [[r[1], r[4], r[6], r[7]] for r in risk] == [
        [a["customer"], money(a["revenue_at_risk"]),
         -a["amount_drop"] if a["volume_flag"] else None,
         -a["frequency_drop"] if a["frequency_flag"] else None] for a in data["at_risk"][:15]]
    assert [r[5] is not None for r in risk] == [a["interval_flag"] for a in data["at_risk"][:15]]


def _check_rep_tabs_equal_json(report, data) -> None:
    loc = report.locale
    money = _unit(data)
    for sheet in (s for s in report.sheets if s.kind == "rep"):
        rows = [r for r in data["scorecard_rep"] if r["group"] == sheet.rep]
        assert [r[2] for r in sheet.table("scorecard").rows] == [
            money(r["actual"]) if r["unit"] == "currency" else r["actual"] for r in rows]
        trend = [t for t in data["trend"]["by_rep"] if t["rep"] == sheet.rep]
        assert [r[2] for r in sheet.table("trend").rows] == [money(t["revenue"]) for t in trend]
        land = [x for x in data["landing"]["by_rep"] if x["group"] == sheet.rep]
        assert [r[5] for r in sheet.table("landing").rows] == [money(x["landing"]) for x in land]
        stalled = [d for d in data["stalled_deals"]["deals"] if d["rep"] == sheet.rep]
        assert [r[0] for r in sheet.table("stalled").rows] == [
            d["opportunity_id"] for d in stalled]
        tree = (data["kpi_tree"] or {}).get("by_rep", {}).get(sheet.rep)
        if tree:
            assert [r[1] for r in sheet.table("plan").rows] == [
                money(p["needed"]) if p["quantity"] == "revenue" else p["needed"]
                for p in tree["plan"]]
            assert [r[3] for r in sheet.table("levers").rows] == [
                money(lv["gain_per_month"]) for lv in tree["levers"]]
        assert loc in ("ja", "en")


def test_every_dashboard_figure_equals_metrics_json_for_the_demo():
    code, out, err = run("metrics", "--demo", "--json")
    assert code == 0, err
    data = _strict(out)
    report = build_report(load(DATA_DIR), generated_at=FIXED)
    _check_dashboard_equals_json(report, data)
    _check_rep_tabs_equal_json(report, data)


def test_every_dashboard_figure_equals_metrics_json_for_a_company_name_book(tmp_path):
    book = company_book(tmp_path / "book")
    code, out, err = run("metrics", str(book), "--json")
    assert code == 0, err
    data = _strict(out)
    report = build_report(load(book), generated_at=FIXED)
    _check_dashboard_equals_json(report, data)
    _check_rep_tabs_equal_json(report, data)


def test_the_cli_text_prints_the_same_figures():
    fig = compute_figures(load(DATA_DIR))
    text = render_text(fig)
    for r in fig.scorecard.itertuples():
        if r.unit == "currency":
            assert f"¥{r.actual:,.0f}" in text
    for r in fig.funnel.itertuples():
        assert f"{r.reached:,}" in text
    assert f"({fig.deals['win_rates']['closed']['numerator']:.0f}/" in text
    assert fig.funnel_window.label in text  # the funnel says which window it shows


# ------------------------------------------------------------------ strict JSON, notes


def test_json_is_strict_even_with_undefined_and_infinite_values():
    ds = make_dataset(opportunities=pd.DataFrame({
        "opportunity_id": ["o1"], "rep": ["a"], "created_date": ["2026-04-01"],
        "status": ["open"]}))
    fig = compute_figures(ds, parse_period("2026-04"), dt.date(2026, 4, 15))
    fig.scorecard.loc[0, "pace"] = math.inf  # whatever a metric yields, JSON stays strict
    text = figures_json(fig)
    assert "NaN" not in text and "Infinity" not in text
    assert _strict(text)["overall"][0]["pace"] is None


def test_exclusions_and_outside_rows_are_named_on_every_surface():
    ds = load(DATA_DIR).replace(
        exclusions=[Exclusion("orders", "blank_row", (12, 13))],
        outside_rows=[OutsideRows("opportunities", 3680, 3690, 11)])
    fig = compute_figures(ds)
    data = figures_dict(fig)
    assert data["exclusions"][0]["rows"] == [12, 13]
    assert data["outside_rows"][0]["first"] == 3680
    text = render_text(fig)
    assert "rows 12, 13" in text and "3680" in text
    report = layout(fig, locale="ja", generated_at=FIXED)
    for sheet in report.sheets:
        foot = sheet.texts[-1].lines
        assert foot[0].startswith("集計に含めなかった行")
        assert any("受注実績" in line and "12, 13" in line for line in foot)
        assert any("3680" in line for line in foot)


def test_revenue_basis_follows_the_data_and_empty_months_are_explained():
    # deals without amounts → revenue from orders; October has orders but no won deal amounts
    opp = pd.DataFrame({"opportunity_id": ["o1"], "rep": ["a"], "created_date": ["2026-09-01"],
                        "status": ["won"], "close_date": ["2026-09-15"]})
    orders = pd.DataFrame({"date": ["2026-09-10", "2026-10-05"], "customer": ["C1", "C1"],
                           "amount": [100.0, 300.0]})
    fig = compute_figures(make_dataset(opportunities=opp, orders=orders),
                          parse_period("2026-10"), dt.date(2026, 10, 31))
    assert (fig.revenue_basis, fig.revenue_basis_reason) == ("orders", "deals_lack_amounts")
    oct_ = fig.trend.set_index("month").loc["2026-10"]
    assert oct_["actual"] == 300.0 and oct_["note"] == ""
    # the same book with the basis set to won deals: October has orders and no won deals
    s = make_dataset(opportunities=opp, orders=orders).settings.with_overrides(
        revenue_basis="won_deals")
    fig = compute_figures(make_dataset(s, opportunities=opp, orders=orders),
                          parse_period("2026-10"), dt.date(2026, 10, 31))
    oct_ = fig.trend.set_index("month").loc["2026-10"]
    assert (oct_["actual"], oct_["other_basis"], oct_["note"]) == (0.0, 300.0, "basis_empty")
    assert figures_dict(fig)["trend"]["months"][-1]["note"] == "basis_empty"
    sheet = layout(fig, locale="en", generated_at=FIXED).sheets[0].table("revenue_trend")
    assert "2026-10: no won deals revenue this month, though orders show 300 JPY" in sheet.note
    assert "Revenue basis: won deals" in sheet.note


@pytest.mark.parametrize("by", ["team", "segment", "product", "channel"])
def test_metrics_by_splits_every_section_it_can(by):
    code, out, err = run("metrics", "--demo", "--json", "--by", by)
    assert code == 0, err
    data = _strict(out)
    groups = {r["group"] for r in data["scorecard"]}
    assert len(groups) > 1 and "(all)" not in groups
    assert {r[by] for r in data["funnel"]["by_group"]} >= groups - {"(none)"}
    assert {r["group"] for r in data["deals"]["by_group"]} >= groups - {"(none)"}
    won = sum(r["won"] for r in data["deals"]["by_group"])
    assert won == data["deals"]["win_rates"]["closed"]["numerator"]
    if by in ("team", "segment"):
        moved = sum(r["new"] for r in data["customers"]["by_group"])
        assert moved == data["customers"]["movements"]["new"]
    else:
        assert data["customers"]["by_group"] is None  # customers have no product / channel


def test_a_period_that_has_not_started_says_so():
    code, out, err = run("metrics", "--demo", "--period", "2027-01", "--as-of", "2026-11-20")
    assert code == 0, err
    assert "the period has not started yet" in out
    code, out, _ = run("metrics", "--demo", "--json", "--period", "2027-01", "--as-of",
                       "2026-11-20")
    data = _strict(out)
    assert data["started"] is False and data["customers"] is None
    assert all(r["actual"] == 0 and "not started" in r["note"] for r in data["overall"])


def test_whole_history_and_ranges_are_periods_of_the_cli():
    code, out, err = run("metrics", "--demo", "--json", "--period", "all")
    assert code == 0, err
    data = _strict(out)
    ds = load(DATA_DIR)
    assert data["period"]["start"] == ds.data_start().isoformat()
    revenue = {r["metric"]: r["actual"] for r in data["overall"]}["revenue"]
    won = ds.opportunities[ds.opportunities["status"] == "won"]["amount"].sum()
    assert revenue == pytest.approx(won)
    code, out, _ = run("metrics", "--demo", "--json", "--period", "2026-04..2026-09")
    assert _strict(out)["period"]["kind"] == "range"


# ------------------------------------------------------------------ properties

_day = st.dates(dt.date(2026, 1, 1), dt.date(2026, 6, 30))


@st.composite
def small_books(draw):
    n = draw(st.integers(1, 12))
    rows = []
    for i in range(n):
        created = draw(_day)
        status = draw(st.sampled_from(["won", "lost", "open"]))
        close = created + dt.timedelta(days=draw(st.integers(0, 60))) if status != "open" \
            else None
        rows.append({"opportunity_id": f"o{i}", "rep": draw(st.sampled_from(["a", "b"])),
                     "customer": draw(st.sampled_from(["C1", "C2", "C3"])),
                     "created_date": created, "status": status, "close_date": close,
                     "amount": float(draw(st.integers(1, 100))) * 1000,
                     "hearing_date": created if draw(st.booleans()) else None})
    orders = [{"date": draw(_day), "customer": draw(st.sampled_from(["C1", "C2", "C3"])),
               "amount": float(draw(st.integers(1, 50))) * 100}
              for _ in range(draw(st.integers(0, 8)))]
    targets = [{"rep": r, "period": pd.Timestamp(f"2026-{m:02d}-01"), "metric": "revenue",
                "target": float(draw(st.integers(0, 200))) * 1000}
               for r in ("a", "b") for m in range(1, 7) if draw(st.booleans())]
    return make_dataset(opportunities=pd.DataFrame(rows),
                        orders=pd.DataFrame(orders, columns=["date", "customer", "amount"]),
                        targets=pd.DataFrame(targets, columns=["rep", "period", "metric",
                                                               "target"]))


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(small_books(), st.sampled_from(["2026-03", "FY2025Q4", "2026-02..2026-05", "all"]))
def test_figures_are_equal_across_the_cli_json_and_the_workbook(ds, label):
    fig = compute_figures(ds, parse_period(label), dt.date(2026, 5, 20))
    data = _strict(figures_json(fig))
    report = layout(fig, locale="en", generated_at=FIXED)
    _check_dashboard_equals_json(report, data)
    _check_rep_tabs_equal_json(report, data)
    text = render_text(fig)
    for r in data["overall"]:
        if r["metric"] == "revenue":
            assert (f"¥{r['actual']:,.0f}" if r["actual"] >= 0 else "") in text


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_books(), st.integers(0, 11), st.integers(0, 3))
def test_no_figure_changes_after_an_in_place_edit_and_reload(ds, row, col):
    period = parse_period("2026-04")
    before = figures_json(compute_figures(ds, period, dt.date(2026, 5, 20)))
    frame = ds.opportunities  # an in-place edit of what the dataset hands out …
    frame.loc[row % len(frame), ["amount", "status", "rep", "created_date"][col]] = (
        [1e9, "won", "z", pd.Timestamp("2026-04-02")][col])
    assert figures_json(compute_figures(ds, period, dt.date(2026, 5, 20))) == before
    # … and a reload of the edited table gives the figures of a fresh dataset, not stale ones
    fresh = make_dataset(opportunities=frame, orders=ds.orders, targets=ds.targets)
    reloaded = ds.replace(opportunities=frame, reps=fresh.reps)
    assert figures_json(compute_figures(reloaded, period, dt.date(2026, 5, 20))) == \
        figures_json(compute_figures(fresh, period, dt.date(2026, 5, 20)))


def test_the_settings_sheet_chooses_the_report_period():
    from kpi_xl.errors import ValidationError
    from kpi_xl.validate import validate

    frames = {"settings": pd.DataFrame({"設定項目": ["対象期間"], "値": ["上期"]}),
              "opportunities": pd.DataFrame({
                  "商談ID": ["o1"], "担当者": ["A"], "作成日": ["2026-05-01"], "状態": ["受注"],
                  "完了日": ["2026-11-02"], "金額": [100]}),
              "reps": pd.DataFrame({"担当者": ["A"]})}
    fig = compute_figures(validate(frames), as_of=dt.date(2026, 11, 20))
    assert (fig.period.label, fig.period.start) == ("FY2026H1", dt.date(2026, 4, 1))
    frames["settings"] = pd.DataFrame({"設定項目": ["対象期間"], "値": ["来期"]})
    with pytest.raises(ValidationError, match="report_period: Unknown period '来期'"):
        validate(frames)


def test_the_report_package_computes_nothing():
    """report/ is a projection of the figures: it imports nothing from kpi_xl.metrics."""
    import ast
    from pathlib import Path

    import kpi_xl.report

    for path in Path(kpi_xl.report.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert "metrics" not in (node.module or ""), path.name


def test_no_module_imports_another_modules_private_names_in_the_figures_path():
    import ast
    from pathlib import Path

    import kpi_xl

    root = Path(kpi_xl.__file__).parent
    paths = [*root.glob("metrics/*.py"), root / "figures.py", root / "calendar.py",
             root / "dataset.py", root / "report" / "layout.py", *root.glob("excel/udfs/*.py")]
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                private = [a.name for a in node.names if a.name.startswith("_")
                           and not a.name.startswith("__")]
                module = (node.module or "").split(".")[-1]
                assert not private and not (module.startswith("_") and module != "__future__"), (
                    path.name, node.module, private)


def test_all_time_figures_count_undated_open_deals_and_dated_periods_do_not():
    opp = pd.DataFrame({"opportunity_id": ["o1", "o2", "o3"], "rep": ["a"] * 3,
                        "created_date": ["2026-04-01", "2026-04-05", None],
                        "status": ["won", "lost", "open"],
                        "close_date": ["2026-04-20", "2026-04-25", None],
                        "amount": [100.0, 50.0, 70.0]})
    ds = make_dataset(opportunities=opp)
    every = compute_figures(ds, parse_period("all"), dt.date(2026, 4, 30))
    leads = every.scorecard.set_index("metric").loc["leads", "actual"]
    assert leads == 3 and every.deals["win_rates"]["all"]["denominator"] == 3
    assert every.funnel.iloc[0]["reached"] == 3 and every.funnel_window.all_time
    april = compute_figures(ds, parse_period("2026-04"), dt.date(2026, 4, 30))
    assert april.scorecard.set_index("metric").loc["leads", "actual"] == 2
    assert april.deals["win_rates"]["all"]["denominator"] == 2
    assert april.deals["pipeline_velocity"]["open_opportunities"] == 1  # today's pipeline
