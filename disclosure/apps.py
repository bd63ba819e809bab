from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "disclosure"
    verbose_name = _("主动公开")
    default_auto_field = "django.db.models.BigAutoField"

    worklist = ["disclosure.selectors.worklist", "disclosure.selectors.change_request_worklist",
                "disclosure.comment_selectors.comment_worklist"]
    # the second: issue #20; the third: calls for public comments (issue #19)
    demo_loader = ["disclosure.demo.load", "disclosure.redaction_demo.load", "disclosure.comment_demo.load",
                   "disclosure.subscription_demo.load"]
    public_schedule = "disclosure.selectors.next_scheduled_publication"
    # Issue #20: record attachments can be redacted (R.37); records are checked for personal data
    # before submission and publication (M.6); panels on the record's pages show both.
    redaction_source = "disclosure.redaction_services.AttachmentSource"
    personal_data_target = "disclosure.personal_data_checks.RecordTarget"
    record_submission_guard = "disclosure.personal_data_checks.record_guard"
    # Issue #19: a call for comments published after its start date still needs its minimum period.
    record_publication_guard = "disclosure.comment_services.publication_guard"
    object_panels = "disclosure.panels.record_panels"
    # Issue #21: a subscriber's address refused for good by the mail server suspends the subscription.
    notice_refused = "disclosure.subscription_services.notice_refused"

    # What each role may do to records, as model permissions (the office scope comes on top,
    # from guardian object permissions on Office; see portal.selectors).
    role_permissions = {
        "drafter": {
            "disclosure.view_record", "disclosure.add_record", "disclosure.change_record",
            "disclosure.submit_record", "disclosure.amend_record", "disclosure.view_catalogueentry",
            "disclosure.view_attachment", "disclosure.add_attachment", "disclosure.change_attachment",
            "disclosure.delete_attachment", "disclosure.view_cataloguecategory",
            "disclosure.request_record_change", "disclosure.view_changerequest",
            "disclosure.redact_file", "disclosure.view_fileredaction", "disclosure.view_sensitiveword",
        },
        "division_head": {
            "disclosure.view_record", "disclosure.review_division_record", "disclosure.view_attachment",
            "disclosure.view_catalogueentry", "disclosure.view_cataloguecategory",
            "disclosure.request_record_change", "disclosure.view_changerequest",
            "disclosure.redact_file", "disclosure.view_fileredaction", "disclosure.view_sensitiveword",
        },
        "disclosure_office": {
            "disclosure.view_record", "disclosure.review_confidentiality_record", "disclosure.revoke_record",
            "disclosure.view_attachment", "disclosure.view_workflowevent", "disclosure.view_releaseregisterline",
            "disclosure.view_catalogueentry", "disclosure.view_cataloguecategory",
            "disclosure.add_cataloguecategory", "disclosure.change_cataloguecategory",
            "disclosure.view_changerequest", "disclosure.view_statutoryitem", "disclosure.add_statutoryitem",
            "disclosure.change_statutoryitem",
            "disclosure.redact_file", "disclosure.view_fileredaction", "disclosure.view_sensitiveword",
            "disclosure.add_sensitiveword", "disclosure.change_sensitiveword",
            "disclosure.view_personaldataclearance",
            # Issue #21: the public's subscriptions (addresses shown whole to this role only).
            "disclosure.view_subscription", "disclosure.delete_subscription",
        },
        "leader": {
            "disclosure.view_record", "disclosure.signoff_record", "disclosure.view_attachment",
            "disclosure.view_catalogueentry",
        },
        "info_center": {
            "disclosure.view_record", "disclosure.publish_record", "disclosure.register_record",
            "disclosure.view_attachment", "disclosure.view_releaseregisterline", "disclosure.view_catalogueentry",
            "disclosure.view_cataloguecategory",
        },
        "general_office": {
            "disclosure.view_record", "disclosure.register_record", "disclosure.view_attachment",
            "disclosure.view_releaseregisterline", "disclosure.view_catalogueentry",
        },
        "supervision": {
            "disclosure.view_record", "disclosure.view_attachment", "disclosure.view_workflowevent",
            "disclosure.view_releaseregisterline", "disclosure.view_catalogueentry",
            "disclosure.view_fileredaction", "disclosure.view_personaldataclearance",
            "disclosure.view_subscription",  # the count of subscribers; addresses masked
        },
    }

    # Calls for public comments (意见征集, issue #19): the office's info officer opens one and drafts
    # the adoption report; the office and the disclosure office handle the comments; the head of
    # the office or the disclosure office may close one early. Contacts: see PublicComment.
    comment_permissions = {
        "drafter": {"disclosure.view_commentperiod", "disclosure.open_commentperiod",
                    "disclosure.change_commentperiod", "disclosure.report_commentperiod",
                    "disclosure.view_publiccomment", "disclosure.decide_publiccomment"},
        "division_head": {"disclosure.view_commentperiod", "disclosure.close_commentperiod",
                          "disclosure.view_publiccomment", "disclosure.decide_publiccomment"},
        "disclosure_office": {"disclosure.view_commentperiod", "disclosure.close_commentperiod",
                              "disclosure.view_publiccomment", "disclosure.decide_publiccomment",
                              "disclosure.view_commentrules", "disclosure.change_commentrules"},
        "leader": {"disclosure.view_commentperiod"},
        "info_center": {"disclosure.view_commentperiod"},
        "supervision": {"disclosure.view_commentperiod"},
    }
    for _role, _perms in comment_permissions.items():
        role_permissions[_role] = role_permissions[_role] | _perms
    del _role, _perms

    def ready(self):
        from disclosure import receivers
        from portal.signals import calendar_changed

        calendar_changed.connect(receivers.recompute_due_dates, dispatch_uid="disclosure_recompute_due_dates")
        from django.db.models.signals import post_delete, post_save

        from portal.signals import public_content_saved

        post_save.connect(public_content_saved, sender="disclosure.CatalogueCategory")
        post_delete.connect(public_content_saved, sender="disclosure.CatalogueCategory")
        # The statutory-content page lists these items and their categories (cached pages).
        from django.db.models.signals import m2m_changed

        from disclosure.models import StatutoryItem

        post_save.connect(public_content_saved, sender="disclosure.StatutoryItem")
        post_delete.connect(public_content_saved, sender="disclosure.StatutoryItem")
        m2m_changed.connect(public_content_saved, sender=StatutoryItem.categories.through)
