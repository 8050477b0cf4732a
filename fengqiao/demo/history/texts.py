"""The words of the demo history: a catalogue of Chinese texts and the helpers that fill them in.

``CATALOGUE`` holds title|situation pairs per category and the pieces reports, notes, outcomes
and comments are made of; ``slots`` draws the values a report's templates are filled with (site,
address, project, amount...), ``text`` writes its title and description, ``reporter`` its
contact. Every draw comes from the ``random.Random`` passed in, in a fixed order, so that a seed
gives the same words. Everything is synthetic: people appear as 王某 or 王女士, phone numbers are
1380000xxxx, companies are 某建筑劳务公司.
"""

from __future__ import annotations

import functools
import math
import random
from datetime import tzinfo
from typing import TYPE_CHECKING

from fengqiao.demo.history.rhythms import CONTACT, CROWDS

if TYPE_CHECKING:
    from fengqiao.demo.history.records import Seed
    from fengqiao.demo.history.world import Grid


def slots(r: random.Random, seed: Seed, grid: Grid) -> dict[str, str]:
    """Values for the text templates' slots; a repeat or duplicate keeps its first's."""
    first = seed.origin or seed.duplicate_of
    if first is not None and first.slots:
        return dict(first.slots)
    site = f"{grid.community.name}{r.choice(grid.places)}"
    building, entrance, number = r.randint(1, 24), r.randint(1, 4), r.randint(1, 60)
    if grid.village:
        address, building_text = f"{site}{number}号", f"{number}号"
    else:
        room = f"{r.randint(1, 26)}{r.randint(1, 4):02d}"
        address, building_text = f"{site}{building}栋{entrance}单元{room}", f"{building}栋"
    road, road2 = r.sample(grid.roads, 2)
    n = _crowd(r, seed.code)
    amount = (
        n * r.uniform(2000, 15000) if seed.code == "dispute-wages" else r.lognormvariate(10.3, 0.8)
    )
    values = {
        "site": site,
        "addr": address,
        "bld": building_text,
        "unit": f"{entrance}单元",
        "road": road,
        "road2": road2,
        "project": f"{grid.stem}{r.choice(words('projects'))}",
        "shop": f"{road}某{r.choice(words('shops'))}",
        "org": r.choice(words("orgs")),
        "clinic": f"{grid.stem}{r.choice(words('clinics'))}",
        "school": f"{grid.stem}{r.choice(words('schools'))}",
        "surname": r.choice(words("surnames")),
        "n": str(n),
        "amount": money(amount),
        "small": money(r.randint(3, 50) * 100),
        "months": f"{r.randint(2, 8)}个月",
        "fee": str(r.choice((1.8, 2.0, 2.2, 2.5, 2.8))),
        "mu": str(r.randint(2, 30)),
        "k": str(r.randint(2, 9)),
        "when": r.choice(words("when")),
        "years": str(r.randint(2, 6)),
    }
    return values | dict(seed.hot.slots if seed.hot else ())


def _crowd(r: random.Random, code: str) -> int:
    if code in CROWDS:
        median, spread, low, high = CROWDS[code]
        return min(max(int(r.lognormvariate(math.log(median), spread)), low), high)
    return r.randint(3, 25)


def text(r: random.Random, seed: Seed, kind: str, tz: tzinfo) -> tuple[str, str, int]:
    """Title, description and people involved, from a template pair and the seed's slots; the
    pair chosen is kept on the seed for its repeats and duplicates."""
    pairs = _pairs(seed.code)
    first = seed.origin or seed.duplicate_of
    if first is not None and first.pair >= 0:
        seed.pair = first.pair
    else:
        fixed = [f"{{{k}}}" for k, _ in seed.hot.slots] if seed.hot else []
        choices = [i for i in range(len(pairs)) if any(f in "".join(pairs[i]) for f in fixed)]
        seed.pair = r.choice(choices or range(len(pairs)))
    title, situation = (t.format(**seed.slots) for t in pairs[seed.pair])
    parts = [
        r.choice(words(f"prefix:{seed.channel}") or ("",)),
        situation,
        r.choice(words(f"detail:{kind}") or ("",)),
        r.choice(words(f"ask:{seed.code}") or words(f"ask:{kind}")),
    ]
    if seed.origin is not None:
        day = seed.origin.at.astimezone(tz)
        title = f"再次反映：{title}"
        parts.insert(
            0, f"{day.month}月{day.day}日曾反映同一问题，经调解暂时平息，近日再次发生矛盾。"
        )
    crowd = seed.code in CROWDS or "{n}" in "".join(pairs[seed.pair])
    people = int(seed.slots["n"]) if crowd else r.choices((1, 2, 3, 4, 5), (50, 30, 12, 5, 3))[0]
    return title[:100], "".join(parts), people


