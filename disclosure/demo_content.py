"""Demo content for the disclosure column of the default demo agency, 吉林省工业和信息化厅.

The records are data, in ``disclosure/demo_data/``: ``records.yaml`` lists them in the order the
demo loader (``disclosure/demo.py``) publishes them, with their texts; long or shared fragments
are HTML files beside it (the Measures, table 3 of the 2025 report). Every item is fictional but
written in the style of a provincial department; figures, enterprise names (shown as ××) and
telephone numbers are placeholders.

The demo loader drives each item through the publish workflow of the Measures (M.12, M.14) up
to its ``outcome``:

- ``registered``: published and registered (M.12(4));
- ``published``: published, not yet registered;
- ``amended``: published and registered, then a second version (``amendment``) published;
- ``revoked`` / ``repealed`` / ``expired``: published, then revoked, or marked 废止 / 失效,
  with ``reason``;
- ``withheld``: refused in the confidentiality review on ``ground``, ``reason`` is the comment;
- ``returned``: submitted and returned to draft by the division head, ``reason`` is the comment;
- ``draft``, ``division_review``, ``confidentiality_review``, ``leader_signoff``, ``ready``:
  stopped at that workflow state (their ``date_formed`` lies within four weeks of 2026-11-27).

A body in the data is HTML written one block element per line — the line breaks are layout
only and removed here, so a body is one line of HTML as the editor stores it — or
``{file: name}`` for a fragment in ``demo_data/``, or a list of both, joined in order.
``reason`` and ``ground`` default to "", ``amendment`` to None.

A 行政规范性文件 has an ``interpretation`` (title, summary, body, video_url: drafted with it and
published with it, issue #19) or an ``interpretation_waiver`` (the disclosure office's reason
why it needs none; "simple" when not given).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent / "demo_data"
DEFAULTS = {"reason": "", "ground": "", "amendment": None, "interpretation": None, "interpretation_waiver": ""}


def _html(body: Any) -> str:
    if isinstance(body, list):
        return "".join(_html(part) for part in body)
    if isinstance(body, dict):
        return _html((DATA / body["file"]).read_text(encoding="utf-8"))
    return body.replace("\n", "")


def _record(spec: dict) -> dict:
    record = {**spec, **{key: spec.get(key, default) for key, default in DEFAULTS.items()}}
    record["body"] = _html(record["body"])
    for key in ("amendment", "interpretation"):
        if record[key]:
            record[key] = {**record[key], "body": _html(record[key]["body"])}
    return record


def load_records() -> list[dict]:
    """The demo records, each a dict of the keys above (a fresh list on every call)."""
    text = (DATA / "records.yaml").read_text(encoding="utf-8")
    return [_record(spec) for spec in yaml.safe_load(text)]


RECORDS = load_records()

# Table 3 of the 2025 report as the disclosure office typed it in the editor (the body of the
# hand-written 2025 report includes it; the browser tests lay it out on small screens).
TABLE3_2025 = _html({"file": "table3-2025.html"})
