"""Forgiving commands: suggestions for typos, documented exit codes, the problem table in a
file, and internal errors that name a report file instead of printing a traceback."""

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from kpi_xl.cli import main
from kpi_xl.cli_commands import parse_as_of
from kpi_xl.cli_report import default_problems_path, guard_text
from kpi_xl.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def english(monkeypatch, tmp_path):
    monkeypatch.setenv("KPI_XL_LANG", "en")
    monkeypatch.setenv("KPI_XL_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.chdir(tmp_path)  # a command that runs by mistake writes nothing into the repo


def small_frames():
    """The demo tables cut to a few hundred rows (the same reps and customers)."""
    from kpi_xl.demo import demo_frames

    f = demo_frames()
    f["opportunities"] = f["opportunities"].head(150)
    kept = set(f["opportunities"]["opportunity_id"])
    f["stage_history"] = f["stage_history"][f["stage_history"]["opportunity_id"].isin(kept)]
    f["activities"] = f["activities"][f["activities"]["opportunity_id"].isna()
                                      | f["activities"]["opportunity_id"].isin(kept)].head(300)
    f["orders"] = f["orders"].head(200)
    f["targets"] = f["targets"].head(200)
    return f


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    from kpi_xl.excel.template import build_template

    path = tmp_path_factory.mktemp("errors") / "book.xlsx"
    return build_template(path, locale="en", data=small_frames())


@pytest.fixture
def bad_folder(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    pd.DataFrame({"Rep": ["A"]}).to_csv(folder / "reps.csv", index=False)
    pd.DataFrame({"Opportunity ID": ["1", "2"], "Rep": ["B", "A"],
                  "Created": ["yesterday", "2026-01-05"], "Status": ["open", "open"],
                  "Amount": ['=HYPERLINK("http://x","click")', "@SUM(A1)"]}).to_csv(
        folder / "opportunities.csv", index=False)
    return folder


@pytest.fixture
def bad_book(tmp_path):
    from kpi_xl.excel.template import build_template

    frames = small_frames()
    opp = frames["opportunities"].copy()
    opp["rep"] = opp["rep"].astype(object)
    opp.loc[opp.index[3], "rep"] = "=cmd|' /C calc'!A0"
    frames["opportunities"] = opp
    st = frames["settings"].copy()
    st.loc[st["key"] == "locale", "value"] = "en"  # an English book: its problems are English
    frames["settings"] = st
    return build_template(tmp_path / "bad.xlsx", locale="en", data=frames)


# --------------------------------------------------------------------------- typos


@pytest.mark.parametrize(("argv", "message"), [
    (["refrsh", "book.xlsx"], "unknown command 'refrsh' — did you mean 'refresh'?"),
    (["metrcs", "--demo"], "unknown command 'metrcs' — did you mean 'metrics'?"),
    (["templat", "t.xlsx"], "did you mean 'template'?"),
    (["dmeo"], "did you mean 'demo'?"),
    (["improt", "m", "s", "-o", "b.xlsx"], "did you mean 'import'?"),
    (["refresh", "book.xlsx", "--perod", "2026-04"],
     "unknown option '--perod' — did you mean '--period'?"),
    (["metrics", "--demo", "--as-off", "2026-10-31"], "did you mean '--as-of'?"),
    (["metrics", "--demo", "--jsn"], "did you mean '--json'?"),
    (["template", "t.xlsx", "--mcaro"], "did you mean '--macro'?"),
    (["demo", "--locle", "en"], "did you mean '--locale'?"),
    (["import", "m", "s", "-o", "b.xlsx", "--derive-tragets"],
     "did you mean '--derive-targets'?"),
    (["refresh", "book.xlsx", "--problmes=p.csv"], "did you mean '--problems'?"),
    (["metrics", "--demo", "--by", "tem"], "--by: 'tem' is not one of the choices — did you "
                                           "mean 'team'?"),
    (["--verison"], "unknown option '--verison' — did you mean '--version'?"),
])
def test_a_typo_gets_a_suggestion_and_exit_code_2(argv, message):
    code, out, err = run(*argv)
    assert code == 2 and out == ""
    assert message in err
    assert "--help" in err and "Traceback" not in err


def test_something_unlike_any_command_lists_the_commands():
    code, _, err = run("xyzzy")
    assert code == 2
    assert "unknown command 'xyzzy'" in err and "did you mean" not in err
    assert "metrics, template, refresh, demo, import" in err


def test_japanese_suggestion(monkeypatch):
    monkeypatch.setenv("KPI_XL_LANG", "ja")
    code, _, err = run("refrsh", "book.xlsx")
    assert code == 2
    assert "kpi-xl: エラー: 'refrsh' というコマンドはありません。'refresh' のことですか?" in err
    code, _, err = run("refresh", "book.xlsx", "--perod", "2026-04")
    assert code == 2
    assert "'--perod' というオプションはありません。'--period' のことですか?" in err


@pytest.mark.parametrize(("argv", "message"), [
    ([], "give a command: metrics, template, refresh, demo, import"),
    (["refresh"], "missing: BOOK"),
    (["refresh", "b.xlsx", "--period"], "--period needs a value"),
    (["import", "generic_csv", "x.csv"], "missing: -o/--out"),
    (["template", "t.xlsx", "--locale", "fr"], "--locale: 'fr' is not one of the choices"),
])
def test_other_usage_errors_say_what_is_missing(argv, message):
    code, _, err = run(*argv)
    assert code == 2 and message in err


@pytest.mark.parametrize(("argv", "message"), [
    (["metrics", "--demo", "--per", "2026-10"], "unknown option '--per' — did you mean "
                                                "'--period'?"),
    (["refresh", "book.xlsx", "--as", "2026-10-01"], "did you mean '--as-of'?"),
    (["demo", "--loc", "en"], "did you mean '--locale'?"),
])
def test_abbreviated_options_are_refused_with_a_suggestion(argv, message):
    code, out, err = run(*argv)
    assert code == 2 and out == ""
    assert message in err


@pytest.mark.parametrize(("argv", "en", "ja"), [
    (["metrics", "--demo", "-qj"], "--quiet takes no value (given: 'j')",
     "--quiet には値を指定できません(指定された値: 'j')"),
    (["metrics", "--demo", "--json=yes"], "--json takes no value (given: 'yes')",
     "--json には値を指定できません(指定された値: 'yes')"),
])
def test_a_value_given_to_a_flag_is_a_usage_error_in_the_users_language(argv, en, ja,
                                                                       monkeypatch):
    code, _, err = run(*argv)
    assert code == 2 and en in err
    monkeypatch.setenv("KPI_XL_LANG", "ja")
    code, _, err = run(*argv)
    assert code == 2 and ja in err and "argument" not in err


@pytest.mark.parametrize("command", ["metrics", "refresh"])
def test_a_bad_period_is_refused_before_the_input_is_read(command, book, monkeypatch):
    import kpi_xl.refresh

    def no_reading(*a, **k):
        raise AssertionError("the input was read before the period was checked")

    monkeypatch.setattr(kpi_xl.refresh, "read_dataset", no_reading)
    monkeypatch.setattr("kpi_xl.cli.read_dataset", no_reading)
    argv = ["metrics", "--demo"] if command == "metrics" else ["refresh", str(book)]
    code, _, err = run(*argv, "--period", "FY2026Q5")
    assert code == 2 and "Unknown period 'FY2026Q5'" in err


@pytest.mark.parametrize(("argv", "ja"), [
    (["refresh", "missing.xlsx"], "ブックが見つかりません: missing.xlsx"),
    (["metrics", "missing.xlsx"], "ブックが見つかりません: missing.xlsx"),
    (["metrics", "exports"], "ファイルまたはフォルダーが見つかりません: exports"),
    (["metrics", "--demo", "--period", "2026-13"], "期間 '2026-13' を読み取れません"),
    (["template", "t.csv"], "t.csv: テンプレートは Excel ブックです"),
    (["demo", "d.xlsm"], "d.xlsm: .xlsx ブックを作成します"),
])
def test_file_and_argument_errors_follow_the_users_language_not_the_books(argv, ja,
                                                                        monkeypatch):
    """An English book (the default name says nothing Japanese) or an English template
    refused under a Japanese LANG: the message is Japanese, and English the other way."""
    monkeypatch.setenv("KPI_XL_LANG", "ja")
    code, _, err = run(*argv, *(["--locale", "en"] if argv[0] in ("template", "demo")
                                else []))
    assert code in (2, 4) and ja in err, err


def test_a_japanese_templates_name_error_is_english_for_an_english_user(tmp_path):
    code, _, err = run("template", str(tmp_path / "2026年10月.xlsm"), "--macro")
    assert code == 2
    assert '"2026年10月" cannot be the name of a macro workbook' in err


# --------------------------------------------------------------------------- exit codes


def test_exit_codes_of_metrics(bad_folder, tmp_path, monkeypatch):
    assert run("metrics", "--demo", "--quiet")[0] == 0
    assert run("metrics", "--demo", "--period", "next quarter")[0] == 2
    assert run("metrics")[0] == 2
    assert run("metrics", str(bad_folder), "--quiet")[0] == 3
    assert run("metrics", str(tmp_path / "missing.xlsx"))[0] == 4
    monkeypatch.setattr("kpi_xl.cli.compute_figures", _boom)
    assert run("metrics", "--demo")[0] == 5


def test_exit_codes_of_refresh(book, bad_book, tmp_path, monkeypatch):
    assert run("refresh", str(book), "-o", str(tmp_path / "o.xlsx"), "-q")[0] == 0
    assert run("refresh", str(book), "--as-of", "")[0] == 2
    assert run("refresh", str(bad_book), "-q")[0] == 3
    assert run("refresh", str(tmp_path / "missing.xlsx"))[0] == 4
    assert run("refresh", str(book), "-o", str(tmp_path / "no" / "dir" / "o.xlsx"))[0] == 4
    monkeypatch.setattr("kpi_xl.refresh.build_report", _boom)
    assert run("refresh", str(book), "-o", str(tmp_path / "o.xlsx"))[0] == 5


def test_exit_codes_of_demo(tmp_path, monkeypatch):
    frames = small_frames()
    monkeypatch.setattr("kpi_xl.demo.demo_frames", lambda: {k: v.copy() for k, v in
                                                           frames.items()})
    assert run("demo", str(tmp_path / "d.xlsx"), "--locale", "xx")[0] == 2
    (tmp_path / "file.txt").write_text("x")
    code, _, err = run("demo", str(tmp_path / "file.txt" / "d.xlsx"), "-q")
    assert code == 4 and "Traceback" not in err
    monkeypatch.setattr("kpi_xl.refresh.build_report", _boom)
    assert run("demo", str(tmp_path / "d.xlsx"))[0] == 5
    # success: see the module fixture ``book`` (and tests/test_report.py)


def test_exit_codes_of_template(tmp_path, monkeypatch):
    assert run("template", str(tmp_path / "t.xlsx"), "-q")[0] == 0
    assert run("template", str(tmp_path / "1bad.xlsm"), "--macro")[0] == 2  # not a module name
    (tmp_path / "folder.xlsx").mkdir()
    code, _, err = run("template", str(tmp_path / "folder.xlsx"))
    assert code == 4 and "folder" in err and "Traceback" not in err
    monkeypatch.setattr("kpi_xl.excel.companion.write_template", _boom)
    assert run("template", str(tmp_path / "t.xlsx"))[0] == 5


def test_exit_codes_of_import(tmp_path, monkeypatch):
    deals = tmp_path / "deals.csv"
    deals.write_text(DEALS + "D2,Beta deal,Ann,Beta,Web,500,2026-01-06,,On hold\n",
                     encoding="utf-8")
    code, out, err = run("import", "generic_csv", str(deals), "-o", str(tmp_path / "b.xlsx"))
    assert code == 3, err
    assert "UNMAPPED" in out  # the import report is printed before the failure
    assert run("import", "no_such_mapping", str(deals), "-o", str(tmp_path / "c.xlsx"))[0] == 2
    assert run("import", "generic_csv", str(tmp_path / "none.csv"), "-o",
               str(tmp_path / "c.xlsx"))[0] == 4
    monkeypatch.setattr("kpi_xl.imports.import_sources", _boom)
    assert run("import", "generic_csv", str(deals), "-o", str(tmp_path / "c.xlsx"))[0] == 5


def test_exit_code_of_a_successful_import(tmp_path):
    deals = tmp_path / "deals.csv"
    deals.write_text(DEALS, encoding="utf-8")
    code, out, err = run("import", "generic_csv", str(deals), "-o", str(tmp_path / "b.xlsx"))
    assert code == 0, err
    assert f"wrote {tmp_path / 'b.xlsx'}" in out
    assert f"next: kpi-xl refresh {tmp_path / 'b.xlsx'}" in out


DEALS = ("Deal ID,Deal name,Owner,Account,Lead source,Amount,Created,Close date,Stage\n"
         "D1,Acme deal,Ann,Acme,Web,1000,2026-01-05,2026-02-01,Closed Won\n")


def _boom(*args, **kwargs):
    raise RuntimeError("boom: something nobody expected")


# --------------------------------------------------------------------------- --as-of


@pytest.mark.parametrize(("value", "message"), [
    ("", "give a date"),
    ("   ", "give a date"),
    ("9999-12-31", "date out of range (1900–2200): '9999-12-31'"),
    ("0001-01-01", "date out of range (1900–2200): '0001-01-01'"),
    ("2300-01-01", "date out of range (1900–2200)"),
    ("1899-12-31", "date out of range (1900–2200)"),
    ("99991231", "date out of range (1900–2200)"),
    ("someday", "not a date: 'someday'"),
    ("2026", "not a date"),
    ("46000", "not a date"),
    ("2026-13-45", "not a date"),
])
def test_bad_as_of_dates_are_usage_errors(value, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_as_of(value, "en")
    code, out, err = run("metrics", "--demo", "--as-of", value)
    assert code == 2 and message in err and "OutOfBounds" not in err and out == ""


@pytest.mark.parametrize(("value", "expected"), [
    (None, None), ("2026-11-20", "2026-11-20"), (" 2026/11/20 ", "2026-11-20"),
    ("1900-01-01", "1900-01-01"), ("2200-12-31", "2200-12-31"),
])
def test_good_as_of_dates(value, expected):
    got = parse_as_of(value, "en")
    assert (None if got is None else got.isoformat()) == expected


def test_as_of_range_message_in_japanese(monkeypatch):
    monkeypatch.setenv("KPI_XL_LANG", "ja")
    code, _, err = run("refresh", "book.xlsx", "--as-of", "9999-12-31")
    assert code == 2 and "日付が範囲外です(1900〜2200年)" in err


# --------------------------------------------------------------------------- --problems


def test_problems_go_next_to_the_book_by_default(bad_book):
    before = bad_book.read_bytes()
    code, out, err = run("refresh", str(bad_book))
    assert code == 3 and out == ""
    target = bad_book.with_name("bad-problems.xlsx")
    assert f"is listed in {target}" in err
    assert f"nothing was written; {bad_book} is unchanged" in err
    assert bad_book.read_bytes() == before
    ws = openpyxl.load_workbook(target).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("sheet", "row", "column", "value as typed", "problem", "hint")
    hit = [r for r in rows[1:] if r[4] == "unknown rep"]
    assert len(hit) == 1 and hit[0][2] == "Rep" and isinstance(hit[0][1], int)
    assert hit[0][3] == "=cmd|' /C calc'!A0"  # the value as typed, stored as text
    cell = next(c for c in ws["D"] if c.value == "=cmd|' /C calc'!A0")
    assert cell.data_type == "s"


def test_problems_file_as_csv_keeps_formula_text_inert(bad_folder, tmp_path):
    target = tmp_path / "out" / "p.csv"
    target.parent.mkdir()
    code, _, err = run("metrics", str(bad_folder), "--problems", str(target))
    assert code == 3
    assert f"is listed in {target}" in err
    with open(target, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["sheet", "row", "column", "value as typed", "problem", "hint"]
    values = {r[3] for r in rows[1:]}
    assert "'=HYPERLINK(\"http://x\",\"click\")" in values
    assert "'@SUM(A1)" in values
    assert not any(v[:1] in "=+-@" for r in rows for v in r)


def test_problems_file_and_its_line_follow_the_book_language_not_the_terminal(
        bad_folder, tmp_path, monkeypatch):
    # an English CSV folder on a Japanese terminal: the problems are English, so the line
    # naming the file and the file itself are English too (one language for one report)
    monkeypatch.setenv("KPI_XL_LANG", "ja")
    target = tmp_path / "p.xlsx"
    code, _, err = run("metrics", str(bad_folder), "--problems", str(target))
    assert code == 3 and f"is listed in {target}" in err
    assert "に書き出しました" not in err
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["Problems"]
    header = next(wb.active.iter_rows(values_only=True))
    assert header == ("sheet", "row", "column", "value as typed", "problem", "hint")
    assert any(c.value == '=HYPERLINK("http://x","click")' and c.data_type == "s"
               for c in wb.active["D"])


def test_problems_file_and_its_line_are_japanese_for_a_japanese_book_on_any_terminal(
        tmp_path, monkeypatch):
    monkeypatch.setenv("KPI_XL_LANG", "en")
    folder = tmp_path / "受注"
    folder.mkdir()
    (folder / "受注実績.csv").write_text("日付,顧客ID,金額\n2026/10/1,C1,12,00,000\n"
                                       "2026/10/2,C2,1.200.000\n", encoding="utf-8")
    target = tmp_path / "p.xlsx"
    code, _, err = run("metrics", str(folder), "--problems", str(target))
    assert code == 3
    assert "入力に2件の問題があります:" in err
    assert (f"入力に2件の問題があります。すべての問題(シート・行・列・入力値・対処)を {target} "
            "に書き出しました") in err
    assert "problem(s) in the input" not in err
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["問題一覧"]
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][:2] == ("シート", "行")
    # row 2 has five fields for three headers (an unquoted 12,00,000); row 3's 1.200.000
    assert [(r[0], r[1]) for r in rows[1:]] == [("受注実績.csv", 2), ("受注実績.csv", 3)]
    assert rows[1][4].startswith("この行の項目数は 5 ですが、見出しは 3 項目です")


def test_every_problem_is_in_the_file_even_beyond_the_printed_ones(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    pd.DataFrame({"Rep": ["A"]}).to_csv(folder / "reps.csv", index=False)
    n = 120
    pd.DataFrame({"Opportunity ID": [str(i) for i in range(n)], "Rep": ["Nobody"] * n,
                  "Created": ["2026-01-05"] * n, "Status": ["open"] * n}).to_csv(
        folder / "opportunities.csv", index=False)
    target = tmp_path / "p.xlsx"
    code, _, err = run("metrics", str(folder), "--problems", str(target))
    assert code == 3 and "more" in err and str(target) in err
    rows = list(openpyxl.load_workbook(target).active.iter_rows(values_only=True))
    assert len(rows) == n + 1
    assert sorted(r[1] for r in rows[1:]) == list(range(2, n + 2))


def test_problems_must_be_csv_or_xlsx():
    code, _, err = run("metrics", "--demo", "--problems", "p.txt")
    assert code == 2 and "must end in .xlsx or .csv" in err


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("+81 3", "'+81 3"), ("-5", "-5"), ("-1.5e3", "-1.5e3"),
    ("-x", "'-x"), ("@A1", "'@A1"), ("\tx", "'\tx"), ("plain", "plain"), ("", ""),
])
def test_guard_text_table(value, expected):
    assert guard_text(value) == expected


def test_default_problems_path(tmp_path):
    assert default_problems_path(tmp_path / "b.xlsm") == tmp_path / "b-problems.xlsx"
    (tmp_path / "data").mkdir()
    assert default_problems_path(tmp_path / "data") == tmp_path / "data-problems.xlsx"
    assert default_problems_path(None) == Path("kpi_xl-problems.xlsx")


# --------------------------------------------------------------------------- internal errors


def test_an_internal_error_names_what_failed_and_where_the_report_is(tmp_path, monkeypatch):
    monkeypatch.setattr("kpi_xl.cli.compute_figures", _boom)
    code, out, err = run("metrics", "--demo")
    assert code == 5 and out == ""
    assert "Traceback" not in err
    assert ("kpi-xl: internal error while computing the KPIs: RuntimeError: boom: something "
            "nobody expected") in err
    logs = list((tmp_path / "logs").glob("kpi-xl-error-*.log"))
    assert len(logs) == 1
    assert f"The details are saved in {logs[0]}" in err and "please attach" in err
    report = logs[0].read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in report and "RuntimeError: boom" in report
    assert "arguments: ['metrics', '--demo']" in report and "while: computing the KPIs" in report


def test_debug_also_prints_the_traceback(monkeypatch):
    monkeypatch.setattr("kpi_xl.cli.compute_figures", _boom)
    code, _, err = run("metrics", "--demo", "--debug")
    assert code == 5 and "Traceback (most recent call last)" in err and "attach" in err


def test_internal_error_in_japanese(book, tmp_path, monkeypatch):
    monkeypatch.setenv("KPI_XL_LANG", "ja")
    monkeypatch.setattr("kpi_xl.report.render_xlsxwriter.render_package", _boom)
    code, _, err = run("refresh", str(book), "-o", str(tmp_path / "o.xlsx"))
    assert code == 5
    assert "シートの作成中に内部エラーが発生しました: RuntimeError" in err
    assert "添付してください" in err


def test_internal_error_in_a_real_process_writes_its_report(tmp_path):
    code = ("import sys, kpi_xl.cli as c\n"
            "def boom(*a, **k): raise ZeroDivisionError('x')\n"
            "c.compute_figures = boom\n"
            "sys.exit(c.main(['metrics', '--demo']))\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT), KPI_XL_LANG="en",
               KPI_XL_LOG_DIR=str(tmp_path / "l"))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, check=False)
    assert proc.returncode == 5
    assert "Traceback" not in proc.stderr
    assert len(list((tmp_path / "l").glob("*.log"))) == 1


def test_interrupt_is_reported_in_one_line(monkeypatch):
    def stop(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("kpi_xl.cli.compute_figures", stop)
    code, _, err = run("metrics", "--demo")
    assert code == 130 and err.strip().splitlines()[-1] == "kpi-xl: interrupted"


@pytest.mark.parametrize("phase", ["checking", "rendering"])
def test_ctrl_c_in_a_real_refresh_says_interrupted_leaves_the_book_and_exits_130(book, phase,
                                                                                tmp_path):
    """SIGINT (what Ctrl-C sends) while the book is checked or its sheets rendered: one line,
    no traceback, exit 130, the book byte for byte as it was and no temporary file left."""
    import shutil
    import signal

    target = tmp_path / "book.xlsx"
    shutil.copy(book, target)
    before = target.read_bytes()
    env = dict(os.environ, PYTHONPATH=str(ROOT), KPI_XL_LANG="en")
    proc = subprocess.Popen([sys.executable, "-m", "kpi_xl", "refresh", str(target)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            cwd=tmp_path)
    # the end line of the phase before (a pipe gets plain lines; a table's line ends in "s)")
    before_end = re.compile({"checking": "reading", "rendering": "computing"}[phase] +
                            r"\s[^…]*\d\.\d s$")
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if before_end.match(line.rstrip("\n")):
            proc.send_signal(signal.SIGINT)
            break
    rest = proc.stderr.read()
    proc.wait(timeout=120)
    assert proc.returncode == 130, "".join(seen) + rest
    assert rest.strip().splitlines()[-1] == "kpi-xl: interrupted"
    assert "Traceback" not in rest
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_problems_file_gets_the_umask_mode_or_keeps_the_old_files_not_0600(bad_folder,
                                                                             tmp_path, suffix):
    target = tmp_path / f"problems{suffix}"
    old = os.umask(0o022)
    try:
        assert run("metrics", str(bad_folder), "--problems", str(target))[0] == 3
        assert oct(target.stat().st_mode & 0o777) == oct(0o644)
        target.chmod(0o660)
        assert run("metrics", str(bad_folder), "--problems", str(target))[0] == 3
        assert oct(target.stat().st_mode & 0o777) == oct(0o660)
    finally:
        os.umask(old)
