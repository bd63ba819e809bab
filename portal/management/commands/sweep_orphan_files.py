"""Find (and with --delete remove) uploaded files that no row refers to.

Submissions remove their files when they roll back (portal/uploads.py); what remains orphaned
comes from a process killed mid-request. Files younger than --hours are left alone: they may
belong to a transaction still running on another app server."""

from __future__ import annotations

import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import models


def referenced_names() -> set[str]:
    """Every file name stored in a FileField of any model, and in its history (simple-history
    keeps the names of files since replaced or removed as plain text: those files stay)."""
    names: set[str] = set()
    for model in apps.get_models():
        file_fields = [f.name for f in model._meta.get_fields() if isinstance(f, models.FileField)]
        tables = [model._default_manager]
        if history := getattr(model._meta, "simple_history_manager_attribute", None):
            tables.append(getattr(model, history).model._default_manager)
        for manager in tables:
            for name in file_fields:
                names.update(manager.exclude(**{name: ""}).values_list(name, flat=True))
    return names


class Command(BaseCommand):
    help = "列出（--delete 时删除）无任何记录引用的上传文件 / List (or delete) uploaded files no row refers to."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24, help="leave files younger than this (default 24)")
        parser.add_argument("--delete", action="store_true", help="delete them (default: only list)")

    def handle(self, *args, hours: int, delete: bool, **options):
        root = Path(settings.MEDIA_ROOT)
        if not root.is_dir():
            self.stdout.write(f"没有上传文件目录 / no media directory: {root}")
            return
        keep = referenced_names()
        cutoff = time.time() - max(hours, 1) * 3600
        orphans = [path for path in root.rglob("*") if path.is_file() and path.stat().st_mtime < cutoff
                   and path.relative_to(root).as_posix() not in keep]
        for path in orphans:
            self.stdout.write(path.relative_to(root).as_posix())
            if delete:
                path.unlink()
        verb = "已删除 / deleted" if delete else "未引用 / unreferenced"
        self.stdout.write(f"{verb}: {len(orphans)}")
