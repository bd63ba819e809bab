from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("互动交流")
    default_auto_field = "django.db.models.BigAutoField"

    worklist = "complaints.selectors.worklist"
    demo_loader = ["complaints.demo.load", "complaints.compliance.demo_load"]  # the second: issue #20
    tracking_lookup = "complaints.views.tracked_case"
    own_cases = ["complaints.selectors.OwnComplaints", "complaints.selectors.OwnConsultations"]  # issue #18
    demand_requests = "complaints.demand_selectors.demand_requests"  # issue #18
    demand_fingerprint = "complaints.demand_selectors.demand_fingerprint"  # issue #22

    # Model permissions each role receives through its group. Who sees which object, and how much
    # of it, is decided per object in selectors.py; the reporter's identity is the supervision
    # office's alone (M.19).
    role_permissions = {
        "supervision": {
            "complaints.view_complaint", "complaints.add_complaint", "complaints.handle_complaint",
            "complaints.view_reporter_identity", "complaints.view_consultation",
            "complaints.view_accountabilityfinding", "complaints.add_accountabilityfinding",
            "complaints.change_accountabilityfinding", "complaints.record_finding", "complaints.view_assessment",
            "complaints.view_surveyresponse", "complaints.view_compliancerun", "complaints.run_compliance_check",
        },
        "disclosure_office": {
            "complaints.view_consultation", "complaints.add_consultation", "complaints.route_consultation",
            "complaints.answer_consultation", "complaints.publish_consultation", "complaints.view_asker_identity",
            "complaints.view_accountabilityfinding", "complaints.view_assessment", "complaints.view_surveyresponse",
            "complaints.view_compliancerun", "complaints.run_compliance_check",
        },
        "drafter": {"complaints.view_complaint", "complaints.explain_complaint", "complaints.view_consultation",
                    "complaints.answer_consultation", "complaints.view_accountabilityfinding"},
        "division_head": {"complaints.view_complaint", "complaints.explain_complaint", "complaints.view_consultation",
                          "complaints.answer_consultation", "complaints.view_accountabilityfinding"},
        "leader": {"complaints.view_accountabilityfinding"},
    }

    def ready(self):
        from complaints import checks, receivers  # noqa: F401  (checks registers itself)
        from portal.signals import calendar_changed

        calendar_changed.connect(receivers.recompute_due_dates, dispatch_uid="complaints_recompute_due_dates")
