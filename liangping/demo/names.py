"""Names for the demo city: real ones from the two newspaper seeds, fictional or illustrative ones elsewhere.

Real: the city, its districts and departments, the supervision office, and the companies and projects
the seeds name (see SEED_PROJECTS, each entry says which of its facts come from the seeds). Everything
else is illustrative (示例数据). City leaders, specialists and contacts are fictional people: their names
are drawn from common surnames and given-name characters and never equal a name printed in the seeds.
"""

from __future__ import annotations

from dataclasses import dataclass

SEED = "liangping-demo-1"
DEMO_PASSWORD = "Demo#2025zz"

CITY = "枣庄市"
OFFICE = "市城市转型促进中心"

# name, aliases, short form used in company names, username suffix
DISTRICTS: list[tuple[str, str, str, str]] = [
    ("市中区", "", "市中", "sz"),
    ("薛城区", "", "薛城", "xc"),
    ("峄城区", "", "峄城", "yc"),
    ("台儿庄区", "", "台儿庄", "tez"),
    ("山亭区", "", "山亭", "st"),
    ("滕州市", "滕州", "滕州", "tz"),
    ("枣庄高新区", "高新区", "枣庄", "gx"),
]

# name, aliases, username suffix
DEPARTMENTS: list[tuple[str, str, str]] = [
    ("市发展改革委", "市发改委", "fgw"),
    ("市工业和信息化局", "市工信局", "gxj"),
    ("市商务局", "", "swj"),
    ("市自然资源和规划局", "市自然资源局", "zrzy"),
    ("市住房城乡建设局", "市住建局", "zjj"),
    ("市生态环境局", "", "sthj"),
    ("市交通运输局", "市交通局", "jtj"),
    ("市水务局", "", "water"),
    ("市财政局", "", "czj"),
    ("市行政审批服务局", "市审批局", "xzsp"),
    ("市统计局", "", "tjj"),
    ("市科技局", "", "kjj"),
    ("市农业农村局", "", "nyj"),
    ("市文化和旅游局", "市文旅局", "wlj"),
    ("市应急管理局", "市应急局", "yjj"),
]

# town / street, district: the two the seeds name first, then the streets and towns where the demo
# city's appeals (群众诉求) are dispatched down to (real names of Zaozhuang's towns and streets)
TOWNS: list[tuple[str, str]] = [
    ("山城街道", "山亭区"),
    ("阴平镇", "峄城区"),
    ("中心街街道", "市中区"),
    ("光明路街道", "市中区"),
    ("龙山路街道", "市中区"),
    ("税郭镇", "市中区"),
    ("临城街道", "薛城区"),
    ("常庄街道", "薛城区"),
    ("沙沟镇", "薛城区"),
    ("坛山街道", "峄城区"),
    ("古邵镇", "峄城区"),
    ("运河街道", "台儿庄区"),
    ("泥沟镇", "台儿庄区"),
    ("店子镇", "山亭区"),
    ("荆河街道", "滕州市"),
    ("龙泉街道", "滕州市"),
    ("北辛街道", "滕州市"),
    ("善南街道", "滕州市"),
    ("官桥镇", "滕州市"),
    ("兴仁街道", "枣庄高新区"),
    ("张范街道", "枣庄高新区"),
]

# Fictional city leaders (包保市领导).
LEADERS = ["周明远", "吴振华", "郑立群", "冯建国", "蒋文博", "沈思齐", "曹继红", "彭晓岚", "邵海峰", "魏成林"]

# Every person named in the seeds: generated names must never be one of these.
REAL_NAMES = frozenset(
    "陈平 张宏伟 宋磊 韩耀辉 侯宗伟 孔祥君 邢军 梁栋 田传洋 李家法 王宁 程俊雅 韩邦会 屠强 高召军 马维纲 "
    "颜伟 王晓伟 姚广 李保成 孙文前 柯西文 李文明 陈凡伟 翟鲁兵 徐峰 刘军 李茜茜 秦晶 徐淑坤 燕夫军 "
    "董彦岭 刘畅 董宏涛 李森 刘正航 吴荣欣 孟令洋".split()
)

