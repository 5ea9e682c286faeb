"""入力テンプレート: 使い方シート、設定の説明、ドロップダウンの見出し (日本語)。"""

LABELS: dict[str, str] = {
    'template.howto_sheet': '使い方',
    'template.button_caption': '担当者別シートを作成 / Generate rep tabs',
    'template.title': '営業KPIレポート 入力テンプレート',
    'template.purpose_h': '目的',
    'template.purpose': (
        '担当者・目標・営業活動・商談・顧客・受注のデータをこのブックに入力すると、kpi-xl '
        'が目標達成率・ペース・ファネル転換率・受注率・離反などの KPI レポートを作成します。'
        '指標の定義は「設定」シートで選べます。'
    ),
    'template.steps_h': '手順',
    'template.step3_no_macro': (
        'コマンド `kpi-xl refresh BOOK`（BOOK = このファイル）を実行すると、'
        'レポートのシートが作成・更新されます（マクロ版の .xlsm ではボタンでも実行できます）。'
    ),
    'template.button_note': (
        'ボタンは Windows / Mac の Excel で動きます（Python と xlwings が必要）。'
        'ブックと同じフォルダにある、ブックと同じ名前の .py ファイルを実行します。'
        'ブック名を変えたら .py ファイルの名前も合わせてください。'
    ),
    'template.inputs_h': '入力シート',
    'template.outputs_h': '更新で作成されるシート',
    'template.aliases_h': '表記ゆれ（読み替え）',
    'template.aliases': (
        '社内でよく使う別の書き方を登録すると、その値として読み取ります。'
        '設定シートの「表記ゆれ」表に 1 行ずつ「入力値」（実際に入力される書き方）'
        'と「正式な値」（担当者シートの担当者名、顧客IDまたは顧客名、ドロップダウンの値など）'
        'を入力します。「対象列」（担当者、チーム、顧客、商品、セグメント、流入経路、状態、'
        'ステージ、活動種別、指標）を入れるとその列だけに、空欄ならすべての列に使います。'
        '全角・半角、大文字・小文字、スペースの違いは登録しなくても同じ値とみなします。'
        'ＴＥＬ・架電（電話）、往訪（訪問）、来社・面談（打合せ）、受注済み・成約（受注）、'
        '見送り（失注）、株式会社・(株)・㈱ の有無などはあらかじめ読み替えます。例: '
        '入力値「青葉」→ 正式な値「株式会社青葉商事」、対象列「顧客」。'
    ),
    'template.lists_h': 'ドロップダウンの選択肢',
    'template.allowed': '選択肢',
    'template.step1_head': '1. テンプレート',
    'template.step1': (
        'このブックをコピーして使います。シート名と表の見出しは変更しないでください（行は追加・'
        '削除できます）。'
    ),
    'template.step2_head': '2. 入力',
    'template.step2': (
        'まず「設定」と「担当者」を入力し、次に各シートの表に 1 件 1 行で入力します。'
        '表の下の行に入力すると表が自動で広がります。'
        '担当者・状態・ステージ・活動種別・指標はドロップダウンから選べます。'
    ),
    'template.step3_head': '3. 更新',
    'template.step3': (
        'コマンド `kpi-xl refresh BOOK`（BOOK = このファイル）を実行するか、'
        '下のボタンを押すと、レポートのシートが作成・更新されます。'
    ),
    'template.output1_head': 'ダッシュボード',
    'template.output1': '全体の KPI（達成率・ペース・ファネル・受注率・売上推移）',
    'template.output2_head': '担当者ごとのシート',
    'template.output2': '担当者 1 人につき 1 シート（シート名 = 担当者名）',
    'template.output3_head': '離反分析',
    'template.output3': '離反した顧客・注意が必要な顧客と離反率',
    'template.output4_head': '外部要因',
    'template.output4': '「外部要因」シートにデータがある場合のみ: 外部要因と業績の推移',
    'template.settings_description_h': '説明',
    'template.aliases_note1': '実際に入力される書き方（例: 青葉、アポ電）',
    'template.aliases_note2': '読み替える値（担当者名、顧客ID/顧客名、ドロップダウンの値など）',
    'template.aliases_note3': 'この列だけに使う場合の列名（空欄 = すべての列）',
    'template.table.settings': '期首月・通貨・ステージ・指標の定義などの設定（キーと値）。',
    'template.table.reps': '担当者 1 人につき 1 行。',
    'template.table.targets': (
        '担当者またはチームごとの月次目標（担当者・チームのどちらかを入力）。'
    ),
    'template.table.activities': '電話・訪問・面談・メール・提案などの活動 1 件につき 1 行。',
    'template.table.opportunities': (
        'リード／商談 1 件につき 1 行。各ステージに到達した日付も入力します。'
    ),
    'template.table.stage_history': (
        '縦持ち形式: 商談がステージに到達するたびに 1 '
        '行（商談シートのステージ日付の代わりに使えます）。'
    ),
    'template.table.customers': '顧客 1 社につき 1 行。',
    'template.table.orders': '顧客の受注（明細）1 件につき 1 行。',
    'template.table.external': '原材料価格や競合の動きなどの外部要因。推移グラフの横に表示します。',
    'template.setting.fiscal_year_start': '期首月（1〜12、4 = 4月始まり）。',
    'template.setting.locale': 'レポートの言語: ja または en。',
    'template.setting.currency': '金額の通貨コード（JPY、USD、EUR など）。',
    'template.setting.holiday_calendar': (
        '営業日計算に使う祝日: 国コード（JP、US など）または none。'
    ),
    'template.setting.custom_holidays': (
        '会社独自の休日。yyyy-mm-dd 形式の日付をカンマ区切りで（空欄可）。'
    ),
    'template.setting.stages': (
        '商談ステージを順にカンマ区切りで。最後が受注ステージです。'
        '最後以外のステージは商談シートに日付列があるため、'
        '変更したらテンプレートを作り直してください。'
    ),
    'template.setting.opportunity_stage': (
        'リードがこのステージに到達したら商談として数えます（ステージのどれか）。'
    ),
    'template.setting.activity_types': (
        '活動種別をカンマ区切りで。活動シートのドロップダウンに表示されます。'
    ),
    'template.setting.win_rate_definition': '受注率の計算方法。',
    'template.setting.conversion_basis': 'ステージ間の転換率の計算方法。',
    'template.setting.conversion_window_days': (
        'この日数以内に到達した場合のみ転換とみなします（空欄 = 制限なし）。'
    ),
    'template.setting.churn_inactive_months': (
        'この月数受注がない顧客（または取引終了日を過ぎた顧客）を離反とみなします（1 以上）。'
    ),
    'template.setting.churn_definition': '離反率の計算方法。',
    'template.setting.nrr_baseline': '売上維持率（NRR）の比較基準。',
    'template.setting.revenue_basis': '売上として数えるもの。',
    'template.setting.at_risk_interval_factor': (
        '最後の受注からの期間が通常の受注間隔のこの倍数を超えたら注意顧客とします。'
    ),
    'template.setting.at_risk_drop': '売上がこの割合（0.3 = 30 %）以上減ったら注意顧客とします。',
    'template.setting.stall_factor': (
        '進行中の商談が、同じステージに通常（中央値）'
        'の日数のこの倍数を超えて留まると滞留案件とします（既定 2）。'
    ),
    'template.setting.stage_probabilities': (
        '着地見込（ヨミ）に使うステージ別の受注確度。例: 情報収集:10%、提案:30%、'
        'クロージング:60%。空欄 = 受注・失注の実績から計算。'
    ),
    'template.setting.amount_unit': (
        'レポートの表とグラフの金額の単位: 自動、円、千円、万円、百万円。'
    ),
    'template.setting.report_period': (
        'レポートの対象期間。空欄 = 基準日の月。all（全期間）、2026-04、2026年度、令和8年度、'
        '上期、下期、2026-04..2026-09 など。'
    ),
    'template.list.kpi_activity_types': '活動種別',
    'template.list.kpi_statuses': '状態',
    'template.list.kpi_stages': 'ステージ',
    'template.list.kpi_stage_history_stages': 'ステージ（履歴）',
    'template.list.kpi_metrics': '指標',
    'template.dv_title': '入力値の確認',
    'template.dv_message': '一覧にない値です。',
    'template.amount_unit.auto': '自動',
    'template.amount_unit.one': '円',
    'template.amount_unit.thousand': '千円',
    'template.amount_unit.ten_thousand': '万円',
    'template.amount_unit.million': '百万円',
}
