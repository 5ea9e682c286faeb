"""Input tables and what happened to their rows (English)."""

LABELS: dict[str, str] = {
    'table.settings': 'Settings',
    'table.reps': 'Reps',
    'table.targets': 'Targets',
    'table.activities': 'Activities',
    'table.opportunities': 'Opportunities',
    'table.stage_history': 'StageHistory',
    'table.customers': 'Customers',
    'table.orders': 'Orders',
    'table.external': 'External',
    'exclusion.line': '{table}: {count} row(s) excluded — {reason} (rows {rows})',
    'exclusion.blank_row': 'blank rows between data rows',
    'outside.line': ('{table}: {count} row(s) read outside the Excel table (rows {first}–{last}); '
                     'extend the table over them'),
}
