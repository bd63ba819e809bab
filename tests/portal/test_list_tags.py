"""The cheaper tags the public lists render their rows with (issue #22) show what Django's own
showed: a row's link is the record's address, also when the portal is served under a path
prefix, and a row's date is the local date of publication."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, engines
from django.urls import get_script_prefix, set_script_prefix
from django.utils import timezone


def _render(source: str, **context) -> str:
    template = engines["django"].from_string("{% load portal_tags %}" + source)
    return template.template.render(Context(context))


@pytest.fixture
def script_prefix():
    initial = get_script_prefix()
    yield set_script_prefix
    set_script_prefix(initial)


FIXED = ["disclosure:home", "disclosure:guide", "disclosure:feed_rss", "api:docs", "set_language",
         "statistics:page"]


def test_the_headers_links_are_what_url_gives_under_each_prefix_in_turn(script_prefix):
    """`fixed_url` reverses each name once per process: a page under another prefix (or another
    URL configuration) must still get its own addresses, not the first one's."""
    fixed = "".join(f"{{% fixed_url {name!r} %}};" for name in FIXED)
    plain = "".join(f"{{% url {name!r} %}};" for name in FIXED)
    for prefix in ("/", "/gov/xxgk/", "/"):
        script_prefix(prefix)
        assert _render(fixed) == _render(plain)
        assert _render("{% fixed_url 'disclosure:guide' as guide %}<{{ guide }}>") == f"<{prefix}guide/>"


@pytest.mark.parametrize("prefix", ["/", "/gov/xxgk/"])
def test_a_rows_link_is_the_records_address_under_any_prefix(script_prefix, prefix):
    from django.urls import reverse

    from disclosure.templatetags.disclosure_lists import entry_rows
    from portal.templatetags.portal_tags import url_around_id

    script_prefix(prefix)
    for view_name in ("disclosure:record", "disclosure:record_print"):
        head, tail = url_around_id(view_name)
        for pk in (1, 39, 20_028, 987_654):
            assert f"{head}{pk}{tail}" == reverse(view_name, args=[pk])
    assert f'href="{prefix}records/101/"' in entry_rows(_entries()[:1])


def test_a_rows_link_follows_the_prefix_of_each_rendering(script_prefix):
    """Reversed once per list, not once per process: a list under another prefix does not get the
    first one's addresses."""
    from disclosure.templatetags.disclosure_lists import entry_rows

    script_prefix("/")
    assert 'href="/records/101/"' in entry_rows(_entries()[:1])
    script_prefix("/portal/")
    assert 'href="/portal/records/101/"' in entry_rows(_entries()[:1])


