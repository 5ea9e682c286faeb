"""Every ``KPI_*`` formula over whole columns on a mid-size random range (2,000 rows, fixed
seeds), with cells in every form xlwings hands over — ``datetime`` and serial dates, dates and
amounts typed as text, ids typed in full width or with spaces, blanks — equals the engine's
figure computed directly on the true values (for the table formulas: on the validated
DataFrame of the same cells). The range-to-column conversion of the formulas is column-wise
(issue 14); this pins that it gives the engine the same values."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from kpi_xl.dataset import make_dataset
from kpi_xl.excel.udfs import (
    KPI_CHURN_RATE,
    KPI_CONVERSION,
    KPI_CYCLE_DAYS,
    KPI_FUNNEL,
    KPI_GRR,
    KPI_NRR,
    KPI_SCORECARD,
    KPI_WIN_RATE,
)
from kpi_xl.metrics import (
    conversion_from_stages,
    conversion_rate,
    cycle_days,
    funnel,
    logo_churn,
    revenue_retention,
    scorecard,
    win_rate,
)
from kpi_xl.parse import name_key
from kpi_xl.settings import Settings
from kpi_xl.validate import validate

D = dt.datetime
EPOCH = D(1899, 12, 30)
ROWS = 2_000
BASE = D(2025, 1, 1)


@pytest.fixture(autouse=True)
def _english_machine(monkeypatch):
    monkeypatch.setenv("KPI_XL_LANG", "en")


def _date_cell(d: D | None, form: int) -> object:
    """A date as a cell: datetime, serial number or text, by ``form``."""
    if d is None:
        return None
    if form == 1:
        return float((d - EPOCH).days)
    if form == 2:
        return f"{d.year}/{d.month}/{d.day}"
    return d


def _dates(rng: np.random.Generator, n: int, blank: float = 0.05) -> list[D | None]:
    return [
        None if rng.random() < blank else BASE + dt.timedelta(days=int(k))
        for k in rng.integers(0, 540, n)
    ]


def _cells(rng: np.random.Generator, dates: list[D | None]) -> list[object]:
    return [_date_cell(d, f) for d, f in zip(dates, rng.integers(0, 3, len(dates)), strict=True)]


def _ns(dates: list[D | None]) -> pd.Series:
    return pd.Series(dates, dtype="datetime64[ns]")


def col(values: list[object]) -> list[list[object]]:
    return [[v] for v in values]


def same(got: object, expected: float) -> bool:
    if math.isnan(expected):
        return got == "#N/A"
    return isinstance(got, float | int) and got == pytest.approx(expected, rel=1e-12)


STATUSES = [
    "won",
    "lost",
    "open",
    "受注",
    "失注",
    "進行中",
    " Won ",
    "受注済み",
    "見送り",
    "proposal",
    None,
    "",
    "??",
]


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("definition", ["closed", "all"])
def test_win_rate_of_a_random_column_equals_the_engine(seed, definition):
    rng = np.random.default_rng(seed)
    statuses = [STATUSES[i] for i in rng.integers(0, len(STATUSES), ROWS)]
    expected = win_rate(pd.Series(statuses, dtype=object), definition).value
    assert same(KPI_WIN_RATE(col(statuses), definition), expected)


@pytest.mark.parametrize("seed", [3, 4])
@pytest.mark.parametrize(
    ("start", "end", "basis"),
    [
        (None, None, "cohort"),
        (D(2025, 4, 1), D(2025, 9, 30), "cohort"),
        (D(2025, 4, 1), D(2025, 9, 30), "period"),
    ],
)
def test_conversion_of_a_random_date_table_equals_the_engine(seed, start, end, basis):
    rng = np.random.default_rng(seed)
    hearing = _dates(rng, ROWS, blank=0.1)
    proposal = [
        None if h is None or rng.random() < 0.5 else h + dt.timedelta(days=int(k))
        for h, k in zip(hearing, rng.integers(0, 60, ROWS), strict=True)
    ]
    table = [
        ["情報収集日", "提案日"],
        *map(list, zip(_cells(rng, hearing), _cells(rng, proposal), strict=True)),
    ]
    expected = conversion_rate(_ns(hearing), _ns(proposal), start=start, end=end, basis=basis).value
    assert same(KPI_CONVERSION(table, "hearing", "proposal", start, end, basis), expected)


def test_conversion_of_a_random_stage_column_equals_the_engine():
    rng = np.random.default_rng(5)
    words = [
        "アプローチ",
        "ヒアリング",
        "提案",
        "クロージング",
        "受注",
        "失注",
        "approach",
        "Proposal",
        None,
    ]
    stages = [words[i] for i in rng.integers(0, len(words), ROWS)]
    expected = conversion_from_stages(
        pd.Series(stages, dtype=object), "hearing", "closing", Settings()
    ).value
    assert same(KPI_CONVERSION(col(stages), "hearing", "closing"), expected)


@pytest.mark.parametrize("statistic", ["mean", "median", "count"])
def test_cycle_days_of_random_columns_equal_the_engine(statistic):
    rng = np.random.default_rng(6)
    created = _dates(rng, ROWS)
    closed = [
        None if c is None or rng.random() < 0.3 else c + dt.timedelta(days=int(k))
        for c, k in zip(created, rng.integers(-5, 120, ROWS), strict=True)
    ]
    statuses = [STATUSES[i] for i in rng.integers(0, len(STATUSES), ROWS)]
    res = cycle_days(_ns(created), _ns(closed), pd.Series(statuses, dtype=object))
    got = KPI_CYCLE_DAYS(
        col(["作成日", *_cells(rng, created)]),
        col(["完了日", *_cells(rng, closed)]),
        col(["状態", *statuses]),
        statistic,
    )
    assert same(got, float(res[statistic]))


def _orders(seed: int) -> tuple[list[object], list[D | None], list[object], list[float]]:
    """Customer cells (one customer typed three ways), dates, amount cells, true amounts."""
    rng = np.random.default_rng(seed)
    ids = []
    for k, form in zip(rng.integers(0, 300, ROWS), rng.integers(0, 4, ROWS), strict=True):
        plain = f"C{k:04d}"
        ids.append(
            [
                plain,
                plain.translate(str.maketrans("C0123456789", "Ｃ０１２３４５６７８９")),
                f" c{k:04d} ",
                None if k % 37 == 0 else plain,
            ][form]
        )
    dates = _dates(rng, ROWS)
    amounts = [float(a) for a in rng.integers(1, 900, ROWS) * 1000]
    cells = [
        a if f == 0 else (f"¥{int(a):,}" if f == 1 else f"{int(a):,}")
        for a, f in zip(amounts, rng.integers(0, 3, ROWS), strict=True)
    ]
    return ids, dates, cells, amounts


def _order_dataset(ids: list[object], dates: list[D | None], amounts: list[float]):
    rows = [
        (name_key(c), d, a)
        for c, d, a in zip(ids, dates, amounts, strict=True)
        if c is not None and d is not None
    ]
    return make_dataset(orders=pd.DataFrame(rows, columns=["customer", "date", "amount"]))


@pytest.mark.parametrize("definition", ["active_at_start", "inclusive"])
@pytest.mark.parametrize(
    ("start", "end"), [(D(2025, 10, 1), D(2025, 12, 31)), (D(2026, 4, 1), D(2026, 4, 30))]
)
def test_churn_rate_of_random_orders_equals_the_engine(definition, start, end):
    ids, dates, _, amounts = _orders(7)
    rng = np.random.default_rng(8)
    expected = logo_churn(
        _order_dataset(ids, dates, amounts), start, end, definition=definition
    ).value
    assert same(
        KPI_CHURN_RATE(col(ids), col(_cells(rng, dates)), start, end, None, definition), expected
    )


@pytest.mark.parametrize("baseline", ["year_over_year", "previous_period"])
def test_nrr_and_grr_of_random_orders_equal_the_engine(baseline):
    ids, dates, cells, amounts = _orders(9)
    rng = np.random.default_rng(10)
    r = revenue_retention(
        _order_dataset(ids, dates, amounts), D(2026, 1, 1), D(2026, 3, 31), baseline=baseline
    )
    args = (col(ids), col(_cells(rng, dates)), col(cells), "2026-01..2026-03", None, baseline)
    assert same(KPI_NRR(*args), r["nrr"])
    assert same(KPI_GRR(*args), r["grr"])


def _opportunities(seed: int) -> list[list[object]]:
    """An opportunities table as xlwings passes it: header row, then mixed cells."""
    rng = np.random.default_rng(seed)
    reps = ["山田 太郎", "山田\u3000太郎", "佐藤 花子", "Lee", "lee "]
    table: list[list[object]] = [
        ["商談ID", "担当者", "作成日", "状態", "完了日", "金額", "情報収集日", "提案日"]
    ]
    for i in range(ROWS):
        created = BASE + dt.timedelta(days=int(rng.integers(0, 450)))
        status = ["受注", "失注", "進行中", "won", "lost", "open"][int(rng.integers(0, 6))]
        closed = (
            created + dt.timedelta(days=int(rng.integers(0, 90)))
            if status in ("受注", "失注", "won", "lost")
            else None
        )
        hearing = (
            created + dt.timedelta(days=int(rng.integers(0, 10))) if rng.random() < 0.7 else None
        )
        proposal = (
            hearing + dt.timedelta(days=int(rng.integers(0, 20)))
            if hearing is not None and rng.random() < 0.5
            else None
        )
        form = int(rng.integers(0, 3))
        amount = int(rng.integers(1, 500)) * 10_000
        table.append(
            [
                f"O{i:05d}",
                reps[int(rng.integers(0, len(reps)))],
                _date_cell(created, form),
                status,
                _date_cell(closed, form),
                [float(amount), f"¥{amount:,}", None][form],
                _date_cell(hearing, 0),
                _date_cell(proposal, int(rng.integers(0, 2))),
            ]
        )
    return table


def _frame(rows: list[list[object]]) -> pd.DataFrame:
    return pd.DataFrame(rows[1:], columns=rows[0], dtype=object)


@pytest.mark.parametrize(
    ("basis", "start"), [("cohort", None), ("cohort", "FY2025H2"), ("period", "2025-10")]
)
def test_funnel_of_a_random_table_equals_the_engine(basis, start):
    from kpi_xl.calendar import parse_period

    table = _opportunities(11)
    ds = validate({"opportunities": _frame(table)})
    p = parse_period(start) if start else None
    fn = funnel(ds, start=p and p.start, end=p and p.end, basis=basis)
    got = KPI_FUNNEL(table, basis, start)
    assert [r[1] for r in got[1:]] == fn["reached"].tolist()
    for cells, v in zip(got[1:], fn["conversion_from_first"], strict=True):
        assert cells[3] == "" if math.isnan(v) else cells[3] == pytest.approx(v, rel=1e-12)


def test_scorecard_of_a_random_table_equals_the_engine():
    from kpi_xl.calendar import parse_period

    table = _opportunities(12)
    targets = [["担当者", "月", "指標", "目標"]] + [
        [rep, "2025-10", metric, goal]
        for rep in ("山田 太郎", "佐藤 花子", "Lee")
        for metric, goal in (("売上", 30_000_000), ("受注件数", 40))
    ]
    reps = [["担当者"], ["山田 太郎"], ["佐藤 花子"], ["Lee"]]
    ds = validate(
        {"targets": _frame(targets), "opportunities": _frame(table), "reps": _frame(reps)}
    )
    sc = scorecard(ds, parse_period("2025-10"), by="rep", as_of=dt.date(2025, 10, 20))
    got = KPI_SCORECARD(targets, table, "2025-10", D(2025, 10, 20), reps)
    rows = got[1 : 1 + len(sc)]  # the rep rows; the team rows follow them
    assert [r[0] for r in rows] == sc["group"].tolist()
    for column, i in (
        ("target", 2),
        ("actual", 3),
        ("achievement", 4),
        ("pace", 5),
        ("forecast", 6),
        ("gap", 7),
    ):
        assert [r[i] for r in rows] == pytest.approx(sc[column].tolist(), rel=1e-12)
