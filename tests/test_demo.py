"""The demo data generator and the bundled demo CSVs."""

from __future__ import annotations

import datetime as dt
import itertools

import pandas as pd
import pytest

from kpi_xl.dataset import TABLE_NAMES, conform, make_dataset
from kpi_xl.demo import DATA_DIR, build, demo_frames, demo_roles, generate, write_csv
from kpi_xl.demo.generator import DEFAULT_END
from kpi_xl.demo.story import LEAVER, SUCCESSOR
from kpi_xl.schema import CONFIG_TABLES, TABLES, table_spec
from kpi_xl.settings import Settings

END = pd.Timestamp(DEFAULT_END)
START = pd.Timestamp("2024-12-01")  # first day of the 24 months ending 2026-11-20
ALL_TABLES = (*(n for n in TABLES if n not in CONFIG_TABLES), "settings")


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return demo_frames()


@pytest.fixture(scope="module")
def roles() -> dict[str, list[str]]:
    return demo_roles()


def _read_bundled(name: str) -> pd.DataFrame:
    spec = table_spec(name)
    df = pd.read_csv(DATA_DIR / f"{name}.csv", encoding="utf-8")
    by_en = {c.en: c.name for c in spec.columns}
    assert set(df.columns) <= set(by_en), f"{name}: unexpected headers {list(df.columns)}"
    return conform(name, df.rename(columns=by_en), Settings())


def _months_before_end(days: pd.Series | pd.Timestamp, months: int) -> bool:
    return bool(days <= END - pd.DateOffset(months=months))


# --- determinism and the bundled files ---------------------------------------------------------

def test_same_seed_gives_identical_frames(frames):
    again = generate()
    assert set(again) == set(ALL_TABLES)
    for name in ALL_TABLES:
        pd.testing.assert_frame_equal(again[name], frames[name], check_exact=True)


def test_different_seed_gives_different_data(frames):
    other = generate(seed=1)
    assert not other["opportunities"]["amount"].equals(frames["opportunities"]["amount"])


def test_demo_frames_returns_copies():
    a = demo_frames()
    a["reps"].loc[0, "rep"] = "changed"
    assert demo_frames()["reps"].loc[0, "rep"] != "changed"


@pytest.mark.parametrize("name", ALL_TABLES)
def test_bundled_csv_equals_fresh_generation(frames, name):
    pd.testing.assert_frame_equal(_read_bundled(name), frames[name], check_exact=False,
                                  rtol=1e-12)


def test_bundled_csvs_use_english_headers_and_iso_dates():
    text = (DATA_DIR / "opportunities.csv").read_text(encoding="utf-8")
    header, first = text.splitlines()[:2]
    assert not text.startswith("\ufeff")
    assert header.split(",") == [c.en for c in table_spec("opportunities").columns]
    assert header.split(",")[-4:] == ["Approach date", "Information gathering date",
                                      "Proposal date", "Closing date"]
    created = first.split(",")[6]
    assert dt.date.fromisoformat(created).isoformat() == created


def test_bundled_folder_is_small():
    assert sum(p.stat().st_size for p in DATA_DIR.glob("*.csv")) < 3_000_000
    assert sorted(p.stem for p in DATA_DIR.glob("*.csv")) == sorted(ALL_TABLES)


def test_write_csv_round_trips_other_frames(tmp_path):
    small = generate(seed=7, end=dt.date(2025, 6, 13), months=14)
    paths = write_csv(tmp_path, small)
    assert {p.name for p in paths} == {f"{n}.csv" for n in ALL_TABLES}
    back = pd.read_csv(tmp_path / "orders.csv")
    assert list(back.columns) == [c.en for c in TABLES["orders"].columns]
    assert len(back) == len(small["orders"])
    assert pd.to_datetime(back["Date"]).max() <= pd.Timestamp("2025-06-13")


# --- shape of the data ------------------------------------------------------------------------

def test_make_dataset_accepts_the_frames(frames):
    tables = {k: v for k, v in frames.items() if k != "settings"}
    ds = make_dataset(**tables)
    assert set(TABLE_NAMES) == set(tables)
    assert len(ds.reps) == 12  # no rep referenced elsewhere is missing from Reps
    assert ds.data_end() == DEFAULT_END
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(ds.table(name), frames[name])


def test_settings_rows(frames):
    s = dict(zip(frames["settings"]["key"], frames["settings"]["value"], strict=True))
    assert s["fiscal_year_start"] == "4"
    assert (s["locale"], s["currency"], s["holiday_calendar"]) == ("ja", "JPY", "JP")
    days = [dt.date.fromisoformat(d) for d in s["custom_holidays"].split(",")]
    assert dt.date(2025, 12, 29) in days and dt.date(2026, 1, 2) in days
    assert all(d.weekday() < 5 for d in days)


