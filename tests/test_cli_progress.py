"""Phase progress of long commands: one updating line on a terminal, plain lines in a pipe."""

import fcntl
import io
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from kpi_xl.cli import main
from kpi_xl.cli_progress import ConsoleProgress, display_width, format_seconds

ROOT = Path(__file__).resolve().parents[1]
#: a phase's last line; a counter line of a long phase ("computing  1/11 Sato …  8.1 s") is not
PHASE_END = re.compile(r"^(reading|checking|computing|rendering|writing)\s[^…]*\d+\.\d s$")


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def _plain(locale="en"):
    clock, stream = Clock(), io.StringIO()
    return ConsoleProgress(stream, locale, tty=False, clock=clock, every=5.0), clock, stream


# --------------------------------------------------------------------------- units


@pytest.mark.parametrize(("seconds", "locale", "whole", "expected"), [
    (0.04, "en", False, "0.0 s"),
    (3.25, "en", False, "3.2 s"),
    (3.25, "ja", False, "3.2秒"),
    (3.2, "en", True, "3 s"),
    (59.9, "en", False, "59.9 s"),
    (60.0, "en", False, "1 min 00 s"),
    (125.4, "en", False, "2 min 05 s"),
    (125.4, "ja", False, "2分05秒"),
    (-1.0, "en", False, "0.0 s"),
])
def test_seconds_are_written_the_way_people_read_them(seconds, locale, whole, expected):
    assert format_seconds(seconds, locale, whole=whole) == expected


@pytest.mark.parametrize(("text", "width"), [
    ("abc", 3), ("担当者", 6), ("ｱｲ", 2), ("Ｒｅｐ", 6), ("e\u0301", 1), ("", 0),
])
def test_display_width_counts_wide_characters_twice(text, width):
    assert display_width(text) == width


def test_plain_mode_writes_one_line_per_table_and_per_phase_with_its_time():
    p, clock, stream = _plain()
    p.phase("read")
    clock.t = 0.4
    p.table("商談", 2000)
    clock.t = 1.0
    p.table("活動", 1)
    p.phase("validate")
    clock.t = 3.5
    p.phase("compute")
    clock.t = 4.0
    p.done()
    lines = stream.getvalue().splitlines()
    assert lines == [
        "reading    商談: 2,000 rows  (0.4 s)",
        "reading    活動: 1 row  (0.6 s)",
        "reading    2 tables, 2,001 rows  1.0 s",
        "checking   2.5 s",
        "computing  0.5 s",
    ]
    assert "\r" not in stream.getvalue()
    assert p.seconds == {"read": 1.0, "validate": 2.5, "compute": 0.5}
    assert [t for t, _ in p.tables] == ["商談", "活動"]


def test_plain_mode_prints_a_counter_with_the_time_left_every_few_seconds():
    p, clock, stream = _plain()
    p.phase("render")
    for i in range(1, 11):  # one second per sheet
        clock.t = float(i - 1)
        p.step(i, 10, f"Rep {i:02d}")
    clock.t = 10.0
    p.done()
    lines = stream.getvalue().splitlines()
    # steps 1..10 start at t = 0..9; a line at most every 5 s: at t = 5 (step 6)
    assert lines == ["rendering  6/10 Rep 06 · about 5 s left …  5.0 s",
                     "rendering  10/10  10.0 s"]


def test_time_left_is_the_average_item_time_times_the_items_left():
    p, clock, stream = _plain("ja")
    p.every = 0.0
    p.phase("compute")
    for i, t in enumerate([0.0, 2.0, 4.0], start=1):
        clock.t = t
        p.step(i, 5, "x")
    # 2 items took 4 s; items 3, 4, 5 remain → 6 s
    assert stream.getvalue().splitlines()[-1] == "集計        3/5 x · 残り約6秒 …  4.0秒"


def test_terminal_mode_updates_one_line_in_place_and_ends_each_phase_with_its_time():
    clock, stream = Clock(), io.StringIO()
    p = ConsoleProgress(stream, "en", tty=True, clock=clock, tick=0)
    p.phase("read")
    clock.t = 1.0
    p.table("Opportunities", 3)
    clock.t = 2.0
    p.phase("render")
    for i in (1, 2):
        clock.t += 1
        p.step(i, 2, "Dashboard")
    p.done()
    out = stream.getvalue()
    assert "\n" not in out.split("\r")[1]  # updates rewrite the line, no new lines
    finished = [seg.rstrip() for seg in out.split("\r") if seg.endswith("\n")]
    assert finished == ["reading    1 table, 3 rows  2.0 s", "rendering  2/2  2.0 s"]


def test_a_terminal_line_never_runs_past_the_terminal_width(monkeypatch):
    monkeypatch.setenv("COLUMNS", "30")
    clock, stream = Clock(), io.StringIO()
    p = ConsoleProgress(stream, "ja", tty=True, clock=clock, tick=0)
    p.phase("read")
    p.table("とても長い名前の担当者別の活動記録シート", 1_048_575)
    drawn = [seg.rstrip() for seg in stream.getvalue().split("\r") if seg]
    assert all(display_width(seg) <= 29 for seg in drawn)
    assert drawn[-1].endswith("…")


def test_abort_clears_the_unfinished_line_and_keeps_the_failed_phase():
    clock, stream = Clock(), io.StringIO()
    p = ConsoleProgress(stream, "en", tty=True, clock=clock, tick=0)
    p.phase("validate")
    clock.t = 1.0
    p.abort()
    assert p.current == "validate"
    assert stream.getvalue().endswith("\r")
    assert "checking   1.0 s" not in stream.getvalue()


