# 文字报告：按区域和期间，以简报的行文写出各项数字。
report-title = { $area }{ $period }基层治理工作情况
report-page-title = 工作报告
report-generated = 统计期间：{ $from }至{ $to }（按受理时间），{ $today }由枫桥平台生成
report-period-year = { $year }年
report-period-quarter = { $year }年第{ $quarter ->
    [1] 一
    [2] 二
    [3] 三
   *[4] 四
}季度
report-period-month = { $year }年{ $month }月
report-list-sep = {"；"}
report-list-last = {"；"}
report-list-pair = {"；"}
report-area = 区域
report-period = 期间
report-period-hint = 如 2024、2024-Q1、2024-03
report-show = 查看报告
report-print = 打印
report-download-pdf = 下载 PDF
report-empty = 该期间暂无可报告的数字。
report-page = 第{ $page }页
error-report-period = 期间格式不正确，请写作 2024、2024-Q1 或 2024-03。
error-report-period-future = 该期间尚未开始，无法生成报告。
error-report-section-not-found = 没有这一报告部分。

report-cases-heading = 矛盾纠纷排查化解
report-cases-disputes = { $ytd ->
    [yes] 截至目前
   *[no] { $period }
}，{ $scope ->
    [city] 全市
    [district] 全区
    [street] 全街道
    [community] 全社区
   *[grid] 本网格
}共排查矛盾纠纷案件{ $intake }件，已化解{ $resolved }件，化解率达到{ $rate }。
report-cases-disputes-none = { $ytd ->
    [yes] 截至目前
   *[no] { $period }
}，{ $scope ->
    [city] 全市
    [district] 全区
    [street] 全街道
    [community] 全社区
   *[grid] 本网格
}未排查到矛盾纠纷案件。
report-cases-levels = 坚持小事不出社区、大事不出街道，已化解的事项中，在社区化解{ $community }件，占{ $community_share }，在街道化解{ $street }件，由区级化解{ $district }件。
report-cases-categories = 从类别看，{ $items }。
report-cases-category = { $name }{ $intake }件、化解{ $resolved }件
report-cases-demands = 受理居民需求事项{ $intake }件，解决问题居民需求事项{ $resolved }件，解决率{ $rate }。
report-cases-hazards = 排查安全隐患{ $intake }处，已整改消除{ $resolved }处。
report-cases-room = “{ $room }”调解室调解案件{ $cases }件，调解成功{ $ok }件，调解成功率{ $rate }。
report-cases-room-referred = 转“{ $room }”对接化解案件{ $cases }件。
report-cases-room-city = 占全市{ $category }调解案件（{ $city }件）的{ $share }。
report-cases-on-time = 已办结案件{ $concluded }件，按期办结率{ $rate }；目前超期未办结{ $overdue }件。
report-cases-satisfaction = 回访当事人{ $answers }人次，满意率{ $rate }。

figures-mediators-title = 调解员与调解室
figures-mediators = 调解员
figures-rooms = 对接调解室
figures-mediator = 调解员
figures-cases = 承办案件
figures-concluded = 已办结
figures-resolved = 已化解
figures-by-agreement = 达成协议
figures-success-rate = 成功率
figures-share = 占本区域
figures-room = 调解室
figures-city-share = 占全市同类调解
figures-city-mediations = 全市同类调解案件
figures-from = 起始日期
figures-to = 截止日期
figures-no-mediators = 该期间没有分派给调解员的案件。
figures-no-rooms = 该期间没有转对接调解室的案件。
figures-handled = 本区域该期间有承办人的案件共{ $n }件。
