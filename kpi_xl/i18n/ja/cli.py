"""The command line: help, progress, the closing summary and error messages (Japanese)."""

LABELS: dict[str, str] = {
    # ---------------------------------------------------------------- help: the program
    'cli.help.description': ('Excelテンプレートで営業KPIを管理します。入力テーブルを検証して'
                             'KPIを集計し、ダッシュボードと担当者別シートを作成します。'),
    'cli.help.commands': 'コマンド',
    'cli.help.arguments': '引数',
    'cli.help.options': 'オプション',
    'cli.help.usage': '使い方: ',
    'cli.help.help': 'このヘルプを表示して終了します',
    'cli.help.version': 'バージョンを表示して終了します',
    'cli.help.epilog': (
        '例:\n'
        '  kpi-xl demo kpi_demo.xlsx                   デモデータ入りの完成ブックを作成\n'
        '  kpi-xl template book.xlsx                   入力用の空のテンプレートを作成\n'
        '  kpi-xl refresh book.xlsx --period FY2026Q3  ダッシュボードと担当者別シートを更新\n'
        '  kpi-xl metrics book.xlsx --by team          KPIの要約を画面に表示\n'
        '  kpi-xl コマンド --help                      コマンドのオプションをすべて表示\n'
        '\n'
        '終了コード:\n'
        '  0  正常終了\n'
        '  2  使い方の誤り(不明なコマンド・オプション、--period や --as-of の誤り)\n'
        '  3  入力データの問題(問題の一覧をファイルに書き出します)\n'
        '  4  ファイルを読み書きできない(見つからない、ロック中、ブックではない)\n'
        '  5  内部エラー(詳細をレポートファイルに保存します。お問い合わせの際に添付してください)\n'
        '  130  中断(Ctrl-C)。ブックは変更されません\n'
        '\n'
        '表示言語: LANG または LC_ALL が ja_* のとき、または KPI_XL_LANG=ja のときは日本語、'
        'それ以外は英語で表示します。'),
    # ---------------------------------------------------------------- help: commands
    'cli.help.cmd.metrics': ('入力を検証してKPIの要約を表示します'
                             '(例: kpi-xl metrics book.xlsx --period 2026-10)'),
    'cli.help.cmd.template': ('入力用の空のテンプレートを作成します'
                              '(例: kpi-xl template book.xlsx)'),
    'cli.help.cmd.refresh': ('ブックを検証・再集計し、作成済みのシートを置き換えます'
                             '(例: kpi-xl refresh book.xlsx)'),
    'cli.help.cmd.demo': ('同梱のデモデータで完成したブックを作成します'
                          '(例: kpi-xl demo kpi_demo.xlsx)'),
    'cli.help.cmd.import': ('CRMやECサイトのエクスポートを列マッピングでブックに取り込みます'
                            '(例: kpi-xl import maven_crm exports/ -o book.xlsx)'),
    'cli.help.import.description': (
        'エクスポートファイルをTOMLの列マッピング(ファイルのパス、または同梱の名前: '
        'maven_crm、olist_funnel、uci_online_retail、generic_csv)で読み込み、kpi_xlの入力'
        'テーブルとしてBOOKに書き込みます(新しいテンプレート、または既存ブックの入力テーブル)。'
        'そのあと kpi-xl refresh BOOK を実行してください。'),
    # ---------------------------------------------------------------- help: arguments
    'cli.help.source': ('入力データ: ブック(.xlsx/.xlsm)またはCSVファイルのフォルダー'
                        '(例: book.xlsx、exports/)'),
    'cli.help.demo': 'SOURCEの代わりに同梱のデモデータを使います(例: kpi-xl metrics --demo)',
    'cli.help.by': ('スコアカードの集計単位: rep(担当者、既定)、team(チーム)、segment'
                    '(セグメント)、product(商品)、channel(流入経路)(例: --by team)'),
    'cli.help.period': (
        '集計する期間(既定: 基準日を含む月)。月: 2026-10、2026/10、2026年10月 / '
        '会計月: 2026年10月度 / 年度: FY2026、FY26、2026年度、令和8年度 / 半期: FY2026H1、'
        'H1、H2、上期、下期(基準日の年度) / 四半期: FY2026Q3、2026年度第3四半期 / 暦年: '
        '2026 / 範囲: 2026-04..2026-09 / データの全期間: all(例: --period FY2026Q3)'),
    'cli.help.as_of': (
        '進捗率と着地見込みを計算する基準日(既定: データ中の最終日)。書式: 2026-11-20、'
        '2026/11/20、2026年11月20日、20261120。1900〜2200年の日付(例: --as-of 2026-11-20)'),
    'cli.help.json': ('すべての数値と定義をJSONで標準出力に出力します(進捗は標準エラー出力)'
                      '(例: --json > kpi.json)'),
    'cli.help.problems': (
        '入力の問題(シート・行・列・入力値・内容・対処)をすべてこの .xlsx または .csv '
        'ファイルに書き出します。指定しない場合は入力の隣の BOOK-problems.xlsx に書き出します'
        '(例: --problems problems.xlsx)'),
    'cli.help.quiet': 'エラー以外は何も表示しません(進捗・結果の要約なし)(例: --quiet)',
    'cli.help.debug': ('内部エラーのとき、Pythonのトレースバックも画面に表示します'
                       '(レポートファイルには常に保存されます)(例: --debug)'),
    'cli.help.template.out': ('テンプレートの保存先(例: book.xlsx。--macro のときは '
                              'book.xlsm と book.py)'),
    'cli.help.template.locale': (
        'テンプレートの言語(シート名、列見出し、説明、作成されるシートの表示): ja(既定)'
        'または en(例: --locale en)'),
    'cli.help.template.macro': (
        '「担当者別シートを作成」ボタン(xlwings)付きの .xlsm と、対になるPythonモジュールを'
        '作成します(例: kpi-xl template book.xlsm --macro)'),
    'cli.help.refresh.book': '入力済みのテンプレート(.xlsx/.xlsm)(例: book.xlsx)',
    'cli.help.refresh.out': ('更新したブックの保存先。BOOK自体は変更しません'
                             '(既定: BOOKをそのまま更新)(例: -o book_oct.xlsx)'),
    'cli.help.refresh.locale': (
        '作成するシートの名前・見出し・表示の言語: ja または en(既定: ブックの「設定」'
        'シートの locale)。入力シートは変更しません。メッセージの言語は LANG または '
        'KPI_XL_LANG に従います(例: --locale en)'),
    'cli.help.demo.out': 'デモブックの保存先(既定: kpi_demo.xlsx)(例: demo.xlsx)',
    'cli.help.demo.locale': ('デモブックのシート・見出し・表示の言語: ja(既定)または en'
                             '(例: --locale en)'),
    'cli.help.import.mapping': ('列マッピング: .toml ファイル、または同梱の名前(maven_crm、'
                                'olist_funnel、uci_online_retail、generic_csv)'
                                '(例: generic_csv)'),
    'cli.help.import.sources': ('エクスポートファイル、またはそれを含むフォルダー'
                                '(例: deals.csv、exports/)'),
    'cli.help.import.out': ('作成するブック、または入力テーブルを更新する既存のブック(.xlsx)'
                            '(例: -o book.xlsx)'),
    'cli.help.import.locale': ('新しく作るブックの見出しとシート名の言語: ja(既定)または en'
                               '(例: --locale en)'),
    'cli.help.import.mode': ('既存のブックの場合: 取り込むテーブルの行を置き換える(既定)か、'
                             '追加するか(例: --mode append)'),
    'cli.help.import.derive_targets': (
        '前年同月の実績×1.1を担当者ごとの目標(売上、受注件数)として追加し、'
        '「derived: last year +10%」と記録します(例: --derive-targets)'),
    # ---------------------------------------------------------------- usage errors
    'cli.usage.error': '{prog}: エラー: {message}',
    'cli.usage.see_help': 'オプションの一覧: {prog} --help',
    'cli.usage.unknown_command': "'{name}' というコマンドはありません",
    'cli.usage.unknown_option': "'{name}' というオプションはありません",
    'cli.usage.unexpected': "余分な引数 '{name}' があります",
    'cli.usage.did_you_mean': "{what}。'{name}' のことですか?",
    'cli.usage.choose_from': '次のいずれかを指定してください: {choices}',
    'cli.usage.invalid_choice': "{option}: '{value}' は指定できません",
    'cli.usage.required': '指定が必要です: {names}',
    'cli.usage.needs_value': '{option} には値を指定してください',
    'cli.usage.takes_no_value': "{option} には値を指定できません(指定された値: '{value}')",
    'cli.usage.no_command': 'コマンドを指定してください: {commands}',
    'cli.usage.source_or_demo': ('SOURCE(ブックまたはCSVファイルのフォルダー)か --demo を'
                                 '指定してください'),
    'cli.usage.problems_suffix': ('--problems: ファイル名は .xlsx または .csv で終わる必要が'
                                  'あります({name} は使えません)'),
    'cli.date.empty': '--as-of: 日付を指定してください(例: 2026-11-20)。空の値は日付ではありません',
    'cli.date.invalid': ("--as-of: 日付として読めません: '{value}'。2026-11-20、2026/11/20、"
                         "2026年11月20日 のように入力してください"),
    'cli.date.range': "--as-of: 日付が範囲外です(1900〜2200年): '{value}'",
    # ---------------------------------------------------------------- progress
    'cli.phase.read': '読み込み',
    'cli.phase.validate': '検証',
    'cli.phase.compute': '集計',
    'cli.phase.render': 'シート作成',
    'cli.phase.write': '書き込み',
    'cli.progress.table': '{label}: {rows}行',
    'cli.progress.table_one': '{label}: {rows}行',
    'cli.progress.tables': '{count}テーブル・{rows}行',
    'cli.progress.tables_one': '{count}テーブル・{rows}行',
    'cli.progress.left': '残り約{time}',
    'cli.time.seconds': '{s}秒',
    'cli.time.minutes': '{m}分{s}秒',
    # ---------------------------------------------------------------- summary
    'cli.summary.wrote': '{path} に書き込みました',
    'cli.summary.sheets': '作成したシート: {count}枚({names})',
    'cli.summary.separator': '、',
    'cli.summary.more': 'ほか{count}枚',
    'cli.summary.rows': '読み込んだ行:',
    'cli.summary.table': '{table}: {read}行を読み込み、{used}行を使用',
    'cli.summary.table_excluded': '{table}: {read}行を読み込み、{used}行を使用、{excluded}行を除外',
    'cli.summary.excluded': '除外した行:',
    'cli.summary.outside': 'Excelテーブルの範囲外の行:',
    'cli.summary.total': '所要時間 {time}',
    'cli.summary.next': '次に実行: kpi-xl refresh {path}',
    # ---------------------------------------------------------------- failures
    'cli.failed.problems': ('入力に{count}件の問題があります。すべての問題(シート・行・列・'
                            '入力値・対処)を {path} に書き出しました'),
    'cli.failed.problems_unwritten': '問題の一覧を {path} に書き出せませんでした: {reason}',
    'cli.failed.unchanged': '何も書き込んでいません。{path} は変更されていません',
    'cli.error.internal': '{what}中に内部エラーが発生しました: {error}',
    'cli.error.report': ('詳細を {path} に保存しました。お問い合わせの際は、このファイルを'
                         '添付してください。'),
    'cli.error.report_failed': '詳細を保存できませんでした({reason})。以下に表示します:',
    'cli.error.file': '{path} を読み書きできません: {reason}',
    'cli.error.interrupted': '中断しました',
    'cli.what.start': '{command} の実行',
    'cli.what.read': '入力の読み込み',
    'cli.what.validate': '入力の検証',
    'cli.what.compute': 'KPIの集計',
    'cli.what.render': 'シートの作成',
    'cli.what.write': 'ブックの書き込み',
    'cli.oserror.ENOENT': 'ファイルまたはフォルダーが見つかりません',
    'cli.oserror.EACCES': 'アクセス権がありません',
    'cli.oserror.EISDIR': 'ファイルではなくフォルダーです',
    'cli.oserror.ENOSPC': 'ディスクの空き容量が足りません',
    'cli.oserror.EROFS': '読み取り専用のディスクです',
    # ---------------------------------------------------------------- problems file
    'cli.problems.title': '問題一覧',
}