SURNAMES = (
    "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林高郑梁谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁于余叶蒋杜苏魏程吕丁"
    "沈任姚卢傅钟姜崔谭廖范汪陆金石戴贾夏邱方侯邹孟秦白江薛尹段雷史陶贺顾毛郝龚邵钱严"
)
GIVEN = (
    "建国华明伟芳丽军平强磊洋勇艳杰娟涛超敏静霞鹏辉玲丹萍红林斌刚峰"
    "颖琳晨宇浩凯雪婷博文志海亮波欣瑞昊晓春秋梅兰松岩"
)


@dataclass(frozen=True)
class Industry:
    name: str
    weight: int
    departments: tuple[str, ...]
    company_suffixes: tuple[str, ...]
    templates: tuple[str, ...]


INDUSTRIES: list[Industry] = [
    Industry(
        "锂电新能源",
        46,
        ("市工业和信息化局", "市发展改革委"),
        ("新能源科技", "锂电科技", "储能科技"),
        (
            "年产{n}GWh储能电池项目",
            "年产{n}万吨磷酸铁锂正极材料项目",
            "年产{n}万吨锂电池负极材料项目",
            "年产{n}万吨锂电池电解液项目",
            "年产{n}亿平方米锂电池隔膜项目",
            "动力电池PACK生产线项目",
            "废旧锂电池回收综合利用项目",
            "锂电池精密结构件项目",
            "分布式光伏发电项目",
        ),
    ),
    Industry(
        "高端装备",
        28,
        ("市工业和信息化局",),
        ("智能装备", "机械制造", "精密机械"),
        (
            "智能制造装备产业园项目",
            "高端数控机床生产线项目",
            "矿山智能装备制造项目",
            "新能源汽车零部件项目",
            "轨道交通装备配套项目",
            "工业机器人生产线项目",
        ),
    ),
    Industry(
        "高端化工",
        20,
        ("市工业和信息化局", "市生态环境局"),
        ("化工", "化学", "精细化工"),
        (
            "年产{n}万吨高性能树脂项目",
            "化工园区公共管廊项目",
            "精细化工新材料项目",
            "焦化副产品深加工项目",
            "绿色化工升级改造项目",
        ),
    ),
    Industry(
        "新材料",
        22,
        ("市工业和信息化局", "市科技局"),
        ("新材料科技", "材料科技", "建材"),
        (
            "特种玻璃纤维项目",
            "高性能碳纤维复合材料项目",
            "新型建材产业园项目",
            "先进陶瓷材料项目",
            "高端铝型材项目",
        ),
    ),
    Industry(
        "新医药",
        12,
        ("市工业和信息化局", "市科技局"),
        ("生物医药", "药业", "医疗器械"),
        ("生物医药产业园项目", "中药饮片及提取物生产项目", "医疗器械生产基地项目", "原料药绿色生产线项目"),
    ),
    Industry(
        "新一代信息技术",
        15,
        ("市工业和信息化局", "市发展改革委"),
        ("信息技术", "数字科技", "电子科技"),
        (
            "数据中心项目",
            "电子元器件生产线项目",
            "5G智慧园区项目",
            "半导体封装测试项目",
            "软件和信息服务产业园项目",
        ),
    ),
    Industry(
        "现代物流",
        12,
        ("市商务局", "市交通运输局"),
        ("供应链管理", "物流", "国际物流"),
        ("冷链物流园项目", "智慧物流园项目", "铁路物流场站项目", "公铁水联运物流中心项目"),
    ),
    Industry(
        "文化旅游",
        12,
        ("市文化和旅游局",),
        ("文化旅游发展", "文旅投资", "旅游开发"),
        (
            "文旅街区提升项目",
            "湿地生态旅游项目",
            "生态景区提升项目",
            "乡村旅游综合体项目",
            "研学旅行基地项目",
        ),
    ),
    Industry(
        "现代农业",
        10,
        ("市农业农村局",),
        ("农业发展", "农业科技", "食品"),
        ("现代农业产业园项目", "马铃薯精深加工项目", "农产品冷链加工项目", "设施蔬菜产业园项目"),
    ),
    Industry(
        "基础设施",
        14,
        ("市住房城乡建设局", "市交通运输局", "市水务局"),
        ("城市建设投资", "城建开发", "水务发展"),
        (
            "城区道路改造提升项目",
            "污水处理厂扩建项目",
            "供水管网改造项目",
            "城中村改造项目",
            "老旧小区改造项目",
            "河道综合治理项目",
        ),
    ),
    Industry(
        "社会民生",
        7,
        ("市住房城乡建设局", "市发展改革委"),
        ("城市发展", "健康产业", "教育发展"),
        ("中学新建项目", "医院新院区项目", "养老服务中心项目", "保障性租赁住房项目"),
    ),
]

