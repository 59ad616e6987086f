# 群众端：逐级选择地点；事件页上的群众评价

portal-area = 事情发生在哪里
portal-area-hint = 依次选择区县、街道、社区；网格不清楚可以不选。也可以用下面的定位。
portal-area-district = 区县
portal-area-street = 街道（乡镇）
portal-area-community = 社区（村）
portal-area-grid = 网格（可不选）
portal-area-choose-district = 请选择区县
portal-area-choose-street = 请选择街道
portal-area-choose-community = 请选择社区
portal-area-choose-grid = 不清楚，由社区分派
portal-area-next-district = 列出该区县的街道
portal-area-next-street = 列出该街道的社区
portal-area-next-community = 列出该社区的网格
portal-photo-again = 照片没有随表单保存，请重新选择照片。
error-portal-area-code = 地区代码格式不对：应为 2 到 32 位字母、数字或连字符。
error-portal-area-unknown = 没有这个地区，或它已撤销，请从列表中重新选择。
error-portal-area-level = 这个地区不能在这一步选择（例如把街道填在了社区一栏），请从列表中重新选择。
error-portal-area-incomplete = 请继续选到社区（村），或者使用定位。
error-portal-area-required = 请选择事情所在的社区，或者使用定位。
error-portal-area-outside = 您的位置不在本平台服务的社区范围内，请从列表中选择社区。

case-resident-rating = 群众评价
case-resident-rating-via = 群众于 { $when } 在群众端（网上诉求页面）自行评价。
case-resident-rating-not-counted = 这是群众本人的评价。满意度统计只计工作人员登记的回访结果，不计这一评价。
case-resident-rating-waiting = 该事项由群众在群众端提交。办结后群众可凭查询码评价办理结果，目前尚未评价。
case-follow-up-satisfaction = 回访满意度
