import datetime as dt

import pytest

from kpi_xl.calendar import BusinessCalendar, fiscal_year_of, parse_period, period_containing
from kpi_xl.errors import ConfigError

D = dt.date


@pytest.mark.parametrize(
    ("label", "fy_start", "start", "end", "kind"),
    [
        ("2026-04", 4, D(2026, 4, 1), D(2026, 4, 30), "month"),
        ("2026/2", 4, D(2026, 2, 1), D(2026, 2, 28), "month"),
        ("2028年2月", 4, D(2028, 2, 1), D(2028, 2, 29), "month"),
        ("FY2026", 4, D(2026, 4, 1), D(2027, 3, 31), "year"),
        ("FY2026", 1, D(2026, 1, 1), D(2026, 12, 31), "year"),
        ("FY2026Q1", 4, D(2026, 4, 1), D(2026, 6, 30), "quarter"),
        ("FY2026Q4", 4, D(2027, 1, 1), D(2027, 3, 31), "quarter"),
        ("FY2026H2", 4, D(2026, 10, 1), D(2027, 3, 31), "half"),
        ("fy2026h1", 10, D(2026, 10, 1), D(2027, 3, 31), "half"),
        ("2026年度", 4, D(2026, 4, 1), D(2027, 3, 31), "year"),
        ("2026年度第2四半期", 4, D(2026, 7, 1), D(2026, 9, 30), "quarter"),
        ("2026年度下期", 4, D(2026, 10, 1), D(2027, 3, 31), "half"),
    ],
)
def test_parse_period_honours_fiscal_year_start(label, fy_start, start, end, kind):
    p = parse_period(label, fy_start)
    assert (p.start, p.end, p.kind) == (start, end, kind)


@pytest.mark.parametrize("label", ["2026-13", "FY2026Q5", "FY2026H3", "next month", ""])
def test_parse_period_rejects_unknown_labels_with_the_accepted_forms(label):
    with pytest.raises(ConfigError, match="FY2026Q1"):
        parse_period(label)


@pytest.mark.parametrize(
    ("day", "kind", "label"),
    [
        (D(2027, 2, 3), "quarter", "FY2026Q4"),
        (D(2026, 4, 1), "half", "FY2026H1"),
        (D(2026, 3, 31), "year", "FY2025"),
        (D(2026, 11, 20), "month", "2026-11"),
    ],
)
def test_period_containing_a_day(day, kind, label):
    assert period_containing(day, kind, 4).label == label


def test_fiscal_year_is_named_by_its_starting_year():
    assert fiscal_year_of(D(2026, 3, 31), 4) == 2025
    assert fiscal_year_of(D(2026, 4, 1), 4) == 2026


@pytest.mark.parametrize(
    ("start", "end", "country", "custom", "expected"),
    [
        # May 2026: 21 weekdays; Golden Week 4, 5, 6 (substitute) are holidays.
        (D(2026, 5, 1), D(2026, 5, 31), "JP", (), 18),
        (D(2026, 5, 1), D(2026, 5, 31), "none", (), 21),
        # a single business day, a single Saturday, an empty range
        (D(2026, 5, 7), D(2026, 5, 7), "JP", (), 1),
        (D(2026, 5, 9), D(2026, 5, 9), "JP", (), 0),
        (D(2026, 5, 9), D(2026, 5, 1), "JP", (), 0),
        # company year-end break on top of JP holidays: Dec 29-31 2025 and Jan 2 2026
        (D(2025, 12, 29), D(2026, 1, 2), "JP", (D(2025, 12, 29), D(2025, 12, 30),
                                                D(2025, 12, 31), D(2026, 1, 2)), 0),
    ],
)
def test_business_days_count_both_ends_like_networkdays(start, end, country, custom, expected):
    assert BusinessCalendar(country, custom).business_days(start, end) == expected


def test_unknown_holiday_calendar_is_a_config_error():
    with pytest.raises(ConfigError, match="country code"):
        BusinessCalendar("XX").business_days(D(2026, 1, 1), D(2026, 1, 31))


# --------------------------------------------------------------------------- issue 10 periods

TODAY = D(2026, 11, 20)  # in FY2026 (April start)


