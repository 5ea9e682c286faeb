"""The input template (kpi_xl.excel.template) and its companion module (kpi_xl.excel.companion)."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import io
import os
import pathlib
import re
import shutil
import subprocess
import sys
import types
import zipfile

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter, range_boundaries

from kpi_xl.dataset import TABLE_NAMES, make_dataset
from kpi_xl.errors import ConfigError
from kpi_xl.excel import companion, template
from kpi_xl.excel.companion import companion_module_source, write_template
from kpi_xl.excel.template import (
    BUTTON_CAPTIONS,
    INPUT_TABLES,
    METRIC_NAMES,
    build_bundled_templates,
    build_template,
    quickstart_vba_project,
    sheet_names,
    table_name,
)
from kpi_xl.metrics.actuals import canonical_metric, metric_names
from kpi_xl.schema import TABLES, normalize_header, table_spec
from kpi_xl.settings import SETTING_KEYS, WIN_RATE_DEFINITIONS, Settings
from kpi_xl.units import display_width
from kpi_xl.validate import load

REPO = pathlib.Path(__file__).resolve().parents[1]
BUNDLED = REPO / "workbook_templates"
LOCALES = ("ja", "en")


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[tuple[str, bool], pathlib.Path]:
    """Empty templates per (locale, macro)."""
    folder = tmp_path_factory.mktemp("templates")
    return {(loc, macro): build_template(folder / f"book_{loc}.{'xlsm' if macro else 'xlsx'}",
                                         locale=loc, macro=macro)
            for loc in LOCALES for macro in (False, True)}


def _open(path: pathlib.Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path, keep_vba=path.suffix == ".xlsm")


def _col(ws, j: int):
    """The column dimension covering column ``j`` (XlsxWriter merges equal neighbours)."""
    for dim in ws.column_dimensions.values():
        if dim.min is not None and dim.min <= j <= dim.max:
            return dim
    raise AssertionError(f"{ws.title}: no column definition for column {j}")


def _tables(wb: openpyxl.Workbook) -> dict[str, tuple[str, object]]:
    """table name → (sheet title, openpyxl Table)."""
    return {t.name: (ws.title, t) for ws in wb.worksheets for t in ws.tables.values()}


def _sample_dataset():
    reps = pd.DataFrame({"rep": ["佐藤", "Smith"], "team": ["東京", None], "active": [True, False]})
    opp = pd.DataFrame({
        "opportunity_id": ["O1", "O2", "O3"], "rep": ["佐藤", "Smith", "佐藤"],
        "customer": ["C1", "C2", "=C3"],
        "created_date": pd.to_datetime(["2026-04-01", "2026-04-03", "2026-05-01"]),
        "amount": [1_000_000, 250_000.5, None], "status": ["won", "lost", "open"],
        "close_date": pd.to_datetime(["2026-05-10", "2026-05-12", None]),
        "stage": ["won", "proposal", "hearing"],
        "approach_date": pd.to_datetime(["2026-04-01", None, None]),
    })
    customers = pd.DataFrame({
        "customer": ["C1", "C2", "=C3"], "name": ["=1+1", "+81-3-1234", "@home"],
        "rep": ["佐藤", "Smith", "佐藤"], "start_date": pd.to_datetime(["2025-01-01", None, None]),
    })
    orders = pd.DataFrame({"date": pd.to_datetime(["2026-05-10"]), "customer": ["C1"],
                           "amount": [5000.0], "order_id": ["001"]})
    activities = pd.DataFrame({"date": pd.to_datetime(["2026-04-02", "2026-04-03"]),
                               "rep": ["佐藤", "Smith"], "type": ["visit", "call"],
                               "customer": ["C1", "C2"]})
    targets = pd.DataFrame({"rep": ["佐藤", "佐藤"],
                            "period": pd.to_datetime(["2026-04-01", "2026-04-01"]),
                            "metric": ["revenue", "visits"], "target": [1e6, 20]})
    history = pd.DataFrame({"opportunity_id": ["O2", "O2"], "stage": ["approach", "lost"],
                            "date": pd.to_datetime(["2026-04-03", "2026-05-12"])})
    external = pd.DataFrame({"date": pd.to_datetime(["2026-04-01"]), "factor": ["steel"],
                             "value": [101.5], "note": ["-5% yoy"]})
    return make_dataset(reps=reps, opportunities=opp, customers=customers, orders=orders,
                        activities=activities, targets=targets, stage_history=history,
                        external=external)


@pytest.fixture(scope="module")
def sample():
    return _sample_dataset()


@pytest.fixture(scope="module")
def filled(tmp_path_factory, sample) -> dict[str, pathlib.Path]:
    folder = tmp_path_factory.mktemp("filled")
    data = {n: sample.table(n) for n in TABLE_NAMES}
    return {loc: build_template(folder / f"filled_{loc}.xlsx", locale=loc, data=data)
            for loc in LOCALES}


# --------------------------------------------------------------------------- sheets and tables


@pytest.mark.parametrize("macro", [False, True])
@pytest.mark.parametrize("locale", LOCALES)
def test_sheets_come_in_order_with_localized_names(books, locale, macro):
    wb = _open(books[(locale, macro)])
    expected = [("使い方" if locale == "ja" else "How to use"),
                *(TABLES[n].label(locale) for n in ("settings", *INPUT_TABLES))]
    if macro:
        expected.append("xlwings.conf")
    assert wb.sheetnames == expected == sheet_names(locale, macro=macro)
    assert all(ws.sheet_state == "visible" for ws in wb.worksheets)
    assert wb.active.title == expected[0]


def test_japanese_sheet_names_are_japanese(books):
    names = _open(books[("ja", False)]).sheetnames
    assert names[:4] == ["使い方", "設定", "担当者", "目標"]
    assert "商談" in names and "ステージ履歴" in names


@pytest.mark.parametrize("locale", LOCALES)
def test_every_input_table_is_a_listobject_with_localized_headers(books, locale):
    wb = _open(books[(locale, False)])
    tables = _tables(wb)
    for name in INPUT_TABLES:
        spec = table_spec(name, Settings().stages)
        tname = table_name(spec)
        assert tname == "tbl" + spec.en.replace(" ", "")
        sheet, table = tables[tname]
        assert sheet == spec.label(locale)
        headers = [c.label(locale) for c in spec.columns]
        assert [c.name for c in table.tableColumns] == headers
        assert table.ref == f"A1:{get_column_letter(len(headers))}2"  # header + 1 blank row
        ws = wb[sheet]
        assert [ws.cell(1, j + 1).value for j in range(len(headers))] == headers
    assert tables["tblOpportunities"][1].ref.startswith("A1:")
    assert "tblStageHistory" in tables


@pytest.mark.parametrize("locale", LOCALES)
def test_table_names_resolve_with_the_readers_lookup(books, locale):
    from kpi_xl.read import resolve_table_name

    for tname in _tables(_open(books[(locale, False)])):
        assert resolve_table_name(tname) is not None, tname


@pytest.mark.parametrize("locale", LOCALES)
def test_header_row_is_frozen_and_styled_on_every_table_sheet(books, locale):
    wb = _open(books[(locale, False)])
    for name in ("settings", *INPUT_TABLES):
        ws = wb[TABLES[name].label(locale)]
        assert ws.freeze_panes == "A2", ws.title
        assert ws["A1"].font.b, ws.title


@pytest.mark.parametrize("locale", LOCALES)
def test_column_widths_fit_the_header_counting_cjk_double(books, locale):
    wb = _open(books[(locale, False)])
    for name in INPUT_TABLES:
        spec = table_spec(name)
        ws = wb[spec.label(locale)]
        for j, c in enumerate(spec.columns, start=1):
            width = _col(ws, j).width
            assert width >= display_width(c.label(locale)) + 2, (ws.title, c.name, width)


def test_display_width_counts_east_asian_wide_characters_double():
    assert display_width("abc") == 3
    assert display_width("商談ID") == 6
    assert display_width("ｱｲ") == 2  # half-width katakana are narrow


@pytest.mark.parametrize("locale", LOCALES)
def test_date_and_amount_columns_carry_number_formats(books, locale):
    wb = _open(books[(locale, False)])
    for name in INPUT_TABLES:
        spec = table_spec(name)
        ws = wb[spec.label(locale)]
        for j, c in enumerate(spec.columns, start=1):
            fmt = _col(ws, j).number_format
            if c.kind == "date":
                assert fmt == "yyyy-mm-dd", (name, c.name)
            elif c.name == "amount":
                assert fmt == '"¥"#,##0', (name, c.name)
            elif name == "targets" and c.name == "target":
                assert fmt == "#,##0"
            elif c.kind == "str":
                assert fmt == "@", (name, c.name)  # IDs such as 001 stay text


def test_currency_symbol_follows_the_currency_setting(tmp_path, sample):
    path = build_template(tmp_path / "usd.xlsx", locale="en",
                          settings=Settings(locale="en", currency="USD"),
                          data={"orders": sample.orders})
    ws = _open(path)["Orders"]
    assert ws["C2"].number_format == '"$"#,##0'
    assert _col(ws, 3).number_format == '"$"#,##0'


def test_money_targets_get_the_currency_by_conditional_format(books):
    ws = _open(books[("ja", False)])["目標"]
    rules = [(str(cf.sqref), r) for cf in ws.conditional_formatting for r in cf.rules]
    assert len(rules) == 1
    sqref, rule = rules[0]
    assert sqref.startswith("E2:E")
    assert rule.dxf.numFmt.formatCode == '"¥"#,##0'
    assert '$D2="売上"' in rule.formula[0] and '$D2="revenue"' in rule.formula[0]
    assert "訪問数" not in rule.formula[0]


def test_filled_cells_have_real_dates_and_formats(filled):
    ws = _open(filled["ja"])["商談"]
    assert ws["G2"].is_date and ws["G2"].value == dt.datetime(2026, 4, 1)
    assert ws["G2"].number_format == "yyyy-mm-dd"
    assert ws["H2"].value == 1_000_000 and ws["H2"].number_format == '"¥"#,##0'
    assert ws["H4"].value is None  # missing amount stays blank


# --------------------------------------------------------------------------- dropdowns


def _validations(ws) -> dict[str, tuple[str, str]]:
    """header → (list source, error style) of the data validation on that column."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        min_col, min_row, max_col, max_row = range_boundaries(str(dv.sqref))
        assert min_col == max_col and min_row == 2 and max_row >= 1000
        out[ws.cell(1, min_col).value] = (dv.type, dv.formula1, dv.errorStyle)
    return out


