"""Every back-office action of the transition tables, and every form of the site listed below, has
a browser test that fills it in as a person does (issue #15, 1).

The actions are walked, not listed: each admin with workflow buttons (portal.admin_workflow) names
its transition table, so a transition added to records, applications, complaints or consultations
— or a new workflow — fails here until a test declares it with `@covers(...)` (tests/browser/
desk.py) and fills its page. This test does not drive a browser: it runs without chromium too.
"""

from __future__ import annotations

import importlib
import pkgutil

from django.contrib import admin
from django.urls import NoReverseMatch, reverse

import tests.browser
from portal.admin_workflow import WorkflowActionsMixin
from tests.browser.desk import COVERED

# The site's other forms, by URL name: what the public fills in, and the back office's forms that
# are not workflow actions (intake at the window, the report, findings, the dashboard's period).
PUBLIC_FORMS = [
    "applications:apply", "applications:track", "applications:case_supplement", "applications:case_withdraw",
    "applications:case_rate", "complaints:complain", "complaints:consult", "complaints:track",
    "complaints:case_rate", "complaints:survey", "disclosure:search",
    "applications:case_suggest",  # issue #18: an applicant suggests proactive disclosure (R.44)
    "own_cases:request", "own_cases:open",  # issue #18: a citizen's own cases by a one-time link
    "disclosure:comment_period",  # issue #19: a comment on a draft (意见征集)
    "disclosure:subscribe",  # issue #21: a subscription for the public (信息订阅)
]
STAFF_FORMS = [
    "admin:login", "admin:disclosure_record_add", "admin:applications_disclosureapplication_add",
    "admin:applications_reviewcase_change", "admin:applications_annualreport_add",
    "admin:applications_annualreport_change", "admin:complaints_complaint_add",
    "admin:complaints_complaint_reporter_search", "admin:complaints_consultation_add",
    "admin:complaints_accountabilityfinding_add", "admin:complaints_assessment_changelist",
    "admin:disclosure_demandtopic_changelist",
    "admin:disclosure_commentperiod_add",  # issue #19: opening a call for comments
]


def load_browser_tests() -> None:
    """Import every browser test module: each `@covers` registers what it fills in."""
    for module in pkgutil.iter_modules(tests.browser.__path__, "tests.browser."):
        if module.name.rsplit(".", 1)[-1].startswith("test_"):
            importlib.import_module(module.name)


def workflow_actions() -> dict[str, str]:
    """`<app_label>.<model>:<transition>` -> the action's page in the back office, for every
    admin that draws workflow buttons from a transition table."""
    actions = {}
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, WorkflowActionsMixin):
            continue
        opts = model._meta
        for name in model_admin.workflow.TRANSITIONS:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_transition", args=[1, name])
            actions[f"{opts.label_lower}:{name}"] = url
    return actions


def test_the_walk_finds_the_four_transition_tables():
    models = {key.split(":")[0] for key in workflow_actions()}
    assert {"disclosure.record", "applications.disclosureapplication", "complaints.complaint",
            "complaints.consultation"} <= models


def uncovered_actions() -> dict[str, str]:
    load_browser_tests()
    return {key: url for key, url in workflow_actions().items() if not COVERED.get(key)}


def test_every_workflow_action_has_a_form():
    without_form = [key for key in workflow_actions()
                    if key.split(":")[1] not in _admin_for(key.split(":")[0]).transition_forms]
    assert not without_form, f"transitions without a form (their page would fail): {without_form}"


def test_every_workflow_action_has_a_browser_test_that_fills_it():
    missing = uncovered_actions()
    assert not missing, (
        "back-office actions that no browser test fills in — add a test in tests/browser/ decorated "
        "with @covers(\"<key>\") that opens the page, fills it by label and presses its button:\n"
        + "\n".join(f"  {key}  ({url})" for key, url in sorted(missing.items())))


def test_a_transition_added_to_a_table_is_reported_until_a_test_fills_it(monkeypatch):
    from disclosure import workflow

    added = workflow.Transition("consent", "征求意见", (workflow.S.DRAFT,), None, None)
    monkeypatch.setitem(workflow.TRANSITIONS, "consent", added)
    assert "disclosure.record:consent" in uncovered_actions()


def test_every_listed_form_has_a_browser_test_that_fills_it():
    load_browser_tests()
    for name in PUBLIC_FORMS + STAFF_FORMS:
        _must_exist(name)
    missing = [name for name in PUBLIC_FORMS + STAFF_FORMS if not COVERED.get(f"form:{name}")]
    assert not missing, f"forms that no browser test fills in (@covers(\"form:<url name>\")): {missing}"


def test_every_declared_key_names_a_real_action_or_form():
    """A test that declares a renamed or removed action would otherwise count for nothing."""
    load_browser_tests()
    known = set(workflow_actions()) | {f"form:{name}" for name in PUBLIC_FORMS + STAFF_FORMS}
    unknown = {key: tests for key, tests in COVERED.items() if key not in known}
    assert not unknown, f"@covers keys that are neither an action nor a listed form: {unknown}"


def _admin_for(label_lower: str):
    return next(model_admin for model, model_admin in admin.site._registry.items()
                if model._meta.label_lower == label_lower)


def _must_exist(name: str) -> None:
    for args in ([], [1], ["x"]):
        try:
            reverse(name, args=args)
            return
        except NoReverseMatch:
            continue
    raise AssertionError(f"{name} is not a URL name any more: update the list")
