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
