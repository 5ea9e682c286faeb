"""Figures: metric definitions, period and argument messages, at-risk reasons, the CLI text of
``kpi-xl metrics`` and the notes the generated sheets add (Japanese)."""

LABELS: dict[str, str] = {
    # definitions ------------------------------------------------------------------------
    'def.line': '{choice} — {text}',
    'def.win_rate.closed': '受注 ÷ （受注 + 失注）。期間内に受注・失注が決まった商談が対象',
    'def.win_rate.all': ('受注 ÷ （受注 + 失注 + 進行中）。期間内に決まった商談に、期末時点で'
                         '進行中の商談を加えたものが対象'),
    'def.conversion.cohort': '期間内に段階Aに入った商談のうち、段階Bに到達した割合（コホート）',
    'def.conversion.period': '期間内の段階B到達数 ÷ 期間内の段階A到達数（期間ベース）',
    'def.conversion.window': '（{days}日以内）',
    'def.churn.active_at_start': ('期首に稼働中の顧客のうち期間内に離反した割合（期間内に開始し'
                                  '離反した顧客は除く）'),
    'def.churn.inclusive': '期間内の離反顧客 ÷ （期首稼働顧客 + 期間内に稼働した顧客）',
    'def.churn.rule': ('。最後の受注・受注商談から{n}か月で離反、または取引終了日で離反とみなす。'
                       '稼働はデータの開始時点から数える'),
    'def.nrr.year_over_year': '前年同期間に購入した顧客の当期売上 ÷ その前年同期間売上',
    'def.nrr.previous_period': '直前の同じ長さの期間に購入した顧客の当期売上 ÷ その期間の売上',
    'def.revenue.auto': '商談に金額があれば受注商談、なければ受注実績',
    'def.revenue.won_deals': '受注した商談の金額（完了日基準、商談の担当者に計上）',
    'def.revenue.orders': '受注実績の金額（受注日基準、顧客の担当者に計上）',
    'def.revenue.chosen': '自動 → {used}（{why}）',
    'def.revenue.why.deals_have_amounts': '受注商談に金額が入っているため',
    'def.revenue.why.deals_lack_amounts': '商談に金額がなく、受注実績に金額があるため',
    'def.revenue.why.no_orders': '商談にも受注実績にも金額がないため',
    'def.revenue.why.setting': '設定シートで指定',
    'def.opportunity': 'リードは「{stage}」到達時点で商談とみなす',
    'def.new_customer': '取引開始日・初回受注商談・初回受注のうち最も早い日に新規顧客とみなす',
    # named choices, definition names and the figures' definitions -----------------------
    'choice.closed': '決着済みの商談',
    'choice.all': '進行中を含む',
    'choice.cohort': 'コホート基準',
    'choice.period': '期間基準',
    'choice.active_at_start': '期首稼働基準',
    'choice.inclusive': '期中稼働を含む',
    'choice.year_over_year': '前年同期比較',
    'choice.previous_period': '直前期間比較',
    'choice.auto': '自動',
    'choice.won_deals': '受注商談',
    'choice.orders': '受注実績',
    'defname.win_rate': '受注率',
    'defname.conversion': '転換率',
    'defname.churn': '顧客離反率',
    'defname.nrr': 'NRR（売上純継続率）',
    'defname.revenue': '売上',
    'defname.opportunity': '商談化',
    'defname.new_customer': '新規顧客',
    'defname.pace': '進捗率',
    'defname.forecast': '着地見込（直線）',
    'defname.landing': '着地見込（ヨミ）',
    'defname.probability': '受注確度',
    'defname.stalled': '滞留案件',
    'defname.comparison': '前年同月比・前月比',
    'defname.t12m': '直近12か月・移動年計',
    'defname.ranking': '活動量ランキング',
    'defname.at_risk': '要注意顧客',
    'defname.cohort': 'コホート',
    'defname.unit': '金額の単位',
    'defname.colours': '色の意味',
    'def.pace': ('実績 ÷ 基準日までの目標。目標は月ごとに、経過した営業日の割合で按分（祝日・会社'
                 '休日を除く）'),
    'def.forecast': '実績 ÷ 経過営業日 × 期間の営業日（今のペースが続いた場合）',
    'def.landing': ('実績 + 進行中の商談の金額 × 現在ステージの受注確度（受注予定日が期間内の商談'
                    'のみ）。コミット着地 = 実績 + コミット、ベスト着地 = 実績 + コミット + ベス'
                    'トケース'),
    'def.probability': ('そのステージに到達し決着した商談のうち受注した割合（基準日までの全実績）'
                        '。設定シートの「ステージ別受注確度」があればそちらを使い、実績のないステ'
                        'ージは順番に応じた既定値（{defaults}）'),
    'def.probability_value': '{stage} {p}（{source}）',
    'def.stalled': ('進行中の商談のうち、今のステージに通常（同じステージの滞在日数の中央値）の{n'
                    '}倍を超えて留まっているもの、または受注予定日を過ぎたもの'),
    'def.comparison': ('当月1日〜基準日の実績を、前年同月・前月の同じ日までと比較。比較する月がデ'
                       'ータの開始より前なら「データなし」（0%とはしません）'),
    'def.t12m': '直近12か月 = 基準日までの1年間。移動年計 = その月までの12か月の合計',
    'def.ranking': ('活動件数 ÷ 営業日数（期間の初日〜基準日）。チーム中央値比 = 本人 ÷ 在籍担当'
                    '者の中央値。受注1件あたり活動数は直近12か月の活動数 ÷ 受注件数'),
    'def.at_risk': ('稼働中の顧客のうち、次のいずれかに当たるもの。受注間隔：最後の受注から当該顧'
                    '客の通常間隔（中央値）の{factor}倍を超えて受注がない。受注頻度：直近3か月の'
                    '受注回数が当該顧客の過去12か月水準より{drop}以上少なく、偶然では起こりにくい'
                    '（5%未満）。受注金額：直近3か月もその前の3か月も過去12か月水準より{drop}以上'
                    '少なく、落ち込む前のどの3か月よりも少ない。しきい値は設定シートの「注意間隔'
                    '倍率」「注意減少率」。売上減少リスク額 = 過去12か月水準の3か月分 − 直近3か月'),
    'def.cohort': ('初回受注月ごとの顧客グループ。継続率 = 経過月に受注した顧客の割合。売上指数 ='
                   ' 初月の売上を100とした各月の売上。データ開始前からの顧客（{n}社）はどのコホー'
                   'トにも入れていません'),
    'def.unit': ('表・グラフの金額は{unit}単位（設定シートの「金額単位」で変更: 円・千円・万円・'
                 '百万円）'),
    'def.colours': ('達成率・進捗率のセルは進捗率で色分け: 100%以上 緑、90〜100% 黄、90%未満 赤。'
                    '進捗率は営業日ベースなので、月の途中でも達成率の大小で赤くなりません'),
    'note.comparisons': ('直近12か月 = {start}〜{end}。比較する期間にデータがないときは「前年デー'
                         'タなし」などと表示（0%とはしません）'),
    'note.landing': ('受注予定日のない進行中商談 {undated}件（{undated_amount}）と、予定日を過ぎ'
                     'た商談 {overdue}件（{overdue_amount}）は含めていません（滞留案件を参照）'),
    'note.categories': ('受注予定日が期間内の進行中商談。着地 = 実績 + その区分までの商談金額の合'
                        '計（コミット着地、ベスト着地）'),
    'note.stalled': ('該当 {n}件（ステージ滞留 {stalled}件、受注予定日超過 {overdue}件）。滞留 = '
                     '通常の{factor}倍を超えて同じステージ'),
    'note.ranking': ('チーム中央値 {median}件/日。色はチーム中央値比（100%以上 緑、80〜100% 黄、8'
                     '0%未満 赤）。受注1件あたり活動数は直近12か月（{start}〜{end}）'),
    'note.at_risk_summary': ('稼働顧客 {active}社中 {flagged}社（受注間隔 {interval}社、受注頻度 '
                             '{frequency}社、受注金額 {volume}社。重複あり）。基準は「定義」シー'
                             'ト'),
    'note.vs_median': '色はチーム中央値比（100%以上 緑、80〜100% 黄、80%未満 赤）',
    'note.cohort_index': '初月の売上を100とした指数。データ開始前からの顧客 {n}社は含みません',
    'note.cohort_customers': 'データ開始前からの顧客 {n}社は含みません',
    'note.activity_trend': '本人の推移とチーム中央値',
    'why.no_pipeline': '商談データがないため表示していません（商談シートに入力してください）',
    'why.no_orders': '受注実績がないため表示していません（受注実績シートに入力してください）',
    'why.no_activities': '活動データがないため表示していません（活動シートに入力してください）',
    'why.no_targets': '目標が未入力です（目標シートに入力すると達成率・進捗率を表示します）',
    'why.no_stalled': '滞留している商談はありません',
    'why.no_at_risk': '要注意の顧客はいません',
    'why.no_open': 'この期間に受注予定の進行中商談はありません',
    'why.not_started': 'この期間はまだ始まっていません',
    'why.no_history': 'まだ比較できる月がありません',
    # arguments and periods ---------------------------------------------------------------
    'arg.type': '{name}には{expected}を指定してください（{value}は使えません）',
    'arg.not_date': '{name}には日付を指定してください（{value}は日付ではありません）',
    'date.out_of_range': '{name} {value} は対応範囲（1900〜2200年）の外です',
    'period.end_before_start': '期間の終了日 {end} が開始日 {start} より前です',
    'period.unknown': ('期間 {label} を読み取れません。all（全期間）、月（2026-04、2026年4月、'
                       '2026年10月度）、暦年（2026）、年度（FY2026、FY26、2026年度、令和8年度）、'
                       '四半期（FY2026Q1、Q1）、半期（FY2026H2、上期、H1）、範囲 開始..終了'
                       '（2026-04..2026-09、2026-04-15..2026-05-20）のいずれかで指定してください'),
    # forecast categories ----------------------------------------------------------------
    'forecast.commit': 'コミット',
    'forecast.best_case': 'ベストケース',
    'forecast.pipeline': 'パイプライン',
    'forecast.omitted': '対象外',
    # at-risk reasons ---------------------------------------------------------------------
    'risk.interval': '{days}日間受注なし（当該顧客の通常の間隔は{gap}日）',
    'risk.volume': '受注金額が当該顧客の過去12か月水準より{drop}減少（2四半期続けて）',
    'risk.frequency': '受注回数が当該顧客の過去12か月水準より{drop}減少',
    'risk.churned': '離反',
    'pace.not_started': '期間開始前',
    'pace.no_business_day_elapsed_yet': '経過営業日なし',
    'pace.period_over': '期間終了',
    'pace.no_target': '目標未設定',
    'pace.no_business_days_in_the_period': '期間内に営業日なし',
    'pace.target_is_zero': '目標が0',
    # notes on sheets, CLI and JSON -------------------------------------------------------
    'note.footnote': '集計に含めなかった行・テーブル範囲外から読み込んだ行:',
    'note.basis_empty': ('この月は{basis}の売上がありませんが、{other}には{amount}あります。'
                         '売上の基準を確認してください'),
    'note.before_data': 'データ開始前',
    'note.not_started': '期間はまだ始まっていません（基準日 {asof}）',
    'note.no_target_months': '{months} は目標未設定',
    'note.revenue_basis': '売上の基準：{basis}（{why}）',
    'note.window': '{what}：{start} 〜 {end}',
    'note.all_time': '全期間',
    'note.window_all': '{what}：全期間（日付のない進行中の商談を含む）',
    'note.tree_check': ('実績との照合（{start} 〜 {end}）：要素の積は月{run}、実績は月{actual}'
                        '（{diff}。商談数が安定していれば±{tol}以内 — 商談化 {entered}件、'
                        '決着 {decided}件）'),
    'note.levers': ('各要素を、決着した商談が5件以上ある担当者{n}名の上位25%水準まで上げた場合の'
                    '月間売上増の順'),
    'note.not_split': '顧客は{by}別に分けられないため、全体を表示しています',
    'note.days_left': '{period} の残り営業日: {days}日',
    'basis.won_deals': '受注商談',
    'basis.orders': '受注実績',
    # CLI text ----------------------------------------------------------------------------
    'cli.title': 'KPIサマリー — {p}（{start} 〜 {end}）、基準日 {asof}',
    'cli.revenue_trend': '{title}（{basis}）',
    'cli.win_rate_other': '{name}（{choice}）: {text}',
    'cli.source': 'データ: {src}',
    'cli.source.demo': 'kpi_xl 付属のデモデータ',
    'by.rep': '担当者',
    'by.team': 'チーム',
    'by.segment': 'セグメント',
    'by.product': '商品',
    'by.channel': '流入経路',
    'cli.scorecard': 'スコアカード（{by}別）',
    'cli.overall': 'スコアカード（全体）',
    'cli.trend': '月別売上',
    'cli.funnel': 'ファネル（{d}）、{window}',
    'cli.funnel_by': 'ファネル（{by}別、{d}）、{window}',
    'cli.deals': '商談',
    'cli.deals_by': '商談（{by}別）',
    'cli.win_rate': '受注率（{d}）: {v}（{num}/{den}） {note}',
    'cli.avg_deal': '平均受注単価: {v}',
    'cli.cycle': '営業サイクル: 平均 {mean}日、中央値 {median}日',
    'cli.velocity': 'パイプライン速度: 1日あたり {v}（進行中 {open}件）',
    'cli.customers': '顧客',
    'cli.customers_by': '顧客（{by}別）',
    'cli.movements': '期首稼働 {a}、新規 {n}、復活 {r}、離反 {c}、期末稼働 {e}',
    'cli.logo_churn': '顧客離反率（{d}）: {v} {note}',
    'cli.retention': 'GRR {grr}、NRR {nrr}（{d}）',
    'cli.at_risk': '要注意顧客: {n}社',
    'cli.churn_trend': '月別の離反',
    'cli.plan': '売上目標の達成に必要な行動（全体、過去の実績率で逆算）:',
    'cli.plan_line': '{q}: あと{needed}、1営業日あたり {per_day} {note}',
    'cli.tree': 'KPIツリーの要素（実績期間 {start} 〜 {end}）',
    'cli.levers': '改善レバー',
    'cli.definitions': '指標の定義:',
    'cli.excluded': '集計に含めなかった行・テーブル範囲外の行:',
    'cli.warnings': '警告:',
    'col.group': 'グループ',
    'col.metric': '指標',
    'col.target': '目標',
    'col.actual': '実績',
    'col.pace': '進捗率',
    'col.forecast': '着地見込',
    'col.gap': '差異',
    'col.note': '備考',
    'col.month': '月',
    'col.stage': 'ステージ',
    'col.reached': '到達数',
    'col.win_closed': '受注率（決着）',
    'col.win_all': '受注率（全体）',
    'col.avg_deal': '平均単価',
    'col.cycle': 'サイクル日数',
    'col.open': '進行中',
    'col.active_start': '期首稼働',
    'col.new': '新規',
    'col.reactivated': '復活',
    'col.churned': '離反',
    'col.active_end': '期末稼働',
    'col.logo_churn': '顧客離反率',
    'col.grr': 'GRR',
    'col.nrr': 'NRR',
    'col.driver': '要素',
    'col.current': '現状',
    'col.benchmark': '上位25%水準',
    'col.gain': '月間売上増',
    'col.rank': '順位',
    'driver.leads_per_month': '月間リード数',
    'driver.conversion': '商談化率',
    'driver.win_rate': '受注率（商談ベース）',
    'driver.avg_deal_size': '平均受注単価',
}
