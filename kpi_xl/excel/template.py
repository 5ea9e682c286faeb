"""The input workbook users type their sales data into, written with XlsxWriter.

Layout (sheet names follow the locale, see :func:`sheet_names`):

1. a how-to sheet (使い方 / How to use): purpose, the steps template → fill → refresh, the input
   sheets with a one-line description each, and the tabs a refresh generates; in the ``.xlsm``
   also the "Generate rep tabs" button bound to xlwings' ``SampleCall``;
2. Settings (設定): the key/value table ``tblSettings`` (every :class:`~kpi_xl.settings.Settings`
   field with its value and a description of the allowed values) and, to its right, the lists
   the dropdowns use (defined names ``kpi_activity_types``, ``kpi_statuses``, ``kpi_stages``,
   ``kpi_stage_history_stages``, ``kpi_metrics``) and the alias table ``tblAliases`` (表記ゆれ:
   value as typed → the value it means, optionally for one column; explained in header
   comments and on the how-to sheet);
3. one sheet per input table of :mod:`kpi_xl.schema` (Reps, Targets, Activities, Opportunities,
   StageHistory, Customers, Orders, External), each holding one Excel table named ``tbl`` +
   the English label without spaces (``tblStageHistory``) at A1 with the localized headers,
   frozen header row, formats and dropdowns; rep dropdowns use the defined name ``kpi_reps``
   over the Reps sheet's first column (data validation cannot use structured references);
4. with ``macro=True``: a visible ``xlwings.conf`` sheet at the end (``UDF Modules`` =
   ``kpi_xl.excel.udfs``).

The ``.xlsm`` carries the VBA project of xlwings' ``quickstart_standalone.xlsm`` unchanged,
read from the installed xlwings package at build time (it is never copied into the repository).
Its ``SampleCall`` runs ``import <workbook stem>; <workbook stem>.main()``, hence the stem must
be a Python identifier and a module of that name must sit next to the workbook (see
:mod:`kpi_xl.excel.companion`).

Output is reproducible: fixed document properties (created 2026-01-01) and XlsxWriter's fixed
zip timestamps make two builds byte-identical.

Status and stage values are written as localized labels (進行中/受注/失注, アプローチ…; Open/Won/
Lost, Approach…), all of which :meth:`kpi_xl.settings.Settings.stage_key` maps back to keys.

Run ``python -m kpi_xl.excel.template [FOLDER]`` to regenerate the bundled templates
(default folder ``workbook_templates``).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import keyword
import pathlib
import sys
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import fields

import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from ..errors import ConfigError, InputError
from ..i18n import text as _text
from ..metric_registry import canonical_metric, metric_def, metric_names
from ..report.cells import looks_like_formula
from ..schema import (
    TABLES,
    ColumnSpec,
    TableSpec,
    activity_label,
    normalize_header,
    stage_label,
    table_spec,
)
from ..settings import (
    CHURN_DEFINITIONS,
    CONVERSION_BASES,
    NRR_BASELINES,
    REVENUE_BASES,
    SETTING_KEYS,
    WIN_RATE_DEFINITIONS,
    Settings,
    setting_label,
)
from ..units import CURRENCY_SYMBOLS, display_width
from ..xlsx.atomic import atomic_output
from ..xlsx.text import TextChanges, change_notices

__all__ = [
    "BUTTON_CAPTIONS",
    "INPUT_TABLES",
    "METRIC_NAMES",
    "QUICKSTART_WORKBOOK",
    "UDF_MODULES",
    "build_bundled_templates",
    "build_template",
    "check_macro_stem",
    "howto_sheet_name",
    "module_name",
    "quickstart_vba_project",
    "sheet_names",
    "table_name",
]

LOCALES = ("ja", "en")
#: Input tables in sheet order (after the how-to and Settings sheets).
INPUT_TABLES: tuple[str, ...] = ("reps", "targets", "activities", "opportunities",
                                 "stage_history", "customers", "orders", "external")
#: Metric names the Targets sheet accepts with the default settings (the dropdown lists
#: ``kpi_xl.metrics.actuals.metric_names(settings)``, localized, which follows the activity types).
METRIC_NAMES: tuple[str, ...] = ("revenue", "new_customers", "leads", "opportunities",
                                 "won_deals", "visits", "calls", "meetings", "emails",
                                 "proposals", "activities", "orders", "order_amount")
BUTTON_CAPTIONS = {"ja": "担当者別シートを作成 / Generate rep tabs", "en": "Generate rep tabs"}
BUTTON_MACRO = "SampleCall"
QUICKSTART_WORKBOOK = "quickstart_standalone.xlsm"
CONFIG_SHEET = "xlwings.conf"
UDF_MODULES = "kpi_xl.excel.udfs"
CREATED = dt.datetime(2026, 1, 1)

#: Rows below the header that get column formats and dropdowns (beyond the table, so that
#: rows typed under a table that Excel auto-extends keep them).
FORMAT_ROWS = 5000
#: Rows of the Reps sheet's first column covered by ``kpi_reps``.
REP_LIST_ROWS = 1000
#: Slots of the activity-type list split out of the ``activity_types`` setting.
ACTIVITY_TYPE_SLOTS = 30

DATE_FORMAT = "yyyy-mm-dd"
INT_FORMAT = "#,##0"
TABLE_STYLE = "Table Style Medium 2"

_HOWTO = {"ja": "使い方", "en": "How to use"}
_TEXT = {
    "ja": {
        "title": "営業KPIレポート 入力テンプレート",
        "purpose_h": "目的",
        "purpose": "担当者・目標・営業活動・商談・顧客・受注のデータをこのブックに入力すると、"
                   "kpi-xl が目標達成率・ペース・ファネル転換率・受注率・離反などの KPI "
                   "レポートを作成します。指標の定義は「設定」シートで選べます。",
        "steps_h": "手順",
        "steps": (
            ("1. テンプレート", "このブックをコピーして使います。シート名と表の見出しは変更"
                             "しないでください（行は追加・削除できます）。"),
            ("2. 入力", "まず「設定」と「担当者」を入力し、次に各シートの表に 1 件 1 行で入力"
                       "します。表の下の行に入力すると表が自動で広がります。担当者・状態・"
                       "ステージ・活動種別・指標はドロップダウンから選べます。"),
            ("3. 更新", "コマンド `kpi-xl refresh BOOK`（BOOK = このファイル）を実行するか、"
                       "下のボタンを押すと、レポートのシートが作成・更新されます。"),
        ),
        "step3_no_macro": "コマンド `kpi-xl refresh BOOK`（BOOK = このファイル）を実行すると、"
                          "レポートのシートが作成・更新されます（マクロ版の .xlsm では"
                          "ボタンでも実行できます）。",
        "button_note": "ボタンは Windows / Mac の Excel で動きます（Python と xlwings が必要）。"
                       "ブックと同じフォルダにある、ブックと同じ名前の .py ファイルを実行します。"
                       "ブック名を変えたら .py ファイルの名前も合わせてください。",
        "inputs_h": "入力シート",
        "outputs_h": "更新で作成されるシート",
        "outputs": (
            ("ダッシュボード", "全体の KPI（達成率・ペース・ファネル・受注率・売上推移）"),
            ("担当者ごとのシート", "担当者 1 人につき 1 シート（シート名 = 担当者名）"),
            ("離反分析", "離反した顧客・注意が必要な顧客と離反率"),
            ("外部要因", "「外部要因」シートにデータがある場合のみ: 外部要因と業績の推移"),
        ),
        "settings_h": ("", "", "説明"),
        "aliases_h": "表記ゆれ（読み替え）",
        "aliases": "社内でよく使う別の書き方を登録すると、その値として読み取ります。設定シートの"
                   "「表記ゆれ」表に 1 行ずつ「入力値」（実際に入力される書き方）と「正式な値」"
                   "（担当者シートの担当者名、顧客IDまたは顧客名、ドロップダウンの値など）を入力"
                   "します。「対象列」（担当者、チーム、顧客、商品、セグメント、流入経路、状態、"
                   "ステージ、活動種別、指標）を入れるとその列だけに、空欄ならすべての列に使います。"
                   "全角・半角、大文字・小文字、スペースの違いは登録しなくても同じ値とみなします。"
                   "ＴＥＬ・架電（電話）、往訪（訪問）、来社・面談（打合せ）、受注済み・成約（受注）、"
                   "見送り（失注）、株式会社・(株)・㈱ の有無などはあらかじめ読み替えます。"
                   "例: 入力値「青葉」→ 正式な値「株式会社青葉商事」、対象列「顧客」。",
        "aliases_notes": ("実際に入力される書き方（例: 青葉、アポ電）",
                          "読み替える値（担当者名、顧客ID/顧客名、ドロップダウンの値など）",
                          "この列だけに使う場合の列名（空欄 = すべての列）"),
        "lists_h": "ドロップダウンの選択肢",
        "allowed": "選択肢",
    },
    "en": {
        "title": "Sales KPI report — input template",
        "purpose_h": "Purpose",
        "purpose": "Type your reps, targets, sales activities, opportunities, customers and "
                   "orders into this workbook; kpi-xl turns them into KPI reports (target "
                   "achievement, pace, funnel conversion, win rate, churn…). The metric "
                   "definitions are chosen on the Settings sheet.",
        "steps_h": "Steps",
        "steps": (
            ("1. Template", "Work on a copy of this workbook. Do not rename the sheets or the "
                            "table headers (adding and deleting rows is fine)."),
            ("2. Fill", "Fill Settings and Reps first, then one row per record in each "
                        "sheet's table. Typing below a table extends it. Rep, status, stage, "
                        "activity type and metric have dropdowns."),
            ("3. Refresh", "Run `kpi-xl refresh BOOK` (BOOK = this file) or press the button "
                           "below: the report tabs are created or updated."),
        ),
        "step3_no_macro": "Run `kpi-xl refresh BOOK` (BOOK = this file): the report tabs are "
                          "created or updated (the macro workbook, .xlsm, also has a button "
                          "for it).",
        "button_note": "The button works in desktop Excel on Windows and macOS (needs Python "
                       "and xlwings). It runs the .py file named like this workbook in the same "
                       "folder; rename both together.",
        "inputs_h": "Input sheets",
        "outputs_h": "Tabs a refresh generates",
        "outputs": (
            ("Dashboard", "Company KPIs: achievement, pace, funnel, win rate, revenue trend"),
            ("One tab per rep", "One sheet per rep, named after the rep"),
            ("Churn", "Churned and at-risk customers and the churn rate"),
            ("External", "Only when the External sheet has data: outside factors next to "
                         "the trends"),
        ),
        "settings_h": ("", "", "Description"),
        "aliases_h": "Aliases (spelling variants)",
        "aliases": "Spellings your office uses are read as the value they mean once listed in "
                   "the Aliases table on the Settings sheet: one row per spelling, 'As typed' "
                   "(how it is written) and 'Means' (a rep of the Reps sheet, a customer ID or "
                   "name, a dropdown value …). 'Column' (Rep, Team, Customer, Product, "
                   "Segment, Lead source, Status, Stage, Activity type, Metric) limits the row "
                   "to that column; blank applies it everywhere. Full-/half-width, case and "
                   "space differences need no row. Built in already: TEL / 架電 (call), 往訪 "
                   "(visit), 来社 / 面談 (meeting), 受注済み / 成約 (won), 見送り (lost), company "
                   "names with or without 株式会社 / (株) / ㈱ / Inc. Example: As typed 'Aoba' → "
                   "Means 'Aoba Trading Co., Ltd.', Column 'Customer'.",
        "aliases_notes": ("How the value is typed (e.g. Aoba, cold call)",
                          "The value it means (a rep, a customer ID or name, a dropdown value)",
                          "Limit to this column (blank = every column)"),
        "lists_h": "Dropdown lists",
        "allowed": "Allowed",
    },
}
_TABLE_DESCRIPTIONS_JA = {
    "settings": "期首月・通貨・ステージ・指標の定義などの設定（キーと値）。",
    "reps": "担当者 1 人につき 1 行。",
    "targets": "担当者またはチームごとの月次目標（担当者・チームのどちらかを入力）。",
    "activities": "電話・訪問・面談・メール・提案などの活動 1 件につき 1 行。",
    "opportunities": "リード／商談 1 件につき 1 行。各ステージに到達した日付も入力します。",
    "stage_history": "縦持ち形式: 商談がステージに到達するたびに 1 行（商談シートのステージ日付の"
                     "代わりに使えます）。",
    "customers": "顧客 1 社につき 1 行。",
    "orders": "顧客の受注（明細）1 件につき 1 行。",
    "external": "原材料価格や競合の動きなどの外部要因。推移グラフの横に表示します。",
}
_SETTING_DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "fiscal_year_start": ("Month the fiscal year starts, 1-12 (4 = April).",
                          "期首月（1〜12、4 = 4月始まり）。"),
    "locale": ("Language of the reports: ja or en.", "レポートの言語: ja または en。"),
    "currency": ("Currency code of all amounts (JPY, USD, EUR…).",
                 "金額の通貨コード（JPY、USD、EUR など）。"),
    "holiday_calendar": ("Public holidays for business-day counts: ISO country code (JP, US…) "
                         "or none.", "営業日計算に使う祝日: 国コード（JP、US など）または none。"),
    "custom_holidays": ("Company holidays, comma-separated dates yyyy-mm-dd (may be empty).",
                        "会社独自の休日。yyyy-mm-dd 形式の日付をカンマ区切りで（空欄可）。"),
    "stages": ("Process stages in order, comma-separated; the last one is the won stage. Each "
               "stage but the last has a date column on the Opportunities sheet: rebuild the "
               "template after changing them.",
               "商談ステージを順にカンマ区切りで。最後が受注ステージです。最後以外のステージは"
               "商談シートに日付列があるため、変更したらテンプレートを作り直してください。"),
    "opportunity_stage": ("A lead counts as an opportunity once it reaches this stage (one of "
                          "the stages).", "リードがこのステージに到達したら商談として数えます"
                                          "（ステージのどれか）。"),
    "activity_types": ("Activity types, comma-separated; the Activity type dropdown lists them.",
                       "活動種別をカンマ区切りで。活動シートのドロップダウンに表示されます。"),
    "win_rate_definition": ("How the win rate is computed.", "受注率の計算方法。"),
    "conversion_basis": ("How stage-to-stage conversion is computed.",
                         "ステージ間の転換率の計算方法。"),
    "conversion_window_days": ("Count a conversion only if reached within this many days "
                               "(empty = no limit).",
                               "この日数以内に到達した場合のみ転換とみなします"
                               "（空欄 = 制限なし）。"),
    "churn_inactive_months": ("A customer churns after this many months without orders, or at "
                              "its end date (at least 1).",
                              "この月数受注がない顧客（または取引終了日を過ぎた顧客）を離反とみなします"
                              "（1 以上）。"),
    "churn_definition": ("How the churn rate is computed.", "離反率の計算方法。"),
    "nrr_baseline": ("Baseline of the net revenue retention (NRR).",
                     "売上維持率（NRR）の比較基準。"),
    "revenue_basis": ("What counts as revenue.", "売上として数えるもの。"),
    "at_risk_interval_factor": ("Flag a customer at risk when the time since its last order "
                                "exceeds this multiple of its usual order interval.",
                                "最後の受注からの期間が通常の受注間隔のこの倍数を超えたら"
                                "注意顧客とします。"),
    "at_risk_drop": ("Flag a customer at risk when its revenue drops by this share "
                     "(0.3 = 30 %).", "売上がこの割合（0.3 = 30 %）以上減ったら注意顧客とします。"),
    "stall_factor": ("A running deal is stalled once it has stayed in its stage more than this "
                     "multiple of the usual (median) days in that stage (default 2).",
                     "進行中の商談が、同じステージに通常（中央値）の日数のこの倍数を超えて留まると"
                     "滞留案件とします（既定 2）。"),
    "stage_probabilities": ("Win probability of each stage for the landing forecast, e.g. "
                            "hearing:10%, proposal:30%, closing:60%; blank = measured from "
                            "the won and lost deals.",
                            "着地見込（ヨミ）に使うステージ別の受注確度。例: 情報収集:10%、"
                            "提案:30%、クロージング:60%。空欄 = 受注・失注の実績から計算。"),
    "amount_unit": ("Unit of amounts in the report tables and chart axes: auto, one, thousand, "
                    "ten_thousand, million (円, 千円, 万円, 百万円).",
                    "レポートの表とグラフの金額の単位: 自動、円、千円、万円、百万円。"),
    "report_period": ("Period the reports show: blank = the month of the as-of date; all, "
                      "2026-04, FY2026, 上期, H2, 2026-04..2026-09 …",
                      "レポートの対象期間。空欄 = 基準日の月。all（全期間）、2026-04、2026年度、"
                      "令和8年度、上期、下期、2026-04..2026-09 など。"),
}
_ALLOWED = {
    "win_rate_definition": WIN_RATE_DEFINITIONS,
    "conversion_basis": CONVERSION_BASES,
    "churn_definition": CHURN_DEFINITIONS,
    "nrr_baseline": NRR_BASELINES,
    "revenue_basis": REVENUE_BASES,
    "locale": {"ja": "日本語 / Japanese", "en": "English"},
}
_LIST_HEADERS = {
    "kpi_activity_types": {"ja": "活動種別", "en": "Activity types"},
    "kpi_statuses": {"ja": "状態", "en": "Statuses"},
    "kpi_stages": {"ja": "ステージ", "en": "Stages"},
    "kpi_stage_history_stages": {"ja": "ステージ（履歴）", "en": "Stages (history)"},
    "kpi_metrics": {"ja": "指標", "en": "Metrics"},
}
_DV_MESSAGES = {
    "ja": ("入力値の確認", "一覧にない値です。"),
    "en": ("Check the value", "This value is not in the list."),
}


# --------------------------------------------------------------------------- names and helpers


def _check_locale(locale: str) -> str:
    if locale not in LOCALES:
        raise ConfigError(f"locale must be 'ja' or 'en', not {locale!r}")
    return locale


def table_name(spec: TableSpec | str) -> str:
    """Excel table name of an input table: ``tbl`` + English label without spaces."""
    spec = TABLES[spec] if isinstance(spec, str) else spec
    return "tbl" + spec.en.replace(" ", "")


def howto_sheet_name(locale: str) -> str:
    return _HOWTO[_check_locale(locale)]


def sheet_names(locale: str, *, macro: bool = False) -> list[str]:
    """The sheet names of a template, in order."""
    names = [howto_sheet_name(locale), TABLES["settings"].label(locale)]
    names += [TABLES[t].label(locale) for t in INPUT_TABLES]
    if macro:
        names.append(CONFIG_SHEET)
    return names


def currency_format(currency: str) -> str:
    """``"¥"#,##0`` style number format for a currency code (plain ``#,##0`` if unknown)."""
    symbol = CURRENCY_SYMBOLS.get(str(currency).strip().upper())
    return f'"{symbol}"{INT_FORMAT}' if symbol else INT_FORMAT


