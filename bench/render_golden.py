#!/usr/bin/env python
"""Write the HTML of the public pages that `render_probe.py` times, in both languages and with
the display modes, to a directory; run it before and after a change to templates and `diff -r`
the two directories (a change meant to make rendering cheaper must leave the HTML alone).

    <env as in render_probe.py> .venv/bin/python bench/render_golden.py /tmp/before
"""

from __future__ import annotations

import sys
from pathlib import Path

import django


def main() -> None:
    django.setup()
    from django.test import Client

    from disclosure.models import CatalogueCategory, Record
    from disclosure.selectors import catalogue_listed, records_public_pages

    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    listed = catalogue_listed().order_by("-published_at", "-pk")
    codes = list(CatalogueCategory.objects.filter(is_active=True).values_list("code", flat=True))
    # every record the demo builds specially (versions, revoked, repealed, interpretations, calls
    # for comments, attachments) plus a spread of generated ones
    records = sorted(set(records_public_pages().order_by("pk").values_list("pk", flat=True)[:80])
                     | set(listed.values_list("record_id", flat=True)[:2000:100])
                     | set(Record.objects.filter(state="revoked").values_list("pk", flat=True)))
    paths = ["/", "/catalogue/", "/catalogue/?page=2", "/catalogue/?page=30", "/catalogue/?page=999",
             "/catalogue/?page=last", "/rules/", "/annual-reports/", "/search/?q=通知", "/search/?q=许可&sort=date",
             "/search/?q=安全生产 电子信息", "/search/?q=通知&page=3", "/search/?q=吉工信", "/search/?q=2021 名单",
             "/search/?q=申请&office=1", "/search/?q=无此词语", "/search/?q=许可&year=2024",
             *[f"/catalogue/?category={code}" for code in codes],
             *[f"/catalogue/?category={code}&year=2024" for code in codes[:3]],
             *[f"/records/{pk}/" for pk in records], *[f"/records/{pk}/print/" for pk in records[:30]]]
    variants = {"zh": {}, "en": {"django_language": "en"}, "a11y": {"a11y_font": "large", "a11y_contrast": "high"}}
    for variant, cookies in variants.items():
        client = Client()
        for name, value in cookies.items():
            client.cookies[name] = value
        for n, path in enumerate(paths):
            response = client.get(path, HTTP_HOST="localhost")
            name = f"{variant}-{n:04d}-{path.strip('/').replace('/', '_').replace('?', '_')[:80]}.html"
            (out / name).write_bytes(b"%d\n" % response.status_code + response.content)
    print(f"{len(paths) * len(variants)} pages written to {out}")


if __name__ == "__main__":
    main()