@pytest.mark.parametrize("locale", LOCALES)
def test_dropdowns_on_rep_status_stage_activity_type_and_metric(books, locale):
    wb = _open(books[(locale, False)])

    def dv(table: str) -> dict[str, str]:
        spec = table_spec(table)
        got = _validations(wb[spec.label(locale)])
        by_name = {c.name: got.get(c.label(locale)) for c in spec.columns}
        assert all(v is None or v[0] == "list" for v in by_name.values())
        return {k: v[1] for k, v in by_name.items() if v}

    assert dv("opportunities") == {"rep": "kpi_reps", "status": "kpi_statuses",
                                   "stage": "kpi_stages"}
    assert dv("activities") == {"rep": "kpi_reps", "type": "kpi_activity_types"}
    assert dv("targets") == {"rep": "kpi_reps", "metric": "kpi_metrics"}
    assert dv("stage_history") == {"stage": "kpi_stage_history_stages"}
    assert dv("customers") == {"rep": "kpi_reps"}
    assert dv("reps") == {}


def _name_values(wb, name: str) -> list[object]:
    dests = list(wb.defined_names[name].destinations)
    assert len(dests) == 1
    sheet, ref = dests[0]
    assert sheet in wb.sheetnames
    return [c.value for row in wb[sheet][ref.replace("$", "")] for c in row]


