"""The catalogue every agency starts with: the eight proactive categories of M.5 and the two
column pages (制度, 年报). Kept as data; the disclosure office edits it afterwards."""

# The two column pages' categories, found by code (their names are the agency's to edit).
RULES_CATEGORY = "rules"
ANNUAL_REPORT_CATEGORY = "annual-report"

SEED_CATEGORIES = [
    # code, name, legal basis, description
    ("m5-1", "涉及公民、法人或者其他组织切身利益的信息", "实施办法第五条第（一）项", ""),
    ("m5-2", "需要社会公众广泛知晓或者参与的信息", "实施办法第五条第（二）项", ""),
    ("m5-3", "机构职能、人事和办事信息", "实施办法第五条第（三）项",
     "机构设置、职责职能；干部任免和公务员招考、录用；办事部门、程序、时间、地点和联系方式。"),
    ("m5-4", "规章和规范性文件", "实施办法第五条第（四）项", "本厅管理工作的规章和规范性文件。"),
    ("m5-5", "行政许可和行政审批", "实施办法第五条第（五）项",
     "事项、依据、条件、数量、程序、期限、需要提交材料的目录以及行政审批结果。"),
    ("m5-6", "业务工作进展和完成情况", "实施办法第五条第（六）项", ""),
    ("m5-7", "规划计划和统计数据", "实施办法第五条第（七）项", "业务有关规划、计划及其完成情况，工业和信息化统计数据。"),
    ("m5-8", "其他依法应当主动公开的信息", "实施办法第五条第（八）项", ""),
    (RULES_CATEGORY, "政府信息公开制度", "实施办法第三条", "本机关的政府信息公开工作制度。"),
    (ANNUAL_REPORT_CATEGORY, "政府信息公开工作年度报告", "条例第四十九条、第五十条", ""),
]


def seed_categories(CatalogueCategory) -> None:
    for order, (code, name, basis, description) in enumerate(SEED_CATEGORIES, start=1):
        CatalogueCategory.objects.get_or_create(
            code=code,
            defaults={"name": name, "legal_basis": basis, "description": description, "sort_order": order * 10},
        )
