"""Input tables and what happened to their rows (Japanese)."""

LABELS: dict[str, str] = {
    'table.settings': '設定',
    'table.reps': '担当者',
    'table.targets': '目標',
    'table.activities': '活動',
    'table.opportunities': '商談',
    'table.stage_history': 'ステージ履歴',
    'table.customers': '顧客',
    'table.orders': '受注実績',
    'table.external': '外部要因',
    'exclusion.line': '{table}: {count}行を除外 — {reason}(行 {rows})',
    'exclusion.blank_row': 'データ行の間の空行',
    'outside.line': ('{table}: テーブル範囲外の{count}行も読み込みました(行 {first}–{last})。'
                     'テーブルの範囲を広げてください'),
}