@pytest.mark.parametrize("locale", LOCALES)
def test_defined_names_resolve_to_existing_ranges(books, locale):
    path = books[(locale, False)]
    wb = _open(path)
    names = set(wb.defined_names)
    assert names == {"kpi_reps", "kpi_statuses", "kpi_stages", "kpi_stage_history_stages",
                     "kpi_activity_types", "kpi_metrics"}
    # kpi_reps: the Reps table's rep column, from its first data row down
    sheet, ref = next(iter(wb.defined_names["kpi_reps"].destinations))
    reps_sheet, _ = _tables(wb)["tblReps"]
    assert sheet == reps_sheet
    min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    assert (min_col, min_row, max_col) == (1, 2, 1) and max_row >= 1000
    assert wb[sheet].cell(1, 1).value == table_spec("reps").column("rep").label(locale)
    # the list ranges hold values that the readers map back to keys
    st = Settings()
    assert [st.stage_key(v) for v in _name_values(wb, "kpi_statuses")] == ["open", "won", "lost"]
    assert [st.stage_key(v) for v in _name_values(wb, "kpi_stages")] == list(st.stages)
    assert [st.stage_key(v) for v in _name_values(wb, "kpi_stage_history_stages")] == [
        *st.stages, "lost"]
    metrics = [canonical_metric(v, st) for v in _name_values(wb, "kpi_metrics")]
    assert metrics == metric_names(st) and set(metrics) == set(METRIC_NAMES)


