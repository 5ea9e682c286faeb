"""One test per kind of bad input: each asserts the table, row, column and hint."""

import datetime as dt

import pandas as pd
import pytest

from kpi_xl.dataset import Exclusion
from kpi_xl.errors import ValidationError
from kpi_xl.validate import load, validate

REPS = pd.DataFrame({"Rep": ["佐藤 美咲", "Emily Carter"], "Team": ["東京", "Enterprise"]})


def opp(**overrides):
    base = {"Opportunity ID": ["O1", "O2"], "Rep": ["佐藤 美咲", "Emily Carter"],
            "Created": ["2026-04-01", "2026-04-02"], "Amount": ["¥1,000", "2000"],
            "Status": ["won", "open"], "Close date": ["2026-04-20", None]}
    base.update(overrides)
    return pd.DataFrame(base)


def problems(**tables):
    with pytest.raises(ValidationError) as exc:
        validate({"reps": REPS, **tables})
    return exc.value


def one(err, **expected):
    matches = [p for p in err.problems
               if all(getattr(p, k) == v for k, v in expected.items() if k != "hint")]
    assert matches, f"no problem like {expected} in:\n{err}"
    if "hint" in expected:
        assert expected["hint"] in matches[0].hint, matches[0].hint
    return matches[0]


def test_valid_input_gives_typed_tables():
    ds = validate({"reps": REPS, "opportunities": opp()})
    o = ds.opportunities
    assert o["amount"].tolist() == [1000.0, 2000.0]
    assert o["status"].tolist() == ["won", "open"]
    assert o["created_date"].iloc[0] == pd.Timestamp("2026-04-01")


def test_missing_required_column_names_the_closest_header():
    err = problems(opportunities=opp().rename(columns={"Status": "Statuss"}))
    one(err, table="Opportunities", row=1, column="Status",
        problem="missing required column", hint="'Statuss'")


def test_missing_required_column_lists_the_columns_found():
    err = problems(orders=pd.DataFrame({"Date": ["2026-04-01"], "Customer ID": ["C1"]}))
    one(err, table="Orders", column="Amount", hint="columns found: 'Date', 'Customer ID'")


def test_unparseable_date_names_row_and_column_as_written():
    err = problems(opportunities=opp(Created=["2026-04-01", "4月2日頃"]))
    p = one(err, table="Opportunities", row=3, column="Created", problem="not a valid date")
    assert p.value == "4月2日頃" and "2026/4/1" in p.hint


def test_unparseable_number():
    err = problems(opportunities=opp(Amount=["¥1,000", "ten"]))
    one(err, table="Opportunities", row=3, column="Amount", problem="not a valid number",
        hint="¥1,200,000")


def test_unknown_rep_suggests_the_closest_rep():
    err = problems(opportunities=opp(Rep=["佐藤 美咲", "Emily Carte"]))
    one(err, table="Opportunities", row=3, column="Rep", problem="unknown rep",
        hint="did you mean 'Emily Carter'?")


def test_unknown_stage_and_status():
    err = problems(opportunities=opp(Status=["won", "pending"], Stage=["提案", "Propsal"]))
    one(err, table="Opportunities", row=3, column="Status", problem="unknown status")
    one(err, table="Opportunities", row=3, column="Stage", problem="unknown stage",
        hint="did you mean 'Proposal'?")


def test_duplicate_ids_point_to_the_first_use():
    err = problems(opportunities=opp(**{"Opportunity ID": ["O1", "O1"]}))
    one(err, table="Opportunities", row=3, column="Opportunity ID", problem="duplicate id",
        hint="first used in row 2")


def test_negative_amount():
    err = problems(opportunities=opp(Amount=["-1", "5"]))
    one(err, table="Opportunities", row=2, column="Amount", problem="negative amount")


def test_close_before_created():
    err = problems(opportunities=opp(**{"Close date": ["2026-03-01", None]}))
    one(err, table="Opportunities", row=2, column="Close date",
        problem="close date before created date", hint="created 2026-04-01")


def test_closed_deal_needs_a_close_date():
    err = problems(opportunities=opp(**{"Close date": [None, None]}))
    one(err, table="Opportunities", row=2, column="Close date",
        problem="won deal without a close date")


def test_target_for_unknown_metric_suggests_the_known_one():
    t = pd.DataFrame({"担当者": ["佐藤 美咲"], "月": ["2026-04"], "指標": ["訪問回数"],
                      "目標": [20]})
    err = problems(targets=t)
    one(err, table="目標", row=2, column="指標", problem="指標として読めません",
        hint="「訪問数」のことですか?")


