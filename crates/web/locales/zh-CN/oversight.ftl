# 督办、延期、期限提醒、站内信与外发通知（webhook）

error-case-not-upper-tier = 只有承办层级的上级（街道、区级）可以督办或审批延期。
error-case-supervision-open = 该事件已有未回复的督办，请等待承办层级回复后再督办。
error-case-no-open-supervision = 该事件没有待回复的督办。
error-case-answer-from-handling-tier = 督办须由承办层级（承办人或本级负责人）回复。
error-case-extension-pending = 已有一份延期申请待审批，审批后才能再次申请。
error-case-no-deadline = 该事件当前没有办理时限，无需申请延期。
error-case-no-pending-extension = 该事件没有待审批的延期申请。
error-case-decide-own-request = 不能审批自己提出的延期申请。
error-case-extension-days = 延期天数须为 1 至 30 个工作日。
error-case-reply-by = 回复期限不能早于今天。

case-do-supervise = 督办
case-do-answer-supervision = 回复督办
case-do-request-extension = 申请延期
case-do-decide-extension = 审批延期
action-case-supervise = 督办事件
action-case-answer-supervision = 回复督办
action-case-request-extension = 申请延期
action-case-decide-extension = 审批延期

case-field-instructions = 督办要求
case-field-reply-by = 回复期限（可选）
case-field-answer = 回复内容
case-field-extension-days = 延长工作日数
case-field-decision = 审批结果
case-extension-approve = 同意延期
case-extension-refuse = 不同意
case-field-decision-reason = 理由（不同意时必填）

case-supervision = 督办
case-supervision-open = 待回复的督办
case-supervision-by = { $name } 于 { $when } 督办
case-supervision-reply-by = 请于 { $date } 前回复
case-extension-pending = 待审批的延期申请
case-extension-by = { $name } 于 { $when } 申请延长 { $days } 个工作日
case-filter-supervised = 仅看督办中
case-filter-extension = 仅看延期待审批
case-tag-supervised = 督办中
