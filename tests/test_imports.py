"""kpi_xl.imports: mapping parsing, translation, counted drops, workbook replace/append, CLI."""

from __future__ import annotations

import argparse
import io
import shutil
import textwrap
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import range_boundaries

from kpi_xl.errors import ConfigError, InputError
from kpi_xl.imports import (
    DERIVED_NOTE,
    bundled_mappings,
    derive_targets,
    import_sources,
    load_mapping,
    write_import,
)
from kpi_xl.imports.command import add_parser, run
from kpi_xl.validate import load

DEALS_CSV = textwrap.dedent("""\
    Deal ID,Deal name,Owner,Account,Lead source,Amount,Created,Close date,Stage
    D1,Alpha,Sato,ACME,web,"1,000",2025-04-02,2025-04-20,Closed Won
    D2,Beta,Sato,Globex,event,500,2025-04-05,2025-05-01,Closed Lost
    D3,TEST deal,Suzuki,ACME,web,100,2025-04-06,,Proposal
    D4,Gamma,,Initech,,800,2025/04/07,,negotiation
    D5,Delta,Suzuki,Globex,web,300,2025-04-08,,On hold
    D1,Alpha again,Sato,ACME,web,"1,000",2025-04-02,2025-04-20,Closed Won
    """)


def _mapping(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "m.toml"
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


MINIMAL = """\
    [sources.deals]
    file = "deals.csv"
    [tables.opportunities]
    from = "deals"
    [tables.opportunities.columns]
    opportunity_id = "Deal ID"
    rep = "Owner"
    created_date = "Created"
    status = "Stage"
    """


# --------------------------------------------------------------------------- mapping errors


@pytest.mark.parametrize(("text", "expected"), [
    (MINIMAL.replace("[tables.opportunities]", "[tables.opportunites]")
     .replace("[tables.opportunities.columns]", "[tables.opportunites.columns]"),
     r"tables\.opportunites: unknown kpi_xl table .*did you mean 'opportunities'"),
    (MINIMAL.replace('status = "Stage"', 'stauts = "Stage"\n    status = "Stage"'),
     r"tables\.opportunities\.columns\.stauts: unknown column .*did you mean 'status'"),
    (MINIMAL + "[settings]\ncurency = 'USD'\n",
     r"settings\.curency: unknown setting .*did you mean 'currency'"),
    (MINIMAL + "[settings]\nwin_rate_definition = 'sometimes'\n",
     r"settings: .*win_rate_definition"),
    (MINIMAL.replace('from = "deals"', 'from = "deal"'),
     r"tables\.opportunities\.from: unknown source 'deal'.*did you mean 'deals'"),
    (MINIMAL.replace('    status = "Stage"\n', ""),
     r"required column 'status' is not mapped"),
    (MINIMAL + "[[tables.opportunities.drop]]\ncolumn = 'Owner'\nblank = true\n",
     r"drop\[0\]: every drop rule needs a reason"),
    (MINIMAL + "[[tables.opportunities.drop]]\nreason = 'x'\ncolumn = 'Owner'\nblnk = true\n",
     r"drop\[0\]: unknown key 'blnk'.*did you mean 'blank'"),
    (MINIMAL.replace('rep = "Owner"', 'rep = { column = "Owner", unmapped = "maybe" }'),
     r"columns\.rep\.unmapped: one of keep, blank, drop, error"),
    (MINIMAL + "[tables.reps]\nfrom = '@opportunities'\ndistinct = true\n"
               "[tables.reps.columns]\nrep = 'rep'\nteam = { column = 'x', date = 'auto' }\n",
     r"columns\.team\.date: 'team' is not a date column"),
    ("nonsense = 1\n" + MINIMAL, r"mapping: unknown key 'nonsense'"),
    ("this is = not toml", r"not valid TOML"),
])
def test_load_mapping_names_the_bad_key(tmp_path, text, expected):
    with pytest.raises(ConfigError, match=expected):
        load_mapping(_mapping(tmp_path, text))


def test_load_mapping_unknown_bundled_name_suggests_one():
    with pytest.raises(ConfigError, match="did you mean 'maven_crm'"):
        load_mapping("maven_cmr")


def test_bundled_mappings_all_load():
    names = set(bundled_mappings())
    assert {"maven_crm", "olist_funnel", "uci_online_retail", "generic_csv"} <= names
    for name in names:
        m = load_mapping(name)
        assert m.tables and m.sources


def test_settings_and_custom_stages_are_applied(tmp_path):
    m = load_mapping(_mapping(tmp_path, MINIMAL.replace("status", "approach_date = 'Created'\n"
                                                         "    status")
                              + "[settings]\nstages = 'approach,won'\ncurrency = 'USD'\n"))
    assert m.settings.stages == ("approach", "won")
    assert m.settings.currency == "USD"
    # a stage column of the default stages is unknown once the stages are overridden
    bad = MINIMAL.replace('status = "Stage"', 'proposal_date = "Created"\n    status = "Stage"')
    with pytest.raises(ConfigError, match="proposal_date"):
        load_mapping(_mapping(tmp_path, bad + "[settings]\nstages = 'approach,won'\n"))


# --------------------------------------------------------------------------- import behaviour


@pytest.fixture
def deals(tmp_path) -> Path:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "deals.csv").write_text(DEALS_CSV, encoding="utf-8")
    return folder


