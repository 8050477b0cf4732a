"""The vocabularies of the case lifecycle (事件流转), as TextChoices with Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseKind(models.TextChoices):
    DISPUTE = "dispute", _("矛盾纠纷")
    HAZARD = "hazard", _("风险隐患")
    REQUEST = "request", _("诉求投诉")
    PETITION = "petition", _("信访")
    EMERGENCY = "emergency", _("突发事件")


class Priority(models.TextChoices):
    LOW = "low", _("低")
    NORMAL = "normal", _("一般")
    HIGH = "high", _("高")
    URGENT = "urgent", _("紧急")


class TimeUnit(models.TextChoices):
    HOURS = "hours", _("工作小时")
    DAYS = "days", _("工作日")


class Channel(models.TextChoices):
    RESIDENT = "resident", _("群众上报")
    GRID_WORKER = "grid_worker", _("网格员上报")
    HOTLINE = "hotline", _("热线电话")
    WALK_IN = "walk_in", _("来访")
    API = "api", _("接口")
    OPEN311 = "open311", _("Open311")
    IMPORT = "import", _("导入")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    ACCEPTED = "accepted", _("已受理")
    DISPATCHED = "dispatched", _("已交办")
    IN_PROGRESS = "in_progress", _("办理中")
    SUSPENDED = "suspended", _("已挂起")
    RESOLVED = "resolved", _("已办结待核查")
    CLOSED = "closed", _("已结案")
    REJECTED = "rejected", _("不予受理")
    MERGED = "merged", _("已合并")


# Statuses in which a deadline is running and the sweep watches the case.
OPEN_STATUSES = (Status.SUBMITTED, Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS)
FINAL_STATUSES = (Status.CLOSED, Status.REJECTED, Status.MERGED)


class DeadlineState(models.TextChoices):
    NORMAL = "normal", _("正常")
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("已超期")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Card(models.TextChoices):
    YELLOW = "yellow", _("黄牌督办")
    RED = "red", _("红牌督办")


class Action(models.TextChoices):
    SUBMIT = "submit", _("上报")
    ACCEPT = "accept", _("受理")
    REJECT = "reject", _("不予受理")
    DISPATCH = "dispatch", _("交办")
    CLAIM = "claim", _("签收")
    PROGRESS = "progress", _("办理进展")
    REQUEST_EXTENSION = "request_extension", _("申请延期")
    APPROVE_EXTENSION = "approve_extension", _("同意延期")
    DENY_EXTENSION = "deny_extension", _("驳回延期")
    SUSPEND = "suspend", _("挂起")
    RESUME = "resume", _("恢复办理")
    RETURN = "return", _("退回")
    ESCALATE = "escalate", _("上报上级")
    ASSIGN_DOWN = "assign_down", _("下派")
    SUPERVISE = "supervise", _("督办")
    RESOLVE = "resolve", _("办结")
    VERIFY_FAIL = "verify_fail", _("核查未通过")
    CLOSE = "close", _("核查结案")
    REOPEN = "reopen", _("重新办理")
    FOLLOW_UP = "follow_up", _("回访")
    RATE = "rate", _("评价")
    MERGE = "merge", _("合并")
    MERGED_IN = "merged_in", _("并入重复事件")
    ATTACH = "attach", _("添加附件")
    HANDLE_ON_SPOT = "handle_on_spot", _("即时处置")
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE = "overdue", _("已超期")
    IMPORT = "import", _("导入")
    # Dispute resolution (fengqiao.mediation); the sub-step is named in the entry's data["step"].
    MEDIATE = "mediate", _("调解")
    REFER = "refer", _("分流移送")
    ASSESS_RISK = "assess_risk", _("激化风险评估")
