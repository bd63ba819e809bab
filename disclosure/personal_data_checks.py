"""The personal-data check before a record or a reply goes out (M.6, R.15; issue #20).

A `CheckTarget` says what of an object is published (the parts: a body, a letter, files) and who
may give a reason for a hit. Records are declared here; replies to applications in
`applications.personal_data`. Files are scanned as released: a redacted copy where there is one.

An unresolved hit — one with no reason recorded by a named person — stops the record at
submission and publication (`record_guard`, the `record_submission_guard` hook), and a reply at
sending. Each hit can instead be removed (edit the body, take the file off), redacted (PDF), or
given a reason (`clearance_record`), which is kept with who gave it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from disclosure.models import Record, RecordState
from disclosure.redaction_models import FileRedaction, PersonalDataClearance, SensitiveWord
from disclosure.redaction_services import is_pdf, released_file, unfinished
from portal.errors import ActionRefused, InvalidInput, StateConflict
from portal.files import ALLOWED
from portal.hooks import hooks
from portal.models import Office, Role, SiteProfile
from portal.personal_data import FileScan, Hit, Rules, html_text, scan_file, scan_text
from portal.selectors import can_act_for_office

KIND_BY_MIME = {mime: kind for kind, mime in ALLOWED.values()}
LISTED_IN_MESSAGE = 5


@dataclass
class Part:
    """One published part of an object: its text, or a stored file (released as `released`)."""

    label: str
    text: str | None = None
    item: object | None = None  # the stored file (Attachment, ApplicationFile)
    released: object | None = None  # what is released for it: the item, a FileRedaction, or None (unfinished)
    scan: FileScan | None = None
    hits: list[Hit] = field(default_factory=list)

    @property
    def redacted(self) -> bool:
        return isinstance(self.released, FileRedaction)

    @property
    def can_redact(self) -> bool:
        return self.item is not None and is_pdf(self.item)


@dataclass
class TargetScan:
    target: object
    parts: list[Part]
    clearances: dict[str, list[PersonalDataClearance]]
    blockers: list[str]  # unfinished redactions

    @property
    def hits(self) -> list[tuple[Part, Hit]]:
        return [(part, hit) for part in self.parts for hit in part.hits]

    @property
    def unresolved(self) -> list[tuple[Part, Hit]]:
        return [(part, hit) for part, hit in self.hits if hit.fingerprint not in self.clearances]

    @property
    def unchecked(self) -> list[Part]:
        return [part for part in self.parts if part.scan is not None and not part.scan.fully_checked]

    @property
    def clean(self) -> bool:
        return not self.unresolved and not self.blockers


class CheckTarget:
    """What of an object of `model` is published, and who may give reasons for hits in it."""

    model: type

    def parts(self, obj) -> list[Part]:
        raise NotImplementedError

    def exclude(self, obj) -> set[str]:
        return set()

    def check_clear(self, obj, actor) -> str:
        """The role `actor` gives a reason in; raise ActionRefused / StateConflict if they may not."""
        raise NotImplementedError

    def visible(self, user) -> QuerySet:
        raise NotImplementedError

    def url(self, obj) -> str:
        raise NotImplementedError


class RecordTarget(CheckTarget):
    model = Record

    def parts(self, obj) -> list[Part]:
        parts = [Part(label=_("正文"), text="\n".join([obj.title, obj.summary, html_text(obj.body)]))]
        for attachment in obj.attachments.all():
            parts.append(Part(label=_("附件《%(name)s》") % {"name": attachment.original_name}, item=attachment))
        return parts

    def check_clear(self, obj, actor) -> str:
        if obj.state == RecordState.DRAFT and can_act_for_office(actor, Role.DRAFTER, obj.office_id):
            return Role.DRAFTER
        if obj.state == RecordState.DIVISION_REVIEW and can_act_for_office(actor, Role.DIVISION_HEAD, obj.office_id):
            return Role.DIVISION_HEAD
        if obj.state not in (RecordState.DRAFT, RecordState.DIVISION_REVIEW):
            raise StateConflict(_("该信息已过处室审核环节，不能再补充说明；如需修改，请退回。"))
        raise ActionRefused(_("只有本处室信息员（草稿）或处室负责人（审核时）可以说明理由。"))

    def visible(self, user) -> QuerySet:
        from disclosure.selectors import records_for_staff

        return records_for_staff(user)

    def url(self, obj) -> str:
        return reverse("admin:disclosure_record_change", args=[obj.pk])


def targets() -> dict[type, CheckTarget]:
    return {target.model: target for target in (cls() for cls in hooks("personal_data_target"))}


def target_for(obj) -> CheckTarget:
    return targets()[type(obj)]


# --- Scanning ---------------------------------------------------------------------------------------


def _normal(value: str) -> str:
    import re

    return re.sub(r"[\s-]", "", value or "").upper()


def rules(*, exclude=()) -> Rules:
    """The agency's wording list and its own addresses (not personal data), plus `exclude`."""
    words = dict(SensitiveWord.objects.filter(is_active=True).values_list("word", "correct"))
    own = [SiteProfile.current().email, *Office.objects.exclude(email="").values_list("email", flat=True)]
    return Rules(words=words, allowed_email_domains=tuple(settings.PERSONAL_DATA_ALLOWED_EMAIL_DOMAINS),
                 exclude=frozenset(_normal(v) for v in [*own, *exclude] if v))