def test_generic_mapping_on_a_small_csv(deals, tmp_path):
    m = load_mapping("generic_csv")
    res = import_sources(m, [deals])
    opp = res.frames["opportunities"]
    tr = res.report.tables["opportunities"]
    assert tr.rows_read == 6
    assert tr.dropped == {"test deal": 1, "duplicate opportunity_id (first kept)": 1}
    assert tr.rows_kept == 4
    assert list(opp["opportunity_id"]) == ["D1", "D2", "D4", "D5"]
    # translation: exact and case-folded ('negotiation'), unmapped kept and reported
    assert list(opp["status"]) == ["won", "lost", "open", "On hold"]
    assert list(opp["stage"].astype(object).where(opp["stage"].notna(), None)) == [
        "won", None, "closing", "On hold"]
    assert tr.unmapped == {"status": {"On hold": 1}, "stage": {"On hold": 1}}
    assert res.report.unmapped_values()["opportunities.status"] == {"On hold": 1}
    # default for a blank owner, counted
    assert opp.loc[opp["opportunity_id"] == "D4", "rep"].item() == "(unassigned)"
    assert tr.changed["rep: blank filled with '(unassigned)'"] == 1
    # numbers with thousands separators, 'auto' dates in two spellings
    assert opp["amount"].tolist() == [1000.0, 500.0, 800.0, 300.0]
    assert opp["created_date"].dt.day.tolist() == [2, 5, 7, 8]
    assert tr.blanks["channel"] == 1
    # derived tables
    assert sorted(res.frames["reps"]["rep"]) == ["(unassigned)", "Sato", "Suzuki"]
    assert sorted(res.frames["customers"]["customer"]) == ["ACME", "Globex", "Initech"]
    text = res.report.format()
    assert "dropped 1: test deal" in text
    assert "UNMAPPED status: 'On hold' ×1" in text


def test_unmapped_status_fails_validation_before_writing(deals, tmp_path):
    from kpi_xl.errors import ValidationError

    res = import_sources(load_mapping("generic_csv"), [deals])
    book = tmp_path / "book.xlsx"
    with pytest.raises(ValidationError, match="On hold"):
        write_import(res, book, "en")
    assert not book.exists()


def _write(tmp_path: Path, text: str, csv: str, name: str = "deals.csv") -> tuple:
    folder = tmp_path / "src"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(textwrap.dedent(csv), encoding="utf-8")
    m = load_mapping(_mapping(tmp_path, text))
    return m, folder


