from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("依申请公开")
    default_auto_field = "django.db.models.BigAutoField"

    worklist = ["applications.selectors.worklist", "applications.annual_report.compute.worklist"]
    # the second: issue #20; the third: issue #18
    demo_loader = ["applications.demo.load", "applications.redaction_demo.load", "applications.demand_demo.load"]
    tracking_lookup = "applications.views.tracked_case"
    own_cases = "applications.selectors.OwnApplications"  # issue #18: portal/own_cases
    demand_requests = "applications.demand_selectors.demand_requests"  # issue #18
    demand_fingerprint = "applications.demand_selectors.demand_fingerprint"  # issue #22
    record_submission_guard = "applications.annual_report.services.annual_report_record_guard"
    # Issue #20: files provided to an applicant can be redacted; a reply is checked for personal data.
    redaction_source = "applications.redaction.ProvidedFileSource"
    personal_data_target = "applications.personal_data.ReplyTarget"
    object_panels = "applications.panels.application_panels"

    base_role_permissions = {
        "disclosure_office": {
            "applications.view_disclosureapplication", "applications.add_disclosureapplication",
            "applications.register_application", "applications.approve_application_reply",
            "applications.view_applicant_identity", "applications.view_applicationevent",
            "applications.view_applicationfile", "applications.view_feenotice", "applications.view_reviewcase",
            "applications.change_reviewcase",
            # The annual report (issue #7): compiled and turned into a draft record by this office.
            "applications.view_annualreport", "applications.add_annualreport", "applications.change_annualreport",
            "applications.compile_annual_report",
        },
        "drafter": {"applications.view_disclosureapplication", "applications.handle_application",
                    "applications.view_applicationfile"},
        "division_head": {"applications.view_disclosureapplication", "applications.handle_application",
                          "applications.view_applicationfile"},
        # M.6 para. 2, R.15: a supervising leader signs a reply disclosing in the public interest.
        "leader": {"applications.view_disclosureapplication", "applications.view_applicationfile",
                   "applications.sign_off_public_interest"},
        "supervision": {"applications.view_disclosureapplication", "applications.view_applicationevent",
                        "applications.view_reviewcase", "applications.view_annualreport"},
    }

    @property
    def role_permissions(self) -> dict[str, set[str]]:
        """The roles above, and whoever settings.APPLICATION_EXTENSION_APPROVERS names consents to
        extensions (R.33(2)): they see the applications waiting for them (selectors.py)."""
        from applications.selectors import extension_approver_rules

        table = {role: set(perms) for role, perms in self.base_role_permissions.items()}
        for role, _kind in extension_approver_rules():
            table.setdefault(role, set()).update({"applications.view_disclosureapplication",
                                                  "applications.approve_application_extension"})
        return table

    def ready(self):
        from applications import checks, receivers  # noqa: F401  (checks registers itself)
        from portal.signals import calendar_changed

        calendar_changed.connect(receivers.recompute_due_dates, dispatch_uid="applications_recompute_due_dates")
