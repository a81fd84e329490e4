"""Text that ``ssj init`` writes into a new workspace."""

PLAN_TEMPLATE = """\
# {year} 年“双随机、一公开”抽查工作计划（一单两库中的“一单”）
# 按本局印发的计划文件及其附件《抽查工作计划表》逐项填写；以 # 开头的是注释。
# 填好后运行 ssj check，所有错误会连同文件名和行号一起列出。

year: {year}                      # 计划年度，须与文件名一致
document: 某应急发〔{year}〕1号     # 印发计划的文号，请改为实际文号
title: {year}年“双随机、一公开”抽查工作计划   # 计划标题
issued: {year}-01-01              # 印发日期，YYYY-MM-DD
department: 某县应急管理局          # 抽查发起部门（任务未单独填写时沿用）
local_avoidance: false          # 属地回避：true 时执法人员不检查其家乡乡镇的企业
publish_within_workdays: 7      # 检查结束后几个工作日内公示结果（任务中可单独填写）；企业信息公示暂行条例第六条为 20

# 检查对象类别表：类别代号: 中文名称。名录库 category 列可写代号，也可写中文名称。
categories:
  coal_mine: 煤矿
  coal_washing: 洗（储）煤
  hazchem_production: 危险化学品生产
  hazchem_trading: 危险化学品经营
  industry_trade: 工贸

# 每户每年检查次数上限（可选，跨全部任务）：已达上限的企业不再参加本年度的随机抽取；100% 的任务和
# 黑名单企业定向检查照常检查，记为超过上限。可写一个数（如 max_checks_per_year: 2），或按等级、类别分别写；
# 需要时去掉下面三行开头的 #：
# max_checks_per_year:
#   default: 2
#   by_grade: {{A: 1, D: 4}}

# 抽查任务，对应计划表的每一行；序号按这里的先后排列。
tasks:
  - id: hazchem                   # 任务代号：小写英文，命令中使用，如 ssj draw --task hazchem
    name: {year}年危险化学品生产经营企业双随机抽查计划   # 抽查任务名称
    type: 定向                      # 抽查类型：定向 或 不定向
    matter: 化工企业和危险化学品生产、经营企业监督检查   # 抽查事项
    scope_label: 全县危险化学品生产经营企业   # 抽查对象范围（公示用文字）
    scope: [hazchem_production, hazchem_trading]   # 抽查类别：从上面的类别表中选
    ratio: 20%                      # 抽查比例：百分数如 20%，或小数如 0.2；抽取 ceil(在营家数×比例) 家
    # 按信用风险等级分级抽取（可选）：每个等级分别抽取 ceil(该等级在营家数×比例) 家，0% 表示该等级不抽取；
    # 没有等级（或等级未列出）的企业按上面的 ratio 抽取。需要时去掉下一行开头的 #：
    # ratio_by_risk: {{A: 0%, B: 10%, C: 30%, D: 100%}}
    # 范围内列入失信黑名单的企业每轮都检查（定向，在随机抽取之外）时，去掉下一行开头的 #：
    # always_include_blacklisted: true
    start: {year}-04-01               # 抽查时间起
    end: {year}-06-30                 # 抽查时间止；结果须在检查结束后 publish_within_workdays 个工作日内公示
    department: 某县应急管理局        # 抽查发起部门
    inspectors_per_check: 2         # 每户执法检查人员数，不少于 2
"""

# Text of PLAN_TEMPLATE that a clerk must replace; ``ssj check`` warns while it is still there.
TEMPLATE_PLACEHOLDERS = ("某县应急管理局", "某应急发〔")

GITIGNORE = """\
# ssj 运行时的锁文件和临时文件
*.lock
.*.tmp
"""