def reporter(r: random.Random, seed: Seed) -> tuple[str, str, bool]:
    """Contact name and phone (1380000xxxx), and whether the report is anonymous; a repeat
    comes from the same person."""
    if seed.origin is not None and seed.origin.life is not None:
        case = seed.origin.life.case
        return case.reporter_name, case.reporter_phone, case.anonymous
    if seed.channel == "resident" and r.random() < 0.2:
        return "", "", True
    if r.random() >= CONTACT.get(seed.channel, 0.6):
        return "", "", False
    surname = r.choice(words("surnames"))
    name = surname + r.choice(words("titles")) if r.random() < 0.7 else full_name(r, surname)
    return name, f"1380000{r.randrange(10000):04d}", False


def full_name(r: random.Random, surname: str = "") -> str:
    """A made-up name of two or three characters."""
    given = words("given")
    name = (surname or r.choice(words("surnames"))) + r.choice(given)
    return name + r.choice(given) if r.random() < 0.7 else name


def note(r: random.Random, key: str) -> str:
    """A note for a timeline entry (``[note:<key>]``: escalate, dispatch, yellow, merge...)."""
    return r.choice(words(f"note:{key}"))


def outcome(r: random.Random, seed: Seed, kind: str) -> str:
    """How a case was resolved, for its category or else its kind."""
    outcomes = words(f"outcome:{seed.code}") or words(f"outcome:{kind}")
    return r.choice(outcomes).format(**seed.slots)


def progress(r: random.Random, kind: str) -> str:
    return r.choice(words(f"progress:{kind}") or words("progress:request"))


def money(amount: float) -> str:
    if amount >= 10000:
        return f"{amount / 10000:.1f}万元"
    return f"{round(amount, -2):.0f}元"


@functools.cache
def words(key: str) -> tuple[str, ...]:
    """The items of a catalogue section; a ``chars:`` section is a string of characters."""
    catalogue = _catalogue()
    if f"chars:{key}" in catalogue:
        return tuple("".join(item for row in catalogue[f"chars:{key}"] for item in row))
    return tuple(item for row in catalogue.get(key, []) for item in row)


@functools.cache
def _pairs(code: str) -> tuple[tuple[str, str], ...]:
    return tuple((row[0], row[1]) for row in _catalogue()[f"case:{code}"])


@functools.cache
def _catalogue() -> dict[str, list[list[str]]]:
    sections: dict[str, list[list[str]]] = {}
    rows: list[list[str]] = []
    for raw in CATALOGUE.splitlines():
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            rows = sections.setdefault(line[1:-1], [])
        elif line:
            rows.append(line.split("|"))
    return sections


