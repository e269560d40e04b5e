"""The demo campaign for tests, made once with `load_demo` and then copied into each test.

Running `load_demo` takes a quarter of a second, and several hundred tests ask for the demo.
`capture_demo` runs the command once in a transaction, keeps every row it added and rolls it
back, so a test that does not ask for the demo still starts from an empty database;
`DemoSnapshot.restore` puts the same rows back inside a test in a few milliseconds.
"""

import copy
import io
from dataclasses import dataclass, field

from django.apps import apps
from django.core.management import call_command
from django.db import connection, models, transaction


@dataclass
class DemoSnapshot:
    """The rows `load_demo` adds to an empty database, table by table, each table after the
    tables it refers to. A reference to a row that was there before (a role's group, made by a
    migration) is kept as that row's natural key: a flush and migrate between tests (which
    transactional tests do) gives such rows new ids."""

    tables: list[tuple[type[models.Model], list[dict]]] = field(default_factory=list)
    # (model, attname of the foreign key, the model it refers to)
    natural_references: list[tuple[type[models.Model], str, type[models.Model]]] = field(
        default_factory=list
    )

    def restore(self) -> None:
        """Insert the rows again in the current transaction. They get new ids, after those of
        any rows the test made before (as rows made by `load_demo` would), and their
        references follow them."""
        if not connection.features.can_return_rows_from_bulk_insert:
            raise RuntimeError("Restoring the demo needs a database that returns new ids.")
        ids_by_key = {
            target: {tuple(obj.natural_key()): obj.pk for obj in target._base_manager.all()}
            for _model, _attname, target in self.natural_references
        }
        new_ids: dict[type[models.Model], dict] = {}
        with transaction.atomic():
            for model, rows in self.tables:
                rows = [_copy(row) for row in rows]
                for fk in foreign_keys(model):
                    if fk.related_model in new_ids:
                        ids = new_ids[fk.related_model]
                        for row in rows:
                            if row[fk.attname] is not None:
                                row[fk.attname] = ids[row[fk.attname]]
                for referring, attname, target in self.natural_references:
                    if referring is model:
                        for row in rows:
                            if row[attname] is not None:
                                row[attname] = ids_by_key[target][row[attname]]
                pk = model._meta.pk
                if isinstance(pk, models.AutoField):
                    old_ids = [row.pop(pk.attname) for row in rows]
                else:
                    old_ids = [row[pk.attname] for row in rows]
                created = model._base_manager.bulk_create(model(**row) for row in rows)
                new_ids[model] = {old: obj.pk for old, obj in zip(old_ids, created, strict=True)}


def _copy(row: dict) -> dict:
    """A row to change and insert, sharing no list or dict (a JSON value) with the snapshot."""
    return {
        name: copy.deepcopy(value) if isinstance(value, dict | list) else value
        for name, value in row.items()
    }


def table_models() -> list[type[models.Model]]:
    """Every model with a table of its own, many-to-many tables included; not the versions
    django-simple-history keeps of edited records (the first version of each demo record says
    only that it was created, and tests of history make their own); nor the sign-off link
    `load_demo` makes for trying sign-off, whose signed digest holds the ids of the load that
    made it (tests of sign-off make their own links)."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and getattr(model, "instance_type", None) is None
        and model._meta.label != "campaigns.SignOffLink"
    ]


def foreign_keys(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.many_to_one or f.one_to_one]


def dependency_order(models_: list[type[models.Model]]) -> list[type[models.Model]]:
    """The models, each after those of the others its foreign keys point to."""
    remaining = list(models_)
    ordered: list[type[models.Model]] = []
    while remaining:
        for model in remaining:
            targets = {f.related_model for f in foreign_keys(model)} - {model}
            if not targets & set(remaining):
                ordered.append(model)
                remaining.remove(model)
                break
        else:
            raise RuntimeError(f"Circular foreign keys between {remaining}")
    return ordered


class _RollBack(Exception):
    pass


def capture_demo() -> DemoSnapshot:
    """Run `load_demo`, note every row it added, and roll it all back."""
    snapshot = DemoSnapshot()
    try:
        with transaction.atomic():
            before = {
                model: set(model._base_manager.values_list("pk", flat=True))
                for model in table_models()
            }
            call_command("load_demo", stdout=io.StringIO())
            added = {}
            for model, existing in before.items():
                attnames = [f.attname for f in model._meta.concrete_fields]
                rows = [
                    row
                    for row in model._base_manager.order_by("pk").values(*attnames)
                    if row[model._meta.pk.attname] not in existing
                ]
                if rows:
                    added[model] = rows
            for model in dependency_order(list(added)):
                rows = added[model]
                for fk in foreign_keys(model):
                    target = fk.related_model
                    if all(row[fk.attname] is None for row in rows):
                        continue
                    if target is model:
                        raise RuntimeError(f"Restoring {model}'s references to itself is not done")
                    if target in added:
                        new_pks = {row[target._meta.pk.attname] for row in added[target]}
                        if {row[fk.attname] for row in rows} - new_pks - {None}:
                            raise RuntimeError(f"{model} refers to {target} rows made earlier")
                        continue
                    keys = {
                        obj.pk: tuple(obj.natural_key())
                        for obj in target._base_manager.filter(
                            pk__in={row[fk.attname] for row in rows}
                        )
                    }
                    for row in rows:
                        if row[fk.attname] is not None:
                            row[fk.attname] = keys[row[fk.attname]]
                    snapshot.natural_references.append((model, fk.attname, target))
                snapshot.tables.append((model, rows))
            raise _RollBack
    except _RollBack:
        pass
    return snapshot
