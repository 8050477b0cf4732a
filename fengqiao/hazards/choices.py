"""The vocabularies of places, hazards and inspections, as TextChoices with Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlaceType(models.TextChoices):
    SCHOOL = "school", _("学校")
    MARKET = "market", _("市场")
    CONSTRUCTION = "construction", _("建设项目")
    ENTERPRISE = "enterprise", _("企业")
    RENTAL_HOUSING = "rental_housing", _("出租房集中区")
    OTHER = "other", _("其他")


class HazardType(models.TextChoices):
    FIRE = "fire", _("消防安全")
    PRODUCTION = "production", _("安全生产")
    ROAD_TRAFFIC = "road_traffic", _("道路交通")
    CONSTRUCTION = "construction", _("建筑施工")
    DANGEROUS_HOUSING = "dangerous_housing", _("危险房屋")
    GEOLOGICAL = "geological", _("地质灾害")
    PUBLIC_ORDER = "public_order", _("治安隐患")
    FOOD_DRUG = "food_drug", _("食品药品")
    OTHER = "other", _("其他")


class HazardLevel(models.TextChoices):
    MAJOR = "major", _("重大")
    SERIOUS = "serious", _("较大")
    ORDINARY = "ordinary", _("一般")


class HazardSource(models.TextChoices):
    INSPECTION = "inspection", _("排查发现")
    REPORT = "report", _("群众或网格员报告")
    CASE = "case", _("事件转入")


class HazardStatus(models.TextChoices):
    IDENTIFIED = "identified", _("已登记")
    RECTIFYING = "rectifying", _("整改中")
    RECTIFIED = "rectified", _("已整改待核查")
    VERIFIED = "verified", _("已核查")
    CLOSED = "closed", _("已销号")
    ESCALATED = "escalated", _("已上报")


# Statuses in which the rectification deadline runs and the overdue job watches the hazard.
RUNNING_STATUSES = (HazardStatus.IDENTIFIED, HazardStatus.RECTIFYING, HazardStatus.ESCALATED)
OPEN_STATUSES = (*RUNNING_STATUSES, HazardStatus.RECTIFIED, HazardStatus.VERIFIED)


class HazardAction(models.TextChoices):
    REGISTER = "register", _("登记")
    START = "start", _("开始整改")
    RECTIFIED = "rectified", _("整改完成")
    VERIFY_PASS = "verify_pass", _("核查通过")
    VERIFY_FAIL = "verify_fail", _("核查未通过")
    CLOSE = "close", _("销号")
    ESCALATE = "escalate", _("上报")
    RAISE_CASE = "raise_case", _("转为事件")
    PHOTO = "photo", _("添加照片")
    OVERDUE = "overdue", _("整改超期")


class DeadlineState(models.TextChoices):
    NORMAL = "normal", _("正常")
    OVERDUE = "overdue", _("已超期")


class PeriodUnit(models.TextChoices):
    DAYS = "days", _("天")
    WEEKS = "weeks", _("周")
    MONTHS = "months", _("月")


class TaskStatus(models.TextChoices):
    PENDING = "pending", _("待排查")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class Answer(models.TextChoices):
    OK = "ok", _("合格")
    PROBLEM = "problem", _("存在问题")
    NOT_APPLICABLE = "na", _("不适用")


class Evaluation(models.TextChoices):
    POSITIVE = "positive", _("满意")
    NEUTRAL = "neutral", _("基本满意")
    NEGATIVE = "negative", _("不满意")