def test_quiet_progress_draws_nothing_but_still_keeps_the_times():
    clock = Clock()
    p = ConsoleProgress(None, "en", clock=clock)
    p.phase("read")
    clock.t = 2.0
    p.table("Reps", 5)
    p.done()
    assert p.seconds == {"read": 2.0} and p.tables == [("Reps", 5)]


# --------------------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def demo_book(tmp_path_factory):
    path = tmp_path_factory.mktemp("progress") / "book.xlsx"
    assert main(["demo", str(path), "--locale", "en", "--quiet"]) == 0
    return path


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES")}
    env.update(PYTHONPATH=str(ROOT), KPI_XL_LANG="en", TERM="xterm", **extra)
    return env


def _run_in_pty(argv, env, columns=120):
    """Run ``python -m kpi_xl argv`` with stderr on a pseudo-terminal; (code, stdout, tty)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "kpi_xl", *argv], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=slave, env=env, cwd=ROOT)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    stdout = proc.stdout.read().decode()
    proc.wait(timeout=120)
    return proc.returncode, stdout, b"".join(chunks).decode()


def test_refresh_on_a_terminal_updates_one_line_per_phase(demo_book, tmp_path):
    code, stdout, tty = _run_in_pty(["refresh", str(demo_book), "-o", str(tmp_path / "o.xlsx")],
                                    _env())
    assert code == 0, tty
    assert "\r" in tty  # the line is redrawn in place
    finished = [seg.strip() for seg in re.split(r"\r(?!\n)", tty) if seg.endswith("\r\n")]
    assert [f.split()[0] for f in finished] == ["reading", "checking", "computing",
                                                 "rendering", "writing"]
    assert all(re.search(r"\d+\.\d s$", f) for f in finished)
    assert "15/15" in finished[3]  # 15 sheets rendered, counted
    assert re.search(r"computing\s+\d+/11 .*about \d+ s left", tty)  # 11 rep tabs, time left
    assert f"wrote {tmp_path / 'o.xlsx'}" in stdout and "15 sheets generated" in stdout
    assert "Traceback" not in tty


def test_refresh_through_a_pipe_writes_plain_phase_lines(demo_book, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "kpi_xl", "refresh", str(demo_book), "-o",
                           str(tmp_path / "o.xlsx")], capture_output=True, text=True,
                          env=_env(), cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "\r" not in proc.stderr and "\r" not in proc.stdout
    lines = proc.stderr.splitlines()
    ends = [ln for ln in lines if PHASE_END.match(ln)]
    assert [ln.split()[0] for ln in ends] == ["reading", "checking", "computing", "rendering",
                                              "writing"]
    assert sum("Opportunities" in ln and "3,678 rows" in ln for ln in lines) == 1
    assert re.match(r"reading\s+10 tables, 49,080 rows\s+\d+\.\d s$", ends[0])
    out = proc.stdout.splitlines()
    assert out[0] == f"wrote {tmp_path / 'o.xlsx'}"
    assert "  Opportunities: 3,678 read, 3,678 used" in out
    assert re.match(r"total time \d+\.\d s$", out[-1])


def test_json_on_stdout_is_never_mixed_with_progress():
    proc = subprocess.run([sys.executable, "-m", "kpi_xl", "metrics", "--demo", "--json"],
                          capture_output=True, text=True, env=_env(), cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)  # nothing but the JSON
    assert data["source"] == "kpi_xl bundled demo data"
    assert re.search(r"^computing\s+\d+\.\d s$", proc.stderr, re.M)
    assert re.search(r"^total time \d+\.\d s$", proc.stderr, re.M)


def test_quiet_prints_nothing_on_success(demo_book, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    code = main(["refresh", str(demo_book), "-o", str(tmp_path / "q.xlsx"), "--quiet"],
                out=out, err=err)
    assert code == 0 and out.getvalue() == "" and err.getvalue() == ""


def test_japanese_progress_and_summary(demo_book, tmp_path, monkeypatch):
    monkeypatch.setenv("KPI_XL_LANG", "ja")
    out, err = io.StringIO(), io.StringIO()
    assert main(["refresh", str(demo_book), "-o", str(tmp_path / "j.xlsx")], out=out,
                err=err) == 0
    assert re.search(r"^読み込み\s+10テーブル・49,080行\s+\d+\.\d秒$", err.getvalue(), re.M)
    assert re.search(r"^シート作成\s+15/15\s+\d+\.\d秒$", err.getvalue(), re.M)
    assert f"{tmp_path / 'j.xlsx'} に書き込みました" in out.getvalue()
    assert "商談: 3,678行を読み込み、3,678行を使用" in out.getvalue()


def test_import_reports_its_phases_and_tables(tmp_path, monkeypatch):
    monkeypatch.setenv("KPI_XL_LANG", "en")
    deals = tmp_path / "deals.csv"
    deals.write_text("Deal ID,Deal name,Owner,Account,Lead source,Amount,Created,Close date,Stage\n"
                     "D1,Acme deal,Ann,Acme,Web,1000,2026-01-05,2026-02-01,Closed Won\n"
                     "D2,Beta deal,Bob,Beta,Web,500,2026-01-06,,Proposal\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(["import", "generic_csv", str(deals), "-o", str(tmp_path / "b.xlsx"),
                 "--derive-targets"], out=out, err=err)
    assert code == 0, err.getvalue()
    lines = err.getvalue().splitlines()
    assert re.match(r"reading\s+opportunities: 2 rows  \(\d+\.\d s\)$", lines[0])
    assert [ln.split()[0] for ln in lines if PHASE_END.match(ln)] == ["reading", "computing",
                                                                      "writing"]
    assert "import with mapping 'generic_csv'" in out.getvalue()  # the import report
    assert re.search(r"^total time \d+\.\d s$", out.getvalue(), re.M)
