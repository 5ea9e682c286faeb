"""End-to-end runs of the command line: main(argv) -> int, as a user calls it."""

import io
import json
import subprocess
import sys

import pandas as pd
import pytest

from kpi_xl.calendar import parse_period
from kpi_xl.cli import main
from kpi_xl.demo import DATA_DIR
from kpi_xl.metrics import scorecard
from kpi_xl.validate import load


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_metrics_demo_prints_every_section():
    code, out, err = run("metrics", "--demo")
    assert code == 0, err
    for section in ("Scorecard by rep", "Funnel", "Deals", "Customers", "Definitions",
                    "To reach the revenue target"):
        assert section in out
    assert "win rate (closed)" in out and "win rate (all)" in out


def test_metrics_json_matches_the_engine():
    code, out, _ = run("metrics", "--demo", "--json", "--period", "2026-10", "--as-of",
                       "2026-10-31")
    assert code == 0
    data = json.loads(out)
    assert data["period"]["label"] == "2026-10" and data["as_of"] == "2026-10-31"
    assert data["definitions"]["win_rate"].startswith("closed")
    expected = scorecard(load(DATA_DIR), parse_period("2026-10"), by="rep",
                         as_of=pd.Timestamp("2026-10-31").date())
    got = pd.DataFrame(data["scorecard"])
    merged = got.merge(expected, on=["group", "metric"], suffixes=("", "_e"))
    assert len(merged) == len(expected) > 0
    assert (merged["actual"] - merged["actual_e"]).abs().max() < 1e-9
    assert data["deals"]["win_rate"]["definition"] == "closed"


@pytest.mark.parametrize("by", ["team", "segment", "product", "channel"])
def test_metrics_by_other_dimensions(by):
    code, out, err = run("metrics", "--demo", "--by", by)
    assert code == 0, err
    assert (f"Scorecard by {by}" in out) or (f"Breakdown by {by}" in out)


def test_bad_input_prints_the_validation_report_and_exits_3(tmp_path):
    pd.DataFrame({"Rep": ["A"]}).to_csv(tmp_path / "reps.csv", index=False)
    pd.DataFrame({"Opportunity ID": ["1"], "Rep": ["B"], "Created": ["yesterday"],
                  "Status": ["won"]}).to_csv(tmp_path / "opportunities.csv", index=False)
    code, out, err = run("metrics", str(tmp_path))
    assert code == 3 and out == ""
    assert "opportunities.csv, row 2" in err  # the file the user opens
    assert "row 2" in err and "unknown rep" in err and "not a valid date" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "code", "text"),
    [
        (["metrics", "--demo", "--period", "next quarter"], 2, "Unknown period"),
        (["metrics", "--demo", "--as-of", "someday"], 2, "not a date"),
        (["metrics", "/no/such/book.xlsx"], 4, "No such workbook"),
        (["metrics"], 2, "--demo"),
    ],
)
def test_user_errors_give_a_message_and_exit_code(argv, code, text):
    c, _, err = run(*argv)
    assert c == code and text in err and "Traceback" not in err


def test_console_script_runs_as_a_module():
    proc = subprocess.run([sys.executable, "-m", "kpi_xl", "metrics", "--demo", "--json"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["source"] == "kpi_xl bundled demo data"


def test_metrics_reads_a_filled_template_workbook_like_the_csv_folder(tmp_path):
    from kpi_xl.demo import demo_frames
    from kpi_xl.excel.template import build_template

    book = build_template(tmp_path / "book.xlsx", locale="en", data=demo_frames())
    code, out, err = run("metrics", str(book), "--json")
    assert code == 0, err
    from_book = json.loads(out)
    code, out, _ = run("metrics", "--demo", "--json")
    from_csv = json.loads(out)
    assert from_book["scorecard"] == from_csv["scorecard"]
    assert from_book["customers"] == from_csv["customers"]