def _rules_key(rules: Rules) -> str:
    blob = repr((sorted(rules.words.items()), rules.allowed_email_domains, sorted(rules.exclude)))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def scan_stored(stored, name: str, rules: Rules) -> FileScan:
    """Scan a stored file (anything with file, content_type, sha256), cached by content and rules."""
    key = f"pdscan:v1:{stored.sha256}:{_rules_key(rules)}"
    found = cache.get(key)
    if found is not None:
        return found
    kind = KIND_BY_MIME.get(stored.content_type, "pdf" if stored.content_type == "application/pdf" else "")
    try:
        with stored.file.open("rb") as handle:
            data = handle.read()
    except (FileNotFoundError, OSError, ValueError):
        return FileScan(name=name, readable=False, note=_("找不到该文件的存储内容，无法检查。"))
    result = scan_file(data, name=name, kind=kind, rules=rules)
    cache.set(key, result, 24 * 3600)
    return result


def scan_target(obj, *, target: CheckTarget | None = None) -> TargetScan:
    target = target or target_for(obj)
    current_rules = rules(exclude=target.exclude(obj))
    parts = target.parts(obj)
    items = [part.item for part in parts if part.item is not None]
    for part in parts:
        if part.text is not None:
            part.hits = scan_text(part.text, current_rules, location=part.label)
            continue
        part.released = released_file(part.item)
        if part.released is None:
            continue  # an unfinished redaction: a blocker, not scanned
        label = part.label + (_("（公开版）") if part.redacted else "")
        part.scan = scan_stored(part.released, label, current_rules)
        part.hits = [Hit(kind=h.kind, value=h.value, context=h.context, page=h.page, box=h.box,
                         suggestion=h.suggestion, location=f"{label} {h.location}".strip()) for h in part.scan.hits]
    return TargetScan(target=obj, parts=parts, clearances=clearances_of(obj), blockers=unfinished(items))


def clearances_of(obj) -> dict[str, list[PersonalDataClearance]]:
    found: dict[str, list[PersonalDataClearance]] = {}
    for clearance in PersonalDataClearance.objects.filter(
            target_type=ContentType.objects.get_for_model(obj), target_id=obj.pk).select_related("actor"):
        found.setdefault(clearance.fingerprint, []).append(clearance)
    return found


def refusal(scan: TargetScan, *, what: str) -> str:
    """The message that stops `what` (提交/发送), naming the hits (masked) and where they are."""
    lines = list(scan.blockers)
    unresolved = scan.unresolved
    if unresolved:
        listed = "；".join(_("%(kind)s %(value)s（%(where)s：%(context)s）")
                          % {"kind": hit.label, "value": hit.shown_value, "where": hit.location, "context": hit.context}
                          for _part, hit in unresolved[:LISTED_IN_MESSAGE])
        more = _("等 %(n)d 处") % {"n": len(unresolved)} if len(unresolved) > LISTED_IN_MESSAGE else ""
        lines.append(_("发现疑似个人信息或错敏词，未处理：%(hits)s%(more)s。请删除或遮盖，或在“个人信息检查”中说明可以公开的理由后再%(what)s"
                       "（实施办法第六条）。") % {"hits": listed, "more": more, "what": what})
    return " ".join(lines)


def record_guard(record: Record) -> None:
    """The `record_submission_guard` hook: at submission and publication (M.6, M.12(1))."""
    scan = scan_target(record)
    if not scan.clean:
        raise InvalidInput(refusal(scan, what=_("提交")))


# --- Reasons ---------------------------------------------------------------------------------------


def clearance_record(*, target_obj, actor, fingerprints: list[str], reason: str) -> list[PersonalDataClearance]:
    """`actor` states why the hits `fingerprints` may be published (M.6): kept with their name,
    role and the time; the same number or word anywhere in the object is covered."""
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise InvalidInput(_("请写明可以公开的理由（例如：该号码为本处室对外公布的办事电话）。"))
    if not fingerprints:
        raise InvalidInput(_("请选择要说明理由的检查结果。"))
    target = target_for(target_obj)
    with transaction.atomic():
        obj = type(target_obj).objects.select_for_update(of=("self",)).get(pk=target_obj.pk)
        role = target.check_clear(obj, actor)
        scan = scan_target(obj, target=target)
        open_hits = {hit.fingerprint: hit for _part, hit in scan.unresolved}
        chosen = [open_hits[f] for f in dict.fromkeys(fingerprints) if f in open_hits]
        if not chosen:
            raise StateConflict(_("所选的检查结果已处理或已不存在。"))
        content_type = ContentType.objects.get_for_model(obj)
        return [PersonalDataClearance.objects.create(
            target_type=content_type, target_id=obj.pk, fingerprint=hit.fingerprint, kind=hit.kind,
            shown_value=hit.shown_value[:200], reason=reason, actor=actor, acted_as=role) for hit in chosen]
