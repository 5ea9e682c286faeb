"""Write-side safety (issue 12): formula payloads from data stay text on every write path;
destinations that are folders, special files, read-only or open in Excel/LibreOffice are refused
with a message; temporary files never outlive a run (SIGTERM/SIGHUP clean up, a SIGKILL's
leftovers are removed by the next run); the original workbook stays byte-identical throughout.

Every input is generated here; nothing binary is committed.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import textwrap
import time
import types
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from kpi_xl.cli import main
from kpi_xl.errors import InputError
from kpi_xl.imports import import_sources, load_mapping, write_import
from kpi_xl.refresh import refresh
from kpi_xl.report.writer import new_workbook_report, write_report
from kpi_xl.xlsx.atomic import HOST_TAG, TEMP_PREFIX, remove_stale_temp_files

from .ooxml_check import assert_valid
from .test_render_openpyxl import make_report

ROOT = Path(__file__).resolve().parents[1]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PAYLOADS = ['=HYPERLINK("http://x","click")', "=cmd|' /C calc'!A0", "+1+1", "-2+3",
            "@SUM(A1)"]


def _csv(rows: list[list[str]]) -> str:
    def field(v: str) -> str:
        return '"' + v.replace('"', '""') + '"' if any(c in v for c in ',"\n') else v

    head = "Deal ID,Deal name,Owner,Account,Lead source,Amount,Created,Close date,Stage"
    return "\n".join([head, *(",".join(field(v) for v in r) for r in rows)]) + "\n"


def _deals(folder: Path, rows: list[list[str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "deals.csv").write_text(_csv(rows), encoding="utf-8")
    return folder


def _payload_rows(prefix: str = "P") -> list[list[str]]:
    rows = []
    for i, p in enumerate(PAYLOADS):
        rows.append([f"{prefix}{i}", p, p if i < 2 else "Sato", p, p, "1000",
                     "2025-04-02", "2025-04-20", "Closed Won"])
    return rows


def _clean_rows() -> list[list[str]]:
    return [["D1", "Alpha", "Sato", "ACME", "web", "1000", "2025-04-02", "2025-04-20",
             "Closed Won"]]


def _formulas_and_texts(book: Path) -> tuple[list[str], set[str]]:
    """Every formula of every worksheet, and every cell text (inline or shared)."""
    formulas, texts = [], set()
    with zipfile.ZipFile(book) as z:
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            root = etree.fromstring(z.read("xl/sharedStrings.xml"))
            shared = ["".join(si.itertext()) for si in root]
        for name in z.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            root = etree.fromstring(z.read(name))
            formulas += [f.text or "" for f in root.iter(f"{{{MAIN}}}f")]
            for c in root.iter(f"{{{MAIN}}}c"):
                if c.get("t") == "inlineStr":
                    texts.add("".join(c.find(f"{{{MAIN}}}is").itertext()))
                elif c.get("t") == "s":
                    texts.add(shared[int(c.find(f"{{{MAIN}}}v").text)])
    return formulas, texts


def _assert_no_formula_from_data(book: Path) -> None:
    formulas, texts = _formulas_and_texts(book)
    for f in formulas:
        assert not any(marker in f for marker in ("HYPERLINK", "cmd|", "SUM(A1)", "1+1")), f
    assert {"=HYPERLINK(\"http://x\",\"click\")", "=cmd|' /C calc'!A0"} <= texts


# --------------------------------------------------------------------------- formula payloads


@pytest.fixture
def payload_result(tmp_path):
    return import_sources(load_mapping("generic_csv"), [_deals(tmp_path / "p", _payload_rows())])


def test_payloads_stay_text_in_a_new_book_and_its_refresh(payload_result, tmp_path):
    book = write_import(payload_result, tmp_path / "new.xlsx", "en")
    _assert_no_formula_from_data(book)
    assert_valid(book)
    refresh(book)
    _assert_no_formula_from_data(book)
    assert_valid(book)


@pytest.mark.parametrize("mode", ["replace", "append"])
def test_payloads_stay_text_in_an_existing_book_and_its_refresh(payload_result, tmp_path, mode):
    clean = import_sources(load_mapping("generic_csv"), [_deals(tmp_path / "c", _clean_rows())])
    book = write_import(clean, tmp_path / "book.xlsx", "en")
    write_import(payload_result, book, "en", mode=mode)
    _assert_no_formula_from_data(book)
    assert_valid(book)
    import openpyxl

    ws = openpyxl.load_workbook(book)["Opportunities"]
    cells = [c for row in ws.iter_rows() for c in row if c.value in PAYLOADS]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    refresh(book)
    _assert_no_formula_from_data(book)
    assert_valid(book)


def test_payloads_stay_text_in_a_new_report_book(tmp_path):
    report = make_report()
    report.sheets[0].tables[0].rows[0][0] = PAYLOADS[1]
    report.sheets[0].tables[0].rows[1][0] = PAYLOADS[0]
    out = new_workbook_report(report, tmp_path / "r.xlsx")
    _assert_no_formula_from_data(out)


def test_payloads_stay_text_through_the_button(payload_result, tmp_path):
    from kpi_xl.excel.macros import generate_rep_tabs

    from . import xlwings_standin as xs

    book = write_import(payload_result, tmp_path / "button.xlsx", "en")
    standin = xs.load_workbook(book)
    generate_rep_tabs(standin)
    for sheet in standin.sheets:
        for cell in xs.sheet_cells(sheet).values():
            assert cell.formula is None or not any(
                m in cell.formula for m in ("HYPERLINK", "cmd|", "SUM(A1)")), cell
    values = {c.value for s in standin.sheets for c in xs.sheet_cells(s).values()}
    assert "=cmd|' /C calc'!A0" in values


# --------------------------------------------------------------------------- destinations


def _cli(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, out=out, err=err)
    return code, err.getvalue()


@pytest.fixture
def book(tmp_path) -> Path:
    from kpi_xl.excel.template import build_template

    return build_template(tmp_path / "book.xlsx", locale="en")


def test_template_into_a_folder_named_like_a_workbook_is_a_message(tmp_path):
    (tmp_path / "d.xlsx").mkdir()
    code, err = _cli(["template", str(tmp_path / "d.xlsx"), "--locale", "en"])
    assert code == 4 and "is a folder" in err
    assert "close it" not in err and "Traceback" not in err


def test_template_with_a_csv_name_is_an_error_not_out_csv_xlsx(tmp_path):
    code, err = _cli(["template", str(tmp_path / "out.csv"), "--locale", "en"])
    assert code == 2 and "out.csv" in err
    assert not list(tmp_path.iterdir())


def test_demo_into_a_read_only_folder_says_permission_not_excel(tmp_path, monkeypatch):
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() == 0:  # root writes anywhere: make the folder refuse the temporary file
        def denied(*args, **kwargs):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr("kpi_xl.xlsx.atomic.tempfile", types.SimpleNamespace(mkstemp=denied))
    else:
        folder.chmod(0o555)
    try:
        code, err = _cli(["demo", str(folder / "demo.xlsx"), "--locale", "en"])
    finally:
        folder.chmod(0o755)
    assert code == 4 and "permission denied" in err.lower()
    assert "close it" not in err and "Traceback" not in err
    assert not list(folder.iterdir())


@pytest.mark.parametrize("lock", ["~$book.xlsx", ".~lock.book.xlsx#"])
def test_a_book_open_in_excel_or_libreoffice_is_refused_unless_written_elsewhere(book, lock):
    (book.parent / lock).write_text("locked")
    before = book.read_bytes()
    with pytest.raises(InputError, match="open in Excel or LibreOffice") as err:
        refresh(book)
    assert lock in str(err.value) and "-o" in str(err.value)
    assert book.read_bytes() == before
    out = refresh(book, book.parent / "copy.xlsx")
    assert_valid(out)
    assert book.read_bytes() == before


def test_a_read_only_book_is_not_replaced_in_place(book):
    book.chmod(0o444)
    before = book.read_bytes()
    code, err = _cli(["refresh", str(book)])
    assert code == 4 and "read-only" in err
    assert book.read_bytes() == before and (book.stat().st_mode & 0o777) == 0o444
    assert _cli(["refresh", str(book), "-o", str(book.parent / "out.xlsx")])[0] == 0


def test_special_files_are_refused_as_inputs_and_outputs(book, tmp_path):
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    t0 = time.monotonic()
    with pytest.raises(InputError, match="not a regular file"):
        refresh(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        refresh(book, fifo)
    null = tmp_path / "null.xlsx"
    null.symlink_to("/dev/null")
    with pytest.raises(InputError, match="not a regular file"):
        write_report(book, make_report(), null)
    with pytest.raises(InputError, match="is a folder"):
        refresh(tmp_path)
    assert time.monotonic() - t0 < 30  # nothing blocked on the pipe


# --------------------------------------------------------------------------- signals


_SLOW_WRITE = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import kpi_xl.xlsx.write as w
    real = w.write_package

    def slow(pkg, out, **edits):
        real(pkg, out, **edits)  # the temporary file is complete but not yet in place
        out.flush()
        Path(sys.argv[2]).write_text("ready")
        time.sleep(60)

    w.write_package = slow
    from kpi_xl.cli import main
    raise SystemExit(main(["refresh", sys.argv[1], "--quiet"]))
""")


