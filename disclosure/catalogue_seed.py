"""The catalogue every agency starts with: the eight proactive categories of M.5, the two column
pages (制度, 年报), and the items of R.20 that M.5 does not name, as sub-categories of M.5(8)
(其他依法应当主动公开的信息). The fifteen items of R.20 are listed on the statutory-content page,
each mapped to the categories where its information is filed. Kept as data; the disclosure
office edits all of it afterwards."""

# The two column pages' categories, found by code (their names are the agency's to edit).
RULES_CATEGORY = "rules"
ANNUAL_REPORT_CATEGORY = "annual-report"
# 政策解读 (issue #19): where interpretations are filed; an interpretation is put here when it
# is linked to its policy (disclosure/interpretation_services.py).
INTERPRETATION_CATEGORY = "interpretation"

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
    (INTERPRETATION_CATEGORY, "政策解读", "国办发〔2016〕80号",
     "行政规范性文件等政策文件的解读：文字解读、图解和视频解读，与文件同步发布，并与原文互相链接。"),
]


OTHER_BY_LAW_CATEGORY = "m5-8"

# R.20 items that none of M.5's categories covers: filed under M.5(8). code, name, basis, description
R20_CATEGORIES = [
    ("r20-6", "行政处罚和行政强制", "条例第二十条第（六）项",
     "实施行政处罚、行政强制的依据、条件、程序以及具有一定社会影响的行政处罚决定。"),
    ("r20-7", "财政预算、决算", "条例第二十条第（七）项", "部门预算、决算及说明。"),
    ("r20-8", "行政事业性收费", "条例第二十条第（八）项", "行政事业性收费项目及其依据、标准。"),
    ("r20-9", "政府集中采购", "条例第二十条第（九）项", "政府集中采购项目的目录、标准及实施情况。"),
    ("r20-10", "重大建设项目", "条例第二十条第（十）项", "重大建设项目的批准和实施情况。"),
    ("r20-11", "扶贫、教育、医疗、社会保障、促进就业", "条例第二十条第（十一）项",
     "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况。"),
    ("r20-12", "突发公共事件应对", "条例第二十条第（十二）项", "突发公共事件的应急预案、预警信息及应对情况。"),
    ("r20-13", "监督检查", "条例第二十条第（十三）项",
     "环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况。"),
]

# The fifteen items of R.20: article, name, what it covers, the catalogue categories it maps to.
STATUTORY_ITEMS = [
    ("条例第二十条第（一）项", "法规、规章和规范性文件", "行政法规、规章和规范性文件。", ["m5-4"]),
    ("条例第二十条第（二）项", "机关职能和机构设置",
     "机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名。", ["m5-3"]),
    ("条例第二十条第（三）项", "规划", "国民经济和社会发展规划、专项规划、区域规划及相关政策。", ["m5-7"]),
    ("条例第二十条第（四）项", "统计信息", "国民经济和社会发展统计信息。", ["m5-7"]),
    ("条例第二十条第（五）项", "行政许可和对外管理服务",
     "办理行政许可和其他对外管理服务事项的依据、条件、程序以及办理结果。", ["m5-5"]),
    ("条例第二十条第（六）项", "行政处罚和行政强制",
     "实施行政处罚、行政强制的依据、条件、程序以及本行政机关认为具有一定社会影响的行政处罚决定。", ["r20-6"]),
    ("条例第二十条第（七）项", "财政预算、决算", "财政预算、决算信息。", ["r20-7"]),
    ("条例第二十条第（八）项", "行政事业性收费", "行政事业性收费项目及其依据、标准。", ["r20-8"]),
    ("条例第二十条第（九）项", "政府集中采购", "政府集中采购项目的目录、标准及实施情况。", ["r20-9"]),
    ("条例第二十条第（十）项", "重大建设项目", "重大建设项目的批准和实施情况。", ["r20-10"]),
    ("条例第二十条第（十一）项", "扶贫、教育、医疗、社会保障、促进就业",
     "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况。", ["r20-11"]),
    ("条例第二十条第（十二）项", "突发公共事件", "突发公共事件的应急预案、预警信息及应对情况。", ["r20-12"]),
    ("条例第二十条第（十三）项", "监督检查",
     "环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况。", ["r20-13"]),
    ("条例第二十条第（十四）项", "公务员招考录用",
     "公务员招考的职位、名额、报考条件等事项以及录用结果。", ["m5-3"]),
    ("条例第二十条第（十五）项", "其他应当主动公开的信息",
     "法律、行政法规、规章和国家有关规定规定应当主动公开的其他政府信息。", ["m5-8"]),
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
    INTERPRETATION_CATEGORY: ("Policy Interpretations",
                              "Interpretations of normative documents and other policies: text, graphics and "
                              "video, published with the document and linked to it both ways."),
    "r20-6": ("Administrative penalties and enforcement", ""),
    "r20-7": ("Budgets and final accounts", ""),
    "r20-8": ("Administrative fees", ""),
    "r20-9": ("Government procurement", ""),
    "r20-10": ("Major construction projects", ""),
    "r20-11": ("Poverty relief, education, health care, social security and employment", ""),
    "r20-12": ("Public emergencies", ""),
    "r20-13": ("Supervision and inspection", ""),
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
    parent = CatalogueCategory.objects.filter(code=OTHER_BY_LAW_CATEGORY).first()
    for order, (code, name, basis, description) in enumerate(R20_CATEGORIES, start=1):
        defaults = {"name": name, "legal_basis": basis, "description": description, "parent": parent,
                    "sort_order": 800 + order}
        if english:
            defaults["name_en"] = SEED_CATEGORIES_EN[code][0]
        CatalogueCategory.objects.get_or_create(code=code, defaults=defaults)


def seed_statutory_items(CatalogueCategory, StatutoryItem) -> None:
    """The items of R.20, once: an item the disclosure office has edited (or its mapping) is
    left as it is; a category that does not exist (renamed code) is simply not mapped."""
    for order, (article, name, description, codes) in enumerate(STATUTORY_ITEMS, start=1):
        item, created = StatutoryItem.objects.get_or_create(
            article=article, defaults={"name": name, "description": description, "sort_order": order * 10},
        )
        if created:
            item.categories.set(CatalogueCategory.objects.filter(code__in=codes))


def seed_english_names(CatalogueCategory) -> None:
    """Give the seeded categories their English names where the agency has not renamed them
    (a renamed category's English is the agency's to write)."""
    for code, name, _basis, description in [*SEED_CATEGORIES, *R20_CATEGORIES]:
        name_en, description_en = SEED_CATEGORIES_EN.get(code, ("", ""))
        category = CatalogueCategory.objects.filter(code=code, name=name, name_en="").first()
        if category is None:
            continue
        category.name_en = name_en
        if category.description == description and not category.description_en:
            category.description_en = description_en
        category.save(update_fields=["name_en", "description_en"])