# The text catalogue. ``[case:<category>]`` sections hold title|situation pairs; the others hold
# |-separated items, an empty item making that part optional. Slots in braces: see slots().
CATALOGUE = """
[case:dispute-neighbour]
{site}{bld}楼上漏水影响楼下住户|{addr}住户反映，楼上卫生间长期渗水，导致其家中天花板霉变、墙皮脱落，多次与楼上沟通未果，双方发生口角。
{site}邻里因生活噪音发生争执|{addr}住户反映，楼上住户{when}经常有拖动家具、小孩跑跳的声音，影响休息，双方已多次争吵。
{site}邻居占用公共过道引发纠纷|{site}{bld}两户邻居因楼道公共区域堆放杂物、鞋柜等问题产生矛盾，{when}发生推搡。
{site}两户因宅基地边界发生争执|{site}{surname}姓村民与邻居因宅基地边界、围墙位置存在争议，对方准备砌墙，双方互不相让。
{site}相邻通行受阻引发邻里矛盾|{site}一户在通往后山的小路上设置障碍，相邻{n}户通行受阻，双方争执不下。
{site}犬只扰民引发邻里纠纷|{addr}住户饲养的大型犬{when}吠叫，且遛狗不拴绳，邻居多次劝说无效，双方关系紧张。
{site}装修损坏楼下墙面引发纠纷|{addr}楼上装修期间破坏防水层，造成楼下墙面、地板受损，双方对赔偿金额（约{small}）意见不一。
{site}空调外机噪音滴水引发争执|{site}{bld}一户空调外机正对邻居窗户，噪音大且滴水，邻居要求移位遭拒，双方争吵。
[case:dispute-family]
{surname}某夫妻因家庭琐事发生争吵|{addr}住户{surname}某与配偶近期因家庭开支、子女教育等问题多次争吵，{when}再次发生激烈口角，邻居听到后报告。
{site}老人赡养问题引发家庭矛盾|{addr}{surname}某的母亲年逾八旬，几个子女对赡养费用和轮流照顾意见不一，老人反映已有{months}无人按时给付生活费。
{surname}某兄妹因房产继承产生纠纷|{surname}某父亲去世后留下位于{site}的住房一套，兄妹{n}人对房屋如何继承分割产生分歧，多次协商未果。
{surname}某反映对方拖欠子女抚养费|{surname}某反映，其离婚后对方不按协议支付子女抚养费，已拖欠{amount}。
{site}婆媳矛盾激化请求调解|{addr}一户家庭婆媳关系紧张，{when}双方发生争执，家中老人情绪激动。
{surname}某反映离婚后探视子女受阻|{surname}某反映离婚后对方以各种理由阻挠其探视孩子，双方多次电话争吵。
[case:dispute-property]
{site}业主与物业因物业费上涨发生纠纷|{site}业主反映，物业公司未经业主大会同意拟上调物业费至每平方米{fee}元，约{n}户业主反对，双方在小区门口发生争执。
{site}电梯频繁故障引发业主与物业矛盾|{site}{bld}电梯近{months}多次困人，业主多次报修，物业以维修资金不足为由拖延，业主情绪激动。
{site}停车收费调整引发业主不满|{site}物业公司调整地面停车收费标准，部分业主拒绝缴费，物业设置道闸不让车辆进入，引发冲突。
{site}业主拒交物业费与物业发生冲突|{addr}业主因房屋渗水长期未维修而拒交物业费，物业公司限制其门禁，双方矛盾激化。
{site}公共维修资金使用引发争议|{site}业主对使用公共维修资金更换水泵的报价和程序有异议，要求公开账目，物业公司未予回应。
{site}业主集体投诉物业服务质量差|{site}业主反映小区垃圾清运不及时、绿化无人管护、门岗形同虚设，约{n}户业主联名要求更换物业。
[case:dispute-wages]
{project}{n}名农民工反映被拖欠工资|{project}{n}名农民工反映，{org}拖欠其{months}工资共计约{amount}，多次找项目部讨要未果，工人聚集在项目部门口。
{org}拖欠{n}名员工工资|{org}因经营困难已停工，{n}名员工反映公司拖欠工资{amount}，老板联系不上。
{n}名工人要求春节前结清工资|{n}名工人反映，{org}承包{project}劳务后以总包未拨款为由拖欠工资{amount}，临近年关急需回家过年。
{site}装修工人讨要工钱|{surname}某等{n}人在{site}从事装修，完工后业主和包工头互相推诿，工钱{amount}至今未结。
{project}班组长反映劳务费未结算|{project}班组长{surname}某反映，劳务分包合同约定的工程款{amount}已逾期{months}未付，手下{n}名工人的工资无法发放。
{surname}某反映工伤后公司拒绝赔偿|{surname}某在{org}工作期间受伤，经鉴定为十级伤残，公司拒绝支付工伤待遇，双方协商无果。
[case:dispute-debt]
{surname}某反映借款到期未还|{surname}某反映，其{months}前借给朋友{amount}，约定半年归还，现对方以生意亏损为由拒不还款。
{site}租户欠租不搬引发纠纷|{addr}房东反映，租户拖欠房租{months}，并拒绝搬离，双方多次发生争吵。
{org}拖欠货款引发纠纷|{surname}某向{org}供应建材，对方拖欠货款{amount}，多次催要无果。
{surname}某与合伙人因分红产生纠纷|{surname}某与他人合伙经营{shop}，因利润分配和账目不清产生矛盾，合伙人拒绝对账。
{site}房东不退押金引发纠纷|{addr}租户反映，租期未满房东要求收回房屋且不退押金{small}。
[case:dispute-consumer]
{shop}关门，预付卡消费者要求退款|{n}名消费者在{shop}办理的预付储值卡尚余{amount}未消费，商家突然关门，老板联系不上。
{site}业主投诉装修公司偷工减料|{addr}业主反映，某装修公司所用材料与合同约定不符，要求返工或赔偿{amount}，公司推诿。
{shop}商品质量问题拒绝退换|{surname}某在{shop}购买的商品使用不到一周即出现故障，商家拒绝退换。
{school}停课不退费|{school}突然停课，{n}名学员家长要求退还已缴学费共计约{amount}。
{surname}某反映家电安装额外收费|{surname}某网购空调，安装师傅上门后额外收取材料费{small}，与商家沟通未果。
[case:dispute-land]
{site}村民因山林权属发生争议|{site}{surname}姓村民与邻组村民对一片约{mu}亩的山林权属各执一词，对方近日上山砍伐树木，双方发生争执。
{site}村民因灌溉用水发生纠纷|{site}两个村民小组因共用水渠的放水顺序发生争吵，正值用水高峰，矛盾较为突出。
{site}土地流转费拖欠引发纠纷|{site}村民{surname}某将承包地流转给种植大户，对方拖欠流转费{amount}，并在地里搭建大棚。
{site}村民反映承包地被他人占用|{site}村民反映其承包的{mu}亩耕地被邻居翻耕种植，双方对地界各有说法。
{site}山塘承包到期续包引发争议|{site}一口山塘承包合同到期，原承包人要求续包，村民小组拟重新发包，双方僵持不下。
[case:dispute-traffic]
{road}两车碰撞后赔偿争议|{road}路口一辆小轿车与电动车发生碰撞，电动车驾驶人{surname}某腿部受伤，双方对责任和医疗费（约{amount}）争执不下。
{road}电动车撞伤行人引发赔偿纠纷|{road}一辆电动自行车撞倒行人{surname}某致其骨折住院，肇事方垫付部分费用后不再支付。
{road}交通事故后对方拒不赔偿|{surname}某驾车被追尾，事故认定书已出具，但对方拒绝按认定书赔偿维修费{small}。
{site}小区内倒车撞伤老人|{site}小区内一辆轿车倒车时撞倒一名老人，家属要求赔偿{amount}，车主认为要价过高。
{road}渣土车撞坏村民围墙|一辆渣土车在{road}转弯时撞坏{site}村民{surname}某的围墙，双方就赔偿金额未达成一致。
[case:dispute-expropriation]
{project}征地补偿标准引发村民不满|{site}{n}户村民反映，{project}征地补偿标准低于周边项目，要求提高补偿，部分村民阻止施工进场。
{site}村民对拆迁安置方案有异议|{site}拆迁户对安置房位置和面积认定有异议，认为评估价格偏低，拒绝签订协议，涉及{n}户。
{project}青苗补偿款未到位|{project}征收土地上的青苗和附着物补偿款{amount}迟迟未发放到户，村民多次到村部询问。
{site}被征地农民社保问题|{site}被征地农民反映，被征地后的社会保障待遇未落实，涉及{n}人。
{project}施工方进场引发对峙|{project}施工队在补偿协议未全部签订的情况下进场施工，与{n}名村民发生对峙。
[case:dispute-medical]
{surname}某家属与{clinic}发生医疗纠纷|{surname}某在{clinic}输液后出现过敏反应，经转院治疗后好转，家属认为诊所存在过错，要求赔偿{amount}。
{clinic}就诊后病情加重引发纠纷|{surname}某在{clinic}治疗{months}后病情未见好转反而加重，认为诊疗不当，双方协商未果。
{surname}某拔牙后感染引发纠纷|{surname}某在{clinic}拔牙后发生感染住院，要求诊所承担医疗费用，诊所不同意。
患者家属在{clinic}聚集讨要说法|患者{surname}某在{clinic}就诊后病情恶化，{n}名家属聚集在诊所门口，情绪激动。
[case:dispute-other]
{site}红白喜事占道引发争执|{site}一户村民办酒席搭棚占用道路，过往车辆无法通行，双方发生争执。
{site}宠物伤人赔偿纠纷|{addr}住户{surname}某被邻居家的狗咬伤，打疫苗花费{small}，双方对赔偿有争议。
{site}居民因停车位发生争执|{site}两名车主因争抢停车位发生口角，一方将对方车辆堵住不让离开。
{site}广场舞场地使用纠纷|{site}两支广场舞队因场地使用时间发生争执，{n}人参与争吵。
{site}建房遮挡采光引发纠纷|{site}村民{surname}某新建房屋加层，遮挡邻居采光，双方多次争吵。
[case:hazard-fire]
{site}{bld}楼道内电动车充电|{site}{bld}{unit}楼道内有{k}辆电动车停放充电，电线从窗户拉出，存在较大火灾隐患。
{site}消防通道被车辆堵塞|{site}小区消防通道长期被私家车占用，消防车无法通行，物业劝导无效。
{site}私拉电线飞线充电|{addr}住户从楼上窗口私拉电线到地面为电动车充电，线路老化裸露。
{site}{bld}消防栓无水、灭火器过期|{site}{bld}消防栓打开无水，楼层灭火器已过期{years}年，无人更换。
{shop}“三合一”场所住人|{shop}一层经营、二层仓储、阁楼住人，形成“三合一”场所，无独立疏散通道。
{site}楼道堆放大量易燃杂物|{site}{bld}楼道堆放纸箱、旧家具等大量易燃杂物，堵塞安全出口。
{site}老人室内烤火存在隐患|{site}一户老人冬季在室内用木炭烤火取暖，门窗紧闭，存在火灾和一氧化碳中毒隐患。
[case:hazard-road]
{road}路面塌陷形成深坑|{road}靠近{site}路段路面塌陷，形成约一米宽的深坑，夜间无警示，已有电动车摔倒。
{road}路口信号灯损坏|{road}与{road2}交叉口信号灯损坏{k}天，早晚高峰车辆抢行，险情不断。
{road}暴雨后大面积积水|{road}下穿通道暴雨后积水深约半米，有车辆熄火被困。
{road}弯道缺少警示标志|{road}靠近{site}的急弯处没有减速和警示标志，近期发生多起剐蹭。
{site}路段井盖缺失|{site}门口人行道井盖缺失，仅用树枝遮挡，行人特别是小孩容易跌落。
{road}桥梁护栏损坏|{road}跨河小桥护栏被车辆撞断约{k}米，未设置临时防护。
[case:hazard-construction]
{project}围挡倒塌|{project}临街围挡被大风吹倒，砸在人行道上，施工方未及时处理。
{project}塔吊作业覆盖居民区|{project}塔吊作业半径覆盖{site}居民楼，吊装时下方无人警戒。
{project}深基坑临边无防护|{project}深基坑临边防护缺失，紧邻人行通道，存在坠落风险。
{project}高空坠物砸坏车辆|{project}施工时有钢管从高处坠落，砸坏{site}门口停放的车辆。
{project}脚手架搭设不规范|{project}外墙脚手架未设置连墙件，部分立杆悬空，工人仍在上面作业。
[case:hazard-production]
{org}无证生产存在安全隐患|{site}附近{org}在民房内无证生产，车间电线杂乱，无消防设施。
{site}小作坊违规存放液化气瓶|{site}一处小作坊存放液化气瓶{k}个，与居住区域未分隔。
{org}粉尘车间除尘设施缺失|{org}打磨车间粉尘弥漫，未安装除尘设施，工人未佩戴防护用品。
{site}废品收购站存放危险物品|{site}废品收购站露天堆放废旧油桶和化学品包装，周边为居民区。
{org}有限空间作业无防护|{org}安排工人清理地下污水池，未进行气体检测，无人监护。
[case:hazard-public-order]
{site}夜间有人聚众赌博|群众反映{site}一处棋牌室{when}有人聚众赌博，人员进出频繁。
{shop}深夜醉酒闹事|{shop}经常有人深夜醉酒闹事，打砸桌椅，周边居民不敢出门。
{site}多辆电动车电瓶被盗|{site}近一周发生{k}起电动车电瓶被盗，车棚无监控、无照明。
{site}小区门禁损坏陌生人随意进出|{site}小区门禁损坏{months}无人维修，夜间陌生人随意进出，居民担心安全。
{road}有人兜售管制刀具|{road}夜市有摊贩兜售管制刀具，有中学生围观购买。
[case:hazard-housing]
{site}{bld}墙体出现明显裂缝|{site}{bld}外墙和楼梯间出现多条贯穿裂缝，最宽处可塞进手指，住户担心安全。
{site}老旧土坯房有倒塌危险|{site}一处老旧土坯房墙体倾斜，屋顶部分垮塌，仍有{n}位老人居住。
{site}自建房违规加层|{site}村民{surname}某在原有两层房屋上加盖两层，未经审批，底层墙体已开裂。
{site}阳台底板钢筋外露|{site}{bld}多户阳台底板混凝土脱落、钢筋外露锈蚀，下方为人行通道。
{site}房屋地基下沉|{site}一栋住宅地基下沉，门窗变形无法关闭，住户{n}户。
[case:hazard-food-drug]
{shop}销售过期食品|{surname}某在{shop}购买的牛奶已过保质期{k}天，货架上还有同批次产品在售。
{site}流动摊贩无证售卖熟食|{site}门口有流动摊贩无证售卖卤菜熟食，无防尘防蝇设施。
{shop}后厨卫生条件差|{shop}后厨污水横流，食材直接堆放在地上，有老鼠出没。
{site}药店无处方销售处方药|{site}附近一家药店无处方销售抗生素等处方药。
{school}食堂食材来源不明|{school}食堂使用的肉类无检疫证明，家长担心食品安全。
[case:hazard-geological]
{site}后山出现裂缝，有滑坡风险|{site}后山坡体出现一条长约{k}十米的裂缝，坡下有{n}户居民，连日降雨，险情可能加剧。
{site}降雨后边坡局部垮塌|{site}连续降雨后房屋后侧边坡局部垮塌，土石堆到墙根，住户已自行撤离。
{road}路边山体落石|{road}靠近{site}路段山体不断有落石，最大的约半立方米，车辆通行危险。
{site}地面出现塌陷坑|{site}菜地中突然出现直径约{k}米的塌陷坑，周边房屋地面有细小裂缝。
{site}房后挡土墙开裂|{site}村民{surname}某房后挡土墙开裂外鼓，雨季随时可能倒塌。
[case:request-environment]
{site}垃圾堆积无人清运|{site}垃圾收集点垃圾堆积已有{k}天，气味难闻，蚊蝇滋生。
{road}占道经营影响通行|{road}靠近{site}路段有摊贩长期占道经营，早晚高峰行人只能走机动车道。
{site}小广告乱贴乱画|{site}{bld}楼道和单元门上贴满开锁、通下水道小广告，清理后很快又贴上。
{site}生活污水直排河道|{site}附近有排污口将生活污水直排入河，河水发黑发臭。
{road}渣土车抛洒滴漏|{road}渣土车沿途抛洒泥土，晴天扬尘、雨天泥泞，居民意见很大。
{shop}油烟直排扰民|{shop}未安装油烟净化设施，油烟直排进{site}{bld}住户窗户。
{site}绿化带被毁种菜|{site}公共绿化带被部分居民毁绿种菜，还浇灌粪水，气味难闻。
[case:request-construction]
{project}夜间施工噪音扰民|{project}{when}仍在施工，打桩和混凝土泵车噪音很大，{site}居民无法入睡。
{project}施工扬尘严重|{project}土方作业未洒水、未覆盖，{site}居民家中窗台一天就积一层灰。
{project}渣土车带泥上路|{project}出入口未设置洗车平台，渣土车带泥上路，{road}路面泥泞。
{project}施工堵塞居民出行道路|{project}施工围挡占用{site}出入通道，居民只能绕行，老人小孩出行不便。
有人阻挠{project}正常施工|{project}项目部反映，有{n}名附近人员以施工影响为由堵在工地门口，阻挠车辆进出，要求给予补偿。
{project}施工震裂周边房屋|{site}居民反映，{project}打桩施工后家中墙体出现裂缝，要求施工方鉴定赔偿。
[case:request-facilities]
{road}路灯不亮|{road}靠近{site}路段有{k}盏路灯不亮，夜间行人看不清路。
{site}井盖破损|{site}{bld}门口雨水井盖破损下陷，容易绊倒行人。
{site}健身器材损坏|{site}广场健身器材多处断裂生锈，有老人锻炼时受伤。
{road}公交站台雨棚破损|{road}公交站台雨棚玻璃破碎，雨天候车乘客无处躲雨。
{site}排水管道堵塞|{site}{bld}排水管道堵塞，污水从一楼地漏冒出。
{site}楼道灯损坏|{site}{bld}{unit}楼道灯损坏{months}，老人晚上上下楼不便。
[case:request-noise]
{shop}夜间音响扰民|{shop}{when}播放音乐、喊麦，音响声音很大，{site}{bld}住户无法休息。
{site}广场舞音响声音过大|{site}广场舞音响{when}声音过大，附近住户多次沟通无效。
{site}{bld}装修噪音扰民|{addr}装修{when}施工，电钻声不断，违反装修时间规定。
{shop}KTV噪音扰民|{shop}{when}唱歌声音很大，低音震动楼板，楼上住户无法入睡。
{site}早市商贩叫卖噪音|{site}门口早市商贩{when}用喇叭循环叫卖，附近住户不堪其扰。
{site}冷却塔噪声扰民|{site}旁商场楼顶冷却塔昼夜运行，噪声很大，住户要求整改。
[case:request-other]
{site}居民建议增设停车位|{site}车位严重不足，车辆乱停乱放，居民建议利用闲置空地增设停车位。
{site}自来水水压不足|{site}{bld}高楼层住户反映自来水水压不足，早晚用水高峰基本无水。
{site}居民咨询老旧小区改造|{site}居民咨询老旧小区改造的时间安排和加装电梯政策。
{site}居民要求增加公交线路|{site}居民反映附近没有公交线路，老人看病买菜出行困难。
{site}快递柜设置不合理|{site}快递柜设在消防通道旁，取件人员聚集，居民建议挪位。
[case:petition-general]
{surname}某反映安置房办证问题|{surname}某来访反映，其安置房交房已{years}年仍未办理不动产权证，多次询问无果。
{surname}某反映企业改制职工待遇问题|{surname}某等{n}人反映原企业改制时职工身份置换补偿未落实。
{n}名群众联名反映{project}补偿问题|{n}名群众联名来信，反映{project}征拆补偿款分配不公，要求公开分配方案。
{surname}某来信反映低保待遇问题|{surname}某来信反映，其家庭困难但低保申请未获批准，对审核结果有异议。
{surname}某反映历史遗留宅基地问题|{surname}某来访反映，其家中宅基地在上世纪被占用，多年未得到解决。
[case:emergency-general]
{site}发生火情|{site}{bld}一户厨房起火，浓烟从窗户冒出，楼内有老人未撤离。
{road}发生多车相撞事故|{road}发生三车追尾事故，有人员受伤，交通严重拥堵。
{site}老人走失|{site}一名患有阿尔茨海默病的老人{when}走失，家属正在寻找。
{site}暴雨致居民被困|暴雨导致{site}低洼处积水，{n}户居民被困，需要转移。
{project}发生工人坠落事故|{project}一名工人从脚手架坠落，已送医，现场工友情绪激动。
{site}燃气泄漏|{site}{bld}楼道内闻到浓烈燃气味，住户已自行疏散。
[ask:dispute]
请求组织调解。|希望有关部门尽快介入调处。|双方情绪激动，请尽快介入，防止矛盾激化。|请求依法调处，维护合法权益。|已初步劝导，需进一步调解。|
[ask:hazard]
请尽快督促整改。|存在较大安全风险，请尽快处置。|已现场劝导并拍照留存，需跟踪整改。|建议联合相关部门开展检查。|
[ask:request]
请尽快处理。|希望有关部门管一管。|已反映多次，希望尽快解决。|请协调相关单位处理。|
[ask:petition]
请求依法依规答复。|请求有关部门协调解决。|
[ask:emergency]
请立即派员到场处置。|已拨打110，请综治中心同步跟进。|
[ask:dispute-wages]
工人扬言要到区政府反映，请尽快协调处置。|请求人社部门介入，督促企业支付工资。|请街道牵头组织劳资双方协商。|请关注，防止发生堵路等过激行为。
[detail:dispute]
双方系多年邻居。|此前村（居）委会已做过工作。|反映人已提供照片和聊天记录。|||
[detail:hazard]
已拍照上传。|周边有学校和居民区。|||
[detail:request]
周边居民意见较大。|已拍照上传。|||
[prefix:grid_worker]
网格员走访发现：|网格员巡查发现：|
[prefix:hotline]
市民来电反映：|12345热线转办：|来电人反映：
[prefix:walk_in]
群众来访反映：|来访人反映：
[prefix:resident]
||群众通过手机上报：
[outcome:dispute]
经调解员组织双方当面协商，双方达成一致，签订人民调解协议书，矛盾已化解。|经耐心释法说理，双方互谅互让，达成口头协议并已当场履行。
组织双方及村（居）委会干部协商，达成调解协议，约定一个月内履行完毕。|经调解未能达成一致，已引导当事人通过诉讼途径解决，并做好稳控工作。
经司法所主持调解，双方达成协议并申请司法确认。|已联系相关责任方，对方同意承担相应费用，纠纷已化解。
[outcome:dispute-wages]
经人社部门约谈企业负责人，企业已支付拖欠工资{amount}，工人已领取。|经街道牵头协调，总包单位代发工资，{n}名工人工资已全部结清。
企业承诺分期支付，首期款已到位，人社部门持续跟踪。|已下达劳动保障监察限期改正指令书，企业已足额支付工资。
[outcome:dispute-property]
物业公司同意暂缓调价，待业主大会表决后再议。|经协调，物业公司已完成维修，业主同意补交物业费。|住建部门约谈物业公司，督促其限期整改服务问题，业主代表认可。
[outcome:hazard]
已下达整改通知，责任单位已完成整改，经复查隐患已消除。|已组织清理，隐患已消除。|已设置警示标志并安排专人值守，相关部门已完成处置。
已督促责任人落实整改措施，复查合格。
[outcome:hazard-geological]
已组织受威胁群众临时转移，专业队伍完成边坡排险并设置监测点。|已设置警戒区，自然资源部门现场勘查后完成应急治理。
[outcome:request]
已协调责任单位处理完毕，现场已恢复正常。|执法人员已到场处理，责令限期整改，复查已整改到位。|已维修完毕，反映人确认。|已清理完毕，并安排人员定时巡查。
[outcome:request-construction]
已约谈施工单位，调整施工时间，夜间停止高噪声作业，并落实洒水降尘措施。|已协调项目部与居民代表沟通，施工方承诺加强管理，问题已解决。
[outcome:request-noise]
民警到场劝导，经营者已调低音量并承诺22点后停止使用音响。|已约谈经营者，责令整改，现场复查噪声已降低。
[outcome:petition]
已书面答复信访人，信访人表示接受。|已协调相关部门召开协调会，问题已按政策解决。
[outcome:emergency]
已处置完毕，无人员伤亡，现场已恢复正常。|已协调救援力量处置，伤者已送医，后续工作由相关部门跟进。
[on_spot:dispute]
网格员现场劝导，双方各让一步，矛盾当场化解。|网格员联合楼栋长现场协调，双方达成一致。|现场释法说理，当事人表示理解，纠纷已平息。
[on_spot:hazard]
已现场督促整改，杂物已清理完毕。|已劝导住户将电动车移出楼道并停止飞线充电。|已现场设置警示标识，隐患已排除。
[on_spot:request]
网格员现场协调，问题已解决。|已联系保洁人员现场清理完毕。|已劝导经营者整改，现场恢复正常。
[progress:dispute]
已电话联系双方当事人了解情况。|已上门走访核实情况。|已组织第一次调解，双方分歧较大，约定再次协商。|已邀请法律顾问参与，向双方释法说理。
[progress:hazard]
已现场核查，隐患属实，已下达整改通知书。|已设置警示标志，安排专人值守。|整改正在进行中，预计近期完成。|已联系产权单位落实整改责任。
[progress:request]
已转告责任单位，正在协调处理。|已现场查看，正在制定处理方案。|已约谈相关经营者，责令限期整改。
[progress:petition]
已约见信访人，听取诉求。|已调阅历史档案，正在核实政策依据。
[progress:emergency]
已派员到场处置。|现场已得到控制，正在做好后续工作。
[note:escalate]
涉及人数较多，本级调处难度大，请求上级协调。|当事人诉求超出本级职责范围，需上级协调相关部门。|经两次调解未果，矛盾有激化风险，提请上级调处。
需职能部门处置，提请上级统筹。
[note:reject]
反映事项已进入诉讼程序，已告知当事人依法处理。|反映内容不具体、无法核实，联系反映人补充未果。|不属于本平台受理范围，已告知向相关单位反映。
[note:dispatch]
请按时限办理并及时反馈。|请尽快核实处置。|涉及群众切身利益，请妥善处理。|
[note:assign_down]
请属地社区先行调处。|由社区就近处理，街道跟踪。|
[note:return]
该事项不属于本单位职责范围，请重新交办。|经核实应由其他部门负责，予以退回。
[note:extension]
需等待鉴定结果，申请延期。|涉及多个部门协调，申请延期。|当事人外出务工，暂无法组织调解，申请延期。|整改工程量较大，申请延期。
[note:yellow]
该事件已超期，请加快办理，两个工作日内反馈进展。|群众反映强烈，请抓紧办理。
[note:red]
该事件严重超期，请主要负责人亲自督办，限期办结。
[note:close]
||经核查，办理结果属实，予以结案。
[note:verify_fail]
办理结果反馈不完整，请补充现场照片后重新办结。|经电话核实问题尚未解决，请继续办理。
[note:satisfied]
电话回访，反映人对处理结果表示满意。|上门回访，当事人表示问题已解决。|回访时双方关系已缓和，未再发生矛盾。|电话回访，反映人认可处理结果。
[note:unsatisfied]
回访时反映人表示问题未彻底解决，已反馈承办单位。|反映人对办理时间过长有意见，已做好解释工作。
[note:merge]
与在办事件反映同一问题，合并办理。
[comment:satisfied]
||处理及时，谢谢！|工作人员态度很好。|问题解决了，很满意。
[comment:basic]
|基本解决了，希望以后再快一点。|处理结果还可以。
[comment:unsatisfied]
拖了很久才处理。|问题没有根本解决。|
[chars:surnames]
王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜戴夏钟汪田
任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文
[chars:given]
伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌辉鹏飞宇浩晨曦雪梅海燕子涵欣怡思远嘉豪俊雨婷春生德胜秋菊
[titles]
女士|先生|师傅|阿姨|大爷|女士|先生
[estate_words]
金桂|翠竹|阳光|和美|景华|尚品|馨园|锦绣|紫薇|枫林|御景|康乐|福星|春晓
[estate_suffixes]
小区|花园|雅苑|家园|新村|公寓|佳苑|名邸
[village_groups]
一组|二组|三组|四组|五组|六组|七组|八组|九组|十组
[road_suffixes]
路|大道|东路|北路|街|西路
[shops]
烧烤店|超市|KTV|餐馆|棋牌室|便利店|小吃店|水果店|酒吧|奶茶店
[orgs]
某建筑劳务公司|某装饰工程公司|某电子厂|某物流公司|某餐饮公司|某汽配厂|某家具厂|某建材商行
[projects]
安置房项目|道路改造工程|综合管廊工程|产业园项目|学校建设项目|棚改项目
[clinics]
社区卫生服务站|某诊所|某口腔诊所|某中医馆
[schools]
某培训机构|某幼儿园|某艺术培训学校|某托管中心
[when]
晚上十点以后|深夜|凌晨一两点|中午午休时间|每天早上六点左右|周末白天|近一周每天晚上
"""
