"""Undoing a statistics import: the figures it created are removed and those it changed go back
to what they were, all or nothing.

An import batch keeps what this needs and no more: the time its figures were written, and the
figures it changed as they were before. The figures it created are those still marked with it
that it did not change. An undo is refused, naming the figures, when one of them has changed
since: by a later import (whose own record of what it changed names this batch) or by hand (its
last change is no longer the import's time), since undoing would then throw that change away.
"""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from regions.figures import period_label
from regions.models import ImportBatch, Statistic


class UndoRefused(Exception):
    """The import cannot be undone; `messages` say why, figure by figure."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def _figure(statistic: Statistic) -> str:
    return _("%(region)s, %(period)s") % {
        "region": statistic.region.name,
        "period": period_label(statistic.period_start, statistic.period_end),
    }


def changed_since(batch: ImportBatch) -> list[str]:
    """The figures of this import that changed after it, each said with who changed it."""
    later = (
        ImportBatch.objects.filter(
            kind=ImportBatch.Kind.STATISTICS,
            undone_at__isnull=True,
            created_at__gte=batch.created_at,
        )
        .exclude(pk=batch.pk)
        .order_by("created_at")
    )
    by_import: dict[int, ImportBatch] = {}
    for other in later:
        for statistic_id, *_values, previous_batch, _updated in other.previous_values:
            if previous_batch == batch.pk:
                by_import.setdefault(statistic_id, other)
    reasons = []
    for statistic in Statistic.objects.filter(pk__in=by_import).select_related("region"):
        other = by_import[statistic.pk]
        reasons.append(
            _("%(figure)s was changed since by the import of %(file)s (%(when)s).")
            % {
                "figure": _figure(statistic),
                "file": other.file_name,
                "when": timezone.localtime(other.created_at).strftime("%d/%m/%Y %H:%M"),
            }
        )
    edited = (
        Statistic.objects.filter(import_batch=batch)
        .exclude(updated_at=batch.written_at)
        .select_related("region")
    )
    for statistic in edited:
        reasons.append(
            _("%(figure)s was changed by hand since (%(when)s).")
            % {
                "figure": _figure(statistic),
                "when": timezone.localtime(statistic.updated_at).strftime("%d/%m/%Y %H:%M"),
            }
        )
    return sorted(reasons)


def import_batch_undo(*, batch: ImportBatch, user: AbstractBaseUser | None) -> tuple[int, int]:
    """Undo a statistics import, all or nothing: returns (figures removed, figures restored), or
    raises UndoRefused saying why."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.kind != ImportBatch.Kind.STATISTICS:
            raise UndoRefused([_("Only an import of statistics can be undone.")])
        if batch.undone_at is not None:
            raise UndoRefused([_("This import has been undone already.")])
        if batch.written_at is None:
            raise UndoRefused(
                [
                    _(
                        "This import was made before imports could be undone: change its "
                        "figures in the list instead."
                    )
                ]
            )
        reasons = changed_since(batch)
        if reasons:
            raise UndoRefused(
                [
                    ngettext(
                        "Nothing was undone: %(count)s figure of this import has changed since, "
                        "and undoing would throw that change away.",
                        "Nothing was undone: %(count)s figures of this import have changed since, "
                        "and undoing would throw those changes away.",
                        len(reasons),
                    )
                    % {"count": f"{len(reasons):,}"},
                    *reasons,
                ]
            )
        previous = {row[0]: row for row in batch.previous_values}
        removed, _by_model = (
            Statistic.objects.filter(import_batch=batch).exclude(pk__in=previous).delete()
        )
        # The Welsh notes as they are now, for imports recorded before there were any (their
        # rows have no notes_cy, and those imports cannot have changed it).
        existing = dict(Statistic.objects.filter(pk__in=previous).values_list("pk", "notes_cy"))
        restored = []
        for statistic_id, value, source, notes, *rest in previous.values():
            if statistic_id not in existing:
                continue
            notes_cy = rest.pop(0) if len(rest) == 3 else existing[statistic_id]
            batch_id, updated_at = rest
            restored.append(
                Statistic(
                    pk=statistic_id,
                    value=value,
                    source=source,
                    notes=notes,
                    notes_cy=notes_cy,
                    import_batch_id=batch_id,
                    updated_at=datetime.datetime.fromisoformat(updated_at),
                )
            )
        # bulk_update writes the stored times as given (auto_now applies only to save()).
        Statistic.objects.bulk_update(
            restored,
            ["value", "source", "notes", "notes_cy", "import_batch_id", "updated_at"],
            batch_size=500,
        )
        batch.undone_at = timezone.now()
        batch.undone_by = user
        batch.save(update_fields=["undone_at", "undone_by"])  # public pages show the change
    return removed, len(restored)