def test_row_counts_in_expected_ranges(frames):
    assert len(frames["reps"]) == 12
    assert 25_000 <= len(frames["activities"]) <= 35_000
    assert 3_000 <= len(frames["opportunities"]) <= 4_000
    assert 250 <= len(frames["customers"]) <= 350
    assert 8_000 <= len(frames["orders"]) <= 12_000
    n_opp = len(frames["opportunities"])
    assert 0.05 * n_opp <= frames["stage_history"]["opportunity_id"].nunique() <= 0.15 * n_opp


def test_reps_teams_managers_and_one_leaver(frames):
    reps = frames["reps"]
    assert reps.groupby("team")["rep"].count().to_dict() == {
        "東京第一営業部": 4, "大阪営業部": 4, "Enterprise Sales": 4}
    assert reps.groupby("team")["manager"].nunique().eq(1).all()
    assert reps.loc[~reps["active"], "rep"].tolist() == [LEAVER]
    assert reps["rep"].str.contains(r"^[A-Z][a-z]+ [A-Z][a-z]+$").sum() >= 3  # English names
    acts = frames["activities"]
    last = acts.loc[acts["rep"] == LEAVER, "date"].max()
    assert END - pd.DateOffset(months=13) <= last <= END - pd.DateOffset(months=11)
    assert acts.loc[acts["rep"] == SUCCESSOR, "date"].min() > last


def test_referential_integrity(frames):
    reps = set(frames["reps"]["rep"])
    customers = set(frames["customers"]["customer"])
    opps = set(frames["opportunities"]["opportunity_id"])
    assert frames["customers"]["customer"].is_unique
    assert frames["opportunities"]["opportunity_id"].is_unique
    assert frames["orders"]["order_id"].is_unique
    for name in ("activities", "opportunities", "customers"):
        assert set(frames[name]["rep"].dropna()) <= reps, name
    targets = frames["targets"]
    assert set(targets["rep"].dropna()) <= reps
    assert set(targets["team"].dropna()) <= set(frames["reps"]["team"])
    assert (targets["rep"].isna() != targets["team"].isna()).all()  # exactly one of rep/team
    for name in ("activities", "opportunities", "orders"):
        assert set(frames[name]["customer"].dropna()) <= customers, name
    assert set(frames["activities"]["opportunity_id"].dropna()) <= opps
    assert set(frames["stage_history"]["opportunity_id"]) <= opps
    assert frames["customers"]["rep"].isin(reps - {LEAVER}).all()  # his customers moved on


def test_dates_stay_in_the_window(frames):
    for name in ("activities", "orders"):
        d = frames[name]["date"]
        assert d.min() >= START and d.max() <= END, name
        assert (d.dt.day_of_week < 5).all(), name
    o = frames["opportunities"]
    for col in ("created_date", "close_date", "approach_date", "hearing_date", "proposal_date",
                "closing_date"):
        assert o[col].max() <= END, col
    # Pipeline carried into the window: created before it only if still running at its start.
    early = o[o["created_date"] < START]
    assert (early["close_date"].isna() | (early["close_date"] >= START)).all()
    assert (frames["external"]["date"] <= END).all()


def test_opportunity_dates_and_statuses_are_consistent(frames):
    o = frames["opportunities"]
    assert set(o["status"]) == {"open", "won", "lost"}
    assert (o["close_date"].isna() == (o["status"] == "open")).all()
    closed = o[o["status"] != "open"]
    assert (closed["close_date"] >= closed["created_date"]).all()
    seq = ["created_date", "approach_date", "hearing_date", "proposal_date", "closing_date"]
    for a, b in itertools.pairwise(seq):
        both = o[a].notna() & o[b].notna()
        assert (o.loc[both, b] >= o.loc[both, a]).all(), (a, b)
    both = o["closing_date"].notna() & o["close_date"].notna()
    assert (o.loc[both, "close_date"] >= o.loc[both, "closing_date"]).all()
    assert (o.loc[o["status"] == "won", "stage"] == "won").all()
    assert o.loc[o["status"] == "open", "stage"].isin(
        ["approach", "hearing", "proposal", "closing"]).all()
    assert ((o["status"] == "open").sum()) >= 100
    assert o["amount"].between(300_000, 5_000_000).all()
    assert o["channel"].isna().sum() >= 10
    assert set(o["channel"].dropna()) == {"Web", "展示会", "紹介", "Outbound"}


