"""Benchmark of fengqiao.textintel.dedup on synthetic Chinese reports, pinned to one CPU core.

Run from the repository root::

    python bench/dedup.py [--n 1000000] [--dup-share 0.1] [--queries 2000] [--seed 7]
                          [--text-only] [--json]

It generates ``--n`` governance complaints from templates (noise, parking, wage arrears, leaks,
property management, ...) with varied places, names and numbers, of which ``--dup-share`` are
near-duplicates of another report: character edits, reordered clauses, synonym substitution, an
added phone number or date, reported within 300 m and 5 days of the original. It then

- builds a :class:`DuplicateIndex` of all of them (time, peak RSS, index size),
- finds every duplicate pair in the batch and scores them against the injected pairs (every pair
  within a group of an original and its duplicates is a true pair; anything else found is a
  false positive),
- queries ``--queries`` duplicates against the full index (excluding themselves) and records the
  latency (p50/p95/p99) and whether the original came back.

``--text-only`` ignores place and time (a harder test of the text measure alone). The exit status
is 1 if precision < 0.95, recall < 0.94 or query p95 > 5 ms.
"""

from __future__ import annotations

import os
import sys

# Pin before numpy is imported, so no library starts helper threads on other cores.
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"
_CPU = min(os.sched_getaffinity(0))
os.sched_setaffinity(0, {_CPU})
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from fengqiao.textintel.dedup import DedupConfig, DuplicateIndex, Report  # noqa: E402

LON0, LAT0 = 113.1, 27.8  # south-west corner of a 20 km x 22 km district
SPAN_LON, SPAN_LAT = 0.2, 0.2
START = 1_700_000_000.0
SPAN_S = 2 * 365 * 86_400.0