def module_name(path: str | pathlib.Path) -> str:
    """The Python module the button of the macro workbook ``path`` imports.

    xlwings' ``SampleCall`` runs ``import <stem>`` and Python reads identifiers in NFKC form,
    so ``営業月報_２０２６年.xlsm`` (full-width digits) imports ``営業月報_2026年``.
    """
    return unicodedata.normalize("NFKC", pathlib.Path(path).stem)


def check_macro_stem(path: str | pathlib.Path, locale: str = "en") -> None:
    """Raise ConfigError unless the workbook's stem can be the name of its companion module.

    xlwings' ``SampleCall`` runs ``import <stem>; <stem>.main()`` for the workbook
    ``<stem>.xlsm``, so the stem must be a Python identifier (``str.isidentifier``: letters of
    any script — 営業月報_2026年10月 is one —, digits and underscores, not starting with a
    digit), not a keyword (``import for`` is a syntax error), and not the name of a module
    Python would import instead (standard library, xlwings, kpi_xl, pandas, numpy).
    """
    stem = pathlib.Path(path).stem
    module = module_name(path)
    if not stem.isidentifier() or keyword.iskeyword(module):
        raise ConfigError(_text("package.macro_name_invalid", locale, stem=stem))
    if module in sys.stdlib_module_names or module in ("xlwings", "kpi_xl", "pandas", "numpy"):
        raise ConfigError(_text("package.macro_name_shadows", locale, stem=stem))


