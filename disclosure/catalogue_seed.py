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


# What the English pages show for them (CatalogueCategory.name_en, description_en).
SEED_CATEGORIES_EN = {
    "m5-1": ("Information concerning the vital interests of citizens, legal persons or other organisations", ""),
    "m5-2": ("Information the public needs to know widely or take part in", ""),
    "m5-3": ("Organisation, functions, personnel and services",
             "Internal structure and functions; appointments, civil service recruitment and hiring; the offices "
             "that handle matters, their procedures, hours, places and contacts."),
    "m5-4": ("Rules and normative documents", "The rules and normative documents of the department's administration."),
    "m5-5": ("Administrative licensing and approval",
             "Matters, legal basis, conditions, numbers, procedures, time limits, lists of documents to submit, "
             "and the results of approvals."),
    "m5-6": ("Progress and results of the department's work", ""),
    "m5-7": ("Plans and statistics", "Plans for the department's work and their implementation; industry and "
                                     "information technology statistics."),
    "m5-8": ("Other information to be disclosed proactively by law", ""),
    RULES_CATEGORY: ("Government Information Disclosure Rules",
                     "The agency's rules for its government information disclosure work."),
    ANNUAL_REPORT_CATEGORY: ("Annual Reports on Government Information Disclosure", ""),
}


def seed_categories(CatalogueCategory) -> None:
    # Migration 0002 runs this on the model as it was then, before the English fields (0009).
    english = {"name_en", "description_en"} <= {f.name for f in CatalogueCategory._meta.get_fields()}
    for order, (code, name, basis, description) in enumerate(SEED_CATEGORIES, start=1):
        name_en, description_en = SEED_CATEGORIES_EN.get(code, ("", ""))
        defaults = {"name": name, "legal_basis": basis, "description": description, "sort_order": order * 10}
        if english:
            defaults.update(name_en=name_en, description_en=description_en)
        CatalogueCategory.objects.get_or_create(code=code, defaults=defaults)


def seed_english_names(CatalogueCategory) -> None:
    """Give the seeded categories their English names where the agency has not renamed them
    (a renamed category's English is the agency's to write)."""
    for code, name, _basis, description in SEED_CATEGORIES:
        name_en, description_en = SEED_CATEGORIES_EN.get(code, ("", ""))
        category = CatalogueCategory.objects.filter(code=code, name=name, name_en="").first()
        if category is None:
            continue
        category.name_en = name_en
        if category.description == description and not category.description_en:
            category.description_en = description_en
        category.save(update_fields=["name_en", "description_en"])