@pytest.mark.parametrize("locale", LOCALES)
def test_activity_type_list_is_split_from_the_setting(books, locale):
    from kpi_xl.validate import activity_key

    path = books[(locale, False)]
    values = _name_values(openpyxl.load_workbook(path), "kpi_activity_types")
    assert all(isinstance(v, str) and v.startswith("=") for v in values)  # formulas…
    cached = _name_values(openpyxl.load_workbook(path, data_only=True), "kpi_activity_types")
    types_ = [v for v in cached if v]  # … with cached results
    assert [activity_key(v, Settings().activity_types) for v in types_] == list(
        Settings().activity_types)
    assert "tblSettings[" in values[0]


# --------------------------------------------------------------------------- settings sheet


@pytest.mark.parametrize("locale", LOCALES)
def test_settings_table_lists_every_setting_with_a_description(books, locale):
    wb = _open(books[(locale, False)])
    sheet, table = _tables(wb)["tblSettings"]
    assert sheet == TABLES["settings"].label(locale)
    spec = TABLES["settings"]
    headers = [c.name for c in table.tableColumns]
    assert headers[:2] == [spec.column("key").label(locale), spec.column("value").label(locale)]
    assert len(headers) == 3
    ws = wb[sheet]
    rows = list(ws.iter_rows(min_row=2, max_row=range_boundaries(table.ref)[3], max_col=3,
                             values_only=True))
    fields_ = [SETTING_KEYS.get(normalize_header(k)) for k, _, _ in rows]
    expected = [f.name for f in dataclasses.fields(Settings) if f.name != "extra"]
    assert fields_ == expected
    desc = {f: d for f, (_, _, d) in zip(fields_, rows, strict=True)}
    assert all(desc.values())
    for choice in WIN_RATE_DEFINITIONS:
        assert choice in desc["win_rate_definition"]
    assert all(isinstance(v, str) or v is None for _, v, _ in rows)


@pytest.mark.parametrize("locale", LOCALES)
def test_empty_template_loads_back_to_default_settings(books, locale):
    ds = load(books[(locale, False)])
    assert ds.settings == Settings(locale=locale)
    assert not ds.warnings and not ds.exclusions
    assert all(len(ds.table(n)) == 0 for n in TABLE_NAMES)


def test_settings_frame_values_are_used(tmp_path):
    frame = pd.DataFrame({"key": ["期首月", "win_rate_definition", "currency"],
                          "value": ["1", "all", "USD"]})
    path = build_template(tmp_path / "s.xlsx", locale="ja", data={"settings": frame})
    st = load(path).settings
    assert (st.fiscal_year_start, st.win_rate_definition, st.currency) == (1, "all", "USD")
    ws = _open(path)["商談"]
    assert _col(ws, 8).number_format == '"$"#,##0'


