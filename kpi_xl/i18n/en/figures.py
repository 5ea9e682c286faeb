"""Figures: metric definitions, period and argument messages, at-risk reasons, the CLI text of
``kpi-xl metrics`` and the notes the generated sheets add (English)."""

LABELS: dict[str, str] = {
    # definitions ------------------------------------------------------------------------
    'def.line': '{choice} — {text}',
    'def.win_rate.closed': 'won ÷ (won + lost), over the deals decided in the period',
    'def.win_rate.all': ('won ÷ (won + lost + open), over the deals decided in the period plus '
                         'those still open at its end'),
    'def.conversion.cohort': ('of those entering stage A in the period, how many ever reached '
                              'stage B'),
    'def.conversion.period': ('entries into stage B in the period ÷ entries into stage A in the '
                              'period'),
    'def.conversion.window': ' (within {days} days)',
    'def.churn.active_at_start': ('churned in the period among customers active at its start ÷ '
                                  'customers active at its start (customers who started and '
                                  'churned inside the period are left out)'),
    'def.churn.inclusive': ('customers churned in the period ÷ (customers active at its start + '
                            'customers who became active in it)'),
    'def.churn.rule': ('; a customer churns {n} months after its last order or won deal, or at '
                       'its end date; activity is counted from where the data starts'),
    'def.nrr.year_over_year': ('revenue in the period from customers who bought in the same '
                               'period a year earlier ÷ their revenue then'),
    'def.nrr.previous_period': ('revenue in the period from customers who bought in the period '
                                'of equal length just before ÷ their revenue then'),
    'def.revenue.auto': 'won deals when the opportunities carry amounts, otherwise orders',
    'def.revenue.won_deals': ('amount of won opportunities, dated by close date, credited to '
                              "the deal's rep"),
    'def.revenue.orders': ("amount of orders, dated by order date, credited to the customer's "
                           'rep'),
    'def.revenue.chosen': 'auto → {used} ({why})',
    'def.revenue.why.deals_have_amounts': 'the won opportunities carry amounts',
    'def.revenue.why.deals_lack_amounts': 'the opportunities carry no amounts, the orders do',
    'def.revenue.why.no_orders': 'no amounts on opportunities and no orders',
    'def.revenue.why.setting': 'set in the Settings',
    'def.opportunity': "a lead counts as an opportunity once it reaches '{stage}'",
    'def.new_customer': ('a customer is new at its first touch: the earliest of its start date, '
                         'first won deal and first order'),
    # arguments and periods ---------------------------------------------------------------
    'arg.type': '{name} must be {expected}, not {value}',
    'arg.not_date': '{name} must be a date, not {value}',
    'date.out_of_range': '{name} {value} is out of range 1900–2200',
    'period.end_before_start': 'period end {end} is before its start {start}',
    'period.unknown': ('Unknown period {label}: use all, a month (2026-04, 2026年4月, '
                       '2026年10月度), a calendar year (2026), a fiscal year (FY2026, FY26, '
                       '2026年度, 令和8年度), a quarter (FY2026Q1, Q1), a half (FY2026H2, 上期, '
                       'H1) or a range START..END (2026-04..2026-09, 2026-04-15..2026-05-20)'),
    # forecast categories ----------------------------------------------------------------
    'forecast.commit': 'Commit',
    'forecast.best_case': 'Best case',
    'forecast.pipeline': 'Pipeline',
    'forecast.omitted': 'Omitted',
    # at-risk reasons ---------------------------------------------------------------------
    'risk.interval': 'no order for {days} days (usual interval {gap} days)',
    'risk.volume': 'order volume down {drop} vs own 12-month baseline',
    'risk.frequency': 'order frequency down {drop} vs own 12-month baseline',
    'risk.churned': 'churned',
    'pace.not_started': 'not started',
    'pace.no_business_day_elapsed_yet': 'no business day elapsed yet',
    'pace.period_over': 'period over',
    'pace.no_target': 'no target',
    'pace.no_business_days_in_the_period': 'no business days in the period',
    'pace.target_is_zero': 'target is zero',
    # notes on sheets, CLI and JSON -------------------------------------------------------
    'note.footnote': 'Rows not counted and rows read from outside the tables:',
    'note.basis_empty': ('no {basis} revenue this month, though {other} show {amount}: check '
                         'the revenue basis'),
    'note.before_data': 'before the data starts',
    'note.not_started': 'the period has not started yet (as of {asof})',
    'note.no_target_months': 'no target for {months}',
    'note.revenue_basis': 'Revenue basis: {basis} ({why})',
    'note.window': '{what}: {start} … {end}',
    'note.all_time': 'all data',
    'note.window_all': '{what}: all data, undated open deals included',
    'note.tree_check': ('Check against history ({start} … {end}): the drivers give {run} per '
                        'month, actual {actual} ({diff}; expected within ±{tol} on a steady '
                        'pipeline — {entered} opportunities entered, {decided} decided)'),
    'note.levers': ('Ranked by the revenue per month gained if the driver rose to the top '
                    'quartile of the {n} reps with at least 5 decided opportunities'),
    'note.not_split': 'customers cannot be split by {by}: shown for everyone',
    'note.days_left': '{days} business days left in {period}',
    'basis.won_deals': 'won deals',
    'basis.orders': 'orders',
    # CLI text ----------------------------------------------------------------------------
    'cli.title': 'KPI summary — {p} ({start} … {end}), as of {asof}',
    'cli.source': 'source: {src}',
    'cli.scorecard': 'Scorecard by {by}',
    'cli.overall': 'Scorecard, everyone',
    'cli.trend': 'Revenue by month',
    'cli.funnel': 'Funnel ({d}), {window}',
    'cli.funnel_by': 'Funnel by {by} ({d}), {window}',
    'cli.deals': 'Deals',
    'cli.deals_by': 'Deals by {by}',
    'cli.win_rate': 'win rate ({d}): {v} ({num}/{den}) {note}',
    'cli.avg_deal': 'average deal size: {v}',
    'cli.cycle': 'sales cycle: mean {mean} days, median {median} days',
    'cli.velocity': 'pipeline velocity: {v} per day ({open} open)',
    'cli.customers': 'Customers',
    'cli.customers_by': 'Customers by {by}',
    'cli.movements': ('active at start {a}, new {n}, reactivated {r}, churned {c}, active at '
                      'end {e}'),
    'cli.logo_churn': 'logo churn ({d}): {v} {note}',
    'cli.retention': 'GRR {grr}, NRR {nrr} ({d})',
    'cli.at_risk': 'at-risk customers: {n}',
    'cli.churn_trend': 'Churn by month',
    'cli.plan': 'To reach the revenue target (everyone, at historical rates):',
    'cli.plan_line': '{q}: {needed} more, {per_day} per business day {note}',
    'cli.tree': 'KPI tree drivers (history {start} … {end})',
    'cli.levers': 'Levers',
    'cli.definitions': 'Definitions:',
    'cli.excluded': 'Excluded rows and rows outside the tables:',
    'cli.warnings': 'Warnings:',
    'col.group': 'group',
    'col.metric': 'metric',
    'col.target': 'target',
    'col.actual': 'actual',
    'col.achieved': 'achieved',
    'col.pace': 'pace',
    'col.forecast': 'forecast',
    'col.gap': 'gap',
    'col.need_day': 'need/day',
    'col.note': 'note',
    'col.month': 'month',
    'col.stage': 'stage',
    'col.reached': 'reached',
    'col.from_prev': 'from previous',
    'col.from_first': 'from first',
    'col.win_closed': 'win (closed)',
    'col.win_all': 'win (all)',
    'col.avg_deal': 'avg deal',
    'col.cycle': 'cycle days',
    'col.open': 'open',
    'col.active_start': 'active at start',
    'col.new': 'new',
    'col.reactivated': 'reactivated',
    'col.churned': 'churned',
    'col.active_end': 'active at end',
    'col.logo_churn': 'logo churn',
    'col.grr': 'GRR',
    'col.nrr': 'NRR',
    'col.driver': 'driver',
    'col.current': 'current',
    'col.benchmark': 'top quartile',
    'col.gain': 'gain / month',
    'col.rank': 'rank',
    'driver.leads_per_month': 'Leads per month',
    'driver.conversion': 'Lead → opportunity conversion',
    'driver.win_rate': 'Win rate (opportunities)',
    'driver.avg_deal_size': 'Average deal size',
}
