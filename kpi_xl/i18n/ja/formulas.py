"""The KPI_* cell formulas: why a formula gives an Excel error (KPI_WHY), the headers of the
tables they spill and the notes in those tables (Japanese)."""

LABELS: dict[str, str] = {
    # KPI_WHY ---------------------------------------------------------------------------
    'formula.why.line': '{code} {reason}',
    'formula.why.ok': '{formula} はここでは値を返しています（エラーはありません）。',
    'formula.why.unknown': ('{name}は kpi_xl の関数ではありません。説明したい関数の名前を'
                            '書いてください（例: =KPI_WHY("KPI_PACE", C2, D2, TODAY())）: '
                            '{names}。'),
    'formula.why.blank': ('最初に説明したい関数の名前、続けてその引数を書いてください'
                          '（例: =KPI_WHY("KPI_PACE", C2, D2, TODAY())）。'),
    'formula.why.arity': ('{formula} の引数は {least}〜{most} 個です（名前のあとに {count} 個'
                          '指定されています）。'),
    # undefined results: #N/A -------------------------------------------------------------
    'formula.reason.no_target': '目標がありません（目標のセルが空欄です）。',
    'formula.reason.not_started': ('基準日（{as_of}）の時点で期間が始まっていないため、'
                                   'ペースはまだ出せません。'),
    'formula.reason.no_day_elapsed': ('基準日（{as_of}）までに期間の営業日が1日も経過していない'
                                      'ため、日割りの見込みはまだ出せません。'),
    'formula.reason.no_business_days': ('期間 {start}〜{end} に営業日がありません（土日・祝日'
                                        'のみ）。'),
    'formula.reason.no_closed_deals': ('範囲内に受注・失注が決まった商談がありません（「受注/'
                                       '失注」基準の受注率では進行中の商談は数えません）。'),
    'formula.reason.no_deals': '範囲内に商談の状態が1件もありません。',
    'formula.reason.no_from_stage': ('期間内に「{stage}」に入った商談がないため、転換率を'
                                     '計算できません。'),
    'formula.reason.no_stage_reached': '範囲内に「{stage}」以降まで進んだ商談がありません。',
    'formula.reason.no_dated_deals': ('作成日と、それ以降の完了日の両方が入った行が'
                                      'ありません。'),
    'formula.reason.no_dated_won_deals': ('作成日と、それ以降の完了日の両方が入った受注商談が'
                                          'ありません。'),
    'formula.reason.missing_factor': '{names} が空欄のため、商談速度を計算できません。',
    'formula.reason.no_active_customers': ('期間の前日に稼働中の顧客がいません（その前{months}か'
                                           '月以内の受注なし）。離反しうる顧客がいないため'
                                           '計算できません。'),
    'formula.reason.no_customers_in_period': '期間内に稼働した顧客がいません。',
    'formula.reason.no_base_revenue': ('比較期間 {start}〜{end} に売上のある顧客がいないため、'
                                       '維持率を計算できません。'),
    'formula.reason.undefined': 'ここでは値が定まりません（{note}）。',
    'formula.reason.input_error': ('{argument} が Excel のエラー {code} です。入力のエラーは'
                                   'そのまま結果に引き継がれます。元のセルを直してください。'),
    'formula.reason.input_error_cell': ('{argument} の{cell}番目のセルが Excel のエラー '
                                        '{code} です。範囲内のエラーはそのまま結果に引き継がれ'
                                        'ます。そのセルを直してください。'),
    # division by zero: #DIV/0! -----------------------------------------------------------
    'formula.reason.target_zero': '目標が0のため、実績÷目標が0での割り算になります。',
    'formula.reason.cycle_zero': 'cycle_days が0のため、商談速度が0での割り算になります。',
    # bad input: #VALUE! ------------------------------------------------------------------
    'formula.reason.not_number': '{argument}：{value}は数値として読めません（{hint}）。',
    'formula.reason.flag_not_number': ('{argument}：TRUE/FALSE はここでは数値になりません。'
                                       '数値を入力してください。'),
    'formula.reason.not_date': '{argument}：{value} — {problem}。{hint}。',
    'formula.reason.cell': '{argument} の{cell}番目のセル：{value} — {problem}。{hint}。',
    'formula.reason.not_a_value': ('{argument} の{cell}番目のセル：セルに入る値（文字・数値・'
                                   '日付・TRUE/FALSE）ではありません。'),
    'formula.reason.one_cell': ('{argument} にはセルを1つだけ指定してください（{count}セルの'
                                '範囲が指定されています）。'),
    'formula.reason.blank': '{argument} が空欄です。',
    'formula.reason.unknown_option': '{argument}：{value}は選べる値（{choices}）ではありません。',
    'formula.reason.lengths': ('{names} のセルの数をそろえてください（現在 {sizes}）。'),
    'formula.reason.period_unknown': ('{argument}：{value}は日付としても期間としても読めません'
                                      '（例: 2026-04 / FY2026Q1 / 2026年度上期 / '
                                      '2026-04..2026-06）。'),
    'formula.reason.period_order': 'period_end（{end}）が period_start（{start}）より前です。',
    'formula.reason.period_blank': ('period_start が空欄です。日付か、2026-04・FY2026Q1 のような'
                                    '期間を指定してください。'),
    'formula.reason.unknown_stage': '{argument}：{value}はステージとして読めません（{choices}）。',
    'formula.reason.stage_order': ('to_stage「{to_stage}」は from_stage「{from_stage}」より後の'
                                   'ステージにしてください。'),
    'formula.reason.no_stage_column': ('見出し行に「{stage}」の列がありません（見出し: '
                                       '{headers}）。'),
    'formula.reason.stage_column_period': ('期間や「期間」基準を使うには、ステージ名の見出し行と'
                                           '日付の表を指定してください（現在ステージの1列では'
                                           '使えません）。'),
    'formula.reason.stage_column_value': ('ステージの列の{value}はステージとして読めません'
                                          '（{choices}、失注、進行中）。'),
    'formula.reason.table_empty': '{argument} が空です。見出し行を含めて表を選択してください。',
    'formula.reason.table_problem': '{problem}',
    'formula.reason.table_problems': '{problem}（表にはほかに {count} 件の問題があります）',
    'formula.reason.second_table': ('2つ目の表には商談の表（商談ID・担当者・作成日・状態 …）'
                                    'か、実績の表（担当者・指標・実績）を指定してください。'),
    'formula.reason.actuals_columns': '実績の表には「担当者」「指標」「実績」の列が必要です。',
    'formula.reason.unknown_metric': '実績の表：{value}は指標として読めません（{choices}）。',
    'formula.reason.not_a_month': '実績の表：{value}は年月として読めません（例: 2026-04）。',
    'formula.reason.unknown_calendar': ('{value}は祝日カレンダーとして読めません。JP（日本）、'
                                        'ほかの国コード（US・GB など）、または「なし」を指定して'
                                        'ください。'),
    'formula.reason.internal': ('kpi_xl の内部エラーのため計算できませんでした。使った引数を'
                                '添えてご連絡ください。'),
    'formula.reason.engine': '{message}',
    # out of range: #NUM! -----------------------------------------------------------------
    'formula.reason.date_range': ('{argument}：{value}は kpi_xl が扱える日付（1900〜2200年）の'
                                  '範囲外です。年を確認してください。9999/12/31 のような仮の'
                                  '日付は使えません。'),
    'formula.reason.not_finite': '{argument}：{value}は有限の数値ではありません。',
    'formula.reason.whole_number': ('{argument} には {minimum}〜{maximum} の整数を指定してください'
                                    '（{value}が指定されています）。'),
    'formula.reason.too_large': '結果が大きすぎて数値になりません（±1.8e308 を超えます）。',
    'formula.reason.negative_cycle': 'cycle_days は0より大きい数にしてください（{value}）。',
    'formula.reason.rate_range': ('{argument} は0〜1の率で指定してください（0.4 または 40%）。'
                                  '{value}が指定されています。'),
    'formula.reason.driver_zero': '{argument} が0のため、必要数が0での割り算になります。',
    'formula.reason.driver_range': '{argument} は0より大きい数にしてください（{value}）。',
    # tables the formulas spill -----------------------------------------------------------
    'formula.col.stage': 'ステージ',
    'formula.col.reached': '到達数',
    'formula.col.conversion_previous': '前段階からの転換率',
    'formula.col.conversion_first': '初段階からの転換率',
    'formula.col.rep': '担当者',
    'formula.col.metric': '指標',
    'formula.col.target': '目標',
    'formula.col.actual': '実績',
    'formula.col.achievement': '達成率',
    'formula.col.pace': 'ペース',
    'formula.col.forecast': '着地見込',
    'formula.col.gap': '差異',
    'formula.col.required_per_day': '残り営業日あたり必要',
    'formula.col.note': '備考',
    'formula.col.quantity': '項目',
    'formula.col.needed': '必要数',
    'formula.col.per_day': '営業日あたり',
    # notes in those tables ---------------------------------------------------------------
    'formula.note.sep': '、',
    'formula.note.no_target': '目標なし',
    'formula.note.target_zero': '目標が0',
    'formula.note.not_started': '期間開始前',
    'formula.note.no_day_elapsed': '経過営業日なし',
    'formula.note.no_business_days': '期間内に営業日なし',
    'formula.note.period_over': '期間終了・目標未達',
    'formula.note.no_target_months': '{months} の目標なし',
    'formula.note.needs_table': '{argument}（{position}番目の引数）が必要',
    'formula.note.team_unscored': 'チーム目標: チームを集計するには担当者の表（5番目の引数）を指定',
    'formula.note.needs': '{driver}が必要',
    'formula.driver.avg_deal_size': '平均受注額',
    'formula.driver.win_rate': '受注率',
    'formula.driver.conversion': '転換率',
    'formula.note.no_days_left': '残り営業日なし',
}