@pytest.mark.parametrize(
    ("label", "fy_start", "start", "end", "kind"),
    [
        ("2026-04..2026-09", 4, D(2026, 4, 1), D(2026, 9, 30), "range"),
        ("2026-04-15..2026-05-20", 4, D(2026, 4, 15), D(2026, 5, 20), "range"),
        ("2026/4/15〜2026/5/20", 4, D(2026, 4, 15), D(2026, 5, 20), "range"),
        ("令和8年4月1日〜令和8年9月30日", 4, D(2026, 4, 1), D(2026, 9, 30), "range"),
        ("2026年4月～2026年6月", 4, D(2026, 4, 1), D(2026, 6, 30), "range"),
        ("2026", 4, D(2026, 1, 1), D(2026, 12, 31), "calendar_year"),
        ("2026年", 4, D(2026, 1, 1), D(2026, 12, 31), "calendar_year"),
        ("FY26", 4, D(2026, 4, 1), D(2027, 3, 31), "year"),
        ("FY26Q3", 4, D(2026, 10, 1), D(2026, 12, 31), "quarter"),
        ("ＦＹ２６", 4, D(2026, 4, 1), D(2027, 3, 31), "year"),
        ("令和8年度", 4, D(2026, 4, 1), D(2027, 3, 31), "year"),
        ("令和元年度", 4, D(2019, 4, 1), D(2020, 3, 31), "year"),
        ("平成31年度", 4, D(2019, 4, 1), D(2020, 3, 31), "year"),
        ("令和8年度下期", 4, D(2026, 10, 1), D(2027, 3, 31), "half"),
        ("２０２６年度", 4, D(2026, 4, 1), D(2027, 3, 31), "year"),
        ("2026年10月度", 4, D(2026, 10, 1), D(2026, 10, 31), "month"),
        ("上期", 4, D(2026, 4, 1), D(2026, 9, 30), "half"),
        ("下期", 4, D(2026, 10, 1), D(2027, 3, 31), "half"),
        ("H1", 4, D(2026, 4, 1), D(2026, 9, 30), "half"),
        ("h2", 4, D(2026, 10, 1), D(2027, 3, 31), "half"),
        ("Q4", 4, D(2027, 1, 1), D(2027, 3, 31), "quarter"),
        ("上期", 1, D(2026, 1, 1), D(2026, 6, 30), "half"),
    ],
)
def test_parse_period_reads_ranges_years_eras_and_the_current_half(label, fy_start, start, end,
                                                                    kind):
    p = parse_period(label, fy_start, today=TODAY)
    assert (p.start, p.end, p.kind) == (start, end, kind)


def test_current_half_follows_the_fiscal_year_of_today():
    # February 2027 is still FY2026: 上期 is April–September 2026
    assert parse_period("上期", 4, today=D(2027, 2, 1)).start == D(2026, 4, 1)


def test_all_is_pinned_to_the_data():
    p = parse_period("all", span=(D(2024, 12, 2), D(2026, 11, 20)))
    assert (p.start, p.end, p.kind, p.is_all) == (D(2024, 12, 2), D(2026, 11, 20), "all", True)
    assert parse_period("全期間").is_all


@pytest.mark.parametrize("label", ["0000-01", "9999-12", "FY9999", "1899", "2201-01", "FY1899",
                                   "2026-04..9999-12", "令和999年度"])
def test_periods_outside_1900_2200_are_a_clean_error(label):
    with pytest.raises(ConfigError, match="1900–2200"):
        parse_period(label)


@pytest.mark.parametrize("label", ["2026-09..2026-04", "2026-02-30..2026-03-01", "..2026-04",
                                   "H3", "第5四半期"])
def test_bad_ranges_and_halves_are_rejected(label):
    with pytest.raises(ConfigError):
        parse_period(label, today=TODAY)


def test_a_period_label_must_be_text():
    with pytest.raises(ConfigError, match="period"):
        parse_period(202604)  # type: ignore[arg-type]


@pytest.mark.parametrize("day", [D(1, 1, 1), D(9999, 12, 31), D(2201, 1, 1)])
def test_days_outside_1900_2200_are_a_clean_error(day):
    from kpi_xl.calendar import check_day

    with pytest.raises(ConfigError, match=r"as_of .* out of range 1900–2200"):
        check_day(day, "as_of")
