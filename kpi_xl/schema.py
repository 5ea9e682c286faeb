"""The input tables and their columns, defined once and used by every reader and writer.

Each table has a canonical name (``opportunities``), English and Japanese labels (used as sheet
names, Excel table names and headers) and columns. Each column has a canonical snake_case name,
a kind (``str``, ``date``, ``number``, ``int``, ``bool``), whether it is required, and the header
aliases accepted for it in English and Japanese. Header matching ignores case, spaces,
underscores, hyphens and full-width/half-width differences (NFKC).

The Opportunities table additionally has one optional date column per process stage
(``<stage>_date``), derived from the stage names in the settings; see :func:`table_spec`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

__all__ = [
    "ACTIVITY_ALIASES",
    "ACTIVITY_LABELS",
    "ALIASES",
    "CONFIG_TABLES",
    "DEFAULT_STAGES",
    "FORECAST_ALIASES",
    "FORECAST_CATEGORIES",
    "OPTION_ALIASES",
    "STAGE_ALIASES",
    "STAGE_LABELS",
    "TABLES",
    "ColumnSpec",
    "TableSpec",
    "activity_label",
    "normalize_header",
    "option_key",
    "stage_date_column",
    "stage_label",
    "table_spec",
]


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: str  # str | date | number | int | bool
    required: bool = False
    en: str = ""
    ja: str = ""
    aliases: tuple[str, ...] = ()
    description: str = ""

    def label(self, locale: str) -> str:
        return (self.ja if locale == "ja" else self.en) or self.name

    def all_names(self) -> tuple[str, ...]:
        return (self.name, self.en, self.ja, *self.aliases)


@dataclass(frozen=True)
class TableSpec:
    name: str
    en: str
    ja: str
    columns: tuple[ColumnSpec, ...]
    key: str | None = None  # column holding a unique id, if any
    optional: bool = True
    aliases: tuple[str, ...] = field(default=())
    description: str = ""

    def label(self, locale: str) -> str:
        return self.ja if locale == "ja" else self.en

    def all_names(self) -> tuple[str, ...]:
        return (self.name, self.en, self.ja, *self.aliases)

    def column(self, name: str) -> ColumnSpec:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def normalize_header(text: object) -> str:
    """Fold a header for matching: NFKC, lower case, no spaces/underscores/hyphens/dots."""
    s = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return re.sub(r"[\s_\-.・()（）]+", "", s)


C = ColumnSpec

# The five-step process of the Japanese sales method plus the won outcome; lost is the exit.
DEFAULT_STAGES: tuple[str, ...] = ("approach", "hearing", "proposal", "closing", "won")
STAGE_LABELS: dict[str, dict[str, str]] = {
    "approach": {"en": "Approach", "ja": "アプローチ"},
    "hearing": {"en": "Information gathering", "ja": "情報収集"},
    "proposal": {"en": "Proposal", "ja": "提案"},
    "closing": {"en": "Closing", "ja": "クロージング"},
    "won": {"en": "Won", "ja": "受注"},
    "lost": {"en": "Lost", "ja": "失注"},
    "open": {"en": "Open", "ja": "進行中"},
}
# Variants users write for each stage and outcome (matched after normalize_header: NFKC, case,
# spaces, hyphens and dots ignored). ``won`` / ``lost`` / ``open`` double as the Status values.
STAGE_ALIASES: dict[str, tuple[str, ...]] = {
    "approach": ("アプローチ", "アプローチ中", "approach", "prospecting", "初回接触", "初回訪問",
                 "リード", "lead", "新規接触"),
    "hearing": ("情報収集", "ヒアリング", "ヒアリング中", "ヒヤリング", "hearing",
                "information gathering", "discovery", "qualification", "engaging",
                "ニーズ把握", "課題把握", "要件確認"),
    "proposal": ("提案", "proposal", "提案中", "提案済", "提案済み", "見積提示", "見積提出",
                 "見積中", "提案書提出"),
    "closing": ("クロージング", "クロージング中", "closing", "negotiation", "交渉", "交渉中",
                "条件交渉", "最終交渉", "稟議中", "契約交渉"),
    "won": ("受注", "won", "closed won", "成約", "win", "受注済", "受注済み", "成約済",
            "成約済み", "契約", "契約済", "契約済み", "受注確定"),
    "lost": ("失注", "lost", "closed lost", "loss", "見送り", "見送", "見送済", "不成立",
             "辞退", "失注済", "失注済み", "他社決定", "不採用", "ロスト", "案件消滅"),
    "open": ("進行中", "open", "商談中", "active", "対応中", "検討中", "継続", "継続中",
             "in progress", "未完了", "オープン"),
}

# Forecast categories of an open deal (Salesforce-style ヨミ): the deal is committed, the best
# case, in the pipeline only, or left out of the forecast. Labels live in kpi_xl.i18n.
FORECAST_CATEGORIES: tuple[str, ...] = ("commit", "best_case", "pipeline", "omitted")
FORECAST_ALIASES: dict[str, tuple[str, ...]] = {
    "commit": ("commit", "committed", "コミット", "確定", "当確", "確実", "Aヨミ"),
    "best_case": ("best case", "best_case", "best", "bestcase", "ベスト", "ベストケース",
                  "Bヨミ"),
    "pipeline": ("pipeline", "パイプライン", "見込", "Cヨミ"),
    "omitted": ("omitted", "omit", "除外", "対象外", "ヨミ外"),
}

REPS = TableSpec(
    "reps", "Reps", "担当者", key="rep", optional=False, aliases=("営業担当", "担当者一覧"),
    columns=(
        C("rep", "str", True, "Rep", "担当者", ("rep name", "sales rep", "営業担当", "担当者名",
                                              "sales agent", "agent", "氏名")),
        C("team", "str", False, "Team", "チーム", ("チーム名", "課", "部署", "group")),
        C("manager", "str", False, "Manager", "マネージャー", ("上長", "責任者", "マネジャー")),
        C("active", "bool", False, "Active", "在籍", ("有効", "active flag")),
    ),
    description="One row per sales rep.",
)
TARGETS = TableSpec(
    "targets", "Targets", "目標", aliases=("目標値", "予算"),
    columns=(
        C("rep", "str", False, "Rep", "担当者", ("営業担当", "担当者名")),
        C("team", "str", False, "Team", "チーム", ("チーム名",)),
        C("period", "date", True, "Month", "月", ("period", "期間", "年月", "対象月")),
        C("metric", "str", True, "Metric", "指標", ("kpi", "kpi名", "項目")),
        C("target", "number", True, "Target", "目標", ("目標値", "goal", "予算")),
    ),
    description="Monthly targets per rep or per team (fill one of Rep/Team).",
)
ACTIVITIES = TableSpec(
    "activities", "Activities", "活動", aliases=("活動履歴", "営業活動", "activity"),
    columns=(
        C("date", "date", True, "Date", "日付", ("活動日", "実施日")),
        C("rep", "str", True, "Rep", "担当者", ("営業担当", "担当者名")),
        C("customer", "str", False, "Customer", "顧客", ("顧客ID", "customer id", "取引先")),
        C("type", "str", True, "Activity type", "活動種別", ("type", "activity", "種別", "活動")),
        C("opportunity_id", "str", False, "Opportunity ID", "商談ID", ("deal id", "案件ID")),
    ),
    description="One row per call, visit, meeting, email, proposal…",
)
_OPP_BASE = (
    C("opportunity_id", "str", True, "Opportunity ID", "商談ID", ("id", "deal id", "案件ID")),
    C("rep", "str", True, "Rep", "担当者", ("営業担当", "担当者名", "owner", "sales agent")),
    C("customer", "str", False, "Customer", "顧客", ("顧客ID", "account", "取引先")),
    C("segment", "str", False, "Segment", "セグメント", ("顧客区分", "業種区分")),
    C("product", "str", False, "Product", "商品", ("製品", "商材")),
    C("channel", "str", False, "Lead source", "流入経路", ("channel", "source", "チャネル",
                                                        "リードソース", "origin")),
    C("created_date", "date", True, "Created", "作成日", ("created date", "created", "登録日",
                                                        "リード獲得日", "lead date")),
    C("amount", "number", False, "Amount", "金額", ("value", "deal value", "受注金額", "見込金額")),
    C("status", "str", True, "Status", "状態", ("ステータス", "結果", "outcome")),
    C("close_date", "date", False, "Close date", "完了日", ("closed", "close", "受注日",
                                                          "失注日", "クローズ日")),
    C("stage", "str", False, "Stage", "ステージ", ("current stage", "現在ステージ", "フェーズ")),
    C("expected_close_date", "date", False, "Expected close", "受注予定日",
      ("expected close date", "expected close", "close date (expected)", "完了予定日",
       "クローズ予定日", "契約予定日", "受注見込日")),
    C("forecast_category", "str", False, "Forecast category", "ヨミ区分",
      ("forecast", "forecast category", "見込区分", "ヨミ", "確度区分")),
)
OPPORTUNITIES_BASE = TableSpec(
    "opportunities", "Opportunities", "商談", key="opportunity_id", aliases=("案件", "pipeline",
                                                                          "deals", "商談一覧"),
    columns=_OPP_BASE,
    description="One row per lead/opportunity, with the date each process stage was reached.",
)
STAGE_HISTORY = TableSpec(
    "stage_history", "StageHistory", "ステージ履歴", aliases=("stage history", "商談履歴"),
    columns=(
        C("opportunity_id", "str", True, "Opportunity ID", "商談ID", ("id", "deal id", "案件ID")),
        C("stage", "str", True, "Stage", "ステージ", ("フェーズ",)),
        C("date", "date", True, "Entered", "日付", ("entered date", "date", "到達日", "変更日")),
    ),
    description="Long form: one row per opportunity and stage reached.",
)
CUSTOMERS = TableSpec(
    "customers", "Customers", "顧客", key="customer", aliases=("顧客一覧", "accounts", "取引先"),
    columns=(
        C("customer", "str", True, "Customer ID", "顧客ID", ("customer", "id", "顧客コード",
                                                          "account id")),
        C("name", "str", False, "Name", "顧客名", ("customer name", "会社名", "取引先名")),
        C("rep", "str", False, "Rep", "担当者", ("営業担当", "担当者名")),
        C("segment", "str", False, "Segment", "セグメント", ("顧客区分",)),
        C("industry", "str", False, "Industry", "業種", ("sector",)),
        C("start_date", "date", False, "Start date", "取引開始日", ("start", "開始日")),
        C("end_date", "date", False, "End date", "取引終了日", ("end", "終了日", "解約日")),
    ),
    description="One row per customer.",
)
ORDERS = TableSpec(
    "orders", "Orders", "受注実績", aliases=("注文", "受注履歴", "受注", "sales", "売上"),
    columns=(
        C("date", "date", True, "Date", "日付", ("order date", "受注日", "注文日", "売上日")),
        C("customer", "str", True, "Customer ID", "顧客ID", ("customer", "顧客", "顧客コード")),
        C("amount", "number", True, "Amount", "金額", ("売上金額", "受注金額", "value")),
        C("quantity", "number", False, "Quantity", "数量", ("qty",)),
        C("product", "str", False, "Product", "商品", ("製品",)),
        C("order_id", "str", False, "Order ID", "注文番号", ("invoice", "伝票番号")),
    ),
    description="One row per order (line) of a customer.",
)
EXTERNAL = TableSpec(
    "external", "External", "外部要因", aliases=("external factors", "外部環境"),
    columns=(
        C("date", "date", True, "Date", "日付", ("月",)),
        C("factor", "str", True, "Factor", "要因", ("指標", "項目")),
        C("value", "number", False, "Value", "値", ("数値",)),
        C("note", "str", False, "Note", "メモ", ("備考", "コメント")),
    ),
    description="Outside factors (material prices, competitor moves) shown next to the trends.",
)
SETTINGS = TableSpec(
    "settings", "Settings", "設定", aliases=("config",),
    columns=(
        C("key", "str", True, "Setting", "設定項目", ("key", "項目", "name")),
        C("value", "str", False, "Value", "値", ("設定値",)),
    ),
    description="Key/value settings; see kpi_xl.settings.",
)

ALIASES = TableSpec(
    "aliases", "Aliases", "表記ゆれ",
    aliases=("alias", "表記揺れ", "表記ゆれ一覧", "別名", "読み替え"),
    columns=(
        C("typed", "str", True, "As typed", "入力値", ("value as typed", "typed", "表記", "別表記",
                                                    "入力された値", "from", "alias")),
        C("canonical", "str", True, "Means", "正式な値", ("canonical", "means", "正しい値",
                                                      "統一後", "読み替え後", "to")),
        C("column", "str", False, "Column", "対象列", ("applies to", "対象", "項目", "列")),
    ),
    description="Spelling variants the user adds: a value as typed and the value it means "
                "(a rep, customer, status, stage, activity type …), optionally for one column.",
)

TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (SETTINGS, ALIASES, REPS, TARGETS, ACTIVITIES, OPPORTUNITIES_BASE, STAGE_HISTORY,
              CUSTOMERS, ORDERS, EXTERNAL)
}


#: Tables that configure kpi_xl rather than hold data (not part of a Dataset).
CONFIG_TABLES: tuple[str, ...] = ("settings", "aliases")


def stage_date_column(stage: str) -> str:
    """Canonical name of the column holding the date a stage was reached."""
    return f"{stage}_date"


def stage_label(stage: str, locale: str = "en") -> str:
    """Display label of a stage key (custom stage names are their own label)."""
    return STAGE_LABELS.get(stage, {}).get(locale, stage)


def table_spec(name: str, stages: tuple[str, ...] = DEFAULT_STAGES) -> TableSpec:
    """The spec of a table; for ``opportunities`` it includes one date column per stage.

    The won stage (the last one) is reached at ``close_date`` for won deals, so it gets no column.
    """
    spec = TABLES[name]
    if name != "opportunities":
        return spec
    extra = []
    for s in stages[:-1]:
        en, ja = stage_label(s, "en"), stage_label(s, "ja")
        names = {f"{en} date", f"{ja}日", f"{s} date", en, ja, *STAGE_ALIASES.get(s, ())}
        names -= {stage_date_column(s), f"{en} date", f"{ja}日"}
        extra.append(C(stage_date_column(s), "date", False, f"{en} date", f"{ja}日",
                       tuple(sorted(names))))
    return TableSpec(spec.name, spec.en, spec.ja, spec.columns + tuple(extra), key=spec.key,
                     optional=spec.optional, aliases=spec.aliases, description=spec.description)

ACTIVITY_LABELS: dict[str, dict[str, str]] = {
    "call": {"en": "Call", "ja": "電話"},
    "visit": {"en": "Visit", "ja": "訪問"},
    "meeting": {"en": "Meeting", "ja": "打合せ"},
    "email": {"en": "Email", "ja": "メール"},
    "proposal": {"en": "Proposal", "ja": "提案"},
}
ACTIVITY_ALIASES: dict[str, tuple[str, ...]] = {
    "call": ("call", "calls", "phone", "電話", "架電", "テレアポ", "コール", "TEL", "tel",
             "電話営業", "電話連絡", "phone call", "telephone", "入電", "受電"),
    "visit": ("visit", "visits", "訪問", "往訪", "客先訪問", "外訪", "face to face", "訪問営業",
              "営業訪問", "飛び込み"),
    "meeting": ("meeting", "meetings", "打合せ", "打ち合わせ", "打合わせ", "面談", "会議",
                "web会議", "オンライン商談", "オンライン会議", "online meeting", "来社", "来訪",
                "商談", "mtg", "zoom", "teams"),
    "email": ("email", "e-mail", "mail", "emails", "メール", "eメール", "電子メール",
              "メール送付"),
    "proposal": ("proposal", "proposals", "提案", "提案書", "提案書提出", "見積", "見積提出",
                 "見積書", "見積書提出", "プレゼン", "presentation"),
}


# Words users write for the named options of metric definitions (settings and KPI_ formulas).
OPTION_ALIASES: dict[str, tuple[str, ...]] = {
    "closed": ("受注/失注", "受注・失注", "完了のみ", "クローズのみ", "決着済み", "成否確定"),
    "all": ("全件", "すべて", "全て", "全商談", "進行中を含む"),
    "cohort": ("コホート", "コホート基準"),
    "period": ("期間", "期間基準", "期間ベース"),
    "mean": ("平均", "平均値", "average"),
    "median": ("中央値", "メジアン"),
    "count": ("件数", "数"),
    "active_at_start": ("期首稼働", "期首基準", "期首"),
    "inclusive": ("期中を含む", "期中含む", "包括"),
    "year_over_year": ("前年同期", "前年同期比", "前年比"),
    "previous_period": ("前期間", "直前期間", "前期"),
    "won_deals": ("受注商談", "商談", "受注した商談"),
    "orders": ("受注実績", "実績"),
    "none": ("なし", "無し", "祝日なし", "休日なし"),  # KPI_BUSINESS_DAYS calendar
    "JP": ("日本", "日本の祝日", "japan"),
}


def option_key(text: object, allowed: tuple[str, ...] | list[str]) -> str | None:
    """The option among ``allowed`` that ``text`` names (its key in any case, or a Japanese
    word from :data:`OPTION_ALIASES`: 全件 → all, 平均 → mean), else None."""
    norm = normalize_header(text)
    for key in allowed:
        if norm in {normalize_header(a) for a in (key, *OPTION_ALIASES.get(key, ()))}:
            return key
    return None


def activity_label(kind: str, locale: str = "en") -> str:
    return ACTIVITY_LABELS.get(kind, {}).get(locale, kind)
