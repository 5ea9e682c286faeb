"""ブックの書き込み: パッケージ、書き込み先のファイル、書き換えた文字列 (日本語)。"""

LABELS: dict[str, str] = {
    'package.xml_broken': '{part}: この部品の XML が壊れています（{detail}）',
    'package.xml_depth': ('{part}: 要素の入れ子が深すぎ、通常のブックの部品ではありません。'
                          '処理を中止しました（{detail}）'),
    'package.xml_depth_limit': '256階層を超えています',
    'package.xml_entity': ('{part}: ブックでは使われない XML エンティティを含んでいます。'
                           '処理を中止しました（{detail}）'),
    'package.xml_doctype': ('{part}: ブックでは使われない文書型宣言（DOCTYPE）を含んでいます。'
                            '処理を中止しました'),
    'package.not_a_workbook': ('{book} は .xlsx/.xlsm 形式のブックではありません（{detail}）。'
                               'Excel で開き、「Excel ブック (*.xlsx)」として保存し直して'
                               'ください'),
    'package.too_many_members': '{book}: パッケージの部品が {count:,} 個あり、処理を中止しました',
    'package.duplicate_member': ('{book}: 部品 {part} がパッケージ内に 2 つあり、どちらが正しいか'
                                 '判断できません。Excel で開いて保存し直してください'),
    'package.no_content_types': ('{book}: パッケージに [Content_Types].xml がなく、ブックでは'
                                 'ありません'),
    'package.missing_part': '{book}: 部品 {part} がパッケージにありません',
    'package.part_too_large': ('{book}: 部品 {part} は展開すると {size:,} バイトになり、'
                               'kpi_xl が編集できる大きさを超えています。処理を中止しました'),
    'package.bad_member': '{book}: 部品 {part} を展開できません（{detail}）',
    'package.no_workbook': ('{book}: パッケージにブック本体の部品がありません'
                            '（.xlsx/.xlsm ですか？）'),
    'package.strict': ('{book} は「Strict Open XML」形式で保存されています。「Excel ブック '
                       '(*.xlsx)」として保存し直してから実行してください'),
    'package.no_styles': '{book}: ブックにスタイルの部品がありません',
    'package.sheet_name_clash': '{book}: 新しいシート名が既存のシート名と重複しています',
    'package.not_found': 'ブックが見つかりません: {path}',
    'package.cannot_read': '{path} を読み込めません: {detail}',
    'package.input_is_folder': '{path} はフォルダーです。ブックのファイルを指定してください',
    'package.not_regular': ('{path} は通常のファイルではありません（パイプ・デバイス・ソケット）。'
                            'ブックのファイルを指定してください'),
    'package.no_folder': '出力先のフォルダーがありません: {folder}',
    'package.cannot_write': '{path} に書き込めません: {detail}',
    'package.output_is_folder': ('{path} はフォルダーです。その中のファイル名を指定してください'
                                 '（例: {path}/book.xlsx）'),
    'package.read_only': ('{path} は読み取り専用のため、上書きしません。-o で別のファイルに'
                          '書き出すか、ファイルを書き込み可能にしてください'),
    'package.open_elsewhere': ('{path} は Excel または LibreOffice で開かれています（ロック'
                               'ファイル {lock}）。閉じてから実行するか、-o で別のファイルに'
                               '書き出してください。開いていない場合はロックファイルを削除して'
                               'ください'),
    'package.folder_not_writable': ('{folder} にファイルを作成できません'
                                    '（アクセス権がありません）。別のフォルダーを指定して'
                                    'ください'),
    'package.replace_denied': '{path} を置き換えられません（アクセス権がありません）',
    'package.replace_denied_windows': ('{path} を置き換えられません（アクセス権がありません）。'
                                       'Excel で開いている場合は閉じてから実行してください'),
    'package.stale_temp_removed': '中断された実行が残した一時ファイルを削除しました: {path}',
    'package.text_changed': ('「{before}」は「{after}」として書き込みました（ブックに書けない'
                             '文字を取り除きました）'),
    'package.text_changed_more': '…ほか {count} 件の文字列で同様の文字を取り除きました',
    'package.plain_to_macro': ('マクロのない {book} をマクロ有効ブック {out} として書き出す'
                               'ことはできません。.xlsx を指定してください'),
    'package.new_report_macro': '新しいレポートのブックはマクロ有効ブックにできません: {out}',
    'package.bad_suffix': ('{name}: kpi_xl が書き込める Excel ブックではありません'
                           '（{allowed} のいずれか）'),
    'package.template_suffix': ('{name}: テンプレートは Excel ブックです。{stem}.xlsx '
                                '（--macro の場合は {stem}.xlsm）を指定してください'),
    'package.suffix_xlsx': '{name}: .xlsx ブックを作成します。{stem}.xlsx を指定してください',
    'package.suffix_xlsm': ('{name}: ボタン付きのブックは .xlsm ファイルです。{stem}.xlsm を'
                            '指定してください'),
    'package.macro_name_invalid': ('「{stem}」はマクロ有効ブックの名前にできません。ボタンは'
                                   'ブックと同じ名前の Python モジュールを読み込むため、名前は'
                                   '文字（日本語可）・数字・アンダースコア（_）だけで、数字で'
                                   '始まらず、Python の予約語でないものにしてください。'
                                   '例: 営業月報_2026年10月.xlsm、'
                                   'kpi_book.xlsm（空白・ハイフン・ピリオドは使えません）'),
    'package.macro_name_shadows': ('「{stem}」はマクロ有効ブックの名前にできません。ボタンが'
                                   '「import {stem}」で同じ名前の別のモジュールを読み込んでしまい'
                                   'ます。別の名前（例: {stem}_kpi.xlsm）にしてください'),
    'package.companion_bad_name': '{book}: このブックのボタンは動きません — {reason}',
    'package.companion_missing': ('{book}: ボタンが実行する Python モジュール {module} がブックと'
                                  '同じフォルダーにありません（ブック名を変えたかコピーしました'
                                  'か？）。フォルダー内のモジュールを {module} という名前でコピー'
                                  'するか名前を変えてください（見つかったモジュール: {found}）'),
    'package.howto_macro_name': ('名前のルール: ボタンは「import ブック名」を実行するため、'
                                 'ファイル名（.xlsm を除く）は文字（日本語可）・数字・アンダー'
                                 'スコア（_）だけで、数字で始まらないものにしてください。空白・'
                                 'ハイフン・ピリオドは使えません。営業月報_2026年10月.xlsm は'
                                 '使えます。このブックには同じフォルダーに {module} が必要です。'
                                 'ブック名を変えたりコピーしたりしたときは、このファイルも同じ'
                                 '名前に合わせてください。'),
    'package.no_table': ('ブックに表 {table}（入力表 {name}）がありません。kpi_xl の'
                         'テンプレート（kpi-xl template BOOK）か新しいファイルに取り込んで'
                         'ください'),
    'package.import_suffix': '{name}: 取り込み先は .xlsx/.xlsm のブックだけです',
    'package.import_mode': "mode は 'replace' か 'append' です（{mode!r} は使えません）",
    'package.no_column': '{book}: 表 {table} に {columns} の列がありません',
    'package.append_skipped': ('追加 {name}: {count:,} 行は {key} がすでにブックにあるため'
                               '追加しませんでした'),
}
