"""Writes on 政策解读 links (issue #19). The interpretation itself is a record drafted, reviewed
and published by the ordinary services; here it is linked to the policies it explains.

Linked while the policy is a draft, it is drafted with it (`with_policy`): it then takes every
step of the M.12 chain with the policy (services._move_companions) and is published in the same
transaction (services.record_publish). Linked to a policy already published, it is an
interpretation added later and runs its own chain."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from disclosure import workflow
from disclosure.catalogue_seed import INTERPRETATION_CATEGORY
from disclosure.interpretation_models import Interpretation
from disclosure.models import CatalogueCategory, EventAction, Record, RecordState
from disclosure.services import _event, _require_drafter
from portal.errors import InvalidInput, StateConflict
from portal.models import Role

S = RecordState


def _lock_pair(interpretation: Record, policy: Record) -> tuple[Record, Record]:
    # Always in pk order: two drafters linking the same pair the other way round do not deadlock.
    rows = {r.pk: r for r in Record.objects.select_for_update(of=("self",)).select_related("office")
            .filter(pk__in=[interpretation.pk, policy.pk]).order_by("pk")}
    return rows[interpretation.pk], rows[policy.pk]


def interpretation_link(*, interpretation: Record, policy: Record, actor) -> Interpretation:
    """The info officer links a draft interpretation to a policy of their office: a policy still
    being drafted (the two then go through the chain and out together), or one already published
    (the interpretation is added later, on its own chain)."""
    if interpretation.pk == policy.pk:
        raise InvalidInput(_("政策解读不能解读其本身。"))
    with transaction.atomic():
        interpretation, policy = _lock_pair(interpretation, policy)
        _require_drafter(actor, interpretation.office_id)
        _require_drafter(actor, policy.office_id)
        if interpretation.state != S.DRAFT:
            raise StateConflict(_("只有草稿状态的政策解读可以关联政策文件；该解读当前处于“%(state)s”。")
                                % {"state": interpretation.get_state_display()})
        if policy.interprets_links.exists():
            raise InvalidInput(_("“%(title)s”本身是政策解读，不能再被解读。") % {"title": policy.title})
        if interpretation.interpretation_links.exists():
            raise InvalidInput(_("“%(title)s”已有政策解读，本身不能作为解读。") % {"title": interpretation.title})
        if policy.state == S.DRAFT:
            with_policy = True
            if interpretation.interprets_links.filter(with_policy=True).exists():
                raise InvalidInput(_("一篇解读只能随一份政策文件同步报送；其他已发布的文件可以另行关联。"))
        elif policy.state in workflow.LIVE_STATES and not policy.superseded_by_id:
            with_policy = False
        elif policy.state in workflow.LIVE_STATES:
            raise StateConflict(_("该版本已被新版本替代，请关联现行版本。"))
        else:
            raise StateConflict(_("政策文件“%(title)s”正在审核（%(state)s）：同步解读须在起草时附上，请退回修改后再关联；"
                                  "或待文件发布后另行起草解读。") % {"title": policy.title, "state": policy.get_state_display()})
        try:
            with transaction.atomic():
                link = Interpretation.objects.create(policy=policy, interpretation=interpretation,
                                                     with_policy=with_policy, created_by=actor)
        except IntegrityError:
            raise InvalidInput(_("该解读已关联此政策文件。")) from None
        category = CatalogueCategory.objects.filter(code=INTERPRETATION_CATEGORY, is_active=True).first()
        if category is not None and interpretation.category_id != category.pk:
            interpretation.category = category
            interpretation.save()
        for record, other in ((interpretation, policy), (policy, interpretation)):
            _event(record, actor=actor, role=Role.DRAFTER, action=EventAction.LINK_INTERPRETATION,
                   from_state=record.state, comment=other.title,
                   checklist={"policy": policy.pk, "interpretation": interpretation.pk, "with_policy": with_policy})
        return link


def interpretation_unlink(*, link: Interpretation, actor) -> None:
    """Take a draft interpretation off a policy (the link goes; both records stay)."""
    with transaction.atomic():
        interpretation, policy = _lock_pair(link.interpretation, link.policy)
        _require_drafter(actor, interpretation.office_id)
        if interpretation.state != S.DRAFT:
            raise StateConflict(_("只有草稿状态的政策解读可以取消关联。"))
        if link.with_policy and policy.state != S.DRAFT:
            raise StateConflict(_("政策文件已报送审核，随其报送的解读须退回修改后再取消关联。"))
        Interpretation.objects.filter(pk=link.pk).delete()
        for record, other in ((interpretation, policy), (policy, interpretation)):
            _event(record, actor=actor, role=Role.DRAFTER, action=EventAction.UNLINK_INTERPRETATION,
                   from_state=record.state, comment=other.title,
                   checklist={"policy": policy.pk, "interpretation": interpretation.pk})


def interpretation_links_set(*, interpretation: Record, policies, actor) -> None:
    """The back office's field "解读的政策文件": link what was added, unlink what was removed."""
    wanted = {p.pk: p for p in policies}
    current = {link.policy_id: link for link in Interpretation.objects.filter(interpretation=interpretation)}
    for policy_id, link in current.items():
        if policy_id not in wanted:
            interpretation_unlink(link=link, actor=actor)
    for policy_id, policy in wanted.items():
        if policy_id not in current:
            interpretation_link(interpretation=interpretation, policy=policy, actor=actor)
