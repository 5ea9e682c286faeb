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
    # named choices, definition names and the figures' definitions -----------------------
    'choice.closed': 'closed',
    'choice.all': 'all',
    'choice.cohort': 'cohort',
    'choice.period': 'period',
    'choice.active_at_start': 'active at start',
    'choice.inclusive': 'inclusive',
    'choice.year_over_year': 'year over year',
    'choice.previous_period': 'previous period',
    'choice.auto': 'auto',
    'choice.won_deals': 'won deals',
    'choice.orders': 'orders',
    'defname.win_rate': 'Win rate',
    'defname.conversion': 'Conversion',
    'defname.churn': 'Logo churn',
    'defname.nrr': 'NRR',
    'defname.revenue': 'Revenue',
    'defname.opportunity': 'Opportunity',
    'defname.new_customer': 'New customer',
    'defname.pace': 'Pace',
    'defname.forecast': 'Landing (run rate)',
    'defname.landing': 'Pipeline landing',
    'defname.probability': 'Win probability',
    'defname.stalled': 'Stalled deals',
    'defname.comparison': 'YoY and MoM',
    'defname.t12m': 'Trailing 12 months, moving annual total',
    'defname.ranking': 'Activity ranking',
    'defname.at_risk': 'At-risk customers',
    'defname.cohort': 'Cohorts',
    'defname.unit': 'Amount unit',
    'defname.colours': 'Colours',
    'def.pace': ("actual ÷ the target due by the as-of date; each month's target is phased by t"
                 'he share of its business days elapsed (holidays and company days off excluded'
                 ')'),
    'def.forecast': ('actual ÷ business days elapsed × business days of the period (the pace so'
                     ' far)'),
    'def.landing': ('actual + Σ amount × win probability of its stage, over the open deals expe'
                    'cted to close in the period. Commit landing = actual + commit; best-case l'
                    'anding = actual + commit + best case'),
    'def.probability': ('share won among the decided deals that reached the stage (all history '
                        "up to the as-of date); the Settings sheet's stage probabilities replac"
                        'e it, and a stage without history takes its place in the process ({def'
                        'aults})'),
    'def.probability_value': '{stage} {p} ({source})',
    'def.stalled': ('open deals that have stayed in their stage more than {n} × the median days'
                    ' deals spend in it, or that are past their expected close date'),
    'def.comparison': ('this month from the 1st to the as-of date against the same days a year '
                       'and a month earlier; a month before the data begins shows "n/a: no data'
                       '", never 0%'),
    'def.t12m': ('trailing 12 months = the year up to the as-of date; moving annual total = the'
                 ' 12 months up to each month'),
    'def.ranking': ('activities ÷ business days (period start to the as-of date); vs team media'
                    'n = own ÷ the median of the active reps; activities per won deal over the '
                    'trailing 12 months'),
    'def.at_risk': ('active customers with any of: interval — no order for more than {factor} × t'
                    'heir usual (median) interval; frequency — orders in the last 3 months at lea'
                    'st {drop} below their 12-month level, a drop chance gives less than 5% of th'
                    'e time; volume — amounts in the last 3 months and the 3 before at least {dro'
                    'p} below their 12-month level, and lower than any quarter before the fall. T'
                    'hresholds: at_risk_interval_factor, at_risk_drop on the Settings sheet. Reve'
                    'nue at risk = 3 months at the 12-month level − the last 3 months'),
    'def.cohort': ('customers grouped by the month of their first order. Retention = share orde'
                   'ring in each later month; revenue index = revenue of each month with the fi'
                   'rst month = 100. Customers from before the data ({n}) are in no cohort'),
    'def.unit': 'amounts in tables and charts are in {unit} (Settings: amount_unit)',
    'def.colours': ('achievement and pace cells are coloured by pace: green 100% or more, amber'
                    ' 90–100%, red under 90%; pace counts business days, so mid-month cells are'
                    ' not red merely for being mid-month'),
    'note.comparisons': ('Trailing 12 months: {start} … {end}. Where the data begin later, "n/a: '
                         'no data" (never 0%)'),
    'note.landing': ('Left out: {undated} open deals without an expected close ({undated_amount'
                     '}) and {overdue} past their expected close ({overdue_amount}; see stalled'
                     ' deals)'),
    'note.categories': ('Open deals expected to close in the period. Landing = actual + the amoun'
                        'ts of this category and those above it (commit, best-case landing)'),
    'note.stalled': ('{n} deals ({stalled} stuck in their stage, {overdue} past expected close)'
                     '; stuck = over {factor} × the typical days in the stage'),
    'note.ranking': ('Team median {median} activities / day. Colours: vs team median, green 100% '
                     'or more, amber 80–100%, red under 80%. Activities per won deal: {start} … {'
                     'end}'),
    'note.at_risk_summary': ('{flagged} of {active} active customers (interval {interval}, freq'
                             'uency {frequency}, volume {volume}; some for several reasons). Ru'
                             'le: see the Definitions sheet'),
    'note.vs_median': 'Colours: vs team median, green 100% or more, amber 80–100%, red under 80%',
    'note.cohort_index': 'Index: first month = 100. Leaves out {n} customers from before the data',
    'note.cohort_customers': 'Leaves out {n} customers from before the data',
    'note.activity_trend': 'Own trend against the team median',
    'why.no_pipeline': 'No deals yet: fill the Opportunities sheet',
    'why.no_orders': 'No orders yet: fill the Orders sheet',
    'why.no_activities': 'No activities yet: fill the Activities sheet',
    'why.no_targets': 'No targets yet: fill the Targets sheet for achievement and pace',
    'why.no_stalled': 'No deal is stalled',
    'why.no_at_risk': 'No customer is at risk',
    'why.no_open': 'No open deal is expected to close in this period',
    'why.not_started': 'The period has not started yet',
    'why.no_history': 'No month to compare with yet',
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
    'risk.volume': 'order volume down {drop} vs own 12-month level, two quarters running',
    'risk.frequency': 'order frequency down {drop} vs own 12-month level',
    'risk.churned': 'churned',
    # notes of the metrics engine (English keys in the figures), worded for the reader -----
    'enote.no_business_days_left': 'no business days left',
    'enote.needs_average_deal_size': 'needs average deal size',
    'enote.needs_win_rate': 'needs win rate',
    'enote.needs_conversion': 'needs conversion',
    'enote.needs_per_opportunity': 'needs {kind} per opportunity',
    'enote.no_closed_deals': 'no closed deals',
    'enote.no_deals': 'no deals',
    'enote.no_deals_decided_in_the_period': 'no deals decided in the period',
    'enote.no_deals_decided_or_open_in_the_period': 'no deals decided or open in the period',
    'enote.no_customers_active_at_the_start_of_the_period': ('no customers active at the start '
                                                             'of the period'),
    'enote.no_customers_active_in_the_period': 'no customers active in the period',
    'enote.no_revenue_from_any_customer_in_the_base_window': ('no revenue from any customer in '
                                                              'the base window'),
    'enote.no_won_deals_closed_in_the_period': 'no won deals closed in the period',
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
    'cli.revenue_trend': '{title} ({basis})',
    'cli.win_rate_other': '{name} ({choice}): {text}',
    'cli.source': 'source: {src}',
    'cli.source.demo': 'kpi_xl bundled demo data',
    'by.rep': 'rep',
    'by.team': 'team',
    'by.segment': 'segment',
    'by.product': 'product',
    'by.channel': 'channel',
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
    'col.pace': 'pace',
    'col.forecast': 'forecast',
    'col.gap': 'gap',
    'col.note': 'note',
    'col.month': 'month',
    'col.stage': 'stage',
    'col.reached': 'reached',
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
    'driver.conversion': 'Lead → opportunity',
    'driver.win_rate': 'Win rate (opportunities)',
    'driver.avg_deal_size': 'Average deal size',
}