# --------------------------------------------------------------------------- data


@pytest.mark.parametrize("locale", LOCALES)
def test_filled_template_loads_back_to_the_same_dataset(filled, sample, locale):
    back = load(filled[locale])
    assert not back.warnings and not back.exclusions
    for name in TABLE_NAMES:
        want = sample.table(name).reset_index(drop=True)
        got = back.table(name).reset_index(drop=True)[want.columns]
        pd.testing.assert_frame_equal(got, want, check_dtype=False, obj=name)


@pytest.mark.parametrize("locale", LOCALES)
def test_text_starting_with_formula_characters_stays_text(filled, locale):
    wb = _open(filled[locale])
    ws = wb[TABLES["customers"].label(locale)]
    cells = {ws.cell(r, 2).value: ws.cell(r, 2).data_type for r in range(2, 5)}
    assert cells == {"=1+1": "s", "+81-3-1234": "s", "@home": "s"}
    assert ws["A4"].value == "=C3" and ws["A4"].data_type == "s"
    ext = wb[TABLES["external"].label(locale)]
    assert ext["D2"].value == "-5% yoy" and ext["D2"].data_type == "s"
    # …and it is stored as a string in the XML, not as a formula
    with zipfile.ZipFile(filled[locale]) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>1+1</f>" not in xml and "<f>C3</f>" not in xml


def test_status_stage_and_type_values_are_localized(filled):
    wb = _open(filled["ja"])
    opp = wb["商談"]
    assert [opp.cell(r, 9).value for r in range(2, 5)] == ["受注", "失注", "進行中"]
    assert [opp.cell(r, 11).value for r in range(2, 5)] == ["受注", "提案", "情報収集"]
    assert [wb["活動"].cell(r, 4).value for r in (2, 3)] == ["訪問", "電話"]
    assert [wb["目標"].cell(r, 4).value for r in (2, 3)] == ["売上", "訪問数"]


def test_unknown_table_or_column_in_data_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="unknown tables"):
        build_template(tmp_path / "a.xlsx", data={"deals": pd.DataFrame()})
    with pytest.raises(ConfigError, match="unknown columns"):
        build_template(tmp_path / "b.xlsx", data={"orders": pd.DataFrame({"colour": ["red"]})})


def test_wrong_suffix_is_refused_and_a_missing_one_added(tmp_path):
    with pytest.raises(ConfigError):
        build_template(tmp_path / "a.xlsx", macro=True)
    with pytest.raises(ConfigError):
        build_template(tmp_path / "a.xlsm", macro=False)
    assert build_template(tmp_path / "plain").name == "plain.xlsx"
    assert build_template(tmp_path / "book", macro=True).name == "book.xlsm"


# --------------------------------------------------------------------------- how-to sheet


@pytest.mark.parametrize("locale", LOCALES)
def test_howto_sheet_explains_steps_inputs_and_generated_tabs(books, locale):
    ws = _open(books[(locale, False)]).worksheets[0]
    text = "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v)
    assert "kpi-xl refresh BOOK" in text
    for name in ("settings", *INPUT_TABLES):
        assert TABLES[name].label(locale) in text
        if locale == "en":
            assert TABLES[name].description in text
    generated = (["ダッシュボード", "担当者ごと", "離反分析", "外部要因"] if locale == "ja"
                 else ["Dashboard", "One tab per rep", "Churn", "External"])
    for tab in generated:
        assert tab in text


# --------------------------------------------------------------------------- macro workbook


