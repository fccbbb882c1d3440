"""Copying a local store into a bucket while the site runs (``flask evidence migrate``;
docs/operations.md, "Moving evidence to S3").

Every file of the folder is copied unless the bucket already holds it with the same SHA-256
(recorded in the object's metadata), and each copy is read back from the bucket and hashed
before it counts. Nothing is deleted or changed in the folder, so the run can be stopped at
any point and started again: it carries on where it stopped, and a run that finds nothing
left to copy says so.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from app.core.storage.base import file_sha256
from app.core.storage.local import LocalStore
from app.core.storage.s3 import S3Store


@dataclass
class MigrationReport:
    copied: int = 0
    already_there: int = 0
    problems: list[str] = field(default_factory=list)


def migrate(
    source: LocalStore, target: S3Store, progress: Callable[[str], None] = lambda _name: None
) -> MigrationReport:
    """Copy what ``target`` lacks of ``source``; ``progress`` hears each name once it is
    done."""
    report = MigrationReport()
    for item in source.listing():
        try:
            sha256 = file_sha256(source.path(item.name))
        except FileNotFoundError:  # removed since it was listed
            continue
        if target.recorded_sha256(item.name) == sha256:
            report.already_there += 1
        else:
            target.copy_in(item.name, source.path(item.name), sha256)
            if target.sha256(item.name) == sha256:
                report.copied += 1
            else:
                report.problems.append(f"{item.name}: the copy in the bucket does not match")
        progress(item.name)
    return report
