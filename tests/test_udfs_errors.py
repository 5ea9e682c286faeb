"""The KPI_* formulas' errors: what each runtime needs to show a real Excel error, the reasons
KPI_WHY gives in both languages, and a hostile argument corpus (issue 12) through which no
formula raises, no reason is an internal error or an unworded engine message, and no text shows
Python's own words."""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import math
import re
import sys
import types
from pathlib import Path

import pytest
import xlwings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi_xl.excel import udfs
from kpi_xl.excel.udfs import KPI_WHY, explain
from kpi_xl.excel.udfs import runtime as rt
from kpi_xl.excel.udfs.outcome import COM_SCODE, ERROR_CODES, XL_CVERR, Reason
from kpi_xl.excel.udfs.why import FORMULAS, reason_of_call

D = dt.datetime
XLWINGS = Path(xlwings.__file__).parent


@pytest.fixture(autouse=True)
def _english_machine(monkeypatch):
    monkeypatch.setenv("KPI_XL_LANG", "en")
    monkeypatch.delenv("XLWINGS_ON_SERVER", raising=False)
    monkeypatch.delenv("KPI_XL_FORMULA_ERRORS", raising=False)


def col(*values: object) -> list[list]:
    return [[v] for v in values]


# --------------------------------------------------------------------------- runtime contract


def test_xlwings_decorators_are_no_ops_on_linux():
    def f(x):
        return x

    assert xlwings.func(f) is f
    assert xlwings.func(category="KPI")(f) is f
    assert xlwings.arg("x", ndim=2, doc="d", err_to_str=True)(f) is f
    assert xlwings.ret(expand="table")(f) is f


@pytest.mark.parametrize("name", udfs.__all__)
def test_formulas_are_plain_functions_with_xlwings_compatible_signatures(name):
    f = getattr(udfs, name)
    assert inspect.isfunction(f) and f.__name__ == name
    assert f.__module__.startswith(udfs.__name__ + ".")
    assert not hasattr(f, "__xlfunc__")  # no-op decorators attach nothing on Linux
    params = inspect.signature(f).parameters.values()
    kinds = {p.kind for p in params}
    assert kinds <= {inspect.Parameter.POSITIONAL_OR_KEYWORD,
                     inspect.Parameter.VAR_POSITIONAL}  # xlwings rejects keyword-only
    if inspect.Parameter.VAR_POSITIONAL in kinds:  # xlwings: no optional args with *args
        assert all(p.default is inspect.Parameter.empty for p in params)
    first = f.__doc__.strip().splitlines()[0]
    assert len(first) <= 90 and "Engine: kpi_xl." in " ".join(f.__doc__.split())


def test_the_package_does_not_import_the_windows_only_udf_server():
    for path in Path(udfs.__file__).parent.glob("*.py"):
        src = path.read_text(encoding="utf-8")
        assert "xlwings.udfs" not in src.replace("``", "").replace('"xlwings.udfs"', ""), path


def test_formula_declares_every_argument_to_xlwings_with_error_cells_as_text(monkeypatch):
    calls = []

    def rec(kind):
        def deco(*a, **kw):
            def inner(f):
                calls.append((kind, a, kw))
                return f
            return inner
        return deco

    monkeypatch.setattr(rt, "arg", rec("arg"))
    monkeypatch.setattr(rt, "func", rec("func"))

    def f(rng, x=None):
        return rng

    def g(name, *args):
        return name

    rt.formula(ranges={"rng": "cells"})(f)
    rt.formula(ranges={"args": "same"})(g)
    assert ("arg", ("rng",), {"err_to_str": True, "ndim": 2, "doc": "cells"}) in calls
    assert ("arg", ("x",), {"err_to_str": True}) in calls
    assert ("arg", ("*args",), {"err_to_str": True, "ndim": 2, "doc": "same"}) in calls
    assert calls.count(("func", (), {"category": "KPI"})) == 2


# --------------------------------------------------------------------------- error values


