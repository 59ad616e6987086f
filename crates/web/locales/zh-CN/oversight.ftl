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

action-case-deadline-warning = 期限临近提醒
action-case-overdue = 标记超期
action-webhook-create = 添加外发通知地址
action-webhook-update = 修改外发通知地址

nav-inbox = 站内信
nav-webhooks = 外发通知
inbox-intro = 分派、督办、延期和期限提醒会发到这里。点击事件可查看详情并标为已读。
inbox-all = 全部
inbox-unread = 未读
inbox-new = 新
inbox-read-all = 全部标为已读
inbox-empty = 暂无消息。
ok-inbox-read-all = 已全部标为已读。
error-notification-not-found = 没有这条消息。
error-notice-kind = 消息类型无效。

notice-kind-assigned = 分派给您的事件
notice-kind-supervised = 督办通知
notice-kind-supervision-answered = 督办已回复
notice-kind-extension-requested = 延期申请待审批
notice-kind-extension-approved = 延期申请已同意
notice-kind-extension-refused = 延期申请未同意
notice-kind-deadline-warning = 办理期限临近
notice-kind-overdue = 事件已超期

webhooks-intro = 每条通知都会以 JSON 发送到下列地址，并带有 X-Fengqiao-Signature 头（用密钥计算的 HMAC-SHA256）。发送失败会按退避间隔重试。
webhooks-empty = 尚未配置外发通知地址。
webhook-active = 启用中
webhook-paused = 已暂停
webhook-pause = 暂停
webhook-resume = 恢复
webhook-deliveries = 最近发送记录
webhook-no-deliveries = 暂无发送记录。
webhook-attempts = 尝试次数
webhook-add = 添加地址
webhook-url = 接收地址（http 或 https）
webhook-secret = 签名密钥
webhook-secret-help = 16 至 200 个字符。保存后不再显示，请妥善保管。
ok-webhook-created = 外发通知地址已添加。
ok-webhook-updated = 外发通知地址已更新。
error-webhook-url = 请填写完整的 http 或 https 地址，地址中不能包含用户名或密码。
error-webhook-secret = 密钥须为 16 至 200 个字符。
error-webhook-not-found = 没有这个外发通知地址。
error-delivery-status = 发送状态无效。
delivery-status-pending = 待发送
delivery-status-delivered = 已送达
delivery-status-failed = 发送失败
case-extension-requested-days = { $what }（{ $days } 个工作日）
inbox-deadline = 办理时限：{ $date }
