"""The input template: the how-to sheet, setting descriptions, dropdown headers (English)."""

LABELS: dict[str, str] = {
    'template.howto_sheet': 'How to use',
    'template.button_caption': 'Generate rep tabs',
    'template.title': 'Sales KPI report — input template',
    'template.purpose_h': 'Purpose',
    'template.purpose': (
        'Type your reps, targets, sales activities, opportunities, customers and orders into '
        'this workbook; kpi-xl turns them into KPI reports (target achievement, pace, funnel '
        'conversion, win rate, churn…). The metric definitions are chosen on the Settings '
        'sheet.'
    ),
    'template.steps_h': 'Steps',
    'template.step3_no_macro': (
        'Run `kpi-xl refresh BOOK` (BOOK = this file): the report tabs are created or updated '
        '(the macro workbook, .xlsm, also has a button for it).'
    ),
    'template.button_note': (
        'The button works in desktop Excel on Windows and macOS (needs Python and xlwings). It '
        'runs the .py file named like this workbook in the same folder; rename both together.'
    ),
    'template.inputs_h': 'Input sheets',
    'template.outputs_h': 'Tabs a refresh generates',
    'template.aliases_h': 'Aliases (spelling variants)',
    'template.aliases': (
        'Spellings your office uses are read as the value they mean once listed in the Aliases '
        "table on the Settings sheet: one row per spelling, 'As typed' (how it is written) and "
        "'Means' (a rep of the Reps sheet, a customer ID or name, a dropdown value …). "
        "'Column' (Rep, Team, Customer, Product, Segment, Lead source, Status, Stage, Activity "
        'type, Metric) limits the row to that column; blank applies it everywhere. '
        'Full-/half-width, case and space differences need no row. Built in already: TEL / '
        '架電 (call), 往訪 (visit), 来社 / 面談 (meeting), 受注済み / 成約 (won), 見送り '
        '(lost), company names with or without 株式会社 / (株) / ㈱ / Inc. Example: As typed '
        "'Aoba' → Means 'Aoba Trading Co., Ltd.', Column 'Customer'."
    ),
    'template.lists_h': 'Dropdown lists',
    'template.allowed': 'Allowed',
    'template.step1_head': '1. Template',
    'template.step1': (
        'Work on a copy of this workbook. Do not rename the sheets or the table headers '
        '(adding and deleting rows is fine).'
    ),
    'template.step2_head': '2. Fill',
    'template.step2': (
        "Fill Settings and Reps first, then one row per record in each sheet's table. Typing "
        'below a table extends it. Rep, status, stage, activity type and metric have dropdowns.'
    ),
    'template.step3_head': '3. Refresh',
    'template.step3': (
        'Run `kpi-xl refresh BOOK` (BOOK = this file) or press the button below: the report '
        'tabs are created or updated.'
    ),
    'template.output1_head': 'Dashboard',
    'template.output1': 'Company KPIs: achievement, pace, funnel, win rate, revenue trend',
    'template.output2_head': 'One tab per rep',
    'template.output2': 'One sheet per rep, named after the rep',
    'template.output3_head': 'Churn',
    'template.output3': 'Churned and at-risk customers and the churn rate',
    'template.output4_head': 'External',
    'template.output4': 'Only when the External sheet has data: outside factors next to the trends',
    'template.settings_description_h': 'Description',
    'template.aliases_note1': 'How the value is typed (e.g. Aoba, cold call)',
    'template.aliases_note2': 'The value it means (a rep, a customer ID or name, a dropdown value)',
    'template.aliases_note3': 'Limit to this column (blank = every column)',
    'template.table.settings': 'Key/value settings; see kpi_xl.settings.',
    'template.table.reps': 'One row per sales rep.',
    'template.table.targets': 'Monthly targets per rep or per team (fill one of Rep/Team).',
    'template.table.activities': 'One row per call, visit, meeting, email, proposal…',
    'template.table.opportunities': (
        'One row per lead/opportunity, with the date each process stage was reached.'
    ),
    'template.table.stage_history': 'Long form: one row per opportunity and stage reached.',
    'template.table.customers': 'One row per customer.',
    'template.table.orders': 'One row per order (line) of a customer.',
    'template.table.external': (
        'Outside factors (material prices, competitor moves) shown next to the trends.'
    ),
    'template.setting.fiscal_year_start': 'Month the fiscal year starts, 1-12 (4 = April).',
    'template.setting.locale': 'Language of the reports: ja or en.',
    'template.setting.currency': 'Currency code of all amounts (JPY, USD, EUR…).',
    'template.setting.holiday_calendar': (
        'Public holidays for business-day counts: ISO country code (JP, US…) or none.'
    ),
    'template.setting.custom_holidays': (
        'Company holidays, comma-separated dates yyyy-mm-dd (may be empty).'
    ),
    'template.setting.stages': (
        'Process stages in order, comma-separated; the last one is the won stage. Each stage '
        'but the last has a date column on the Opportunities sheet: rebuild the template after '
        'changing them.'
    ),
    'template.setting.opportunity_stage': (
        'A lead counts as an opportunity once it reaches this stage (one of the stages).'
    ),
    'template.setting.activity_types': (
        'Activity types, comma-separated; the Activity type dropdown lists them.'
    ),
    'template.setting.win_rate_definition': 'How the win rate is computed.',
    'template.setting.conversion_basis': 'How stage-to-stage conversion is computed.',
    'template.setting.conversion_window_days': (
        'Count a conversion only if reached within this many days (empty = no limit).'
    ),
    'template.setting.churn_inactive_months': (
        'A customer churns after this many months without orders, or at its end date (at least '
        '1).'
    ),
    'template.setting.churn_definition': 'How the churn rate is computed.',
    'template.setting.nrr_baseline': 'Baseline of the net revenue retention (NRR).',
    'template.setting.revenue_basis': 'What counts as revenue.',
    'template.setting.at_risk_interval_factor': (
        'Flag a customer at risk when the time since its last order exceeds this multiple of '
        'its usual order interval.'
    ),
    'template.setting.at_risk_drop': (
        'Flag a customer at risk when its revenue drops by this share (0.3 = 30 %).'
    ),
    'template.setting.stall_factor': (
        'A running deal is stalled once it has stayed in its stage more than this multiple of '
        'the usual (median) days in that stage (default 2).'
    ),
    'template.setting.stage_probabilities': (
        'Win probability of each stage for the landing forecast, e.g. hearing:10%, '
        'proposal:30%, closing:60%; blank = measured from the won and lost deals.'
    ),
    'template.setting.amount_unit': (
        'Unit of amounts in the report tables and chart axes: auto, one, thousand, '
        'ten_thousand, million (円, 千円, 万円, 百万円).'
    ),
    'template.setting.report_period': (
        'Period the reports show: blank = the month of the as-of date; all, 2026-04, FY2026, '
        '上期, H2, 2026-04..2026-09 …'
    ),
    'template.list.kpi_activity_types': 'Activity types',
    'template.list.kpi_statuses': 'Statuses',
    'template.list.kpi_stages': 'Stages',
    'template.list.kpi_stage_history_stages': 'Stages (history)',
    'template.list.kpi_metrics': 'Metrics',
    'template.dv_title': 'Check the value',
    'template.dv_message': 'This value is not in the list.',
    'template.amount_unit.auto': 'auto',
    'template.amount_unit.one': 'one',
    'template.amount_unit.thousand': 'thousand',
    'template.amount_unit.ten_thousand': 'ten_thousand',
    'template.amount_unit.million': 'million',
}