STREETS = [
    "学林街道", "龙头铺街道", "云田镇", "枫溪街道", "荷塘街道", "芦淞街道", "建设街道",
    "白关镇", "响石岭街道", "明照乡", "仙庾镇", "嵩山路街道",
]  # fmt: skip
ROADS = [
    "枫林路", "长江北路", "黄河南路", "珠江路", "建设中路", "人民东路", "新华西路", "云龙大道",
    "智慧路", "湘江路", "神农大道", "泰山路", "华山路", "庐山路", "衡山东路", "红旗路",
    "天台路", "栗雨路", "金山路", "炎帝大道", "铁东路", "车站路", "解放街", "文化路",
]  # fmt: skip
ESTATE_A = [
    "翠湖", "金桂", "锦绣", "阳光", "枫丹", "碧水", "紫薇", "东方", "盛世", "龙湾", "湘府",
    "御景", "书香", "青竹", "滨江", "和美", "佳园", "凤凰", "新天地", "万家", "华庭", "云麓",
]  # fmt: skip
ESTATE_B = ["苑", "小区", "花园", "家园", "新村", "华府", "名城", "雅居", "公馆", "丽都"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉兵飞斌"
SHOPS = [
    "烧烤店", "KTV", "麻将馆", "酒吧", "早餐店", "汽修店", "网吧", "广场舞队", "装修队",
    "夜宵摊", "洗车店", "棋牌室", "健身房", "超市",
]  # fmt: skip
FIRMS_A = ["鑫源", "华通", "宏达", "恒信", "众诚", "德润", "盛达", "天宇", "顺发", "永安"]
FIRMS_B = ["建筑工程有限公司", "劳务公司", "物业管理公司", "餐饮管理公司", "装饰公司", "制造厂"]

# Each template is a list of clauses; each clause has alternative phrasings. Placeholders:
# {place} {estate} {road} {name} {shop} {firm} {n} {money} {months} {hour} {floor}.
TEMPLATES: list[list[list[str]]] = [
    [  # noise
        ["{place}{shop}每天晚上噪音扰民", "{place}附近的{shop}经营到深夜声音很大",
         "{estate}楼下{shop}长期夜间噪音严重", "{road}边上{shop}音响开得震天响"],
        ["一直持续到凌晨{hour}点", "经常闹到夜里{hour}点多", "每晚{hour}点以后还不停",
         "周末更是通宵达旦"],
        ["附近{n}户居民无法正常休息", "老人小孩整夜睡不着", "楼上住户被吵得神经衰弱",
         "已经严重影响到{floor}楼住户的生活"],
        ["多次找{name}协商没有结果", "打过几次110也没有改善", "向社区反映过{n}次",
         "业主群里大家意见很大"],
        ["请求相关部门尽快依法处理", "希望城管和环保部门来现场执法", "请有关部门管一管",
         "恳请领导重视予以解决"],
    ],
    [  # parking
        ["{estate}门口{road}上车辆乱停乱放", "{place}消防通道被私家车长期占用",
         "{road}与{road2}交叉口两侧停满了车", "{estate}地下车库入口经常被堵"],
        ["早晚高峰堵得水泄不通", "救护车和消防车根本进不来", "行人只能走机动车道",
         "学生上学放学很危险"],
        ["物业说管不了", "交警来贴过{n}次罚单又照样停", "{name}的车已经停了{months}个月没动",
         "小区车位{n}个远远不够"],
        ["建议增设停车位并加强巡查", "请交警部门定期清理违停车辆", "希望施划停车线规范管理",
         "请相关部门拿出解决办法"],
    ],
    [  # wage arrears
        ["{firm}拖欠我们{n}名工人工资", "我在{firm}做了{months}个月一分钱工资没拿到",
         "{place}工地的{firm}欠薪不发", "{firm}老板{name}拖欠农民工血汗钱"],
        ["共计{money}元", "累计欠款{money}元", "人均被欠{money}元左右", "总金额超过{money}元"],
        ["多次讨要老板都推脱", "包工头{name}电话已经打不通", "公司说要等甲方付款",
         "去劳动监察大队登记过还没有回音"],
        ["马上过年了家里等着用钱", "孩子学费都交不起", "工友们情绪很激动",
         "已经有人说要去堵门"],
        ["请人社局尽快帮我们追回工资", "请求政府主持公道", "希望劳动监察部门介入",
         "恳请领导督促{firm}立即支付"],
    ],
    [  # leaks
        ["{estate}{n}栋{unit}单元楼顶漏水", "{estate}{n}栋{floor}楼卫生间渗水到楼下",
         "{place}{n}栋外墙开裂下雨就漏", "{estate}{n}栋地下管道破裂污水横流"],
        ["已经持续{months}个月", "每次下雨墙面都在滴水", "天花板霉变脱落",
         "楼下{name}家的家具都泡坏了"],
        ["找物业维修一直推脱说要动用维修基金", "开发商说过了保修期", "上下楼邻居互相推诿",
         "报修{n}次没人上门"],
        ["请住建部门督促维修", "希望社区协调解决", "请相关部门尽快处理以免发生危险",
         "恳请领导过问"],
    ],
    [  # property management
        ["{estate}物业服务质量差", "{place}{firm}物业收费不合理", "{estate}物业公司擅自涨价",
         "{estate}物业强行断水断电"],
        ["电梯经常坏{n}天修不好", "垃圾堆了{n}天没人清运", "物业费从{money}元涨到每平方{n}元",
         "停车费一个月收{money}元"],
        ["业主委员会多次交涉无果", "物业经理{name}态度恶劣", "公共收益去向不明",
         "小区绿化被改成停车位"],
        ["请房产局依法查处", "希望街道指导成立业委会", "请求更换物业公司",
         "请相关部门监督物业履行合同"],
    ],
    [  # illegal construction
        ["{estate}{n}栋顶楼业主私搭乱建", "{place}有人在绿化带上违章建房",
         "{road}旁边正在违建{n}层楼", "{estate}一楼住户{name}私自扩建院子"],
        ["占用公共空间{n}平方米", "破坏房屋承重结构", "挡住了其他住户的采光",
         "施工垃圾堆满通道"],
        ["向城管举报{n}次仍在施工", "社区来看过但没有制止", "业主{name}态度蛮横",
         "晚上偷偷施工"],
        ["请城管局依法拆除", "希望执法部门立即制止", "请相关部门查处违建",
         "恳请领导重视"],
    ],
    [  # road and street lights
        ["{road}{place}路段路面坑洼不平", "{road}路灯坏了{months}个月",
         "{road}人行道地砖大面积破损", "{road}下水道井盖缺失"],
        ["晚上一片漆黑", "已经有{n}人摔伤", "电动车经过经常摔倒", "下雨积水很深"],
        ["反映过{n}次没有维修", "市政说不归他们管", "施工队挖开后一直没有恢复",
         "周边{n}个小区的居民出行不便"],
        ["请市政部门尽快修复", "希望相关部门加快施工进度", "请求尽早安装路灯",
         "请有关部门给个说法"],
    ],
    [  # pollution
        ["{place}{firm}排放刺鼻气味", "{road}附近工厂夜间偷排污水",
         "{estate}旁边搅拌站粉尘污染严重", "{place}垃圾站臭气熏天"],
        ["周边{n}户居民深受其害", "河水都变成了黑色", "窗户都不敢开", "孩子经常咳嗽"],
        ["环保部门来检查时就停产", "投诉{n}次没有结果", "{name}说他们有手续",
         "已经持续{months}个月"],
        ["请生态环境局严查", "希望关停违法企业", "请求检测空气质量并公布结果",
         "请有关部门彻底整治"],
    ],
    [  # neighbour dispute
        ["我与邻居{name}因{what}发生纠纷", "{estate}{n}栋两户人家因{what}争吵不断",
         "{place}邻居{name}长期{what}", "楼上{name}家{what}影响我家"],
        ["已经持续{months}个月", "多次协商未果", "双方差点动手", "社区调解过{n}次"],
        ["对方态度强硬拒不整改", "物业说是邻里矛盾不管", "派出所说属于民事纠纷",
         "我家老人因此生病住院"],
        ["请求社区再次调解", "希望人民调解委员会介入", "请相关部门主持公道",
         "请求依法处理"],
    ],
    [  # school and education
        ["{place}{school}乱收费", "{school}强制学生订购教辅资料", "{school}周边{shop}影响学生",
         "{school}食堂卫生状况差"],
        ["每生收取{money}元", "涉及{n}名学生", "已经{months}个月了", "家长们敢怒不敢言"],
        ["向学校反映后没有回应", "老师{name}说是上面要求的", "家长委员会也无能为力",
         "其他学校没有这种情况"],
        ["请教育局调查处理", "希望相关部门规范收费", "请求退还费用",
         "恳请领导关注"],
    ],
]  # fmt: skip
WHAT = ["噪音", "漏水", "占用楼道", "养狗", "装修", "停车位", "堆放杂物", "油烟"]
SCHOOLS = ["实验小学", "第二中学", "明德学校", "育才小学", "外国语学校", "第五中学"]

SYNONYMS = [
    ("噪音", "噪声"), ("扰民", "影响居民"), ("请求", "恳请"), ("希望", "盼望"), ("尽快", "尽早"),
    ("相关部门", "有关部门"), ("多次", "好几次"), ("严重", "非常"), ("业主", "住户"),
    ("拖欠", "克扣"), ("工资", "工钱"), ("漏水", "渗水"), ("乱停乱放", "随意停放"),
    ("投诉", "反映"), ("处理", "解决"), ("居民", "群众"), ("物业", "物管"), ("已经", "已"),
    ("没有", "没"), ("长期", "长时间"), ("每天", "天天"), ("立即", "马上"),
]  # fmt: skip


@dataclass
class Corpus:
    texts: list[str]
    lon: np.ndarray
    lat: np.ndarray
    t: np.ndarray
    group: np.ndarray  # id of the original each report belongs to (itself for originals)


GENERIC = [
    "我是{estate}的业主", "我住在{road}附近已经{months}年了", "这个问题从去年就开始了",
    "{name}家的孩子今年要中考", "家里有{n}岁的老人需要安静", "我们都是普通老百姓",
    "之前在网上也反映过", "社区网格员{name}也知道这个情况", "周边{n}栋楼的住户都有意见",
    "大家已经联名签字", "我本人身体不好经常失眠", "我们上班很辛苦晚上需要休息",
    "这种情况在{street}很普遍", "听说隔壁小区也有类似问题", "之前开会时领导说会处理",
    "我们愿意配合调查", "有照片和视频可以作证", "请不要再推来推去",
    "物业经理{name}说要请示上级", "我们交了{money}元押金", "已经拨打过12345热线",
    "{months}个月前就报过", "这里住着{n}多户人家", "附近还有一所幼儿园",
    "夏天的时候尤其严重", "每逢下雨就更加明显", "大家心里都很着急",
    "我们也理解政府工作忙", "相信政府一定能解决", "不然只能向上级反映",
]  # fmt: skip


def _fill(rng: random.Random) -> tuple[list[str], str]:
    """One original report: opening, 2–4 body clauses, 0–2 generic ones, a request."""
    template = rng.choice(TEMPLATES)
    estate = rng.choice(ESTATE_A) + rng.choice(ESTATE_B)
    road, road2 = rng.sample(ROADS, 2)
    street = rng.choice(STREETS)
    values = {
        "estate": estate,
        "road": road,
        "road2": road2,
        "street": street,
        "place": street + rng.choice([road, estate, road + estate]),
        "name": rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2))),
        "shop": rng.choice(SHOPS),
        "firm": rng.choice(FIRMS_A) + rng.choice(FIRMS_B),
        "school": street[:2] + rng.choice(SCHOOLS),
        "what": rng.choice(WHAT),
        "n": str(rng.randint(2, 60)),
        "unit": str(rng.randint(1, 6)),
        "floor": str(rng.randint(1, 33)),
        "money": str(rng.randint(8, 900) * 100),
        "months": str(rng.randint(2, 18)),
        "hour": str(rng.randint(1, 4)),
    }
    body = [c for alternatives in template[1:-1] for c in alternatives]
    chosen = [rng.choice(template[0])]
    chosen += rng.sample(body, rng.randint(2, 4))
    chosen += rng.sample(GENERIC, rng.randint(0, 2))
    rng.shuffle(chosen)  # resident narratives wander; the clause order carries little
    chosen.append(rng.choice(template[-1]))
    clauses = [c.format(**values) for c in chosen]
    return clauses, rng.choice(["，", "。", "；", "，"])


