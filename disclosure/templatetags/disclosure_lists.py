"""The rows of the catalogue's lists, written in Python (issue #22).

The catalogue, the home page, the fixed columns and the search results show up to 20 entries, and
every list page served without the page cache rendered each row through some 40 template nodes:
more than half of a catalogue page's time. `entry_rows` writes the same HTML, byte for byte
(bench/render_golden.py compares the pages before and after a change), escaping every value as
the template did.
"""

from __future__ import annotations

from urllib.parse import quote

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from portal.language import localized, localized_lang
from portal.templatetags.portal_tags import fixed_url, iso_date, url_around_id

register = template.Library()


@register.simple_tag
def entry_rows(entries, highlighted=False):
    """`{% entry_rows entries highlighted %}`: one `<li class="entry">` per catalogue entry, as
    templates/disclosure/_entry_list.html lays them out. `highlighted`: search results, whose
    entries carry title_highlighted, excerpt_highlighted, index_number_highlighted and
    document_number_highlighted (safe HTML made by the search)."""
    esc = conditional_escape
    labels = {name: esc(text) for name, text in {
        "on_request": gettext("依申请公开"), "index": gettext("索引号"), "number": gettext("文号"),
        "office": gettext("发布机构"), "category": gettext("主题分类"), "date": gettext("发布日期"),
        "apply": gettext("申请获取"), "colon": gettext("："),
    }.items()}
    head, tail = url_around_id("disclosure:record")
    apply_url = fixed_url("applications:apply")
    out = []
    for entry in entries:
        title = esc(entry.title)
        shown_title = esc(getattr(entry, "title_highlighted", None) or entry.title) if highlighted else title
        on_request = entry.attribute == "on_request"
        out.append(
            f'\n  <li class="entry">\n    <p class="entry-title">\n'
            f'      <a href="{head}{int(entry.record_id)}{tail}" lang="zh-Hans">{shown_title}</a>\n      ')
        if on_request:
            out.append(f'<span class="tag tag-request">{labels["on_request"]}</span>')
        out.append("\n      ")
        if entry.validity in ("expired", "repealed"):
            out.append(f'<span class="tag tag-muted">{esc(entry.get_validity_display())}</span>')
        out.append("\n    </p>\n    ")
        excerpt = highlighted and getattr(entry, "excerpt_highlighted", None)
        if excerpt:
            out.append(f'<p class="entry-summary" lang="zh-Hans">{esc(excerpt)}</p>')
        elif entry.summary:
            out.append(f'<p class="entry-summary" lang="zh-Hans">{esc(entry.summary)}</p>')
        index_number = (esc(getattr(entry, "index_number_highlighted", None) or entry.index_number) if highlighted
                        else esc(entry.index_number))
        out.append(f'\n    <dl class="entry-meta">\n      <div><dt>{labels["index"]}</dt><dd>{index_number}</dd></div>\n      ')
        number = highlighted and getattr(entry, "document_number_highlighted", None)
        if number:
            out.append(f'<div><dt>{labels["number"]}</dt><dd lang="zh-Hans">{esc(number)}</dd></div>')
        office, category = entry.office, entry.category
        day = esc(iso_date(template_localtime(entry.published_at)))
        out.append(
            f'\n      <div><dt>{labels["office"]}</dt><dd lang="{esc(localized_lang(office))}">{esc(localized(office))}</dd></div>'
            f'\n      <div><dt>{labels["category"]}</dt><dd lang="{esc(localized_lang(category))}">{esc(localized(category))}</dd></div>'
            f'\n      <div><dt>{labels["date"]}</dt><dd><time datetime="{day}">{day}</time></dd></div>'
            "\n    </dl>\n    ")
        if on_request:
            # The template's `urlencode` filter: quote() keeping "/", then escaped.
            out.append(
                f'\n    <p class="entry-apply"><a class="button button-small" href="{esc(apply_url)}'
                f'?title={esc(quote(str(entry.title), safe="/"))}&index={esc(quote(str(entry.index_number), safe="/"))}">'
                f'{labels["apply"]}<span class="visually-hidden">{labels["colon"]}<span lang="zh-Hans">{title}</span></span></a></p>\n    ')
        out.append("\n  </li>\n  ")
    return mark_safe("".join(out))  # every value above is escaped


@register.simple_tag
def filter_options(items, selected, value: str = "pk"):
    """`{% filter_options categories category "code" %}`: the `<option>`s of a list filter (a
    category, an office), the one shown marked selected, sub-categories after a dash, as the
    catalogue's form lays them out. Some 50 categories cost the catalogue page as much as its rows."""
    esc = conditional_escape
    out = []
    for item in items:
        mark = " selected" if selected and item.pk == selected.pk else ""
        dash = "— " if getattr(item, "parent_id", None) else ""
        out.append(f'\n      <option value="{esc(getattr(item, value))}" lang="{esc(localized_lang(item))}"{mark}>'
                   f"{dash}{esc(localized(item))}</option>\n      ")
    return mark_safe("".join(out))  # every value above is escaped