def quickstart_vba_project() -> bytes:
    """``xl/vbaProject.bin`` of the quickstart workbook shipped with the installed xlwings."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or spec.origin is None:
        raise ConfigError("macro=True needs the xlwings package installed (its quickstart "
                          "workbook provides the VBA project)")
    book = pathlib.Path(spec.origin).parent / QUICKSTART_WORKBOOK
    try:
        with zipfile.ZipFile(book) as z:
            return z.read("xl/vbaProject.bin")
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        raise InputError(f"cannot read the VBA project of {book}: {exc}") from exc


def _setting_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (tuple, list)):
        return ",".join(_setting_text(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _setting_value(settings: Settings, name: str, locale: str) -> str:
    """A setting as written on the sheet; stage and activity-type names as localized labels
    (the Settings reader maps them back to keys)."""
    value = getattr(settings, name)
    if name == "stages":
        return ",".join(stage_label(s, locale) for s in value)
    if name == "opportunity_stage":
        return stage_label(value, locale)
    if name == "activity_types":
        return ",".join(activity_label(a, locale) for a in value)
    if name == "amount_unit" and locale == "ja":
        return {"auto": "自動", "one": "円", "thousand": "千円", "ten_thousand": "万円",
                "million": "百万円"}[str(value)]
    return _setting_text(value)


def _setting_key(field_name: str, locale: str) -> str:
    """Key written in the Settings table: the Japanese key in ja, the field name in en."""
    return setting_label(field_name, locale)


def _setting_description(field_name: str, locale: str) -> str:
    en, ja = _SETTING_DESCRIPTIONS.get(field_name, ("", ""))
    text = ja if locale == "ja" else en
    allowed = _ALLOWED.get(field_name)
    if allowed:
        choices = "; ".join(f"{k} — {v}" for k, v in allowed.items())
        text = f"{text} {_TEXT[locale]['allowed']}: {choices}".strip()
    return text


def _split_list(text: str) -> list[str]:
    """Split like the Settings reader: commas, 、, ，, ; and line breaks."""
    for sep in ("、", "，", ";", "\n"):
        text = text.replace(sep, ",")
    return [p.strip() for p in text.split(",") if p.strip()]


def _is_missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _settings_rows(settings: Settings, frame: pd.DataFrame | None,
                   locale: str) -> list[tuple[str, str, str, str | None]]:
    """(key text, value, description, field name or None) for every setting."""
    values = {f.name: _setting_value(settings, f.name, locale)
              for f in fields(Settings) if f.name != "extra"}
    keys = {name: _setting_key(name, locale) for name in values}
    extras: dict[str, str] = dict(settings.extra)
    if frame is not None:
        missing = {"key", "value"} - set(frame.columns)
        if missing:
            raise ConfigError(f"data['settings'] needs the columns key and value; "
                              f"missing {sorted(missing)}")
        for key, value in zip(frame["key"], frame["value"], strict=True):
            if _is_missing(key) or not str(key).strip():
                continue
            text = "" if _is_missing(value) else _setting_text(value)
            name = SETTING_KEYS.get(normalize_header(key))
            if name is None:
                extras[str(key)] = text
            else:
                values[name] = text
    rows: list[tuple[str, str, str, str | None]] = [
        (keys[name], value, _setting_description(name, locale), name)
        for name, value in values.items()
    ]
    rows += [(key, value, "", None) for key, value in extras.items()]
    return rows


# --------------------------------------------------------------------------- the workbook


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook, currency: str) -> None:
        self.header = wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E78",
                                     "border": 1, "valign": "vcenter"})
        self.list_header = wb.add_format({"bold": True, "bg_color": "#D9D9D9", "border": 1})
        self.date = wb.add_format({"num_format": DATE_FORMAT})
        self.int = wb.add_format({"num_format": INT_FORMAT})
        self.money = wb.add_format({"num_format": currency_format(currency)})
        self.money_cf = wb.add_format({"num_format": currency_format(currency)})
        self.text = wb.add_format({"num_format": "@"})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        self.text_wrap = wb.add_format({"num_format": "@", "text_wrap": True, "valign": "top"})
        self.title = wb.add_format({"bold": True, "font_size": 16})
        self.section = wb.add_format({"bold": True, "font_size": 12, "bottom": 1})
        self.label = wb.add_format({"bold": True, "valign": "top"})
        self.code = wb.add_format({"font_name": "Consolas", "text_wrap": True, "valign": "top"})
        self.quoted_text = wb.add_format({"num_format": "@", "quote_prefix": True})

    def quoted(self, fmt):
        """The format of data text Excel would read as a formula (``=…``): text, quoted."""
        return self.quoted_text


def _column_format(spec: TableSpec, col: ColumnSpec, f: _Formats):
    if col.kind == "date":
        return f.date
    if col.kind == "number":
        if col.name == "amount":
            return f.money
        if spec.name == "external" and col.name == "value":
            return None  # outside factors can be prices or indices with decimals
        return f.int  # target: "#,##0" plus the currency on money metrics (conditional format)
    if col.kind == "int":
        return f.int
    if col.kind == "str":
        return f.text  # IDs such as 001 stay text
    return None


def _column_width(col: ColumnSpec, label: str, frame: pd.DataFrame | None) -> int:
    width = display_width(label) + 4  # + the filter button
    if col.kind in ("date", "number", "int"):
        width = max(width, 12)
    if frame is not None and col.name in frame.columns and len(frame):
        sample = frame[col.name].head(1000)
        if col.kind == "str":
            longest = max((display_width(v) for v in sample if not _is_missing(v)), default=0)
            width = max(width, min(longest + 2, 50))
    return max(width, 8)


class _Builder:
    def __init__(self, path: pathlib.Path, locale: str, macro: bool,
                 data: Mapping[str, pd.DataFrame], settings: Settings) -> None:
        self.path, self.locale, self.macro = path, locale, macro
        self.data, self.settings = data, settings
        self.settings_rows = _settings_rows(settings, data.get("settings"), locale)
        effective = {name: value for _, value, _, name in self.settings_rows if name}
        self.currency = effective.get("currency", settings.currency)
        self.activity_types = _split_list(effective.get("activity_types", ""))
        self.t = _TEXT[locale]
        self.buffer = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.buffer, {"in_memory": True,
                                                    "strings_to_formulas": False,
                                                  "strings_to_urls": False,
                                                  "strings_to_numbers": False})
        self.f = _Formats(self.wb, self.currency)
        self.sheet_no = 0
        self.changes = TextChanges()

    # -- plumbing
    def add_sheet(self, name: str):
        ws = self.wb.add_worksheet(name)
        self.sheet_no += 1
        if self.macro:
            ws.set_vba_name(f"Sheet{self.sheet_no}")
        return ws

    def label(self, key: str) -> str:
        return stage_label(key, self.locale)

    def metric_labels(self) -> list[str]:
        return [metric_def(n, self.settings).label(self.locale)
                for n in metric_names(self.settings)]

    def money_metric_texts(self) -> list[str]:
        """Metric names and labels (both locales) of the metrics measured in currency."""
        out: list[str] = []
        for n in metric_names(self.settings):
            m = metric_def(n, self.settings)
            if m.unit == "currency":
                out += [t for t in (m.label(self.locale), n) if t not in out]
        return out

    def stage_labels(self) -> list[str]:
        return [self.label(s) for s in self.settings.stages]

    def status_labels(self) -> list[str]:
        return [self.label(s) for s in ("open", "won", "lost")]

    # -- build
    def build(self) -> pathlib.Path:
        wb = self.wb
        wb.set_properties({
            "title": self.t["title"],
            "subject": "kpi_xl input template",
            "author": "kpi_xl",
            "company": "",
            "comments": "Generated by kpi_xl.excel.template.build_template",
            "created": CREATED,
        })
        if self.macro:
            wb.set_vba_name("ThisWorkbook")
        howto = self.add_sheet(howto_sheet_name(self.locale))
        self.settings_sheet()
        for name in INPUT_TABLES:
            self.input_sheet(name)
        self.howto(howto)
        if self.macro:
            self.config_sheet()
            wb.add_vba_project(io.BytesIO(quickstart_vba_project()), is_stream=True)
        howto.activate()
        wb.close()
        return self.path

    def package(self) -> bytes:
        """The workbook built by :meth:`build`, as the bytes of its package."""
        return self.buffer.getvalue()

    def howto(self, ws) -> None:
        t, f = self.t, self.f
        ws.set_column(0, 0, 24)
        ws.set_column(1, 1, 100)
        ws.write_string(0, 0, t["title"], f.title)
        ws.set_row(0, 24)
        row = 2
        ws.write_string(row, 0, t["purpose_h"], f.section)
        ws.merge_range(row + 1, 0, row + 1, 1, "", f.wrap)
        ws.write_string(row + 1, 0, t["purpose"], f.wrap)
        ws.set_row(row + 1, 36)
        row += 3
        ws.write_string(row, 0, t["steps_h"], f.section)
        row += 1
        for i, (head, text) in enumerate(t["steps"]):
            if i == len(t["steps"]) - 1 and not self.macro:
                text = t["step3_no_macro"]
            ws.write_string(row, 0, head, f.label)
            ws.write_string(row, 1, text, f.wrap)
            ws.set_row(row, 32)
            row += 1
        if self.macro:
            ws.set_row(row, 36)
            ws.insert_button(row, 1, {"macro": BUTTON_MACRO,
                                      "caption": BUTTON_CAPTIONS[self.locale],
                                      "width": 280, "height": 36})
            row += 1
            ws.write_string(row, 1, t["button_note"], f.wrap)
            ws.set_row(row, 32)
            row += 1
            ws.write_string(row, 1, _text("package.howto_macro_name", self.locale,
                                          module=module_name(self.path) + ".py"), f.wrap)
            ws.set_row(row, 48)
            row += 1
        row += 1
        ws.write_string(row, 0, t["inputs_h"], f.section)
        row += 1
        for name in ("settings", *INPUT_TABLES):
            spec = TABLES[name]
            desc = (_TABLE_DESCRIPTIONS_JA.get(name, spec.description) if self.locale == "ja"
                    else spec.description)
            ws.write_string(row, 0, spec.label(self.locale), f.label)
            ws.write_string(row, 1, desc, f.wrap)
            row += 1
        ws.write_string(row, 0, TABLES["aliases"].label(self.locale), f.label)
        ws.write_string(row, 1, t["aliases"], f.wrap)
        ws.set_row(row, 96)
        row += 2
        ws.write_string(row, 0, t["outputs_h"], f.section)
        row += 1
        for name, desc in t["outputs"]:
            ws.write_string(row, 0, name, f.label)
            ws.write_string(row, 1, desc, f.wrap)
            row += 1
        ws.hide_gridlines(2)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)

    def settings_sheet(self) -> None:
        spec = TABLES["settings"]
        ws = self.add_sheet(spec.label(self.locale))
        f, loc = self.f, self.locale
        headers = (*(c.label(self.locale) for c in spec.columns), self.t["settings_h"][2])
        rows = self.settings_rows
        ws.add_table(0, 0, len(rows), 2, {
            "name": table_name(spec), "style": TABLE_STYLE,
            "columns": [{"header": h, "header_format": f.header} for h in headers],
        })
        for r, (key, value, desc, _) in enumerate(rows, start=1):
            ws.write_string(r, 0, key, f.text)
            ws.write_string(r, 1, value, f.text_wrap)
            ws.write_string(r, 2, desc, f.wrap)
        key_width = max([display_width(h) + 4 for h in headers[:1]]
                        + [display_width(r[0]) + 2 for r in rows])
        ws.set_column(0, 0, min(key_width, 40), f.text)
        ws.set_column(1, 1, 36, f.text_wrap)
        ws.set_column(2, 2, 90, f.wrap)
        ws.freeze_panes(1, 0)

        # Dropdown lists, to the right of the table (column E on).
        sheet = spec.label(loc)
        value_header, key_header = headers[1], headers[0]
        at_key = next(k for k, _, _, n in rows if n == "activity_types")
        tbl = table_name(spec)
        lists: list[tuple[str, list[str] | None]] = [
            ("kpi_activity_types", None),
            ("kpi_statuses", self.status_labels()),
            ("kpi_stages", self.stage_labels()),
            ("kpi_stage_history_stages", [*self.stage_labels(), self.label("lost")]),
            ("kpi_metrics", self.metric_labels()),
        ]
        for i, (name, values) in enumerate(lists):
            col = 4 + i
            header = _LIST_HEADERS[name][loc]
            ws.write_string(0, col, header, f.list_header)
            ws.set_column(col, col, max(display_width(header) + 2, 16), f.text)
            if values is None:
                # Split the activity_types setting so the dropdown follows the Settings value.
                # Separators as the reader's: , 、 ， ;
                source = (f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(SUBSTITUTE('
                          f'INDEX({tbl}[{value_header}],MATCH("{at_key}",{tbl}[{key_header}],0)),'
                          f'"、",","),"，",","),";",","),",",REPT(" ",200))')
                for k in range(ACTIVITY_TYPE_SLOTS):
                    cached = self.activity_types[k] if k < len(self.activity_types) else ""
                    ws.write_formula(1 + k, col,
                                     f"=IFERROR(TRIM(MID({source},{k * 200 + 1},200)),\"\")",
                                     f.text, cached)
                n = ACTIVITY_TYPE_SLOTS
            else:
                for k, v in enumerate(values):
                    ws.write_string(1 + k, col, v, f.text)
                n = len(values)
            letter = xl_col_to_name(col)
            self.wb.define_name(name, f"='{sheet}'!${letter}$2:${letter}${n + 1}")
        self.aliases_table(ws, 4 + len(lists) + 1)

    def aliases_table(self, ws, first_col: int) -> None:
        """The alias table (表記ゆれ, ``tblAliases``) right of the dropdown lists: value as typed →
        the value it means, optionally for one column (see :mod:`kpi_xl.validate.aliases`)."""
        spec = TABLES["aliases"]
        f, loc = self.f, self.locale
        frame = self.data.get("aliases")
        rows: list[list[str]] = []
        if frame is not None:
            for r in frame.itertuples(index=False):
                rows.append(["" if _is_missing(getattr(r, c.name, None)) else
                             str(getattr(r, c.name)) for c in spec.columns])
        headers = [c.label(loc) for c in spec.columns]
        last = first_col + len(headers) - 1
        ws.add_table(0, first_col, max(len(rows), 1), last, {
            "name": table_name(spec), "style": TABLE_STYLE,
            "columns": [{"header": h, "header_format": f.header} for h in headers],
        })
        for r, values in enumerate(rows, start=1):
            for j, v in enumerate(values):
                ws.write_string(r, first_col + j, v, f.text)
        for j, (h, note) in enumerate(zip(headers, self.t["aliases_notes"], strict=True)):
            ws.set_column(first_col + j, first_col + j, max(display_width(h) + 4, 22), f.text)
            # An input message (shown when the cell is selected) explains each column without
            # a comment's VML part.
            ws.data_validation(0, first_col + j, FORMAT_ROWS, first_col + j, {
                "validate": "any", "input_title": self.t["aliases_h"][:32],
                "input_message": note[:255]})

    def input_sheet(self, name: str) -> None:
        spec = table_spec(name, self.settings.stages)
        frame = self.data.get(name)
        if frame is not None:
            unknown = [c for c in frame.columns if c not in spec.column_names]
            if unknown:
                raise ConfigError(f"data[{name!r}] has unknown columns {unknown}; "
                                  f"the {name} table has {spec.column_names}")
        sheet = spec.label(self.locale)
        ws = self.add_sheet(sheet)
        f = self.f
        n = 0 if frame is None else len(frame)
        cols = spec.columns
        formats = [_column_format(spec, c, f) for c in cols]
        labels = [c.label(self.locale) for c in cols]
        ws.add_table(0, 0, max(n, 1), len(cols) - 1, {
            "name": table_name(spec), "style": TABLE_STYLE,
            "columns": [{"header": lab, "header_format": f.header, **({"format": fmt} if fmt
                                                                      else {})}
                        for lab, fmt in zip(labels, formats, strict=True)],
        })
        for i, (c, lab, fmt) in enumerate(zip(cols, labels, formats, strict=True)):
            ws.set_column(i, i, _column_width(c, lab, frame), fmt)
        ws.freeze_panes(1, 0)
        if name == "reps":
            # Data validation cannot use structured references: name the column's range.
            letter = xl_col_to_name(spec.column_names.index("rep"))
            last = max(n, REP_LIST_ROWS) + 1
            self.wb.define_name("kpi_reps", f"='{sheet}'!${letter}$2:${letter}${last}")
        if frame is not None:
            for j, c in enumerate(cols):
                if c.name not in frame.columns:
                    continue
                for i, value in enumerate(frame[c.name].tolist(), start=1):
                    self.write_value(ws, i, j, spec, c, value, formats[j])
        self.validations(ws, spec, n)

    def write_value(self, ws, row: int, col: int, spec: TableSpec, c: ColumnSpec,
                    value: object, fmt) -> None:
        if _is_missing(value):
            return
        if c.kind == "date" and not isinstance(value, str):
            try:
                ts = pd.Timestamp(value)
                if ts.tzinfo is not None:
                    ts = ts.tz_localize(None)
                ws.write_datetime(row, col, ts.to_pydatetime(), fmt)
                return
            except (TypeError, ValueError):
                pass
        elif c.kind in ("number", "int") and not isinstance(value, (str, bool)):
            try:
                ws.write_number(row, col, float(value), fmt)  # type: ignore[arg-type]
                return
            except (TypeError, ValueError):
                pass
        elif c.kind == "bool" and not isinstance(value, str):
            ws.write_boolean(row, col, bool(value), fmt)
            return
        text = str(value)
        if spec.name == "activities" and c.name == "type":
            text = activity_label(text, self.locale)
        elif spec.name == "targets" and c.name == "metric":
            name = canonical_metric(text, self.settings)
            if name is not None:
                text = metric_def(name, self.settings).label(self.locale)
        elif c.name in ("status", "stage") and spec.name in ("opportunities", "stage_history"):
            key = self.settings.stage_key(text)
            if c.name == "status" and key == self.settings.won_stage:
                key = "won"
            if key is not None:
                text = self.label(key)
        # XML cannot hold control characters (XlsxWriter would write them as _x0001_)
        text = self.changes.clean(text)
        if looks_like_formula(text):  # stays text when the user edits the cell, too
            fmt = self.f.quoted(fmt)
        ws.write_string(row, col, text, fmt if fmt is not None else self.f.text)

    def validations(self, ws, spec: TableSpec, n: int) -> None:
        last = max(n, FORMAT_ROWS)
        title, message = _DV_MESSAGES[self.locale]
        for j, c in enumerate(spec.columns):
            source, strict = None, True
            if c.name == "rep" and spec.name != "reps":
                source, strict = "=kpi_reps", False  # a new rep is allowed, with a warning
            elif c.name == "status" and spec.name == "opportunities":
                source = "=kpi_statuses"
            elif c.name == "stage" and spec.name == "opportunities":
                source = "=kpi_stages"
            elif c.name == "stage" and spec.name == "stage_history":
                source = "=kpi_stage_history_stages"
            elif c.name == "type" and spec.name == "activities":
                source, strict = "=kpi_activity_types", False
            elif c.name == "metric" and spec.name == "targets":
                source = "=kpi_metrics"
            if source is None:
                continue
            ws.data_validation(1, j, last, j, {
                "validate": "list", "source": source, "ignore_blank": True,
                "error_type": "stop" if strict else "warning",
                "error_title": title, "error_message": message,
            })
        if spec.name == "targets":
            # Money targets carry the currency symbol; counts (visits, calls…) do not.
            metric = spec.column_names.index("metric")
            target = spec.column_names.index("target")
            cell = xl_rowcol_to_cell(1, metric, row_abs=False, col_abs=True)
            cond = ",".join(f'{cell}="{m}"' for m in self.money_metric_texts())
            ws.conditional_format(1, target, last, target, {
                "type": "formula", "criteria": f"=OR({cond})", "format": self.f.money_cf,
            })

    def config_sheet(self) -> None:
        ws = self.add_sheet(CONFIG_SHEET)
        ws.write_string(0, 0, "UDF Modules")
        ws.write_string(0, 1, UDF_MODULES)
        ws.set_column(0, 0, 16)
        ws.set_column(1, 1, 30)


def build_template(path: str | pathlib.Path, *, locale: str = "ja", macro: bool = False,
                   data: Mapping[str, pd.DataFrame] | None = None,
                   settings: Settings | None = None,
                   notices: list[str] | None = None,
                   messages: str | None = None) -> pathlib.Path:
    """Write the input template to ``path`` (``.xlsx``, or ``.xlsm`` when ``macro``).

    ``data`` maps table names (``reps``, ``opportunities``…, and ``settings`` as a key/value
    frame) to frames with canonical column names; their rows fill the tables (text is always
    written as text, never as a formula). ``settings`` gives the stages (Opportunities columns),
    currency, activity types and the values listed on the Settings sheet (values in
    ``data['settings']`` win). A path without a suffix gets the right one; a wrong suffix, or
    with ``macro`` a stem that is not a valid module name (see :func:`check_macro_stem`),
    raises ConfigError. Returns the path written.

    ``messages`` is the language of errors and notices (default: ``locale``, the book's); the
    command line passes the user's own (``LANG``), which may differ from the book's.
    """
    _check_locale(locale)
    msg = messages or locale
    path = pathlib.Path(path)
    suffix = ".xlsm" if macro else ".xlsx"
    if not path.suffix:
        path = path.with_suffix(suffix)
    elif path.suffix.lower() != suffix:
        raise ConfigError(_text("package.suffix_xlsm" if macro else "package.suffix_xlsx",
                                msg, name=path.name, stem=path.stem))
    if macro:
        check_macro_stem(path, msg)
    data = dict(data or {})
    unknown = sorted(set(data) - set(TABLES))
    if unknown:
        raise ConfigError(f"unknown tables in data: {unknown}; known: {sorted(TABLES)}")
    settings = settings or Settings(locale=locale)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(_text("package.cannot_write", msg, path=path,
                               detail=exc.strerror or str(exc))) from exc
    builder = _Builder(path, locale, macro, data, settings)
    builder.build()
    with atomic_output(path, locale=msg, notices=notices) as fh:
        fh.write(builder.package())
    if notices is not None:
        notices.extend(change_notices(builder.changes, msg))
    return path


def build_bundled_templates(folder: str | pathlib.Path) -> list[pathlib.Path]:
    """Write the templates shipped in ``workbook_templates/``: ``kpi_template.xlsx`` (ja),
    ``kpi_template.xlsm`` + ``kpi_template.py`` (ja, with the button) and
    ``kpi_template_en.xlsx``."""
    from .companion import write_template

    folder = pathlib.Path(folder)
    written = write_template(folder / "kpi_template.xlsx", locale="ja", macro=False)
    written += write_template(folder / "kpi_template.xlsm", locale="ja", macro=True)
    written += write_template(folder / "kpi_template_en.xlsx", locale="en", macro=False)
    return written


if __name__ == "__main__":
    for p in build_bundled_templates(sys.argv[1] if len(sys.argv) > 1 else "workbook_templates"):
        print(p)