def _dict_assigned(path: Path, name: str) -> dict:
    """A dict literal assigned to ``name`` in xlwings' own source (read, not imported: the
    modules need Windows or an xlwings licence to import)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets) \
                    and isinstance(node.value, ast.Dict):
                return ast.literal_eval(node.value)
    raise AssertionError(f"{name} not found in {path}")


def test_officejs_runtime_gets_the_exact_strings_xlwings_turns_into_error_types(monkeypatch):
    monkeypatch.setenv("XLWINGS_ON_SERVER", "true")
    assert rt.runtime() == "officejs"
    table = _dict_assigned(XLWINGS / "pro" / "_xlofficejs.py", "error_to_type")
    for code in ERROR_CODES:
        assert rt.present(Reason(code, "no_target")) == code
        assert code in table  # errorstr_to_errortype maps it to {"type": "Error", ...}
    assert udfs.KPI_ACHIEVEMENT(5, 0) == "#DIV/0!" and table["#DIV/0!"] == "Div0"
    assert udfs.KPI_ACHIEVEMENT(5, None) == "#N/A" and table["#N/A"] == "NotAvailable"


def test_error_numbers_are_excels_and_xlwings_own():
    cvs = xlwings.constants.CVError
    excel = {"#NULL!": cvs.xlErrNull, "#DIV/0!": cvs.xlErrDiv0, "#VALUE!": cvs.xlErrValue,
             "#REF!": cvs.xlErrRef, "#NAME?": cvs.xlErrName, "#NUM!": cvs.xlErrNum,
             "#N/A": cvs.xlErrNA}
    assert excel == XL_CVERR
    cell_errors = _dict_assigned(XLWINGS / "_xlwindows.py", "cell_errors")
    assert {v: k for k, v in COM_SCODE.items()} == cell_errors  # what COM hands for a cell


@pytest.fixture
def fake_pywin32(monkeypatch):
    """pythoncom and win32com.client as far as com_error uses them (pywin32's VARIANT keeps
    ``varianttype`` and ``value``; VT_ERROR is 10)."""
    class VARIANT:
        def __init__(self, vt, value):
            self.varianttype, self.value = vt, value

    pythoncom = types.ModuleType("pythoncom")
    pythoncom.VT_ERROR = 10
    win32com = types.ModuleType("win32com")
    client = types.ModuleType("win32com.client")
    client.VARIANT = VARIANT
    win32com.client = client
    for name, mod in (("pythoncom", pythoncom), ("win32com", win32com),
                      ("win32com.client", client)):
        monkeypatch.setitem(sys.modules, name, mod)
    return VARIANT


def test_classic_udfs_are_detected_from_the_decorator_xlwings_chose(monkeypatch):
    def classic_func(f=None, **kw):
        return f

    classic_func.__module__ = "xlwings.udfs"
    monkeypatch.setattr(xlwings, "func", classic_func)
    assert rt.runtime() == "classic"


def test_classic_udfs_return_the_error_text_unless_com_errors_are_asked_for(monkeypatch,
                                                                          fake_pywin32):
    monkeypatch.setattr(rt, "runtime", lambda: "classic")
    assert udfs.KPI_ACHIEVEMENT(5, 0) == "#DIV/0!"  # default: text (see runtime docstring)
    monkeypatch.setenv("KPI_XL_FORMULA_ERRORS", "com")
    got = udfs.KPI_ACHIEVEMENT(5, None)
    assert isinstance(got, fake_pywin32)
    assert (got.varianttype, got.value) == (10, -2146826246)  # VT_ERROR, 0x800A07FA (xlErrNA)
    assert udfs.KPI_ACHIEVEMENT(80, 100) == pytest.approx(0.8)  # values are untouched


def test_com_errors_are_never_used_outside_classic_udfs(monkeypatch):
    monkeypatch.setenv("KPI_XL_FORMULA_ERRORS", "com")
    assert rt.error_mode() == "text" and udfs.KPI_ACHIEVEMENT(5, 0) == "#DIV/0!"


# --------------------------------------------------------------------------- KPI_WHY


@pytest.mark.parametrize(("name", "args", "en", "ja"), [
    ("KPI_ACHIEVEMENT", (5, 0), "#DIV/0! The target is 0, so actual ÷ target divides by zero.",
     "#DIV/0! 目標が0のため、実績÷目標が0での割り算になります。"),
    ("KPI_ACHIEVEMENT", (5, None), "#N/A There is no target (the target cell is blank).",
     "#N/A 目標がありません（目標のセルが空欄です）。"),
    ("KPI_ACHIEVEMENT", ("abc", 1), "#VALUE! actual: 'abc' is not a number (write a number "
     "such as 1200000, 120万円 or 12).", "#VALUE! actual：「abc」は数値として読めません（例: "
     "1200000 / 120万円 / 12）。"),
    ("KPI_PACE", (100, 1000, D(2026, 3, 31), "2026-04"), "#N/A The period has not started on "
     "the as-of date (2026-03-31), so there is nothing to pace yet.", "#N/A 基準日（2026-03-31）"
     "の時点で期間が始まっていないため、ペースはまだ出せません。"),
    ("KPI_PACE", (100, 1000, D(9999, 12, 31)), "#NUM! as_of: '9999-12-31' is outside the "
     "dates kpi_xl handles (1900–2200). Check the year; placeholder dates such as 9999-12-31 "
     "are not accepted.", "#NUM! as_of：「9999-12-31」は kpi_xl が扱える日付（1900〜2200年）の"
     "範囲外です。年を確認してください。9999/12/31 のような仮の日付は使えません。"),
    ("KPI_WIN_RATE", (col("open"),), "#N/A No deal in the range is won or lost yet (open deals "
     "do not count for the \"closed\" win rate).", "#N/A 範囲内に受注・失注が決まった商談があり"
     "ません（「受注/失注」基準の受注率では進行中の商談は数えません）。"),
    ("KPI_WIN_RATE", (col("won", "#N/A"),), "#N/A status_range, cell 2, is the Excel error "
     "#N/A: an error in an input range passes through. Fix that cell.", "#N/A status_range の"
     "2番目のセルが Excel のエラー #N/A です。範囲内のエラーはそのまま結果に引き継がれます。その"
     "セルを直してください。"),
    ("KPI_CHURN_RATE", (col("A"), col(D(2026, 4, 2)), "2026-04"), "#N/A No customer was "
     "active on the day before the period (no order within 3 months before it), so there is "
     "nobody who could churn.", "#N/A 期間の前日に稼働中の顧客がいません（その前3か月以内の"
     "受注なし）。離反しうる顧客がいないため計算できません。"),
    ("KPI_CHURN_RATE", (col("A", "B"), col(D(2026, 4, 2)), "2026-04"), "#VALUE! customer_ids, "
     "order_dates must have the same number of cells (they have 2 / 1).", "#VALUE! "
     "customer_ids, order_dates のセルの数をそろえてください（現在 2 / 1）。"),
    ("KPI_CONVERSION", ([["情報収集日", "提案日"]], "hearing", "proposal"), "#N/A No "
     "opportunity entered Information gathering in the period, so there is nothing to convert "
     "from.", "#N/A 期間内に「情報収集」に入った商談がないため、転換率を計算できません。"),
    ("KPI_VELOCITY", (10, 1000, 0.25, 0), "#DIV/0! cycle_days is 0, so the velocity divides "
     "by zero.", "#DIV/0! cycle_days が0のため、商談速度が0での割り算になります。"),
    ("KPI_NRR", (col("A"), col(D(2026, 4, 2)), col(10), "2026-04"), "#N/A No customer had "
     "revenue in the base window 2025-04-01 … 2025-04-30, so there is nothing to retain.",
     "#N/A 比較期間 2025-04-01〜2025-04-30 に売上のある顧客がいないため、維持率を計算でき"
     "ません。"),
])
def test_why_says_the_reason_in_both_languages(name, args, en, ja):
    assert explain(name, *args, locale="en") == en
    assert explain(name, *args, locale="ja") == ja
    assert KPI_WHY(name + " ja", *args) == ja
    assert KPI_WHY(name + " English", *args) == en


def test_why_words_follow_the_formulas_tables_and_words():
    ja_table = [["商談ID", "担当者", "作成日", "状態"], ["o1", "A", "someday", "受注"]]
    assert KPI_WHY("KPI_FUNNEL", ja_table).startswith("#VALUE! 商談シート 2行目 〔作成日〕")
    assert KPI_WHY("KPI_WIN_RATE", col("未定"), "全件").startswith("#N/A 範囲内に")
    assert KPI_WHY("KPI_ACHIEVEMENT", 5, 0).startswith("#DIV/0! The target")  # machine: en


def test_why_uses_the_machines_language_when_the_arguments_have_none(monkeypatch):
    monkeypatch.setenv("KPI_XL_LANG", "ja")
    assert KPI_WHY("KPI_ACHIEVEMENT", 5, 0).startswith("#DIV/0! 目標が0")


@pytest.mark.parametrize(("args", "expected"), [
    (("KPI_ACHIEVEMENT", 80, 100), "KPI_ACHIEVEMENT gives a value here: no error."),
    (("kpi_achievement", 80, 100), "KPI_ACHIEVEMENT gives a value here: no error."),
    (("ACHIEVEMENT", [[80]], [[100]]), "KPI_ACHIEVEMENT gives a value here: no error."),
    (("KPI_FUNNEL", [["商談ID", "担当者", "作成日", "状態"]]),
     "KPI_FUNNEL はここでは値を返しています（エラーはありません）。"),
    ((None,), 'Write the name of the formula to explain first, then its arguments, e.g. '
              '=KPI_WHY("KPI_PACE", C2, D2, TODAY()).'),
    (("KPI_PACE", 1), "KPI_PACE takes 3 to 6 arguments; 1 were given after its name."),
])
def test_why_of_values_names_and_arguments(args, expected):
    assert KPI_WHY(*args) == expected


def test_why_of_an_unknown_name_lists_the_formulas():
    got = KPI_WHY("KPI_NOPE", 1)
    assert got.startswith("'KPI_NOPE' is not a kpi_xl formula.") and "KPI_SCORECARD" in got
    assert KPI_WHY("KPI_NOPE ja").startswith("「KPI_NOPE」は kpi_xl の関数ではありません。")


RARE_REASONS = [
    ("KPI_FORECAST", (0, D(2026, 5, 2), "2026-05-02", "2026-05-06"), "no_business_days"),
    ("KPI_FORECAST", (0, D(2026, 5, 3), "2026-05-02", "2026-05-31"), "no_day_elapsed"),
    ("KPI_CHURN_RATE", (col("A"), col(D(2026, 4, 2)), "2026-04", None, 3, "inclusive"),
     None),
    ("KPI_CONVERSION", (col("lost", None), "hearing", "proposal"), "no_stage_reached"),
    ("KPI_VELOCITY", (10, None, 0.25, 50), "missing_factor"),
    ("KPI_VELOCITY", (1e308, 1e308, 0.25, 50), "too_large"),
    ("KPI_SCORECARD", (TG_EN := [["Rep", "Month", "Metric", "Target"],
                                 ["A", "2026-04", "revenue", 1]],
                       [["Name", "Actual"], ["A", 1]], "2026-04"), "actuals_columns"),
    ("KPI_SCORECARD", (TG_EN, [["Rep", "Metric", "Actual"], ["A", "sales", 1]], "2026-04"),
     None),
]


@pytest.mark.parametrize(("name", "args", "key"), RARE_REASONS)
def test_rarer_reasons_are_worded_in_both_languages(name, args, key):
    r = reason_of_call(name, *args)
    if key is not None:
        assert isinstance(r, Reason) and r.key == key
    for loc in ("en", "ja"):
        words = explain(name, *args, locale=loc)
        assert not PYTHON_WORDS.search(words) and "{" not in words, words


def test_why_accepts_what_classic_xlwings_passes_with_ndim_2():
    assert KPI_WHY([["KPI_ACHIEVEMENT"]], [[5]], [[0]]).startswith("#DIV/0!")


# --------------------------------------------------------------------------- hostile corpus

OPP = [["商談ID", "担当者", "作成日", "状態", "完了日", "金額"],
       ["o1", "A", D(2026, 4, 1), "受注", D(2026, 4, 20), 1000],
       ["o2", "B", D(2026, 4, 3), "失注", D(2026, 4, 22), None]]
TG = [["担当者", "月", "指標", "目標"], ["A", "2026-04", "売上", 2000]]
BASELINES = {
    "KPI_ACHIEVEMENT": (80, 100),
    "KPI_PACE": (500, 1000, D(2026, 4, 15), None, None, None),
    "KPI_FORECAST": (500, D(2026, 4, 15), "FY2026Q1", None, None),
    "KPI_BUSINESS_DAYS": (D(2026, 5, 1), D(2026, 5, 31), col(D(2026, 5, 7)), "JP"),
    "KPI_WIN_RATE": (col("won", "lost"), "closed"),
    "KPI_CONVERSION": ([["情報収集日", "提案日"], [D(2026, 4, 1), D(2026, 4, 5)]], "hearing",
                       "proposal", "2026-04", None, "cohort"),
    "KPI_CYCLE_DAYS": (col(D(2026, 4, 1), D(2026, 4, 2)), col(D(2026, 4, 9), D(2026, 4, 20)),
                       col("won", "lost"), "mean"),
    "KPI_VELOCITY": (10, 1000, 0.25, 50),
    "KPI_CHURN_RATE": (col("A", "B"), col(D(2026, 1, 15), D(2026, 3, 1)), "2026-04", None, 3,
                       "active_at_start"),
    "KPI_NRR": (col("A", "A"), col(D(2025, 4, 3), D(2026, 4, 3)), col(100, 120), "2026-04",
                None, "year_over_year"),
    "KPI_GRR": (col("A", "A"), col(D(2026, 3, 3), D(2026, 4, 3)), col(100, 120), "2026-04",
                None, "previous_period"),
    "KPI_REQUIRED": (1000, 200, 100, 0.4, 0.5, 8),
    "KPI_FUNNEL": (OPP, "cohort", "2026-04", None, None),
    "KPI_SCORECARD": (TG, OPP, "2026-04", D(2026, 4, 25), None, None, None, None, None),
}
HOSTILE = [
    None, "", "\u3000", " \t", object(), {}, {"a": 1}, [[{}]], [[[1]]], [[[[1, 2]]]], [1, [2]],
    [[1, 2], [3]], [], [[]], set(), b"bytes", 1 + 2j, float("nan"), float("inf"),
    -float("inf"), "inf", "NaN", "1e400", 10 ** 400, -1, 0, 1e308, "9999-12-31", "9999-12",
    "0000-01", "FY9999", 2958465, 150000.0, D(9999, 12, 31), dt.date(1, 1, 1), "0001-01-01",
    dt.time(9, 30), "２０２６年４月１日", "１２３", "全件", "受注/失注", "平均", True, False,
    [[True]], "#N/A", "#REF!", "#SPILL!", "=HYPERLINK(\"x\")", "a" * 5000, "\x00\x01",
    "山田\u3000太郎", [[None]] * 3000, [["x"] * 50] * 50,
]
PYTHON_WORDS = re.compile(r"Traceback|Error\b|Exception|unhashable|object at 0x|datetime\.|"
                          r"Timestamp\(|numpy|dtype|\bNaT\b|\bnan\b|OutOfBounds|\bNone\b|"
                          r"<class|Decimal\(|\\u3000|\\x")
BAD_KEYS = {"internal", "engine", "undefined"}


def _check(name: str, args: tuple) -> None:
    got = FORMULAS[name](*args)
    assert got in ERROR_CODES or isinstance(got, float | int | list), (name, args, got)
    if isinstance(got, float):
        assert math.isfinite(got), (name, args, got)
    r = reason_of_call(name, *args)
    if isinstance(r, Reason):
        assert r.code == got and r.key not in BAD_KEYS, (name, args, r)
        for loc in ("en", "ja"):
            words = explain(name, *args, locale=loc)
            assert words.startswith(r.code + " ") and not PYTHON_WORDS.search(words), words


@pytest.mark.parametrize("name", list(BASELINES))
def test_baselines_give_values(name):
    got = FORMULAS[name](*BASELINES[name])
    assert isinstance(got, float | int | list), (name, got)


@pytest.mark.parametrize("name", list(BASELINES))
def test_no_hostile_argument_gives_an_unexpected_result(name):
    base = BASELINES[name]
    for i in range(len(base)):
        for junk in HOSTILE:
            _check(name, (*base[:i], junk, *base[i + 1:]))


@pytest.mark.parametrize("name", list(BASELINES))
def test_no_hostile_cell_inside_a_range_gives_an_unexpected_result(name):
    base = BASELINES[name]
    for i, a in enumerate(base):
        if not (isinstance(a, list) and a and isinstance(a[-1], list) and a[-1]):
            continue
        for junk in HOSTILE[:50]:
            changed = [list(r) for r in a]
            changed[-1][-1] = junk
            _check(name, (*base[:i], changed, *base[i + 1:]))


def test_formulas_never_raise_with_too_few_or_too_many_arguments_through_why():
    for name in FORMULAS:
        assert KPI_WHY(name).startswith(name) or KPI_WHY(name).startswith("#")


CELL = st.one_of(st.none(), st.text(max_size=12), st.integers(-10 ** 20, 10 ** 20),
                 st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
                 st.datetimes(min_value=D(1, 1, 1), max_value=D(9999, 12, 31)),
                 st.dates(), st.sampled_from(["#N/A", "受注", "失注", "C001", "Ｃ００１", "全件",
                                              "2026-04", "R8.4.1", "１２万円", "25%"]))


@given(name=st.sampled_from(sorted(BASELINES)), position=st.integers(0, 8),
       cells=st.lists(st.lists(CELL, min_size=1, max_size=3), min_size=1, max_size=6),
       scalar=st.booleans())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_cells_never_give_an_unexpected_result(name, position, cells, scalar):
    base = BASELINES[name]
    i = position % len(base)
    width = max(len(r) for r in cells)
    block = [r + [None] * (width - len(r)) for r in cells]  # xlwings passes rectangles
    junk = block[0][0] if scalar else block
    _check(name, (*base[:i], junk, *base[i + 1:]))
