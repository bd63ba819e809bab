"""No data lost, none left behind (issue #8): files of a submission that does not commit are
removed; files nobody refers to any more are found by the sweep, history's files are kept."""

import os
import time
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction

from portal.uploads import files_removed_unless_committed


class FakeFieldFile:
    def __init__(self, name):
        self.storage, self.name = default_storage, name


def test_files_of_a_rolled_back_transaction_are_removed(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(RuntimeError), files_removed_unless_committed() as saved, transaction.atomic():
        name = default_storage.save("applications/x.pdf", ContentFile(b"%PDF-1.4"))
        saved(FakeFieldFile(name))
        raise RuntimeError("the database went away")
    assert not (tmp_path / name).exists()


def test_files_of_a_committed_transaction_stay(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with files_removed_unless_committed() as saved, transaction.atomic():
        name = default_storage.save("applications/x.pdf", ContentFile(b"%PDF-1.4"))
        saved(FakeFieldFile(name))
    assert (tmp_path / name).exists()


def test_the_sweep_lists_and_removes_only_old_unreferenced_files(world, settings, tmp_path):
    from disclosure.models import Attachment
    from tests.conftest import new_draft

    settings.MEDIA_ROOT = tmp_path
    record = new_draft(world)
    kept = Attachment(record=record, original_name="a.pdf", content_type="application/pdf", size=8, sha256="0" * 64,
                      uploaded_by=world.drafter_a)
    kept.file.save("a.pdf", ContentFile(b"%PDF-1.4"), save=False)
    kept.save()
    removed_row = Attachment(record=record, original_name="b.pdf", content_type="application/pdf", size=8,
                             sha256="0" * 64, uploaded_by=world.drafter_a)
    removed_row.file.save("b.pdf", ContentFile(b"%PDF-1.4"), save=False)
    removed_row.save()
    removed_row.delete()  # its history still names the file: kept
    orphan = default_storage.save("applications/2026/01/orphan.pdf", ContentFile(b"%PDF-1.4"))
    young = default_storage.save("applications/2026/01/young.pdf", ContentFile(b"%PDF-1.4"))
    old = time.time() - 2 * 86400
    for name in (kept.file.name, removed_row.file.name, orphan):
        os.utime(tmp_path / name, (old, old))

    out = StringIO()
    call_command("sweep_orphan_files", stdout=out)
    assert out.getvalue().splitlines() == [orphan, "未引用 / unreferenced: 1"]
    assert (tmp_path / orphan).exists()

    call_command("sweep_orphan_files", "--delete", stdout=StringIO())
    assert not (tmp_path / orphan).exists()
    assert (tmp_path / kept.file.name).exists() and (tmp_path / removed_row.file.name).exists()
    assert (tmp_path / young).exists()