@pytest.mark.parametrize("value", [
    dt.datetime(2026, 3, 1, 16, 30, tzinfo=dt.UTC),  # 00:30 the next day in Beijing
    dt.datetime(2026, 3, 1, 15, 59, tzinfo=dt.UTC),
    dt.datetime(2025, 12, 31, 23, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
    dt.date(2024, 2, 29),
    None,
    "",
])
def test_a_rows_date_is_what_the_date_filter_showed(settings, value):
    settings.TIME_ZONE = "Asia/Shanghai"
    with timezone.override("Asia/Shanghai"):
        assert _render("{{ v|iso_date }}", v=value) == _render('{{ v|date:"Y-m-d" }}', v=value)
    if isinstance(value, dt.datetime) and value.hour == 16:
        assert _render("{{ v|iso_date }}", v=value) == "2026-03-02"


# The rows and filter options as the templates wrote them before they were written in Python
# (disclosure/templatetags/disclosure_lists.py): the oracle the Python must match byte for byte.
TEMPLATE_ROWS = """{% load i18n portal_tags %}{% translate "依申请公开" as on_request_label %}{% translate "索引号" as index_label %}{% translate "文号" as number_label %}{% translate "发布机构" as office_label %}{% translate "主题分类" as category_label %}{% translate "发布日期" as date_label %}{% translate "申请获取" as apply_label %}{% translate "：" as colon %}{% for entry in entries %}
  <li class="entry">
    <p class="entry-title">
      <a href="{% url 'disclosure:record' entry.record_id %}" lang="zh-Hans">{% if highlighted %}{% firstof entry.title_highlighted entry.title %}{% else %}{{ entry.title }}{% endif %}</a>
      {% if entry.attribute == "on_request" %}<span class="tag tag-request">{{ on_request_label }}</span>{% endif %}
      {% if entry.validity == "expired" or entry.validity == "repealed" %}<span class="tag tag-muted">{{ entry.get_validity_display }}</span>{% endif %}
    </p>
    {% if highlighted and entry.excerpt_highlighted %}<p class="entry-summary" lang="zh-Hans">{{ entry.excerpt_highlighted }}</p>{% elif entry.summary %}<p class="entry-summary" lang="zh-Hans">{{ entry.summary }}</p>{% endif %}
    <dl class="entry-meta">
      <div><dt>{{ index_label }}</dt><dd>{% if highlighted %}{% firstof entry.index_number_highlighted entry.index_number %}{% else %}{{ entry.index_number }}{% endif %}</dd></div>
      {% if highlighted and entry.document_number_highlighted %}<div><dt>{{ number_label }}</dt><dd lang="zh-Hans">{{ entry.document_number_highlighted }}</dd></div>{% endif %}
      <div><dt>{{ office_label }}</dt><dd lang="{{ entry.office|lang_of }}">{{ entry.office|localized }}</dd></div>
      <div><dt>{{ category_label }}</dt><dd lang="{{ entry.category|lang_of }}">{{ entry.category|localized }}</dd></div>
      <div><dt>{{ date_label }}</dt><dd>{% with day=entry.published_at|date:"Y-m-d" %}<time datetime="{{ day }}">{{ day }}</time>{% endwith %}</dd></div>
    </dl>
    {% if entry.attribute == "on_request" %}
    <p class="entry-apply"><a class="button button-small" href="{% url 'applications:apply' %}?title={{ entry.title|urlencode }}&index={{ entry.index_number|urlencode }}">{{ apply_label }}<span class="visually-hidden">{{ colon }}<span lang="zh-Hans">{{ entry.title }}</span></span></a></p>
    {% endif %}
  </li>
  {% endfor %}"""
TEMPLATE_OPTIONS = """{% load portal_tags %}{% for c in categories %}
      <option value="{{ c.code }}" lang="{{ c|lang_of }}"{% if category and c.pk == category.pk %} selected{% endif %}>{% if c.parent_id %}— {% endif %}{{ c|localized }}</option>
      {% endfor %}|{% for o in offices %}
      <option value="{{ o.pk }}" lang="{{ o|lang_of }}"{% if office and o.pk == office.pk %} selected{% endif %}>{{ o|localized }}</option>
      {% endfor %}"""


def _entries():
    """Unsaved entries with what a row must escape, quote or mark: markup and quotes in the title,
    an on-request entry, an expired and a repealed one, an English name for one office only, a
    publication just before local midnight, search highlights on some."""
    from django.utils.safestring import mark_safe

    from disclosure.models import CatalogueCategory, CatalogueEntry
    from portal.models import Office

    office = Office(pk=3, name="政策法规处", name_en="Policy & Regulations Division")
    other = Office(pk=4, name="装备工业处<b>", name_en="")
    category = CatalogueCategory(pk=5, code="m5-2", name="通知公告", name_en="")
    late = dt.datetime(2026, 3, 1, 16, 30, tzinfo=dt.UTC)  # 2 March, 00:30 in Beijing
    rows = [
        dict(title='关于<script>"申报"</script>&通知', attribute="on_request", validity="valid",
             summary="概述 & <i>摘要</i>", index_number="11220000/2026-00001 a&b"),
        dict(title="已失效的通知", attribute="proactive", validity="expired", summary="", index_number="X-2"),
        dict(title="已废止的办法", attribute="proactive", validity="repealed", summary="", index_number="X-3",
             office=other),
    ]
    entries = []
    for number, row in enumerate(rows, 1):
        entry = CatalogueEntry(record_id=100 + number, published_at=late, office=row.pop("office", office),
                               category=category, **row)
        entries.append(entry)
    entries[0].title_highlighted = mark_safe("关于<mark>申报</mark>")  # the search's own markup
    entries[0].excerpt_highlighted = mark_safe("…<mark>申报</mark>…")
    entries[1].document_number_highlighted = mark_safe("吉工信〔<mark>2026</mark>〕1号")
    return entries


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("highlighted", [False, True])
def test_the_list_rows_written_in_python_are_the_templates_rows_byte_for_byte(language, highlighted):
    from django.utils import translation

    from disclosure.templatetags.disclosure_lists import entry_rows

    entries = _entries()
    with translation.override(language), timezone.override(ZoneInfo("Asia/Shanghai")):
        expected = engines["django"].from_string(TEMPLATE_ROWS).template.render(
            Context({"entries": entries, "highlighted": highlighted}))
        assert entry_rows(entries, highlighted) == expected
    assert "&lt;script&gt;" in expected and "2026-03-02" in expected
    assert ("<mark>申报</mark>" in expected) == highlighted


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_filter_options_written_in_python_are_the_templates_options(language):
    from django.utils import translation

    from disclosure.models import CatalogueCategory
    from disclosure.templatetags.disclosure_lists import filter_options

    entry = _entries()[0]
    categories = [entry.category, CatalogueCategory(pk=6, code="m5-2-1", name="子类<&>", name_en="Sub", parent_id=5)]
    offices = [entry.office, _entries()[2].office]
    with translation.override(language):
        for category, office in ((None, None), (categories[1], offices[0])):
            expected = engines["django"].from_string(TEMPLATE_OPTIONS).template.render(Context(
                {"categories": categories, "category": category, "offices": offices, "office": office}))
            assert f'{filter_options(categories, category, "code")}|{filter_options(offices, office)}' == expected
    assert " selected>— " in expected


TRANSLATED = """{% load i18n %}<title>{% translate "政府信息公开" %}</title>
{% translate "统计" context "菜单" %}|{% translate "统计" %}|{% translate "依申请公开" as label %}[{{ label }}]|{% translate "索引号" noop %}
{% translate message %}|{% translate "发布机构"|upper %}|{% translate "<b>“x”</b> 100%%" %}
{% autoescape off %}{% translate "<b>“x”</b> 100%%" %}{% translate "依申请公开" as raw %}{{ raw }}{% endautoescape %}"""


@pytest.mark.parametrize("languages", [("zh-hans", "en", "zh-hans"), ("en", "zh-hans", "en")])
def test_translate_renders_what_djangos_own_tag_renders_in_each_language_in_turn(languages):
    """{% load i18n %} is portal.templatetags.cached_i18n (settings.TEMPLATES), which keeps what a
    constant message renders to per language: a page in one language must not get the other's."""
    from django.template import Engine
    from django.utils import translation

    django_own = Engine(libraries={"i18n": "django.templatetags.i18n"}).from_string(TRANSLATED)
    ours = engines["django"].from_string(TRANSLATED).template
    assert type(ours.nodelist[2]).__module__ == "portal.templatetags.cached_i18n"
    shown = []
    for language in languages:
        with translation.override(language):
            context = {"message": "首页"}
            expected = django_own.render(Context(context))
            assert ours.render(Context(context)) == expected
            shown.append(expected)
    assert shown[0] == shown[2] != shown[1]


def test_the_only_template_library_name_used_twice_is_i18n_on_purpose():
    """templates.W003 is silenced for `i18n` (settings.SILENCED_SYSTEM_CHECKS): any other name
    given to two tag modules must still be reported."""
    warnings = engines["django"]._check_for_template_tags_with_the_same_name()
    assert [w.msg for w in warnings] == [
        "'i18n' is used for multiple template tag modules: 'django.templatetags.i18n', "
        "'portal.templatetags.cached_i18n'"]


# --- {% memo %}: the header and footer kept per language, page and agency profile -------------------


def test_a_memo_key_left_out_fails_under_the_check_and_shows_a_stale_fragment_without_it(settings):
    source = "{% memo %}<{{ x }}>{% endmemo %}{% memo x %}[{{ x }}]{% endmemo %}"
    template = engines["django"].from_string("{% load portal_tags %}" + source).template
    settings.PORTAL_TEMPLATE_MEMO_CHECK = False
    assert template.render(Context({"x": 1})) == "<1>[1]"
    assert template.render(Context({"x": 2})) == "<1>[2]"  # why every input must be a key
    settings.PORTAL_TEMPLATE_MEMO_CHECK = True
    with pytest.raises(AssertionError, match="memo"):
        template.render(Context({"x": 3}))


def test_a_model_memo_key_is_every_column_of_the_instance(settings):
    from portal.models import SiteProfile

    settings.PORTAL_TEMPLATE_MEMO_CHECK = False
    template = engines["django"].from_string("{% load portal_tags %}{% memo site %}{{ site.phone }}{% endmemo %}")
    assert template.render({"site": SiteProfile(name="机关", phone="0431-1")}) == "0431-1"
    assert template.render({"site": SiteProfile(name="机关", phone="0431-2")}) == "0431-2"


@pytest.mark.django_db
def test_the_kept_header_and_footer_follow_the_agency_profile_the_language_and_the_page(client, world, settings):
    """With the check off, as in production: what each page shows is still its own."""
    from django.urls import reverse

    from portal.models import SiteProfile

    settings.PORTAL_TEMPLATE_MEMO_CHECK = False
    guide, catalogue = reverse("disclosure:guide"), reverse("disclosure:catalogue")
    client.get(guide)
    profile = SiteProfile.current()
    profile.name, profile.name_en, profile.phone = "改名后的机关", "Renamed Department", "0431-88889999"
    profile.save()
    page = client.get(guide).text
    assert '<span class="site-name" lang="zh-Hans">改名后的机关</span>' in page
    assert '<p class="footer-name" lang="zh-Hans">改名后的机关</p>' in page
    assert "0431-88889999" in page.split('<footer class="site-footer">')[1]
    assert f'href="{guide}" aria-current="page"' in page
    page = client.get(catalogue).text
    assert f'href="{catalogue}" aria-current="page"' in page and 'aria-current="page">指南' not in page
    client.cookies["django_language"] = "en"
    page = client.get(catalogue, {"x": "en"}).text
    assert "Renamed Department" in page.split('<footer class="site-footer">')[1]
    assert f'href="{catalogue}" aria-current="page">Catalogue' in page
    client.cookies["a11y_font"] = "large"
    page = client.get(catalogue, {"x": "large"}).text
    assert 'name="font" value="large" aria-pressed="true"' in page
