"""Uploaded files and the transactions that record them.

A submission writes its files to storage and its rows to the database in one transaction. If the
transaction does not commit, the rows vanish but the files would stay on disk, unreferenced (a
citizen's ID scan among them). Django has no on-rollback hook, so services wrap their outermost
transaction in `files_removed_unless_committed()` and report each file they save to it:

    with files_removed_unless_committed() as saved, transaction.atomic():
        item.file.save(name, upload, save=False)
        saved(item.file)
        ...

The context manager sits outside the atomic block, so it also sees a failing commit. Files left
behind by a process that died mid-request are found by `manage.py sweep_orphan_files`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

logger = logging.getLogger(__name__)


@contextmanager
def files_removed_unless_committed() -> Iterator[Callable]:
    written: list = []
    try:
        yield lambda field_file: written.append((field_file.storage, field_file.name))
    except BaseException:
        for storage, name in written:
            try:
                storage.delete(name)
            except OSError:  # logged by name only: the name is generated, never the citizen's
                logger.warning("could not remove the file of a rolled-back submission: %s", name)
        raise