def _perturb(rng: random.Random, clauses: list[str]) -> list[str]:
    """A near-duplicate: 1–3 of edits, reordering, synonyms, phone number, date."""
    clauses = list(clauses)
    kinds = rng.sample(["edit", "reorder", "synonym", "phone", "date"], k=rng.randint(1, 3))
    if "reorder" in kinds and len(clauses) > 2:
        i, j = rng.sample(range(len(clauses)), 2)
        clauses[i], clauses[j] = clauses[j], clauses[i]
    if "synonym" in kinds:
        for _ in range(2):
            word, other = rng.choice(SYNONYMS)
            clauses = [c.replace(word, other) for c in clauses]
    if "edit" in kinds:
        for _ in range(rng.randint(1, 3)):
            k = rng.randrange(len(clauses))
            c = clauses[k]
            p = rng.randrange(len(c))
            op = rng.choice("sdi")
            ch = rng.choice(GIVEN + SURNAMES)
            clauses[k] = c[:p] + (ch if op != "d" else "") + c[p + (op != "i") :]
    if "phone" in kinds:
        phone = f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}"
        clauses.append(rng.choice(["联系电话", "我的电话", "手机"]) + phone)
    if "date" in kinds:
        stamp = f"{rng.randint(2023, 2025)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"
        clauses.insert(0, stamp + rng.choice(["", "反映", "起"]))
    return clauses


