"""The KPI_* cell formulas: why a formula gives an Excel error (KPI_WHY), the headers of the
tables they spill and the notes in those tables (English)."""

LABELS: dict[str, str] = {
    # KPI_WHY ---------------------------------------------------------------------------
    'formula.why.line': '{code} {reason}',
    'formula.why.ok': '{formula} gives a value here: no error.',
    'formula.why.unknown': ("{name} is not a kpi_xl formula. Write the name of one, e.g. "
                            "=KPI_WHY(\"KPI_PACE\", C2, D2, TODAY()): {names}."),
    'formula.why.blank': ('Write the name of the formula to explain first, then its arguments, '
                          'e.g. =KPI_WHY("KPI_PACE", C2, D2, TODAY()).'),
    'formula.why.arity': ('{formula} takes {least} to {most} arguments; {count} were given after '
                          'its name.'),
    # undefined results: #N/A -------------------------------------------------------------
    'formula.reason.no_target': 'There is no target (the target cell is blank).',
    'formula.reason.not_started': ('The period has not started on the as-of date ({as_of}), so '
                                   'there is nothing to pace yet.'),
    'formula.reason.no_day_elapsed': ('No business day of the period has passed by the as-of '
                                      'date ({as_of}), so there is no run rate yet.'),
    'formula.reason.no_business_days': ('The period {start} … {end} has no business days '
                                        '(weekends, holidays).'),
    'formula.reason.no_closed_deals': ('No deal in the range is won or lost yet (open deals do '
                                       'not count for the "closed" win rate).'),
    'formula.reason.no_deals': 'The range holds no deal status.',
    'formula.reason.no_from_stage': ('No opportunity entered {stage} in the period, so there is '
                                     'nothing to convert from.'),
    'formula.reason.no_stage_reached': 'No opportunity in the range is at {stage} or beyond.',
    'formula.reason.no_dated_deals': ('No row has both a created date and a close date on or '
                                      'after it.'),
    'formula.reason.no_dated_won_deals': ('No won deal has both a created date and a close date '
                                          'on or after it.'),
    'formula.reason.missing_factor': '{names}: blank, so the velocity cannot be computed.',
    'formula.reason.no_active_customers': ('No customer was active on the day before the period '
                                           '(no order within {months} months before it), so '
                                           'there is nobody who could churn.'),
    'formula.reason.no_customers_in_period': 'No customer was active in the period.',
    'formula.reason.no_base_revenue': ('No customer had revenue in the base window {start} … '
                                       '{end}, so there is nothing to retain.'),
    'formula.reason.undefined': 'The result is undefined here ({note}).',
    'formula.reason.input_error': ('{argument} is the Excel error {code}: the error of an input '
                                   'passes through. Fix the cell it comes from.'),
    'formula.reason.input_error_cell': ('{argument}, cell {cell}, is the Excel error {code}: an '
                                        'error in an input range passes through. Fix that '
                                        'cell.'),
    # division by zero: #DIV/0! -----------------------------------------------------------
    'formula.reason.target_zero': 'The target is 0, so actual ÷ target divides by zero.',
    'formula.reason.cycle_zero': 'cycle_days is 0, so the velocity divides by zero.',
    # bad input: #VALUE! ------------------------------------------------------------------
    'formula.reason.not_number': '{argument}: {value} is not a number ({hint}).',
    'formula.reason.flag_not_number': ('{argument}: TRUE/FALSE is not a number here; write '
                                       'the number.'),
    'formula.reason.not_date': '{argument}: {value} — {problem}. {hint}.',
    'formula.reason.cell': '{argument}, cell {cell}: {value} — {problem}. {hint}.',
    'formula.reason.not_a_value': ('{argument}, cell {cell}: this is not a value a cell can '
                                   'hold (text, number, date or TRUE/FALSE).'),
    'formula.reason.one_cell': '{argument} must be one cell, not a range of {count} cells.',
    'formula.reason.blank': '{argument} is blank.',
    'formula.reason.unknown_option': '{argument}: {value} is not one of {choices}.',
    'formula.reason.lengths': ('{names} must have the same number of cells (they have '
                               '{sizes}).'),
    'formula.reason.period_unknown': ('{argument}: {value} is neither a date nor a period label '
                                      '(2026-04, FY2026Q1, 2026年度上期, 2026-04..2026-06).'),
    'formula.reason.period_order': 'period_end {end} is before period_start {start}.',
    'formula.reason.period_blank': ('period_start is blank: give a date, or a period label '
                                    'such as 2026-04 or FY2026Q1.'),
    'formula.reason.unknown_stage': '{argument}: {value} is not a stage ({choices}).',
    'formula.reason.stage_order': ('to_stage {to_stage} must come after from_stage '
                                   '{from_stage}.'),
    'formula.reason.no_stage_column': ('The header row has no column for the stage {stage} '
                                       '(headers: {headers}).'),
    'formula.reason.stage_column_period': ('A period or basis "period" needs the date-table '
                                           'form (a header row of stages and date cells), not '
                                           'one column of current stages.'),
    'formula.reason.stage_column_value': ('{value} in the stage column is not a stage '
                                          '({choices}, lost, open).'),
    'formula.reason.table_empty': '{argument} is empty: select the table with its header row.',
    'formula.reason.table_problem': '{problem}',
    'formula.reason.table_problems': '{problem} (and {count} more problems in the table)',
    'formula.reason.second_table': ('The second table must be the opportunities table '
                                    '(Opportunity ID, Rep, Created, Status …) or an actuals '
                                    'table (Rep, Metric, Actual).'),
    'formula.reason.actuals_columns': ('The actuals table needs the columns Rep, Metric and '
                                       'Actual.'),
    'formula.reason.unknown_metric': 'Actuals table: {value} is not a metric ({choices}).',
    'formula.reason.not_a_month': 'Actuals table: {value} is not a month (e.g. 2026-04).',
    'formula.reason.unknown_calendar': ('{value} is not a holiday calendar: write JP, another '
                                        'country code (US, GB …) or none.'),
    'formula.reason.internal': ('kpi_xl could not compute this result (an internal error). '
                                'Please report it with the arguments used.'),
    'formula.reason.engine': '{message}',
    # out of range: #NUM! -----------------------------------------------------------------
    'formula.reason.date_range': ('{argument}: {value} is outside the dates kpi_xl handles '
                                  '(1900–2200). Check the year; placeholder dates such as '
                                  '9999-12-31 are not accepted.'),
    'formula.reason.not_finite': '{argument}: {value} is not a finite number.',
    'formula.reason.whole_number': ('{argument} must be a whole number from {minimum} to '
                                    '{maximum}, not {value}.'),
    'formula.reason.too_large': 'The result is too large to be a number (beyond ±1.8e308).',
    'formula.reason.negative_cycle': 'cycle_days must be greater than 0, not {value}.',
    'formula.reason.rate_range': ('{argument} must be a rate between 0 and 1 (0.4 or 40%), not '
                                  '{value}.'),
    'formula.reason.driver_zero': '{argument} is 0, so the number needed divides by zero.',
    'formula.reason.driver_range': '{argument} must be greater than 0, not {value}.',
    # tables the formulas spill -----------------------------------------------------------
    'formula.col.stage': 'stage',
    'formula.col.reached': 'reached',
    'formula.col.conversion_previous': 'conversion from previous',
    'formula.col.conversion_first': 'conversion from first',
    'formula.col.rep': 'rep',
    'formula.col.metric': 'metric',
    'formula.col.target': 'target',
    'formula.col.actual': 'actual',
    'formula.col.achievement': 'achievement',
    'formula.col.pace': 'pace',
    'formula.col.forecast': 'forecast',
    'formula.col.gap': 'gap',
    'formula.col.required_per_day': 'required per business day',
    'formula.col.note': 'note',
    'formula.col.quantity': 'quantity',
    'formula.col.needed': 'needed',
    'formula.col.per_day': 'per business day',
    # notes in those tables ---------------------------------------------------------------
    'formula.note.sep': '; ',
    'formula.note.no_target': 'no target',
    'formula.note.target_zero': 'target is zero',
    'formula.note.not_started': 'not started',
    'formula.note.no_day_elapsed': 'no business day elapsed yet',
    'formula.note.no_business_days': 'no business days in the period',
    'formula.note.period_over': 'period over with the target missed',
    'formula.note.no_target_months': 'no target for {months}',
    'formula.note.needs_table': 'needs {argument} (argument {position})',
    'formula.note.team_unscored': ('team target: give the reps table (5th argument) to score '
                                   'teams'),
    'formula.note.needs': 'needs {driver}',
    'formula.driver.avg_deal_size': 'average deal size',
    'formula.driver.win_rate': 'win rate',
    'formula.driver.conversion': 'conversion',
    'formula.note.no_days_left': 'no business days left',
}