def _start_slow_refresh(book: Path, ready: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_WRITE, str(book), str(ready)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not ready.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the refresh did not reach the write: {proc.stderr.read()!r}")
        time.sleep(0.05)
    return proc


def _temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX))


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_remove_the_temporary_file(book, tmp_path, sig):
    before = book.read_bytes()
    proc = _start_slow_refresh(book, tmp_path / "ready")
    assert _temps(book.parent)  # the temporary file exists while writing
    proc.send_signal(sig)
    assert proc.wait(timeout=60) == 128 + sig
    assert _temps(book.parent) == []
    assert book.read_bytes() == before
    assert b"Traceback" not in proc.stderr.read()


def test_after_sigkill_the_next_run_removes_and_names_the_leftover(book, tmp_path):
    before = book.read_bytes()
    proc = _start_slow_refresh(book, tmp_path / "ready")
    proc.kill()
    proc.wait(timeout=60)
    left = _temps(book.parent)
    assert len(left) == 1 and book.read_bytes() == before
    notices: list[str] = []
    refresh(book, notices=notices)
    assert _temps(book.parent) == []
    assert any(left[0] in n for n in notices)
    assert_valid(book)


def test_temporary_files_of_a_live_process_or_another_computer_are_left_alone(tmp_path):


    mine = tmp_path / f"{TEMP_PREFIX}{HOST_TAG}-{os.getpid()}-abc.xlsx"
    other_host = tmp_path / f"{TEMP_PREFIX}0000beef-999999-abc.xlsx"  # pid unknown here
    old = tmp_path / f"{TEMP_PREFIX}gen-xyz.xlsx"  # an older version's name, no pid
    recent = tmp_path / f"{TEMP_PREFIX}recent.xlsx"
    for p in (mine, other_host, old, recent):
        p.write_bytes(b"x")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    removed = remove_stale_temp_files(tmp_path)
    assert removed == [old]
    assert mine.exists() and recent.exists() and other_host.exists()