# Two-character trade names for illustrative companies.
BRANDS = (
    "鼎泰 润丰 瑞祥 泓远 嘉禾 博远 中岳 金泽 昊宇 弘信 恒通 华晟 汇川 瀚海 正源 同创 和顺 宏达 永泰 聚能 "
    "天成 新元 锦程 宝丰 盛泓 卓越 明扬 德润 广汇 恒瑞 凯达 致远 融创 安泰 立信 华鼎 启明 泰和 沃德 "
    "创新 远航 鸿运 国瑞 兴隆 东辰 海纳 晨阳 丰源 乾元 春晖 青禾 金石 银河 蓝天 绿洲 东岳 北辰 "
    "南华 西岭 利民 宏图 佳信 通达 万方 大成 中盛 合力 星河 翔宇 云帆 祥和 裕华 昌隆 华信 金诚 "
    "景泰 恒昌 瑞丰 嘉诚 晟达 润泽 博通 华泰 信合 宇航 鑫源 鲁泰 齐峰 鲁南 峄阳 榴乡 运河 湖畔 "
    "泉源 山河 青檀 微湖 枣丰"
).split()

# title, lead unit ("district" = the project's district), co-units, the reply that closes it
PROBLEMS: list[tuple[str, str, tuple[str, ...], str]] = [
    (
        "施工用电增容审批进度慢，影响设备安装调试",
        "district",
        ("市发展改革委",),
        "已协调供电部门开辟绿色通道，增容工程已送电",
    ),
    ("项目用地土地征收补偿尚未完成", "市自然资源和规划局", ("district",), "补偿方案已公示，补偿款已发放到位"),
    ("环评批复尚未取得，影响开工手续办理", "市生态环境局", (), "环评报告已通过专家评审，批复已下达"),
    (
        "施工图审查未完成，施工许可证无法办理",
        "市住房城乡建设局",
        ("市行政审批服务局",),
        "施工图已审查合格，施工许可证已核发",
    ),
    ("外部供水管网尚未接通", "市水务局", ("district",), "供水管网接驳工程已完工，已正常供水"),
    ("进场道路未硬化，雨天材料运输困难", "市交通运输局", ("district",), "进场道路已完成硬化并通车"),
    ("能耗指标尚未落实", "市发展改革委", (), "已在全市统筹解决能耗指标，节能审查意见已出具"),
    ("专项债券资金拨付滞后", "市财政局", (), "专项债券资金已按进度拨付到位"),
    ("员工宿舍等生活配套不足，影响招工", "district", (), "已协调周边公寓作为员工宿舍，已入住"),
    (
        "技术工人招聘困难，一线用工缺口较大",
        "district",
        ("市工业和信息化局",),
        "已组织专场招聘会和定向培训，用工缺口基本补齐",
    ),
    ("银行贷款审批周期长，流动资金紧张", "市财政局", ("市发展改革委",), "已召开政银企对接会，贷款已审批放款"),
    ("消防验收排队时间长，影响竣工投产", "市住房城乡建设局", (), "已安排提前介入指导，消防验收已通过"),
    ("新增投资未能及时纳统，统计入库材料不全", "市统计局", (), "已指导补齐入库材料，项目投资已纳统"),
    ("大件设备运输通行手续办理慢", "市交通运输局", (), "通行证已办结，设备已运抵现场"),
    ("农用地转用审批未完成", "市自然资源和规划局", (), "农用地转用已获批复"),
    ("研发平台申报需要指导", "市科技局", (), "已安排专人指导，申报材料已报送"),
]
# The problem the seeds report for 易达通: its phase-two workshops wait for land procedures.
YIDATONG_PROBLEM = (
    "二期1号、3号物流车间用地手续尚未办结，办理完成后即可开工建设",
    "市自然资源和规划局",
    (),
    "二期用地手续已办结，1号、3号物流车间具备开工条件",
)