def test_drops_are_counted_per_reason_first_rule_wins(tmp_path):
    text = """\
        [sources.lines]
        file = "lines.csv"
        [tables.orders]
        from = "lines"
        [[tables.orders.drop]]
        reason = "cancellation"
        column = "Invoice"
        startswith = "C"
        [[tables.orders.drop]]
        reason = "no customer"
        column = "Cust"
        blank = true
        [[tables.orders.drop]]
        reason = "quantity <= 0"
        column = "Qty"
        le = 0
        [[tables.orders.drop]]
        reason = "exact duplicate"
        duplicate = true
        [tables.orders.columns]
        order_id = "Invoice"
        customer = "Cust"
        date = { column = "When", date = "%d/%m/%Y" }
        amount = { multiply = ["Qty", "Price"] }
        quantity = "Qty"
        """
    csv = """\
        Invoice,Cust,Qty,Price,When
        1,A,2,1.5,01/02/2024
        C2,A,-1,1.5,01/02/2024
        C3,,-1,1.5,01/02/2024
        4,,3,1.0,02/02/2024
        5,B,0,1.0,02/02/2024
        6,B,1,2.0,31/02/2024
        1,A,2,1.5,01/02/2024
        7,B,1,2.0,03/02/2024
        """
    m, folder = _write(tmp_path, text, csv, "lines.csv")
    res = import_sources(m, [folder / "lines.csv"])
    tr = res.report.tables["orders"]
    assert tr.dropped == {"cancellation": 2, "no customer": 1, "quantity <= 0": 1,
                          "exact duplicate": 1,
                          "date: not a valid date in 'When' (e.g. '31/02/2024')": 1}
    assert tr.rows_read == 8 and tr.rows_kept == 2
    o = res.frames["orders"]
    assert o["amount"].tolist() == [3.0, 2.0]
    assert o["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-02-01", "2024-02-03"]


def test_aggregate_sums_lines_per_invoice_and_distinct_reports_conflicts(tmp_path):
    text = """\
        [sources.lines]
        file = "lines.csv"
        [tables.orders]
        from = "lines"
        [tables.orders.columns]
        order_id = "Invoice"
        customer = "Cust"
        date = "When"
        amount = { multiply = ["Qty", "Price"] }
        quantity = "Qty"
        product = "Item"
        [tables.orders.aggregate]
        by = ["order_id"]
        sum = ["amount", "quantity"]
        first = ["customer", "date"]
        [tables.customers]
        from = "lines"
        rows_from = "orders"
        distinct = true
        [tables.customers.columns]
        customer = "Cust"
        segment = "Country"
        rep = { const = "Shop" }
        [tables.reps]
        from = "@customers"
        distinct = true
        [tables.reps.columns]
        rep = "rep"
        """
    csv = """\
        Invoice,Cust,Qty,Price,When,Item,Country
        1,A,2,1.5,2024-02-01,x,UK
        1,A,1,4.0,2024-02-01,y,UK
        2,A,1,1.0,2024-03-01,x,France
        3,B,5,1.0,2024-03-02,z,UK
        """
    m, folder = _write(tmp_path, text, csv, "lines.csv")
    res = import_sources(m, [folder])
    o = res.frames["orders"]
    assert o["order_id"].tolist() == ["1", "2", "3"]
    assert o["amount"].tolist() == [7.0, 1.0, 5.0]
    assert o["quantity"].tolist() == [3.0, 1.0, 5.0]
    assert "product" not in o.columns
    c = res.frames["customers"]
    assert c.set_index("customer")["segment"].to_dict() == {"A": "UK", "B": "UK"}
    assert res.report.tables["customers"].changed == {
        "segment: customer with more than one segment value (the first kept)": 1}
    assert res.frames["reps"]["rep"].tolist() == ["Shop"]
    assert res.report.tables["orders"].rows_out == 3


def test_join_close_before_created_and_if_present(tmp_path):
    text = """\
        [sources.leads]
        file = "leads.csv"
        [sources.won]
        file = "won.csv"
        [tables.opportunities]
        from = "leads"
        joins = [{ source = "won", on = "lead" }]
        if_close_before_created = "set_created_to_close"
        [tables.opportunities.columns]
        opportunity_id = "lead"
        rep = { column = "seller", template = "S-{value:.3}", default = "(unassigned)" }
        channel = "origin"
        created_date = "first"
        close_date = "won_at"
        status = { column = "won_at", if_present = "won", if_blank = "open" }
        [tables.reps]
        from = "@opportunities"
        distinct = true
        [tables.reps.columns]
        rep = "rep"
        """
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "leads.csv").write_text("lead,first,origin\nL1,2024-01-10,web\n"
                                      "L2,2024-01-11,\nL3,2024-01-12,unknown\n")
    (folder / "won.csv").write_text("lead,seller,won_at\nL1,abcdef,2024-02-01 10:00:00\n"
                                    "L3,abcxyz,2024-01-05 09:00:00\nL9,zzz,2024-03-01\n")
    res = import_sources(load_mapping(_mapping(tmp_path, text)), [folder])
    o = res.frames["opportunities"].set_index("opportunity_id")
    assert o["status"].to_dict() == {"L1": "won", "L2": "open", "L3": "won"}
    assert o["rep"].to_dict() == {"L1": "S-abc", "L2": "(unassigned)", "L3": "S-abc"}
    # L3 won before its first contact: kept, created date moved to the won date, counted
    assert o.loc["L3", "created_date"] == pd.Timestamp("2024-01-05")
    tr = res.report.tables["opportunities"]
    assert tr.changed["created_date set to close_date (close before created: L3)"] == 1
    # null and 'unknown' channels stay apart
    assert pd.isna(o.loc["L2", "channel"]) and o.loc["L3", "channel"] == "unknown"
    assert tr.blanks["channel"] == 1
    assert any("2 of 3 won rows used" in n for n in tr.notes)