def generate(n: int, dup_share: float, seed: int) -> Corpus:
    rng = random.Random(seed)
    n_dup = int(n * dup_share)
    n_orig = n - n_dup
    texts: list[str] = []
    parts: list[tuple[list[str], str]] = []
    for _ in range(n_orig):
        clauses, sep = _fill(rng)
        parts.append((clauses, sep))
        texts.append(sep.join(clauses) + "。")
    nrng = np.random.default_rng(seed)
    lon = np.empty(n)
    lat = np.empty(n)
    t = np.empty(n)
    lon[:n_orig] = LON0 + SPAN_LON * nrng.random(n_orig)
    lat[:n_orig] = LAT0 + SPAN_LAT * nrng.random(n_orig)
    t[:n_orig] = START + SPAN_S * nrng.random(n_orig)
    group = np.arange(n)
    originals = nrng.integers(0, n_orig, size=n_dup)
    group[n_orig:] = originals
    # Within 300 m (about 0.0027 degrees) and 5 days of the original.
    lon[n_orig:] = lon[originals] + nrng.uniform(-0.002, 0.002, n_dup)
    lat[n_orig:] = lat[originals] + nrng.uniform(-0.002, 0.002, n_dup)
    t[n_orig:] = t[originals] + nrng.uniform(0, 5 * 86_400.0, n_dup)
    for o in originals.tolist():
        clauses, sep = parts[o]
        texts.append(sep.join(_perturb(rng, clauses)) + "。")
    return Corpus(texts, lon, lat, t, group)


def _reports(c: Corpus, text_only: bool) -> Iterator[Report]:
    lon, lat, t = c.lon.tolist(), c.lat.tolist(), c.t.tolist()
    for i, text in enumerate(c.texts):
        if text_only:
            yield Report(i, text)
        else:
            yield Report(i, text, lon[i], lat[i], t[i])