def test_stage_conversion_is_roughly_as_designed(frames):
    h = frames["stage_history"]
    o = frames["opportunities"].set_index("opportunity_id")
    wide_any = o[["approach_date", "hearing_date"]].notna().any(axis=1)
    # Use the wide columns of deals not described by history only.
    wide = o[wide_any & (o["status"] != "open")]
    reached = wide[["approach_date", "hearing_date", "proposal_date", "closing_date"]].notna()
    steps = (reached.sum() / reached.sum().shift(1)).iloc[1:]
    assert steps.between(0.5, 0.8).all(), steps.to_dict()
    won_share = (wide["status"] == "won").sum() / reached["closing_date"].sum()
    assert 0.4 <= won_share <= 0.65
    assert len(h) > 0


def test_stage_history_agrees_with_the_wide_columns(frames):
    o = frames["opportunities"].set_index("opportunity_id")
    h = frames["stage_history"]
    assert set(h["stage"]) <= {"approach", "hearing", "proposal", "closing", "won", "lost"}
    hist_only = 0
    for oid, rows in h.groupby("opportunity_id"):
        r = o.loc[oid]
        dates = dict(zip(rows["stage"], rows["date"], strict=True))
        assert list(rows["date"]) == sorted(rows["date"])
        if r["status"] in ("won", "lost"):
            assert dates[r["status"]] == r["close_date"]
        if pd.isna(r["approach_date"]):
            hist_only += 1
            continue
        for stage in ("approach", "hearing", "proposal", "closing"):
            wide = r[f"{stage}_date"]
            assert (pd.isna(wide) and stage not in dates) or dates[stage] == wide
    assert 0 < hist_only < h["opportunity_id"].nunique()


def test_orders_are_within_each_customers_relationship(frames):
    c = frames["customers"].set_index("customer")
    orders = frames["orders"].join(c[["start_date", "end_date"]], on="customer")
    assert (orders["date"] >= orders["start_date"]).all()
    ended = orders["end_date"].notna()
    assert (orders.loc[ended, "date"] < orders.loc[ended, "end_date"]).all()
    assert (orders["amount"] > 0).all() and (orders["quantity"] >= 1).all()
    new = c[c["start_date"] >= START]
    assert len(new) >= 50  # customers won during the window


def test_seasonality_march_and_december_peak_august_dips(frames):
    o = frames["orders"]
    per_month = o.groupby(o["date"].dt.month).size()
    assert per_month[3] > per_month[[4, 5, 6, 7]].mean() * 1.15
    assert per_month[12] > per_month[[4, 5, 6, 7]].mean() * 1.05
    assert per_month[8] < per_month[[6, 7, 9, 10]].min()
    opp = frames["opportunities"]
    won = opp[opp["status"] == "won"]
    by_month = won.groupby(won["close_date"].dt.month)["amount"].sum()
    assert by_month[3] == by_month.max()
    assert by_month[8] < by_month.median()


def test_activities_mix(frames):
    a = frames["activities"]
    assert set(a["type"]) == {"call", "visit", "meeting", "email", "proposal"}
    assert 0.3 <= a["opportunity_id"].notna().mean() <= 0.7
    linked = a.dropna(subset=["opportunity_id"]).join(
        frames["opportunities"].set_index("opportunity_id")[["created_date"]],
        on="opportunity_id")
    assert (linked["date"] >= linked["created_date"]).all()


def test_targets_cover_metrics_reps_and_teams(frames):
    t = frames["targets"]
    assert set(t["metric"]) == {"revenue", "new_customers", "leads", "opportunities",
                                "won_deals", "visits", "calls"}
    assert (t["period"].dt.day == 1).all()
    assert t["period"].max() == pd.Timestamp("2027-03-01")  # through the fiscal year end
    team = t[t["team"].notna()]
    assert set(team["team"]) == set(frames["reps"]["team"])
    assert set(team["metric"]) == {"revenue", "new_customers"}
    assert (t.loc[t["rep"] == LEAVER, "period"] <= END - pd.DateOffset(months=11)).all()


def test_targets_are_near_actuals_with_reps_on_both_sides(frames):
    t = frames["targets"]
    o = frames["opportunities"]
    fy = (pd.Timestamp("2025-04-01"), pd.Timestamp("2026-03-31"))
    tgt = t[(t["metric"] == "revenue") & t["rep"].notna() & t["period"].between(*fy)]
    won = o[(o["status"] == "won") & o["close_date"].between(*fy)]
    ratio = won.groupby("rep")["amount"].sum() / tgt.groupby("rep")["target"].sum()
    assert ratio.between(0.4, 1.8).all(), ratio.to_dict()
    assert (ratio > 1.05).sum() >= 2 and (ratio < 0.95).sum() >= 2


