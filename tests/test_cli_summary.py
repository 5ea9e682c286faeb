"""The closing summary: file, sheets, rows read / used / excluded per table and why, rows read
outside an Excel table, total time — in the user's language."""

import io

import pandas as pd
import pytest

from kpi_xl.cli import main
from kpi_xl.cli_report import summary_lines
from kpi_xl.dataset import Exclusion, OutsideRows, make_dataset


def _ds():
    ds = make_dataset(opportunities=pd.DataFrame({
        "opportunity_id": ["1", "2"], "rep": ["A", "A"],
        "created_date": pd.to_datetime(["2026-04-01", "2026-04-02"]),
        "status": ["open", "open"]}))
    return ds.replace(exclusions=[Exclusion("opportunities", "blank_row", (4, 7, 9))],
                      outside_rows=[OutsideRows("opportunities", 12, 15, 4)])


def test_summary_in_english():
    lines = summary_lines(_ds(), "en", seconds=75.2, path="book.xlsx",
                          sheets=["Dashboard", "A", "B", "Churn"])
    assert lines == [
        "wrote book.xlsx",
        "4 sheets generated: Dashboard, A, B … and 1 more",
        "rows read:",
        "  Reps: 1 read, 1 used",
        "  Opportunities: 5 read, 2 used, 3 excluded",
        "excluded rows:",
        "  Opportunities: 3 row(s) excluded — blank rows between data rows (rows 4, 7, 9)",
        "rows outside the Excel tables:",
        "  Opportunities: 4 row(s) read outside the Excel table (rows 12–15); extend the table "
        "over them",
        "total time 1 min 15 s",
    ]


def test_summary_in_japanese():
    lines = summary_lines(_ds(), "ja", seconds=3.04, path="book.xlsx",
                          sheets=["ダッシュボード", "佐藤"])
    assert lines[:2] == ["book.xlsx に書き込みました", "作成したシート: 2枚(ダッシュボード、佐藤)"]
    assert "  商談: 5行を読み込み、2行を使用、3行を除外" in lines
    assert "  商談: 3行を除外 — データ行の間の空行(行 4, 7, 9)" in lines
    assert lines[-1] == "所要時間 3.0秒"


def test_summary_without_a_dataset_names_the_file_and_the_next_step():
    assert summary_lines(None, "en", seconds=1.0, path="b.xlsx", next_refresh=True) == [
        "wrote b.xlsx", "next: kpi-xl refresh b.xlsx", "total time 1.0 s"]


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_metrics_run_names_the_blank_rows_it_excluded(tmp_path, monkeypatch, locale):
    monkeypatch.setenv("KPI_XL_LANG", locale)
    pd.DataFrame({"Rep": ["A"]}).to_csv(tmp_path / "reps.csv", index=False)
    pd.DataFrame({"Opportunity ID": ["1", None, "2"], "Rep": ["A", None, "A"],
                  "Created": ["2026-04-01", None, "2026-04-02"],
                  "Status": ["open", None, "open"]}).to_csv(tmp_path / "opportunities.csv",
                                                            index=False)
    out, err = io.StringIO(), io.StringIO()
    assert main(["metrics", str(tmp_path), "--json"], out=out, err=err) == 0
    expected = {"en": ["  Opportunities: 3 read, 2 used, 1 excluded",
                       "  Opportunities: 1 row(s) excluded — blank rows between data rows "
                       "(rows 3)"],
                "ja": ["  商談: 3行を読み込み、2行を使用、1行を除外",
                       "  商談: 1行を除外 — データ行の間の空行(行 3)"]}[locale]
    lines = err.getvalue().splitlines()
    for line in expected:
        assert line in lines
    assert out.getvalue().lstrip().startswith("{")  # the summary stays on stderr
