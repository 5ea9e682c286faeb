"""The command line: help, progress, the closing summary and error messages (English)."""

LABELS: dict[str, str] = {
    # ---------------------------------------------------------------- help: the program
    'cli.help.description': ('Sales KPIs for an Excel template: checks the input tables, '
                             'computes the KPIs and writes a dashboard and one tab per sales '
                             'rep.'),
    'cli.help.commands': 'commands',
    'cli.help.arguments': 'arguments',
    'cli.help.options': 'options',
    'cli.help.usage': 'usage: ',
    'cli.help.help': 'show this help and exit',
    'cli.help.version': 'show the version and exit',
    'cli.help.epilog': (
        'examples:\n'
        '  kpi-xl demo kpi_demo.xlsx                   a finished demo workbook\n'
        '  kpi-xl template book.xlsx                   an empty template to fill\n'
        '  kpi-xl refresh book.xlsx --period FY2026Q3  the dashboard and rep tabs\n'
        '  kpi-xl metrics book.xlsx --by team          the KPI summary on the terminal\n'
        '  kpi-xl COMMAND --help                       every option of a command\n'
        '\n'
        'exit codes:\n'
        '  0  success\n'
        '  2  usage: unknown command or option, bad --period or --as-of\n'
        '  3  input problems: rows of the book have problems (all listed in a problems '
        'file)\n'
        '  4  a file cannot be read or written (missing, locked, not a workbook)\n'
        '  5  internal error: the details were saved to a report file to attach\n'
        '  130  interrupted (Ctrl-C): the book is left as it was\n'
        '\n'
        'language: messages and help are in Japanese when LANG or LC_ALL is ja_* or '
        'KPI_XL_LANG=ja, in English otherwise.'),
    # ---------------------------------------------------------------- help: commands
    'cli.help.cmd.metrics': ('check the input and print the KPI summary '
                             '(e.g. kpi-xl metrics book.xlsx --period 2026-10)'),
    'cli.help.cmd.template': ('write an empty input template to fill '
                              '(e.g. kpi-xl template book.xlsx)'),
    'cli.help.cmd.refresh': ('check the book, recompute and replace its generated sheets '
                             '(e.g. kpi-xl refresh book.xlsx)'),
    'cli.help.cmd.demo': ('write a finished workbook from the bundled demo data '
                          '(e.g. kpi-xl demo kpi_demo.xlsx)'),
    'cli.help.cmd.import': ('import CRM or shop exports into a workbook through a column '
                            'mapping (e.g. kpi-xl import maven_crm exports/ -o book.xlsx)'),
    'cli.help.import.description': (
        'Reads export files through a TOML column mapping (a path, or a bundled name: '
        'maven_crm, olist_funnel, uci_online_retail, generic_csv) and writes the kpi_xl input '
        'tables into BOOK (a new template, or the input tables of an existing book). Then run: '
        'kpi-xl refresh BOOK.'),
    # ---------------------------------------------------------------- help: arguments
    'cli.help.source': ('the input: a workbook (.xlsx/.xlsm) or a folder of CSV files, '
                        'e.g. book.xlsx or exports/'),
    'cli.help.demo': 'use the bundled demo data instead of SOURCE, e.g. kpi-xl metrics --demo',
    'cli.help.by': ('group the scorecard by rep, team, segment, product or channel '
                    '(default rep), e.g. --by team'),
    'cli.help.period': (
        'the period to measure (default: the month of the as-of date). A month: 2026-10, '
        '2026/10, 2026年10月; a fiscal month: 2026年10月度; a fiscal year: FY2026, FY26, '
        '2026年度, 令和8年度; a half: FY2026H1, H1, H2, 上期, 下期 (of the as-of date\'s '
        'fiscal year); a quarter: FY2026Q3, 2026年度第3四半期; a calendar year: 2026; a '
        'range: 2026-04..2026-09; every date in the data: all. E.g. --period FY2026Q3'),
    'cli.help.as_of': (
        'the date at which pace and landing forecast are measured (default: the last date '
        'in the data). Formats: 2026-11-20, 2026/11/20, 2026年11月20日, 20261120; years '
        '1900–2200. E.g. --as-of 2026-11-20'),
    'cli.help.json': ('print every figure and definition as JSON on standard output '
                      '(progress stays on standard error), e.g. --json > kpi.json'),
    'cli.help.problems': (
        'write every input problem (sheet, row, column, value as typed, problem, hint) to '
        'this .xlsx or .csv file; without it they go to BOOK-problems.xlsx next to the input. '
        'E.g. --problems problems.xlsx'),
    'cli.help.quiet': 'print nothing but errors (no progress, no summary), e.g. --quiet',
    'cli.help.debug': ('on an internal error, also print the Python traceback on the '
                       'terminal (it is always saved to a report file), e.g. --debug'),
    'cli.help.template.out': ('where to write the template, e.g. book.xlsx (book.xlsm and '
                              'book.py with --macro)'),
    'cli.help.template.locale': (
        'language of the template: sheet names, column headers, instructions and the '
        'generated sheets\' labels: ja (default) or en, e.g. --locale en'),
    'cli.help.template.macro': (
        'an .xlsm with the "Generate rep tabs" button (xlwings) and its companion Python '
        'module, e.g. kpi-xl template book.xlsm --macro'),
    'cli.help.refresh.book': 'the filled template (.xlsx/.xlsm), e.g. book.xlsx',
    'cli.help.refresh.out': ('write the refreshed workbook here and leave BOOK as it is '
                             '(default: BOOK is updated in place), e.g. -o book_oct.xlsx'),
    'cli.help.refresh.locale': (
        'language of the generated sheets\' names, titles and labels: ja or en (default: the '
        'locale on the book\'s 設定/Settings sheet); the input sheets are not changed and '
        'messages follow LANG or KPI_XL_LANG. E.g. --locale en'),
    'cli.help.demo.out': 'where to write the demo workbook (default kpi_demo.xlsx), e.g. demo.xlsx',
    'cli.help.demo.locale': ('language of the demo workbook\'s sheets, headers and labels: '
                             'ja (default) or en, e.g. --locale en'),
    'cli.help.import.mapping': ('the column mapping: a .toml file or a bundled name '
                                '(maven_crm, olist_funnel, uci_online_retail, generic_csv), '
                                'e.g. generic_csv'),
    'cli.help.import.sources': ('the export files, or folders holding them, '
                                'e.g. deals.csv or exports/'),
    'cli.help.import.out': ('the workbook to create, or whose input tables to update '
                            '(.xlsx), e.g. -o book.xlsx'),
    'cli.help.import.locale': ('headers and sheet names of a new workbook: ja (default) or '
                               'en, e.g. --locale en'),
    'cli.help.import.mode': ('for an existing workbook: replace the imported tables\' rows '
                             '(default) or append to them, e.g. --mode append'),
    'cli.help.import.derive_targets': (
        'add baseline targets: last year\'s same-month actual × 1.1 per rep (revenue, won '
        'deals), marked "derived: last year +10%", e.g. --derive-targets'),
    # ---------------------------------------------------------------- usage errors
    'cli.usage.error': '{prog}: error: {message}',
    'cli.usage.see_help': "every option: {prog} --help",
    'cli.usage.unknown_command': "unknown command '{name}'",
    'cli.usage.unknown_option': "unknown option '{name}'",
    'cli.usage.unexpected': "unexpected argument '{name}'",
    'cli.usage.did_you_mean': "{what} — did you mean '{name}'?",
    'cli.usage.choose_from': 'choose one of: {choices}',
    'cli.usage.invalid_choice': "{option}: '{value}' is not one of the choices",
    'cli.usage.required': 'missing: {names}',
    'cli.usage.needs_value': '{option} needs a value',
    'cli.usage.takes_no_value': "{option} takes no value (given: '{value}')",
    'cli.usage.no_command': 'give a command: {commands}',
    'cli.usage.source_or_demo': 'give a SOURCE (a workbook or a folder of CSV files) or --demo',
    'cli.usage.problems_suffix': ('--problems: the file name must end in .xlsx or .csv, '
                                  'not {name}'),
    'cli.date.empty': '--as-of: give a date, e.g. 2026-11-20 (an empty value is not a date)',
    'cli.date.invalid': ("--as-of: not a date: '{value}' — write e.g. 2026-11-20, "
                         "2026/11/20 or 2026年11月20日"),
    'cli.date.range': "--as-of: date out of range (1900–2200): '{value}'",
    # ---------------------------------------------------------------- progress
    'cli.phase.read': 'reading',
    'cli.phase.validate': 'checking',
    'cli.phase.compute': 'computing',
    'cli.phase.render': 'rendering',
    'cli.phase.write': 'writing',
    'cli.progress.table': '{label}: {rows} rows',
    'cli.progress.table_one': '{label}: {rows} row',
    'cli.progress.tables': '{count} tables, {rows} rows',
    'cli.progress.tables_one': '{count} table, {rows} rows',
    'cli.progress.left': 'about {time} left',
    'cli.time.seconds': '{s} s',
    'cli.time.minutes': '{m} min {s} s',
    # ---------------------------------------------------------------- summary
    'cli.summary.wrote': 'wrote {path}',
    'cli.summary.sheets': '{count} sheets generated: {names}',
    'cli.summary.separator': ', ',
    'cli.summary.more': '… and {count} more',
    'cli.summary.rows': 'rows read:',
    'cli.summary.table': '{table}: {read} read, {used} used',
    'cli.summary.table_excluded': '{table}: {read} read, {used} used, {excluded} excluded',
    'cli.summary.excluded': 'excluded rows:',
    'cli.summary.outside': 'rows outside the Excel tables:',
    'cli.summary.total': 'total time {time}',
    'cli.summary.next': 'next: kpi-xl refresh {path}',
    # ---------------------------------------------------------------- failures
    'cli.failed.problems': ('{count} problem(s) in the input; every one, with sheet, row, '
                            'column, value and hint, is listed in {path}'),
    'cli.failed.problems_unwritten': ('the list of problems could not be written to {path}: '
                                      '{reason}'),
    'cli.failed.unchanged': 'nothing was written; {path} is unchanged',
    'cli.error.internal': 'internal error while {what}: {error}',
    'cli.error.report': ('The details are saved in {path} — please attach that file when '
                         'you report this.'),
    'cli.error.report_failed': 'the details could not be saved ({reason}); here they are:',
    'cli.error.file': 'cannot read or write {path}: {reason}',
    'cli.error.interrupted': 'interrupted',
    'cli.what.start': 'running {command}',
    'cli.what.read': 'reading the input',
    'cli.what.validate': 'checking the input',
    'cli.what.compute': 'computing the KPIs',
    'cli.what.render': 'rendering the sheets',
    'cli.what.write': 'writing the workbook',
    'cli.oserror.ENOENT': 'no such file or folder',
    'cli.oserror.EACCES': 'permission denied',
    'cli.oserror.EISDIR': 'it is a folder, not a file',
    'cli.oserror.ENOSPC': 'the disk is full',
    'cli.oserror.EROFS': 'the disk is read-only',
    # ---------------------------------------------------------------- problems file
    'cli.problems.title': 'Problems',
}