@pytest.mark.parametrize("locale", LOCALES)
def test_xlsm_carries_the_quickstart_vba_project_unchanged(books, locale):
    import xlwings

    quickstart = pathlib.Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"
    with zipfile.ZipFile(quickstart) as q, zipfile.ZipFile(books[(locale, True)]) as z:
        assert z.read("xl/vbaProject.bin") == q.read("xl/vbaProject.bin")
        assert quickstart_vba_project() == q.read("xl/vbaProject.bin")
        assert 'codeName="ThisWorkbook"' in z.read("xl/workbook.xml").decode()
        types_ = z.read("[Content_Types].xml").decode()
        assert "sheet.macroEnabled.main+xml" in types_
        assert "application/vnd.ms-office.vbaProject" in types_
        assert "vbaProject.bin" in z.read("xl/_rels/workbook.xml.rels").decode()
    assert not list(REPO.rglob("vbaProject.bin"))  # never copied into the repository


@pytest.mark.parametrize("locale", LOCALES)
def test_every_sheet_of_the_xlsm_has_a_vba_codename(books, locale):
    wb = _open(books[(locale, True)])
    assert [ws.sheet_properties.codeName for ws in wb.worksheets] == [
        f"Sheet{i}" for i in range(1, len(wb.worksheets) + 1)]


@pytest.mark.parametrize("locale", LOCALES)
def test_button_on_howto_sheet_calls_samplecall(books, locale):
    with zipfile.ZipFile(books[(locale, True)]) as z:
        vml = [z.read(n).decode() for n in z.namelist() if n.endswith(".vml")]
        rels = z.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
    assert len(vml) == 1
    assert re.search(r"<x:FmlaMacro>\[0\]!SampleCall</x:FmlaMacro>", vml[0])
    assert BUTTON_CAPTIONS[locale] in vml[0]
    assert "vmlDrawing1.vml" in rels  # on the first (how-to) sheet
    assert BUTTON_CAPTIONS["ja"] == "担当者別シートを作成 / Generate rep tabs"


def test_xlsx_has_no_button_and_no_vba(books):
    with zipfile.ZipFile(books[("ja", False)]) as z:
        assert not [n for n in z.namelist() if n.endswith((".vml", ".bin"))]


@pytest.mark.parametrize("locale", LOCALES)
def test_xlwings_conf_sheet_names_the_udf_module(books, locale):
    wb = _open(books[(locale, True)])
    ws = wb["xlwings.conf"]
    assert wb.sheetnames[-1] == "xlwings.conf" and ws.sheet_state == "visible"
    assert (ws["A1"].value, ws["B1"].value) == ("UDF Modules", "kpi_xl.excel.udfs")


def test_button_and_vba_survive_an_openpyxl_round_trip(books, tmp_path):
    src = books[("ja", True)]
    out = tmp_path / "round.xlsm"
    openpyxl.load_workbook(src, keep_vba=True).save(out)
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as b:
        assert a.read("xl/vbaProject.bin") == b.read("xl/vbaProject.bin")
        vml = "".join(b.read(n).decode() for n in b.namelist() if n.endswith(".vml"))
    assert "SampleCall" in vml


def _soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("soffice (LibreOffice) is required in CI but not on PATH")
        pytest.skip("soffice (LibreOffice) is not on PATH; install libreoffice-calc to run")
    return exe


def test_libreoffice_sees_the_button_bound_to_samplecall(books, tmp_path):
    exe = _soffice()
    src = tmp_path / "lo_book.xlsm"
    shutil.copy(books[("ja", True)], src)
    profile = tmp_path / "profile"
    cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
           "--convert-to", "fods", "--outdir", str(tmp_path / "out"), str(src)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=180)
    fods = tmp_path / "out" / "lo_book.fods"
    assert fods.exists(), "soffice exited without writing the .fods"
    text = fods.read_text(encoding="utf-8")
    button = re.search(r"<form:button [^>]*>", text)
    assert button and f'form:label="{BUTTON_CAPTIONS["ja"]}"' in button.group(0)
    assert re.search(r'script:event-name="form:performaction"[^>]*'
                     r'xlink:href="vnd\.sun\.star\.script:[^"]*SampleCall', text)
    assert "xlwings.conf" in text


# --------------------------------------------------------------------------- reproducibility