def test_missing_source_file_and_column_are_input_errors(deals, tmp_path):
    m = load_mapping("generic_csv")
    with pytest.raises(InputError, match=r"no file matches 'deals\*\.csv'"):
        import_sources(m, [_empty_dir(tmp_path)])
    (deals / "deals.csv").write_text("Deal ID,Owner\nD1,Sato\n")
    with pytest.raises(InputError, match="column 'Account' is not in"):
        import_sources(m, [deals])


def _empty_dir(tmp_path: Path) -> Path:
    d = tmp_path / "empty"
    d.mkdir()
    return d


# --------------------------------------------------------------------------- workbooks


def _table_rows(book: Path, sheet: str) -> list[tuple]:
    wb = openpyxl.load_workbook(book)
    ws = wb[sheet]
    tbl = next(iter(ws.tables.values()))
    c0, r0, c1, r1 = range_boundaries(tbl.ref)
    return [tuple(ws.cell(r, c).value for c in range(c0, c1 + 1)) for r in range(r0 + 1, r1 + 1)]


@pytest.fixture
def clean_deals(tmp_path) -> Path:
    folder = tmp_path / "clean"
    folder.mkdir()
    text = "\n".join(line for line in DEALS_CSV.splitlines() if "On hold" not in line)
    (folder / "deals.csv").write_text(text + "\n", encoding="utf-8")
    return folder


def test_new_book_is_a_template_that_loads(clean_deals, tmp_path):
    res = import_sources(load_mapping("generic_csv"), [clean_deals])
    book = write_import(res, tmp_path / "book.xlsx", "en")
    ds = load(book)
    assert len(ds.opportunities) == 3
    assert ds.settings.fiscal_year_start == 4 and ds.settings.currency == "JPY"
    assert ds.settings.locale == "en"
    assert set(ds.reps["rep"]) == {"Sato", "(unassigned)"}


@pytest.mark.parametrize("mode", ["replace", "append"])
def test_existing_book_replace_or_append_keeps_other_sheets(clean_deals, tmp_path, mode):
    res = import_sources(load_mapping("generic_csv"), [clean_deals])
    book = write_import(res, tmp_path / "book.xlsx", "en")
    wb = openpyxl.load_workbook(book)
    wb.create_sheet("My notes")["B2"] = "keep me"
    for cell, value in (("A2", "2025-04-01"), ("B2", "steel price"), ("C2", 100)):
        wb["External"][cell] = value  # a row typed into another input table
    wb.save(book)
    second = tmp_path / "second"
    second.mkdir()
    (second / "deals.csv").write_text(
        "Deal ID,Deal name,Owner,Account,Lead source,Amount,Created,Close date,Stage\n"
        "D9,Omega,Sato,ACME,web,900,2025-05-02,2025-05-20,Closed Won\n")
    res2 = import_sources(load_mapping("generic_csv"), [second])
    before = openpyxl.load_workbook(book)["External"]["A2"].value
    write_import(res2, book, "en", mode=mode)
    wb2 = openpyxl.load_workbook(book)
    assert wb2["My notes"]["B2"].value == "keep me"
    assert wb2["External"]["A2"].value == before
    assert wb2.sheetnames[:2] == ["How to use", "Settings"]
    ids = [r[0] for r in _table_rows(book, "Opportunities")]
    assert ids == (["D9"] if mode == "replace" else ["D1", "D2", "D4", "D9"])
    reps = [r[0] for r in _table_rows(book, "Reps")]
    assert reps == (["Sato"] if mode == "replace" else ["Sato", "(unassigned)"])
    if mode == "append":
        assert "append reps: 1 rows skipped, their rep is already in the workbook" in \
            res2.report.notes
    ds = load(book)
    assert len(ds.opportunities) == len(ids)
    assert ds.opportunities["created_date"].notna().all()


