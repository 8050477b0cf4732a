"""The vocabularies of dispute resolution (多元化解), as TextChoices with Chinese labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    COMMUNITY = "community", _("村（居）人民调解委员会")
    STREET = "street", _("乡镇（街道）人民调解委员会")
    PROFESSIONAL = "professional", _("行业性、专业性人民调解委员会")
    LAWYER = "lawyer", _("律师调解工作室")
    OTHER = "other", _("其他调解组织")


class MediationState(models.TextChoices):
    OPEN = "open", _("调解中")
    CONCLUDED = "concluded", _("已终结")


class Outcome(models.TextChoices):
    AGREEMENT = "agreement", _("调解成功")
    NO_AGREEMENT = "no_agreement", _("调解不成")
    WITHDRAWN = "withdrawn", _("撤回申请")
    REFERRED = "referred", _("分流移送")


class Performance(models.TextChoices):
    PENDING = "pending", _("待履行")
    FULL = "full", _("已履行")
    PARTIAL = "partial", _("部分履行")
    NONE = "none", _("未履行")


class AgreementForm(models.TextChoices):
    WRITTEN = "written", _("书面协议")
    ORAL = "oral", _("口头协议")


class ReferralKind(models.TextChoices):
    LITIGATION = "litigation", _("诉前调解/诉讼")
    LABOUR_ARBITRATION = "labour_arbitration", _("劳动人事争议仲裁")
    COMMERCIAL_ARBITRATION = "commercial_arbitration", _("商事仲裁")
    JUDICIAL_CONFIRMATION = "judicial_confirmation", _("司法确认")
    ADMINISTRATIVE = "administrative", _("行政处理")
    PETITION = "petition", _("信访")


class ReferralState(models.TextChoices):
    PENDING = "pending", _("待接收")
    ACCEPTED = "accepted", _("已接收")
    RETURNED = "returned", _("已退回")
    DONE = "done", _("已办结")


class ReferralOutcome(models.TextChoices):
    RESOLVED = "resolved", _("化解成功")
    CONFIRMED = "confirmed", _("确认有效")
    NOT_CONFIRMED = "not_confirmed", _("不予确认")
    JUDGED = "judged", _("已判决/裁决")
    WITHDRAWN = "withdrawn", _("撤回")
    UNRESOLVED = "unresolved", _("未化解")


class RiskLevel(models.TextChoices):
    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高")


class RiskReason(models.TextChoices):
    THREATS = "threats", _("扬言威胁或过激言行")
    MANY_PEOPLE = "many_people", _("涉及人数多")
    LONG_DURATION = "long_duration", _("持续时间长")
    REPEAT = "repeat", _("反复发生")
    VULNERABLE = "vulnerable", _("涉及弱势群体")
    WAGE_ARREARS = "wage_arrears", _("涉及拖欠工资")