def test_external_factors(frames):
    e = frames["external"]
    idx = e[e["factor"] == "原材料価格指数"]
    assert len(idx) == 24 and idx["value"].notna().all() and (idx["date"].dt.day == 1).all()
    comp = e[e["factor"] == "競合新製品"]
    assert len(comp) == 2 and comp["value"].isna().all() and comp["note"].notna().all()


# --- the deliberate customer stories, checked on the order dates ------------------------------

def _orders_by_customer(frames) -> dict[str, pd.Series]:
    o = frames["orders"]
    return {k: g["date"].sort_values() for k, g in o.groupby("customer")}


def test_churned_customers_stopped_ordering_4_to_12_months_ago(frames, roles):
    by = _orders_by_customer(frames)
    c = frames["customers"].set_index("customer")
    assert len(roles["churned"]) == 15
    for cid in roles["churned"]:
        dates = by[cid]
        assert len(dates) >= 3, cid
        assert END - pd.DateOffset(months=12) <= dates.iloc[-1], cid
        assert _months_before_end(dates.iloc[-1], 4), cid
        assert pd.isna(c.loc[cid, "end_date"])
    # No other customer with orders has been silent for 4+ months without an end date.
    last = pd.Series({k: v.iloc[-1] for k, v in by.items()})
    silent = set(last[last <= END - pd.DateOffset(months=4)].index)
    silent -= set(c.index[c["end_date"].notna()])
    assert silent == set(roles["churned"])


def test_at_risk_customers_drop_sharply_in_the_last_3_months(frames, roles):
    o = frames["orders"]
    recent = o[o["date"] > END - pd.DateOffset(months=3)]
    before = o[(o["date"] > END - pd.DateOffset(months=6))
               & (o["date"] <= END - pd.DateOffset(months=3))]
    assert len(roles["at_risk"]) == 10
    for cid in roles["at_risk"]:
        r, b = recent[recent["customer"] == cid], before[before["customer"] == cid]
        assert 1 <= len(r) <= 2 and len(b) >= 4, cid
        assert r["amount"].sum() < 0.5 * b["amount"].sum(), cid


def test_customers_with_an_end_date_and_reactivated_ones(frames, roles):
    by = _orders_by_customer(frames)
    c = frames["customers"].set_index("customer")
    ended = c.index[c["end_date"].notna()]
    assert sorted(ended) == roles["ended"] and len(ended) == 2
    for cid in ended:
        assert by[cid].iloc[-1] < c.loc[cid, "end_date"] < END
    assert len(roles["reactivated"]) == 3
    for cid in roles["reactivated"]:
        dates = by[cid].reset_index(drop=True)
        gaps = dates.diff().dt.days.fillna(0)
        assert gaps.max() >= 180, cid
        assert dates.iloc[-1] >= END - pd.DateOffset(months=3), cid
        assert len(dates) - int(gaps.idxmax()) >= 5, cid  # ordering regularly again


def test_roles_are_disjoint_and_build_matches_generate(roles):
    ids = [cid for v in roles.values() for cid in v]
    assert len(ids) == len(set(ids))
    assert build().roles == roles


# --- what the dashboard needs from the demo (issue 13) -------------------------------------------

def test_targets_for_counts_are_whole_numbers(frames):
    t = frames["targets"]
    counts = t[t["metric"] != "revenue"]
    assert (counts["target"] % 1 == 0).all()  # never 0.5 of a customer
    assert (t.loc[t["metric"] == "revenue", "target"] % 100_000 == 0).all()
    # rounded on the running total: a rep's year still adds up to about its monthly level × 12
    rep = counts[(counts["rep"] == "佐藤 美咲") & (counts["metric"] == "new_customers")]
    assert set(rep["target"]) <= {0.0, 1.0} and rep["target"].sum() > 0


def test_running_deals_carry_an_expected_close_and_a_forecast_category(frames):
    o = frames["opportunities"]
    running = o[o["status"] == "open"]
    assert running["expected_close_date"].notna().all()
    assert set(running["forecast_category"]) == {"commit", "best_case", "pipeline", "omitted"}
    assert o.loc[o["status"] != "open", ["expected_close_date", "forecast_category"]].isna().all(
        ).all()
    # some slipped: expected before the data's end, still running, never before created
    slipped = running[running["expected_close_date"] < END]
    assert len(slipped) > 10
    assert (running["expected_close_date"] >= running["created_date"]).all()