def test_existing_book_without_the_table_is_an_input_error(clean_deals, tmp_path):
    res = import_sources(load_mapping("generic_csv"), [clean_deals])
    book = tmp_path / "plain.xlsx"
    wb = openpyxl.Workbook()
    wb.save(book)
    with pytest.raises(InputError, match="no table tblOpportunities"):
        write_import(res, book, "en", mode="append")


def test_derived_targets_are_last_year_plus_ten_percent_and_marked(tmp_path):
    folder = tmp_path / "two_years"
    folder.mkdir()
    rows = ["Deal ID,Deal name,Owner,Account,Lead source,Amount,Created,Close date,Stage",
            "A1,a,Sato,ACME,web,1000,2024-03-01,2024-04-10,Closed Won",
            "A2,b,Sato,ACME,web,500,2024-03-01,2024-04-20,Closed Won",
            "A3,c,Sato,ACME,web,700,2025-04-01,2025-04-15,Closed Won"]
    (folder / "deals.csv").write_text("\n".join(rows) + "\n")
    res = import_sources(load_mapping("generic_csv"), [folder])
    derived = derive_targets(res)
    got = {(r.metric, r.period.strftime("%Y-%m")): r.target for r in derived.itertuples()}
    assert got == {("revenue", "2025-04"): pytest.approx(1650.0),
                   ("won_deals", "2025-04"): pytest.approx(2.2)}
    book = write_import(res, tmp_path / "t.xlsx", "en")
    ws = openpyxl.load_workbook(book)["Targets"]
    values = [c.value for row in ws.iter_rows(min_row=1, max_row=1) for c in row]
    assert any(isinstance(v, str) and v.startswith(DERIVED_NOTE) for v in values)
    ds = load(book)
    assert len(ds.targets) == 2
    assert any(DERIVED_NOTE in n for n in res.report.notes)


# --------------------------------------------------------------------------- CLI


def _cli(argv: list[str]) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="kpi-xl")
    add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    out, err = io.StringIO(), io.StringIO()
    return run(args, out, err), out.getvalue(), err.getvalue()


def test_cli_import_prints_counts_and_unmapped_values(deals, clean_deals, tmp_path):
    code, out, err = _cli(["import", "generic_csv", str(clean_deals), "-o",
                           str(tmp_path / "b.xlsx"), "--locale", "en"])
    assert code == 0, err
    assert "opportunities (from source deals (deals.csv)): read 5, dropped 2, kept 3" in out
    assert "wrote" in out and (tmp_path / "b.xlsx").exists()
    code, out, err = _cli(["import", "generic_csv", str(deals), "-o", str(tmp_path / "c.xlsx")])
    assert code == 3  # validation: the unmapped status 'On hold'
    assert "UNMAPPED status: 'On hold' ×1" in out
    assert "On hold" in err
    code, _, err = _cli(["import", "no_such_mapping", str(deals), "-o", str(tmp_path / "d.xlsx")])
    assert code == 2 and "no mapping file" in err


def test_cli_derive_targets_flag(clean_deals, tmp_path):
    code, out, _ = _cli(["import", "generic_csv", str(clean_deals), "-o",
                         str(tmp_path / "b.xlsx"), "--derive-targets"])
    assert code == 0
    assert "derived targets (derived: last year +10%)" in out


def test_generic_mapping_copy_is_editable(tmp_path, clean_deals):
    """The documented workflow: copy generic_csv.toml, edit a column name, import."""
    src = bundled_mappings()["generic_csv"]
    mine = tmp_path / "mine.toml"
    shutil.copy(src, mine)
    mine.write_text(mine.read_text().replace('channel = "Lead source"', 'channel = "Source"'))
    (clean_deals / "deals.csv").write_text(
        (clean_deals / "deals.csv").read_text().replace("Lead source", "Source"))
    res = import_sources(load_mapping(mine), [clean_deals])
    assert res.frames["opportunities"]["channel"].tolist()[:2] == ["web", "event"]


