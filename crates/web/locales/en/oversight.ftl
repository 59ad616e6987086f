# Supervision orders, extensions, deadline warnings, the inbox and the outbound webhook

error-case-not-upper-tier = Only a tier above the one handling the case (street, district) may supervise it or decide extensions.
error-case-supervision-open = This case already has an unanswered supervision order; wait for the handling tier's answer.
error-case-no-open-supervision = This case has no supervision order waiting for an answer.
error-case-answer-from-handling-tier = A supervision order is answered by the handling tier (the handler or its supervisor).
error-case-extension-pending = An extension request is already waiting for a decision.
error-case-no-deadline = This case has no running deadline to extend.
error-case-no-pending-extension = This case has no extension request waiting for a decision.
error-case-decide-own-request = You cannot decide your own extension request.
error-case-extension-days = An extension is 1 to 30 working days.
error-case-reply-by = The reply-by date cannot be before today.

case-do-supervise = Supervise
case-do-answer-supervision = Answer supervision
case-do-request-extension = Request extension
case-do-decide-extension = Decide extension
action-case-supervise = Supervision order
action-case-answer-supervision = Supervision answered
action-case-request-extension = Extension requested
action-case-decide-extension = Extension decided

case-field-instructions = Instructions
case-field-reply-by = Answer by (optional)
case-field-answer = Answer
case-field-extension-days = Extra working days
case-field-decision = Decision
case-extension-approve = Approve
case-extension-refuse = Refuse
case-field-decision-reason = Reason (required when refusing)

case-supervision = Supervision
case-supervision-open = Supervision order awaiting an answer
case-supervision-by = Issued by { $name } on { $when }
case-supervision-reply-by = Answer by { $date }
case-extension-pending = Extension request awaiting a decision
case-extension-by = { $name } asked on { $when } for { $days } more working days
case-filter-supervised = Under supervision only
case-filter-extension = Extension pending only
case-tag-supervised = Supervised

action-case-deadline-warning = Deadline warning
action-case-overdue = Marked overdue
action-webhook-create = Webhook endpoint added
action-webhook-update = Webhook endpoint changed

nav-inbox = Inbox
nav-webhooks = Webhooks
inbox-intro = Assignments, supervision orders, extensions and deadline warnings arrive here. Open a case to read its notice.
inbox-all = All
inbox-unread = Unread
inbox-new = New
inbox-read-all = Mark all read
inbox-empty = No notices.
ok-inbox-read-all = All notices marked read.
error-notification-not-found = No such notice.
error-notice-kind = Unknown notice kind.

notice-kind-assigned = Case assigned to you
notice-kind-supervised = Supervision order
notice-kind-supervision-answered = Supervision answered
notice-kind-extension-requested = Extension request to decide
notice-kind-extension-approved = Extension approved
notice-kind-extension-refused = Extension refused
notice-kind-deadline-warning = Deadline approaching
notice-kind-overdue = Case overdue

webhooks-intro = Every notice is posted as JSON to these endpoints with an X-Fengqiao-Signature header (HMAC-SHA256 under the secret). Failed posts are retried with backoff.
webhooks-empty = No webhook endpoints yet.
webhook-active = Active
webhook-paused = Paused
webhook-pause = Pause
webhook-resume = Resume
webhook-deliveries = Recent deliveries
webhook-no-deliveries = No deliveries yet.
webhook-attempts = Attempts
webhook-add = Add endpoint
webhook-url = Receiver URL (http or https)
webhook-secret = Signing secret
webhook-secret-help = 16 to 200 characters. It is not shown again; keep a copy.
ok-webhook-created = Webhook endpoint added.
ok-webhook-updated = Webhook endpoint updated.
error-webhook-url = Enter a full http or https URL without a user name or password in it.
error-webhook-secret = The secret must be 16 to 200 characters.
error-webhook-not-found = No such webhook endpoint.
error-delivery-status = Unknown delivery status.
delivery-status-pending = Pending
delivery-status-delivered = Delivered
delivery-status-failed = Failed
case-extension-requested-days = { $what } ({ $days } working days)
inbox-deadline = Deadline: { $date }