def _true_pairs(group: np.ndarray) -> set[tuple[int, int]]:
    members: dict[int, list[int]] = {}
    for i, g in enumerate(group.tolist()):
        if g != i:
            members.setdefault(g, [g]).append(i)
    out = set()
    for ids in members.values():
        for x in range(len(ids)):
            for y in range(x + 1, len(ids)):
                out.add((min(ids[x], ids[y]), max(ids[x], ids[y])))
    return out


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure_queries(
    index: DuplicateIndex, corpus: Corpus, args: argparse.Namespace
) -> dict[str, Any]:
    """Query a sample of the duplicates against the whole index, excluding themselves."""
    rng = random.Random(args.seed + 1)
    n_orig = args.n - int(args.n * args.dup_share)
    sample = rng.sample(range(n_orig, args.n), min(args.queries, args.n - n_orig))
    wall, cpu = [], []
    returned = relevant = original_found = 0
    for i in sample:
        place: dict[str, float] = {}
        if not args.text_only:
            place = {"lon": corpus.lon[i], "lat": corpus.lat[i], "t": corpus.t[i]}
        began, began_cpu = time.perf_counter(), time.thread_time()
        result = index.query(corpus.texts[i], exclude=i, **place)  # type: ignore[arg-type]
        wall.append(time.perf_counter() - began)
        cpu.append(time.thread_time() - began_cpu)
        g = int(corpus.group[i])
        found = [int(r.id) for r in result]  # type: ignore[call-overload]
        returned += len(found)
        relevant += sum(1 for j in found if int(corpus.group[j]) == g)
        original_found += g in found
    ms, cpu_ms = np.array(wall) * 1000, np.array(cpu) * 1000
    return {
        "queries": len(sample),
        "query_ms_p50": round(float(np.percentile(ms, 50)), 2),
        "query_ms_p95": round(float(np.percentile(ms, 95)), 2),
        "query_ms_p99": round(float(np.percentile(ms, 99)), 2),
        # CPU time of the querying thread: what a query costs when the machine is not shared.
        "query_cpu_ms_p50": round(float(np.percentile(cpu_ms, 50)), 2),
        "query_cpu_ms_p95": round(float(np.percentile(cpu_ms, 95)), 2),
        "query_recall_of_original": round(original_found / len(sample), 4),
        "query_precision": round(relevant / returned, 4) if returned else 0.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--dup-share", type=float, default=0.1)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--text-only", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.n < 100 or not 0 < args.dup_share < 0.5 or args.queries < 1:
        parser.error("--n must be at least 100, --dup-share in (0, 0.5), --queries at least 1")
    out: dict[str, Any] = {"n": args.n, "dup_share": args.dup_share, "seed": args.seed}
    out.update(text_only=args.text_only, machine=platform.platform())

    began, cpu = time.perf_counter(), time.process_time()
    corpus = generate(args.n, args.dup_share, args.seed)
    out["generate_s"] = round(time.perf_counter() - began, 1)
    out["generate_cpu_s"] = round(time.process_time() - cpu, 1)
    out["mean_chars"] = round(sum(map(len, corpus.texts)) / len(corpus.texts), 1)
    out["rss_after_generate_mib"] = round(_rss_mib())
    out["load_average_1m"] = round(os.getloadavg()[0], 2)

    index = DuplicateIndex(DedupConfig(), merge_every=2**62)
    began, cpu = time.perf_counter(), time.process_time()
    index.reserve(args.n)
    index.add_many(_reports(corpus, args.text_only))
    index.merge()
    out["build_s"] = round(time.perf_counter() - began, 1)
    out["build_cpu_s"] = round(time.process_time() - cpu, 1)
    out["index_arrays_mib"] = round(index.nbytes() / 2**20)
    out["rss_after_build_mib"] = round(_rss_mib())

    began, cpu = time.perf_counter(), time.process_time()
    found = set()
    for p in index.pairs():
        a, b = int(p.first), int(p.second)  # type: ignore[call-overload]
        found.add((min(a, b), max(a, b)))
    out["batch_pairs_s"] = round(time.perf_counter() - began, 1)
    out["batch_pairs_cpu_s"] = round(time.process_time() - cpu, 1)
    truth = _true_pairs(corpus.group)
    hits = len(found & truth)
    out["true_pairs"] = len(truth)
    out["found_pairs"] = len(found)
    out["precision"] = round(hits / len(found), 4) if found else 0.0
    out["recall"] = round(hits / len(truth), 4) if truth else 0.0
    out["rss_after_pairs_mib"] = round(_rss_mib())

    out.update(_measure_queries(index, corpus, args))
    out["rss_peak_mib"] = round(_rss_mib())
    out["load_average_1m_end"] = round(os.getloadavg()[0], 2)

    if args.json:
        print(json.dumps(out, indent=2))
    else:
        for key, value in out.items():
            print(f"| {key} | {value} |")
    ok = out["precision"] >= 0.95 and out["recall"] >= 0.94 and out["query_ms_p95"] <= 5.0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