def _members(path: pathlib.Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


@pytest.mark.parametrize("macro", [False, True])
def test_building_twice_gives_byte_identical_files(tmp_path, macro):
    suffix = ".xlsm" if macro else ".xlsx"
    a = build_template(tmp_path / f"a{suffix}", macro=macro)
    b = build_template(tmp_path / "b" / f"a{suffix}", macro=macro)
    assert a.read_bytes() == b.read_bytes()


def test_document_properties_are_fixed(books):
    props = _open(books[("ja", False)]).properties
    assert props.created == dt.datetime(2026, 1, 1)
    assert props.creator == "kpi_xl"


def test_committed_templates_match_a_fresh_build(tmp_path):
    fresh = build_bundled_templates(tmp_path)
    assert sorted(p.name for p in fresh) == ["kpi_template.py", "kpi_template.xlsm",
                                             "kpi_template.xlsx", "kpi_template_en.xlsx"]
    for p in fresh:
        committed = BUNDLED / p.name
        assert committed.exists(), f"{committed} missing: run python -m kpi_xl.excel.template"
        if p.suffix == ".py":
            assert committed.read_text(encoding="utf-8") == p.read_text(encoding="utf-8")
            continue
        want, got = _members(p), _members(committed)
        assert sorted(got) == sorted(want), p.name
        for name in want:
            assert got[name] == want[name], (
                f"{p.name}:{name} differs from a fresh build; regenerate with "
                "python -m kpi_xl.excel.template")


def test_bundled_templates_locales(tmp_path):
    assert _open(BUNDLED / "kpi_template.xlsx").sheetnames[0] == "使い方"
    assert _open(BUNDLED / "kpi_template.xlsm").sheetnames[0] == "使い方"
    assert _open(BUNDLED / "kpi_template_en.xlsx").sheetnames[0] == "How to use"


def test_module_entry_point_builds_the_bundled_templates(tmp_path):
    subprocess.run([sys.executable, "-m", "kpi_xl.excel.template", str(tmp_path)], check=True,
                   cwd=REPO, capture_output=True, timeout=120)
    assert {p.name for p in tmp_path.iterdir()} == {
        "kpi_template.py", "kpi_template.xlsm", "kpi_template.xlsx", "kpi_template_en.xlsx"}


# --------------------------------------------------------------------------- companion module


def test_companion_source_compiles_and_main_calls_generate_rep_tabs(monkeypatch):
    source = companion_module_source()
    tree = ast.parse(source)
    assert ast.get_docstring(tree) and "rename" in ast.get_docstring(tree).lower()
    imports = {(n.module, a.name) for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
               for a in n.names}
    assert ("kpi_xl.excel.macros", "generate_rep_tabs") in imports
    assert any(isinstance(n, ast.Import) and n.names[0].name == "xlwings" and
               n.names[0].asname == "xw" for n in tree.body)
    compile(source, "kpi_template.py", "exec")

    calls = []
    fake_book = object()
    fake_xw = types.ModuleType("xlwings")
    fake_xw.Book = types.SimpleNamespace(caller=lambda: fake_book)
    fake_macros = types.ModuleType("kpi_xl.excel.macros")
    fake_macros.generate_rep_tabs = calls.append
    monkeypatch.setitem(sys.modules, "xlwings", fake_xw)
    monkeypatch.setitem(sys.modules, "kpi_xl.excel.macros", fake_macros)
    namespace: dict[str, object] = {"__name__": "kpi_template"}
    exec(compile(source, "kpi_template.py", "exec"), namespace)
    namespace["main"]()
    assert calls == [fake_book]


def test_write_template_writes_xlsm_and_module_side_by_side(tmp_path):
    written = write_template(tmp_path / "sales_2026", locale="en", macro=True)
    assert [p.name for p in written] == ["sales_2026.xlsm", "sales_2026.py"]
    assert (tmp_path / "sales_2026.py").read_text(encoding="utf-8") == companion_module_source()
    assert write_template(tmp_path / "plain.xlsm", locale="en", macro=False) == [
        tmp_path / "plain.xlsx"]


@pytest.mark.parametrize("stem, reason", [
    ("kpi-template", "Python"), ("1book", "Python"), ("class", "Python"), ("my book", "Python"),
    ("sales.2026", "Python"), ("json", "import json"), ("xlwings", "import xlwings")])
def test_macro_workbook_with_a_stem_that_is_no_module_name_is_refused(tmp_path, stem, reason):
    with pytest.raises(ConfigError, match=reason) as err:
        write_template(tmp_path / f"{stem}.xlsm", locale="en", macro=True)
    assert "営業月報_2026年10月.xlsm" in str(err.value) or "another name" in str(err.value)
    with pytest.raises(ConfigError):
        build_template(tmp_path / f"{stem}.xlsm", macro=True)
    assert not list(tmp_path.iterdir())
    # without macros any name is fine
    assert write_template(tmp_path / f"{stem}.xlsx", locale="ja", macro=False)[0].exists()


@pytest.mark.parametrize("stem, module", [
    ("営業月報_2026年10月", "営業月報_2026年10月"),
    ("売上", "売上"),
    ("営業月報_２０２６年", "営業月報_2026年"),   # full-width digits: Python reads them NFKC
    ("ｴｲｷﾞｮｳ", "エイギョウ"),                 # half-width katakana likewise
    ("_private", "_private"),
])
def test_every_python_identifier_is_a_macro_workbook_name(tmp_path, stem, module):
    assert stem.isidentifier()
    written = write_template(tmp_path / f"{stem}.xlsm", locale="ja", macro=True)
    assert [p.name for p in written] == [f"{stem}.xlsm", f"{module}.py"]
    assert template.module_name(written[0]) == module
    # the button's SampleCall runs "import <stem>": Python finds the module written
    code = f"import sys; sys.path.insert(0, {str(tmp_path)!r}); import {stem}; print({stem}.main)"
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, timeout=60,
                          capture_output=True, text=True)
    assert "function main" in done.stdout, done.stderr


