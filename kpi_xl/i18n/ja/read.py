"""入力ファイルの読み込み: 見つけたもの、読めなかったものとその理由(日本語)。"""

LABELS: dict[str, str] = {
    # データとして数えない行
    'exclusion.total_row': '合計行(データとして数えません: {detail})',
    'exclusion.before_header': '見出し行より上の行({detail})',
    'exclusion.note': '見出し行の横のメモ(データではありません: {detail})',
    # 表の場所
    'read.origin_table': '{file} のシート「{sheet}」、テーブル {table}',
    'read.origin_sheet': '{file} のシート「{sheet}」',
    'read.origin_csv': '{file}({detected})',
    'read.origin_frame': '表「{key}」',
    # ファイル
    'read.not_found': 'ファイルまたはフォルダーが見つかりません: {path}',
    'read.no_such_workbook': 'ブックが見つかりません: {path}',
    'read.cannot_open': '{path} を開けません: {reason}',
    'read.not_regular': ('{path} は通常のファイルではありません(フォルダー、パイプまたは'
                         'デバイスです)。ブック、CSV ファイル、または CSV ファイルのフォルダーを'
                         '指定してください'),
    'read.file_too_big': ('{file} は {size:,} バイトあり、読み込める上限 {limit:,} バイト'
                          '(Limits.max_file_bytes)を超えています'),
    'read.convert_to_xlsx': ('{file}: {kind} 形式のファイルは読み込めません。Excel で開き、'
                             '「Excel ブック (*.xlsx)」として保存したファイルを指定してください'),
    'read.looks_empty': '{file} は空です(0 バイト)。保存が完了していない可能性があります',
    'read.looks_xls': ('{file} は .xlsx 形式のブックではなく、旧形式の Excel 97-2003 ブック'
                       '(.xls)のようです。Excel で開き、「Excel ブック (*.xlsx)」として保存し直して'
                       'ください'),
    'read.looks_encrypted': ('{file} はパスワードで保護(暗号化)されているため読み込めません。'
                             'Excel で開き、[ファイル] > [情報] > [ブックの保護] > '
                             '[パスワードを使用して暗号化] でパスワードを解除してから保存し直して'
                             'ください'),
    'read.looks_ole': ('{file} は .xlsx 形式のブックではなく、旧形式の Office 文書のようです。'
                       'Excel で開き、「Excel ブック (*.xlsx)」として保存し直してください'),
    'read.looks_csv': ('{file} は .xlsx 形式のブックではなく、CSV テキストファイルのようです。'
                       '拡張子を .csv に変えて表の名前を付ける(例: 受注実績.csv)か、Excel で開いて'
                       '「Excel ブック (*.xlsx)」として保存してください'),
    'read.looks_html': ('{file} は .xlsx 形式のブックではなく、表計算の名前で保存された Web '
                        'ページ(HTML)です(システムの出力でよくあります)。Excel で開き、'
                        '「Excel ブック (*.xlsx)」として保存し直してください'),
    'read.looks_xml2003': ('{file} は .xlsx 形式のブックではなく、「XML スプレッドシート 2003」'
                           '形式のファイルです。Excel で開き、「Excel ブック (*.xlsx)」として保存'
                           'し直してください'),
    'read.looks_ods': ('{file} は .xlsx 形式のブックではなく、OpenDocument スプレッドシート'
                       '(.ods、LibreOffice Calc の形式)です。開いて「Excel 2007-365 (.xlsx)」'
                       '(Excel では「Excel ブック (*.xlsx)」)として保存し直してください'),
    'read.looks_unknown': ('{file} は .xlsx 形式のブックではありません(表計算のファイルとして'
                           '読めない内容です。ダウンロードが途中で止まったか、ファイルが壊れて'
                           'いる可能性があります)'),
    # パッケージ
    'read.zip_damaged': ('{file} は壊れているため、ブックとして開けません({detail})。'
                         'ダウンロードが途中で止まった可能性があります。ファイルを取得し直して'
                         'ください'),
    'read.too_many_parts': ('{file} には {count:,} 個のパーツが含まれ、上限 {limit:,} 個'
                            '(Limits.max_members)を超えています'),
    'read.duplicate_part': ('{file} は壊れています: パーツ {part} が二重に格納されており、'
                            'どちらが正しいか判断できません'),
    'read.part_encrypted': '{file}: パーツ {part} が暗号化されているため読み込めません',
    'read.part_method': ('{file}: パーツ {part} は Excel が使わない圧縮方式({method})で格納'
                         'されています。Excel で保存し直してください'),
    'read.part_too_big': ('{file}: パーツ {part} は展開すると {size:,} バイトになり、上限 '
                          '{limit:,} バイト(Limits.max_member_bytes)を超えています'),
    'read.part_ratio': ('{file}: パーツ {part} の圧縮率が {ratio:,} 倍で、上限 {limit:,.0f} 倍'
                        '(Limits.max_ratio)を超えています。通常のブックは 5~20 倍程度のため、'
                        'zip 爆弾の可能性があるファイルとして読み込みません'),
    'read.package_too_big': ('{file} は展開すると {size:,} バイトになり、上限 {limit:,} バイト'
                             '(Limits.max_total_bytes)を超えています'),
    'read.part_missing': '{file} は壊れています: パーツ {part} がありません',
    'read.part_damaged': '{file} は壊れています: パーツ {part} を読み取れません({detail})',
    'read.part_doctype': ('{file}: パーツ {part} に DTD またはエンティティの宣言があります。'
                          'Excel はこれを書き出さないため、このファイルは読み込みません'),
    'read.part_truncated': ('{file} は壊れています: パーツ {part} が途中で切れています。'
                            'Excel で保存し直してください'),
    'read.part_depth': ('{file}: パーツ {part} の要素の入れ子が {limit} 段(Limits.max_depth)'
                        'を超えているため、このファイルは読み込みません'),
    'read.no_workbook': ('{file} はブックではありません: ブック本体のパーツ(xl/workbook.xml)が'
                         'ありません'),
    'read.no_sheets': '{file} にはワークシートがありません',
    'read.sheet_part_missing': ('{file} は壊れています: シート「{sheet}」は登録されていますが、'
                                'そのパーツ {part} がありません'),
    'read.no_tables': ('{file} に kpi_xl の入力表が見つかりません。次の名前のテーブルまたは'
                       'シートが必要です: {expected}。見つかったシート: {sheets}'),
    'read.table_twice': ('同じ表が2か所にあります: {first} と {second}。最初のものだけを'
                         '読み込みました。もう一方は削除するか名前を変えてください'),
    # セル
    'read.duplicate_header': '見出し「{header}」の列が2つあります({first}列と{second}列)',
    'read.duplicate_header_hint': ('どちらかの見出しを変えて、同じ見出しが1つだけになるように'
                                   'してください'),
    'read.data_above_header': ('見出し行({header}行目)より上の {row}行目にデータのような行が'
                               'あります'),
    'read.data_above_header_hint': '見出し行より下に移すか、データでなければ削除してください',
    'read.stray_cell': 'シート「{sheet}」のセル {cell} に値がありますが、どの表にも属していません',
    'read.stray_more': 'シート「{sheet}」には、どの表にも属さない値がほかに {count:,} 個あります',
    'read.stray_cell_hint': ('表の中(または見出しのある隣の列)か別のシートに移すか、'
                             '不要なら削除してください'),
    'read.sheet_too_large': ('{file}: シート「{sheet}」の表の範囲は {cells:,} セルあり、一度に'
                             '読み込める上限 {limit:,} セル(Limits.max_sheet_cells)を超えています'),
    'read.sheet_partial': ('シート「{sheet}」の使用範囲 {used} は大きすぎて全体を読めない'
                           'ため、表の列の範囲 {read} だけを読み込んで確認しました'),
    # CSV
    'read.detected': '{encoding}、{delimiter}',
    'read.enc_utf8_bom': 'UTF-8(BOM付き)',
    'read.enc_utf8': 'UTF-8',
    'read.enc_utf16': 'UTF-16(Unicode テキスト)',
    'read.enc_cp932': 'Shift_JIS(CP932)',
    'read.enc_other': '{name}',
    'read.delim_comma': 'カンマ区切り',
    'read.delim_tab': 'タブ区切り',
    'read.delim_semicolon': 'セミコロン区切り',
    'read.csv_empty': '{file} は空です(0 バイト)。見出し行がないため読み込めません',
    'read.csv_encoding': ('{file} は {encoding} のテキストとして始まっていますが、'
                          '{position:,} バイト目が {encoding} として読めません。'
                          'Excel で保存し直してください'),
    'read.csv_syntax': '{file} の {line}行目: CSV として読み取れません({detail})',
    'read.csv_undecodable': ('{column}列のセルが {encoding} の文字として読めません'
                             '(ほかのセルは読めます)。別の文字コードのファイルから貼り付けた可能性'
                             'があります'),
    'read.csv_undecodable_hint': ('セルを入力し直すか、ファイル全体を「CSV UTF-8 (コンマ区切り)」'
                                  'で保存し直してください。値は別の文字コードで読んだ場合の表示で'
                                  'す'),
    'read.csv_fields': ('この行の項目数は {count} ですが、見出しは {expected} 項目です'
                        '(値の中の区切り文字が引用符で囲まれていない可能性があります)'),
    'read.csv_fields_hint': ('区切り文字を含む値はダブルクォーテーション(")で囲むか、'
                             '余分な区切り文字を削除してください'),
    'read.csv_unknown_table': ('{file}: ファイル名が kpi_xl の表の名前になっていません。'
                               '次のいずれかの名前を付けてください: {expected}'),
    'read.no_csv_tables': ('{folder} に表の CSV ファイルがありません。表の名前をファイル名に'
                           'してください(例: 受注実績.csv、orders.csv)。必要な表: {expected}。'
                           '見つかったファイル: {found}'),
    'read.csv_twice': ('{table} のファイルが複数あります: {files}。表ごとにファイルを1つに'
                       'してください(必要ならまとめてください)'),
    'read.unknown_kind': ('{file} はブック(.xlsx、.xlsm)でも CSV ファイル(.csv、.tsv、.txt)'
                          'でも CSV ファイルのフォルダーでもありません'),
    'read.api_source': ('read_source: source にはブックのパス、CSV ファイル、CSV ファイルの'
                        'フォルダー、または DataFrame の dict を指定してください({type} は'
                        '指定できません)'),
    'read.api_limits': ('read_source: limits には kpi_xl.read.Limits を指定してください'
                        '({type} は指定できません)'),
    'read.api_unknown_table': ('read_source: {key!r} は kpi_xl の表の名前ではありません。'
                               '次のいずれかを使ってください: {expected}'),
    'read.api_not_frame': ('read_source: {key!r} の値には pandas の DataFrame を指定して'
                           'ください({type} は指定できません)'),
    'read.api_duplicate_columns': ('read_source: {key!r} の DataFrame に同じ列名があります: '
                                   '{columns}。列名は1つずつにしてください'),
    # Python API
    'read.limit_invalid': 'Limits.{name} には正の数を指定してください(指定値: {value!r})',
    # kpi-xl import: 取り込むファイル
    'import.fields': ('{file}: 見出しは {expected} 項目ですが、{rows}。このままでは値が別の列に'
                      '入ります。区切り文字を含む値はダブルクォーテーション(")で囲むか、余分な'
                      '区切り文字を削除してから取り込み直してください'),
    'import.fields_row': '{line}行目は {count} 項目',
}
