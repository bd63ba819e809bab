"""A revocation covers every earlier version of the information (M.14).

Before this, revoking the current version left the versions it had replaced published: their
pages still showed the body, and the API and the sitemap still listed them. Revoke them now as
services._end_of_life does from here on, with an event naming the revocation they follow."""

from django.db import migrations
from django.utils import timezone

LIVE = ("published", "registered")


def revoke_replaced_versions(apps, schema_editor):
    Record = apps.get_model("disclosure", "Record")
    CatalogueEntry = apps.get_model("disclosure", "CatalogueEntry")
    SearchDocument = apps.get_model("disclosure", "SearchDocument")
    WorkflowEvent = apps.get_model("disclosure", "WorkflowEvent")
    for revoked in Record.objects.filter(state="revoked", previous_version__isnull=False).order_by("pk"):
        event = WorkflowEvent.objects.filter(record=revoked, action="revoke").order_by("-at", "-pk").first()
        if event is None:
            continue
        seen, previous_id = set(), revoked.previous_version_id
        while previous_id and previous_id not in seen:
            seen.add(previous_id)
            older = Record.objects.get(pk=previous_id)
            previous_id = older.previous_version_id
            if older.state not in LIVE:
                continue
            from_state = older.state
            older.state = "revoked"
            older.validity_changed_on = revoked.validity_changed_on
            older.status_note = revoked.status_note
            older.save(update_fields=["state", "validity_changed_on", "status_note"])
            entries = CatalogueEntry.objects.filter(record=older)
            SearchDocument.objects.filter(entry__in=entries).delete()
            entries.update(is_listed=False)
            WorkflowEvent.objects.create(
                record=older, action="revoke", actor_id=event.actor_id, acted_as=event.acted_as, at=timezone.now(),
                from_state=from_state, to_state="revoked",
                comment=f"随第 {revoked.version_number} 版（{revoked.index_number or '—'}）一并撤销：{revoked.status_note}",
                checklist={**(event.checklist or {}), "with_version": revoked.pk},
            )


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0004_search_index")]

    operations = [migrations.RunPython(revoke_replaced_versions, migrations.RunPython.noop)]