def test_the_how_to_sheet_explains_the_naming_rule(tmp_path):
    book = write_template(tmp_path / "営業月報_2026年10月.xlsm", locale="ja", macro=True)[0]
    ws = openpyxl.load_workbook(book)["使い方"]
    texts = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "名前のルール" in texts and "営業月報_2026年10月.py" in texts
    en = write_template(tmp_path / "book.xlsm", locale="en", macro=True)[0]
    ws = openpyxl.load_workbook(en)["How to use"]
    texts = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "Naming rule" in texts and "book.py" in texts


def test_refresh_warns_when_the_macro_books_module_is_missing(tmp_path):
    from kpi_xl.cli import main

    first = write_template(tmp_path / "sales_2026_10.xlsm", locale="en", macro=True)[0]
    renamed = first.with_name("sales_2026_11.xlsm")
    first.rename(renamed)  # copied for next month, the module left behind
    err = io.StringIO()
    assert main(["refresh", str(renamed), "--locale", "en", "--quiet"], out=io.StringIO(),
                err=err) == 0
    assert "sales_2026_11.py" in err.getvalue() and "sales_2026_10.py" in err.getvalue()
    renamed.with_name("sales_2026_11.py").write_text(companion_module_source())
    err = io.StringIO()
    assert main(["refresh", str(renamed), "--locale", "en", "--quiet"], out=io.StringIO(),
                err=err) == 0
    assert "module" not in err.getvalue()
    bad = renamed.rename(renamed.with_name("sales 2026-11.xlsm"))
    err = io.StringIO()
    assert main(["refresh", str(bad), "--locale", "en", "--quiet"], out=io.StringIO(),
                err=err) == 0
    assert "cannot work" in err.getvalue()


def test_excel_package_does_not_import_xlwings():
    code = ("import sys, kpi_xl.excel, kpi_xl.excel.template, kpi_xl.excel.companion; "
            "assert 'xlwings' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO, timeout=60)


def test_public_names():
    assert set(template.__all__) >= {"build_template", "build_bundled_templates"}
    assert set(companion.__all__) == {"companion_module_source", "companion_notices",
                                      "write_template"}