def test_target_needs_rep_or_team_and_known_team():
    t = pd.DataFrame({"Rep": [None, None], "Team": [None, "大阪"], "Month": ["2026-04"] * 2,
                      "Metric": ["revenue"] * 2, "Target": [1, 2]})
    err = problems(targets=t)
    one(err, table="Targets", row=2, problem="a target needs a rep or a team")
    one(err, table="Targets", row=3, column="Team", problem="unknown team")


def test_unknown_customer_in_orders_when_customers_are_listed():
    cu = pd.DataFrame({"Customer ID": ["C001", "C002"]})
    od = pd.DataFrame({"Date": ["2026-04-01"], "Customer ID": ["C0001"], "Amount": [5]})
    err = problems(customers=cu, orders=od)
    one(err, table="Orders", row=2, column="Customer ID", problem="unknown customer")


def test_unknown_activity_type():
    a = pd.DataFrame({"Date": ["2026-04-01"], "Rep": ["佐藤 美咲"], "Activity type": ["訪門"]})
    err = problems(activities=a)
    one(err, table="Activities", row=2, column="Activity type", problem="unknown activity type",
        hint="did you mean '訪問'?")


def test_unknown_setting_key_and_bad_definition():
    s = pd.DataFrame({"Setting": ["win_rate_definiton", "churn_definition"],
                      "Value": ["all", "sometimes"]})
    err = problems(settings=s)
    one(err, table="Settings", row=2, problem="unknown setting",
        hint="did you mean 'win_rate_definition'?")
    one(err, table="Settings", row=3, column="Value", value="sometimes",
        problem="not a value 'churn_definition' takes", hint="active_at_start / inclusive")


def test_every_problem_is_reported_at_once():
    err = problems(opportunities=opp(Amount=["x", "-3"], Rep=["nobody", "Emily Carter"]))
    assert len(err.problems) == 3
    assert "3 problems" in str(err)
    assert list(err.table().columns) == ["sheet", "row", "column", "value as typed", "problem",
                                         "hint"]


def test_blank_trailing_rows_are_ignored_and_inner_blank_rows_counted():
    o = opp()
    blank = pd.DataFrame([[None] * len(o.columns)], columns=o.columns)
    ds = validate({"reps": REPS, "opportunities": pd.concat([o.iloc[:1], blank, o.iloc[1:],
                                                             blank, blank])})
    assert len(ds.opportunities) == 2
    assert ds.exclusions == [Exclusion("opportunities", "blank_row", (3,))]


def test_japanese_headers_dates_and_yen_amounts():
    o = pd.DataFrame({"商談ID": ["A-1"], "担当者": ["佐藤 美咲"], "作成日": ["2026年4月1日"],
                      "金額": ["￥１２，０００"], "状態": ["受注"], "完了日": [46143]})
    ds = validate({"reps": REPS, "opportunities": o})
    row = ds.opportunities.iloc[0]
    assert row["amount"] == 12000.0 and row["status"] == "won"
    assert row["close_date"] == pd.Timestamp("2026-05-01")  # Excel serial 46143


def test_settings_sheet_in_japanese():
    s = pd.DataFrame({"設定項目": ["期首月", "受注率の定義", "独自休日"],
                      "値": ["1", "all", "2026-12-29, 2026-12-30"]})
    ds = validate({"reps": REPS, "settings": s})
    assert ds.settings.fiscal_year_start == 1
    assert ds.settings.win_rate_definition == "all"
    assert ds.settings.custom_holidays == (dt.date(2026, 12, 29), dt.date(2026, 12, 30))


def test_missing_reps_table_takes_reps_from_data_with_a_warning():
    ds = validate({"opportunities": opp()})
    assert set(ds.reps["rep"]) == {"佐藤 美咲", "Emily Carter"}
    assert any("no Reps table" in w.problem for w in ds.warnings)


def test_load_reads_a_csv_folder(tmp_path):
    REPS.to_csv(tmp_path / "reps.csv", index=False)
    opp(Amount=["￥1,000", "2000"]).to_csv(tmp_path / "商談.csv", index=False, encoding="cp932")
    ds = load(tmp_path)
    assert len(ds.opportunities) == 2


def test_load_reports_rows_of_a_sheet_whose_header_is_not_on_row_1(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "商談"
    ws.append([])
    ws.append([])
    ws.append(list(opp().columns))
    ws.append(["O1", "佐藤 美咲", "2026-04-01", 5, "won", "bad date"])
    r = wb.create_sheet("Reps")
    r.append(["Rep"])
    r.append(["佐藤 美咲"])
    wb.save(tmp_path / "book.xlsx")
    with pytest.raises(ValidationError) as exc:
        load(tmp_path / "book.xlsx")
    one(exc.value, table="商談", row=4, column="Close date", problem="not a valid date")