RETURN_REASONS = (
    "本月完成投资与形象进度不符，请核实后重新报送",
    "累计完成投资与上月数据不衔接，请核对后重新报送",
    "形象进度描述过于笼统，请补充主要工程量和现场照片",
)
CASE_RETURN_REASONS = (
    "答复未明确办结时限，请补充后重新答复",
    "未附相关批复文件，请上传后重新答复",
    "现场核实问题未解决，请继续办理",
)
# The first answer of a case that is then returned for more.
PARTIAL_REPLIES = (
    "已协调相关部门，正在推进办理",
    "已召开专题会议研究，正在落实",
    "已与项目单位对接，相关手续正在办理",
)


@dataclass(frozen=True)
class SeedProject:
    """A project named in the seeds. `source` says which facts are the seeds' and which are illustrative."""

    key: str  # username suffix of the unit's account (owner_<key>)
    name: str
    unit: str
    district: str
    industry: str
    total: int  # 万元
    plan: int  # 万元
    level: str
    stage: str
    profile: str
    sample: bool
    source: str


# fmt: off
SEED_PROJECTS: list[SeedProject] = [
    SeedProject(
        "xwd", "欣旺达50GWh动力电池项目", "山东欣旺达新能源有限公司", "枣庄高新区", "锂电新能源",
        2_000_000, 300_000, "provincial", "construction", "normal", False,
        "名称、单位、总投资约200亿元见报道；落在枣庄高新区据报道中高新区招商团队推测；年度计划为示例",
    ),
    SeedProject(
        "ydt", "易达通智慧物流建设项目", "山东易达通供应链有限公司", "山亭区", "现代物流",
        60_000, 18_000, "city", "construction", "yellow", False,
        "名称、单位、山亭区、一期试运营、二期待用地手续见报道；金额为示例",
    ),
    SeedProject(
        "xq", "协氢小型燃料电池系统及氢动车应用项目", "协氢（枣庄）氢能科技有限公司", "薛城区", "锂电新能源",
        100_000, 20_000, "provincial", "operating", "operating", False,
        "名称、单位、总投资10亿元、建成投产见报道；所在区与年度计划为示例",
    ),
    SeedProject(
        "dt", "顶腾新能源高端动力圆柱钠离子电池项目", "顶腾新能源", "峄城区", "锂电新能源",
        80_000, 30_000, "city", "construction", "normal", False,
        "单位与产品、年底前建成试生产见报道；金额与所在区为示例",
    ),
    SeedProject(
        "tk", "天科新能源半固态锂离子电池生产线项目", "天科新能源", "薛城区", "锂电新能源",
        120_000, 40_000, "provincial", "construction", "normal", False,
        "单位与生产线见报道（图片说明）；金额与所在区为示例",
    ),
    SeedProject(
        "jg", "精工电子锂电池智能化升级项目", "山东精工电子科技股份有限公司", "枣庄高新区", "锂电新能源",
        50_000, 15_000, "city", "construction", "normal", True,
        "单位见报道；项目名称、金额与所在区为示例",
    ),
    SeedProject(
        "za", "中安二手车出口服务平台提升项目", "枣庄中安旧机动车交易市场有限公司", "市中区", "现代物流",
        30_000, 10_000, "city", "construction", "normal", True,
        "单位与市中区见报道；项目名称与金额为示例",
    ),
    SeedProject(
        "yek", "亿恩科锂电池电解液项目", "亿恩科集团", "枣庄高新区", "锂电新能源",
        150_000, 8_000, "provincial", "signed", "pending", True,
        "单位签约见报道；项目名称、金额与所在区为示例",
    ),
    SeedProject(
        "dy", "鼎誉新能源液流电池储能项目", "鼎誉新能源", "台儿庄区", "锂电新能源",
        40_000, 12_000, "city", "construction", "normal", True,
        "单位与液流电池批量供货见报道；项目名称、金额与所在区为示例",
    ),
]
# fmt: on