def test_undated_open_deals_are_kept_and_count_only_in_all_time_figures(tmp_path):
    """Issue 10: exports leave early-stage deals undated; dropping them made all-time figures
    such as won ÷ all deals wrong. Closed deals without a date are still dropped, counted."""
    import datetime as dt

    from kpi_xl.metrics import pipeline_velocity, win_rates
    from kpi_xl.validate import load

    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "deals.csv").write_text(textwrap.dedent("""\
        Deal ID,Deal name,Owner,Account,Lead source,Amount,Created,Close date,Stage
        D1,a,Sato,ACME,web,100,2026-04-02,2026-04-20,Closed Won
        D2,b,Sato,ACME,web,100,2026-04-03,2026-04-21,Closed Lost
        D3,c,Sato,Globex,web,100,,,Qualification
        D4,d,Sato,Globex,web,100,,,Proposal
        D5,e,Sato,Globex,web,100,,2026-04-22,Closed Won
        """), encoding="utf-8")
    res = import_sources(load_mapping("generic_csv"), [folder])
    tr = res.report.tables["opportunities"]
    opp = res.frames["opportunities"]
    assert sorted(opp["opportunity_id"]) == ["D1", "D2", "D3", "D4"]
    assert tr.dropped["created_date: required value blank"] == 1  # D5: won, undated
    assert any("2 open deals without a date kept" in n for n in tr.notes)
    book = write_import(res, tmp_path / "book.xlsx", "en")
    ds = load(book)  # the validator accepts undated open deals
    every = win_rates(ds, definition="all").iloc[0]
    assert (every["numerator"], every["denominator"]) == (1, 4)  # all time: D3, D4 count
    april = win_rates(ds, definition="all", start="2026-04-01", end="2026-04-30").iloc[0]
    assert (april["numerator"], april["denominator"]) == (1, 2)  # no dated period holds them
    assert pipeline_velocity(ds, as_of=dt.date(2026, 4, 30)).iloc[0]["open_opportunities"] == 2


def test_a_closed_deal_without_a_created_date_is_still_a_validation_problem():
    import pandas as pd

    from kpi_xl.errors import ValidationError
    from kpi_xl.validate import validate

    opp = pd.DataFrame({"Opportunity ID": ["o1", "o2"], "Rep": ["A", "A"],
                        "Created": [None, None], "Status": ["open", "won"],
                        "Close date": [None, "2026-04-02"]})
    with pytest.raises(ValidationError) as err:
        validate({"opportunities": opp, "reps": pd.DataFrame({"Rep": ["A"]})})
    assert [(p.row, p.problem) for p in err.value.problems] == [(3, "missing value")]
    assert "only open deals may be undated" in err.value.problems[0].hint


_HEADER = "Deal ID,Owner,Account,Lead source,Amount,Created,Close date,Stage,Deal name\n"


def test_an_export_row_with_more_or_fewer_fields_than_its_header_stops_the_import(tmp_path):
    # pandas would take line 2's tenth field as an index and shift every value one column
    # left (amounts into Created, dates into Stage); line 3 would be padded with a blank
    path = tmp_path / "deals_bad.csv"
    path.write_text(_HEADER + "D1,Ann,Acme,Web,100,2026-04-01,2026-04-10,Closed Won,x,EXTRA\n"
                              "D2,Bob,Acme,Web,200,2026-04-02,,Proposal\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        import_sources(load_mapping("generic_csv"), [path])
    assert str(info.value).startswith(
        "deals_bad.csv: the header has 9 fields but line 2 has 10, line 3 has 8;")


def test_quoted_separators_and_line_breaks_are_one_field_in_an_export(tmp_path):
    path = tmp_path / "deals.csv"
    path.write_text(_HEADER + 'D1,"Ann, Lee",Acme,Web,"1,200",2026-04-01,2026-04-10,Closed Won,'
                              '"two\nlines"\n', encoding="utf-8")
    res = import_sources(load_mapping("generic_csv"), [path])
    opp = res.frames["opportunities"]
    assert opp["rep"].tolist() == ["Ann, Lee"]
    assert opp["amount"].tolist() == [1200]
