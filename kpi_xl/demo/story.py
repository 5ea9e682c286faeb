"""The demo organisation's fixed story: reps and teams, segments, products, channels, seasons,
the rates the generator draws with, and the small date and rounding helpers its steps share.

The generator (:mod:`kpi_xl.demo.generator`) and its steps (:mod:`.customer_steps`,
:mod:`.deal_steps`, :mod:`.activity_steps`) read these; changing one changes the demo data.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

__all__ = [
    "CHANNELS", "CHANNEL_WEIGHTS", "COMPETITOR_NOTES", "DEFAULT_END", "DEFAULT_MONTHS",
    "DEFAULT_SEED", "LEADS_PER_REP_MONTH", "LEAVER", "NAME_HEAD", "NAME_TAIL", "N_AT_RISK",
    "N_BASE_CUSTOMERS", "N_CHURNED", "N_ENDED", "N_REACTIVATED", "PIPELINE_LEAD_MONTHS",
    "PRODUCTS", "PRODUCT_WEIGHTS", "REPS", "ROUTINE_ACTIVITIES_PER_DAY", "SEASON", "SEGMENTS",
    "SEGMENT_WEIGHTS", "STEP_RATES", "SUCCESSOR", "TEAMS", "UNIT_PRICE", "d64", "month_start",
    "round_targets",
]

DEFAULT_SEED = 20261120
DEFAULT_END = dt.date(2026, 11, 20)
DEFAULT_MONTHS = 24

TEAMS = {
    "東京第一営業部": "山本 浩二",
    "大阪営業部": "松本 恵子",
    "Enterprise Sales": "Michael Brown",
}
# name, team, lead volume, skill (conversion multiplier), deal size, activity level
REPS = (
    ("佐藤 美咲", "東京第一営業部", 1.15, 1.05, 1.0, 1.1),
    ("田中 健太", "東京第一営業部", 1.00, 0.95, 1.0, 1.2),
    ("鈴木 大輔", "東京第一営業部", 0.85, 1.00, 1.1, 0.8),
    ("高橋 さくら", "東京第一営業部", 1.05, 1.10, 0.9, 1.0),
    ("伊藤 翔太", "大阪営業部", 1.10, 0.90, 0.9, 1.3),
    ("渡辺 彩", "大阪営業部", 0.95, 1.05, 1.0, 0.9),
    ("小林 直樹", "大阪営業部", 0.90, 0.90, 1.0, 0.9),
    ("中村 優花", "大阪営業部", 0.90, 0.95, 0.9, 1.1),
    ("Emily Carter", "Enterprise Sales", 0.80, 1.10, 1.5, 0.8),
    ("James Wilson", "Enterprise Sales", 0.75, 1.00, 1.6, 0.9),
    ("加藤 玲奈", "Enterprise Sales", 0.85, 1.05, 1.4, 1.0),
    ("Sophie Martin", "Enterprise Sales", 0.70, 0.95, 1.7, 0.7),
)
LEAVER, SUCCESSOR = "小林 直樹", "中村 優花"

SEGMENTS = {
    "製造業": ("自動車部品", "電子部品", "食品製造", "化学"),
    "小売": ("スーパー", "ドラッグストア", "アパレル", "家電量販"),
    "IT": ("SaaS", "SIer", "通信", "Web制作"),
    "医療": ("病院", "クリニック", "医療機器", "調剤薬局"),
}
SEGMENT_WEIGHTS = (0.35, 0.25, 0.25, 0.15)
PRODUCTS = ("Standard", "Enterprise", "導入支援", "保守サポート")
PRODUCT_WEIGHTS = (0.40, 0.25, 0.15, 0.20)
UNIT_PRICE = {"Standard": 48_000, "Enterprise": 150_000, "導入支援": 300_000,
              "保守サポート": 20_000}
CHANNELS = ("Web", "展示会", "紹介", "Outbound")
CHANNEL_WEIGHTS = (0.35, 0.18, 0.20, 0.27)
STEP_RATES = (0.70, 0.60, 0.55, 0.50)  # approach→hearing→proposal→closing→won
# Month multipliers: fiscal-year end (March) and December peaks, August (お盆) dip.
SEASON = {1: 0.90, 2: 1.05, 3: 1.35, 4: 0.95, 5: 0.90, 6: 1.00, 7: 1.00, 8: 0.65, 9: 1.10,
          10: 1.00, 11: 1.05, 12: 1.30}

N_BASE_CUSTOMERS = 150
N_CHURNED, N_AT_RISK, N_ENDED, N_REACTIVATED = 15, 10, 2, 3
LEADS_PER_REP_MONTH = 14.0
PIPELINE_LEAD_MONTHS = 3
ROUTINE_ACTIVITIES_PER_DAY = 3.4

NAME_HEAD = ("東和", "大和", "北辰", "三協", "富士", "青葉", "中央", "日東", "丸栄", "東邦",
              "昭和", "新光", "朝日", "平和", "共栄", "光洋", "星野", "桜井", "松原", "高砂",
              "明和", "千代田", "港南", "白鷺", "若葉", "緑川", "大洋", "北斗", "南海", "泉")
NAME_TAIL = {
    "製造業": ("精機", "工業", "製作所", "電子", "食品", "化成"),
    "小売": ("ストア", "商店", "マート", "ドラッグ", "リテール", "百貨店"),
    "IT": ("システムズ", "ソフト", "テック", "ネットワークス", "データ", "ITソリューションズ"),
    "医療": ("メディカル", "病院", "クリニック", "ファーマ", "医療器", "ヘルスケア"),
}
COMPETITOR_NOTES = ("A社がクラウド版の新製品を低価格で発表", "B社が新製品「SalesX」を発売")


def month_start(d: dt.date, shift: int = 0) -> dt.date:
    idx = d.year * 12 + d.month - 1 + shift
    return dt.date(idx // 12, idx % 12 + 1, 1)


def d64(d: dt.date | pd.Timestamp) -> np.datetime64:
    return np.datetime64(pd.Timestamp(d).date(), "D")


def round_targets(tg: pd.DataFrame, key: str = "rep") -> list[float]:
    """Targets as a sales plan writes them: revenue in ¥100,000 steps (at least ¥100,000);
    counts in whole numbers, rounded on the running total of each owner's months so that a
    0.4-a-month plan becomes 0, 1, 0, 0, 1 … and the year still adds up (never 0.5 of a
    customer)."""
    out = pd.Series(0.0, index=tg.index)
    for (_, metric), g in tg.sort_values("period", kind="stable").groupby([key, "metric"],
                                                                          sort=False):
        if metric == "revenue":
            out[g.index] = np.maximum(100_000.0, np.round(g["target"] / 100_000) * 100_000)
        else:
            cum = np.round(np.cumsum(g["target"].to_numpy(dtype=float)))
            out[g.index] = np.diff(np.concatenate([[0.0], cum]))
    return out.tolist()
