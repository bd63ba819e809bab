"""The back office for 互动交流, one module per aggregate: complaints, consultations,
accountability findings, survey answers, and the supervision and assessment dashboard. Thin:
rules live in services, workflow and selectors. Importing this package registers them all."""

# Issue #20: the compliance self-check page.
from complaints import compliance_admin  # noqa: F401
from complaints.admin import assessment, complaints, consultations, evaluation, findings  # noqa: F401
from complaints.admin.complaints import ComplaintAdmin  # noqa: F401
