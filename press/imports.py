"""Importing press contacts from CSV, XLSX or ODS, all or nothing, as the statistics import
does: the same reader (regions/imports/reading: encodings, Excel and LibreOffice quirks, hidden
sheets and rows, formula placeholders), the same column matching and cell parsing, and every
problem named by row and column before anything is written.

- Contacts are matched by email, whatever its case. A new address makes a new contact; a known
  one is updated with the file's values (empty cells change nothing).
- `lists` and `areas` add the contact to the lists and areas named (separated by ';'); an
  import never takes anyone off a list. Lists and areas must exist already.
- An import never subscribes again an address that has unsubscribed, and says so.
- A change of lawful basis or of the date it was recorded is listed by name in the preview,
  never made silently.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from press.models import Contact, ContactList
from regions.imports import cells
from regions.imports.columns import match_columns, stray_cell_problems
from regions.imports.reading import read_table
from regions.imports.reading.table import FIRST_DATA_ROW, Table, row_has_values
from regions.imports.results import FileErrors, RowError
from regions.models import Region

REQUIRED = ["name", "email", "lawful_basis", "basis_recorded_on"]
OPTIONAL = ["outlet", "language", "lists", "areas", "topics", "notes"]
SEPARATOR = ";"

LANGUAGES = {
    "en": Contact.Language.ENGLISH,
    "en-gb": Contact.Language.ENGLISH,
    "english": Contact.Language.ENGLISH,
    "saesneg": Contact.Language.ENGLISH,
    "cy": Contact.Language.WELSH,
    "welsh": Contact.Language.WELSH,
    "cymraeg": Contact.Language.WELSH,
}
BASES = {
    "consent": Contact.LawfulBasis.CONSENT,
    "legitimate interests": Contact.LawfulBasis.LEGITIMATE_INTERESTS,
    "legitimate interest": Contact.LawfulBasis.LEGITIMATE_INTERESTS,
    "legitimate_interests": Contact.LawfulBasis.LEGITIMATE_INTERESTS,
}
# The fields a row sets, when its cell is not empty (lists and areas are added to instead).
TEXT_FIELDS = ["name", "outlet", "language", "topics", "notes", "lawful_basis", "basis_recorded_on"]


@dataclass
class ContactRow:
    row: int
    email: str
    values: dict  # field name: value, for the non-empty cells
    lists: list[ContactList] = field(default_factory=list)
    areas: list[Region] = field(default_factory=list)


@dataclass
class Change:
    contact: Contact
    row: ContactRow
    fields: list[str]  # the fields the row changes
    lists: list[ContactList]  # lists it adds
    areas: list[Region]  # areas it adds


@dataclass
class ContactPlan:
    """What importing a file would do."""

    new: list[ContactRow] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0
    # Known addresses that have unsubscribed: they stay so.
    unsubscribed: list[str] = field(default_factory=list)
    # Lawful basis changes, said one by one: "ann@example.org: consent (25/05/2018) becomes …".
    basis_changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _split(cell) -> list[str]:
    value = cells.text(cell)
    return [part.strip() for part in value.split(SEPARATOR) if part.strip()]


class ContactPlanner:
    """Reads a table's rows into ContactRows, collecting every problem (RowError)."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.columns = match_columns(
            table.headers, required=REQUIRED, optional=OPTIONAL, rows=table.rows
        )
        self.errors: list[RowError] = stray_cell_problems(table)
        self.lists = {c.name.lower(): c for c in ContactList.objects.all()}
        self.regions = {}
        for region in Region.objects.all():
            self.regions[region.name.lower()] = region
            if region.gss_code:
                self.regions[region.gss_code.lower()] = region
        self.seen: dict[str, int] = {}

    def cell(self, row: tuple, name: str):
        if name not in self.columns:
            return None
        position = self.columns.index[name]
        return row[position] if position < len(row) else None

    def error(self, number: int, column: str, message: str) -> None:
        self.errors.append(
            RowError(number, column, message, hidden=number in self.table.hidden_rows)
        )

    def read(self) -> list[ContactRow]:
        rows = []
        for index, row in enumerate(self.table.rows):
            if not row_has_values(row):
                continue
            parsed = self.read_row(index + FIRST_DATA_ROW, row)
            if parsed is not None:
                rows.append(parsed)
        return rows

    def parse(self, number: int, row: tuple, name: str, parse):
        try:
            return cells.parse_cell(parse, self.cell(row, name))
        except cells.CellError as error:
            self.error(number, name, str(error))
            return None

    def read_row(self, number: int, row: tuple) -> ContactRow | None:
        errors_before = len(self.errors)
        values = {}
        email = self.parse(number, row, "email", lambda c: cells.text(c, max_length=254)) or ""
        if not email and len(self.errors) == errors_before:
            self.error(number, "email", _("is empty; every contact needs an email address."))
        elif email:
            try:
                validate_email(email)
            except ValidationError:
                self.error(
                    number, "email", _("'%(value)s' is not an email address.") % {"value": email}
                )
            else:
                first = self.seen.setdefault(email.lower(), number)
                if first != number:
                    self.error(
                        number,
                        "email",
                        _("%(email)s is already in row %(row)s: one row per address.")
                        % {"email": email, "row": first},
                    )
        for name, limit in (("name", 120), ("outlet", 120), ("topics", 250), ("notes", None)):
            value = self.parse(number, row, name, lambda c, n=limit: cells.text(c, max_length=n))
            if value:
                values[name] = value
        if not values.get("name") and cells.is_blank(self.cell(row, "name")):
            self.error(number, "name", _("is empty; give the journalist's or the desk's name."))
        language = self.parse(number, row, "language", cells.text)
        if language:
            if language.lower() in LANGUAGES:
                values["language"] = LANGUAGES[language.lower()]
            else:
                self.error(
                    number,
                    "language",
                    _("'%(value)s' is not a language here: write English or Welsh (en or cy).")
                    % {"value": language},
                )
        basis = self.parse(number, row, "lawful_basis", cells.text)
        if basis and basis.lower() in BASES:
            values["lawful_basis"] = BASES[basis.lower()]
        elif basis is not None:
            self.error(
                number,
                "lawful_basis",
                _("'%(value)s' is not a lawful basis: write 'consent' or 'legitimate interests'.")
                % {"value": basis}
                if basis
                else _("is empty; write 'consent' or 'legitimate interests'."),
            )
        recorded = self.parse(number, row, "basis_recorded_on", cells.date)
        if recorded is not None:
            if recorded > timezone.localdate():
                self.error(
                    number,
                    "basis_recorded_on",
                    _("%(date)s is in the future: give the date the basis was recorded.")
                    % {"date": recorded.strftime("%d/%m/%Y")},
                )
            else:
                values["basis_recorded_on"] = recorded
        lists = self.named(number, row, "lists", self.lists, _("press list"))
        areas = self.named(number, row, "areas", self.regions, _("area"))
        if len(self.errors) != errors_before:
            return None
        return ContactRow(number, email, values, lists, areas)

    def named(self, number: int, row: tuple, column: str, known: dict, kind: str) -> list:
        names = self.parse(number, row, column, _split) or []
        found = []
        for name in names:
            item = known.get(name.lower())
            if item is None:
                self.error(
                    number,
                    column,
                    _(
                        "there is no %(kind)s called '%(name)s'. Add it in the admin first, or "
                        "correct the name."
                    )
                    % {"kind": kind, "name": name},
                )
            elif item not in found:
                found.append(item)
        return found


def _shown(value) -> str:
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def plan_contacts(data: bytes, file_name: str) -> ContactPlan:
    """What importing the file would do; FileErrors (or FileRejected) listing every problem,
    by row and column, if anything in it is wrong."""
    table = read_table(data, file_name)
    planner = ContactPlanner(table)
    rows = planner.read()
    if planner.errors:
        raise FileErrors([str(problem) for problem in sorted(planner.errors)])
    plan = ContactPlan(notes=list(table.notes))
    existing = {
        c.email_lower: c
        for c in Contact.objects.annotate(email_lower=Lower("email")).prefetch_related(
            "lists", "areas"
        )
    }
    for row in rows:
        contact = existing.get(row.email.lower())
        if contact is None:
            plan.new.append(row)
            continue
        fields = [name for name, value in row.values.items() if getattr(contact, name) != value]
        lists = [item for item in row.lists if item not in contact.lists.all()]
        areas = [item for item in row.areas if item not in contact.areas.all()]
        if contact.unsubscribed_at is not None:
            plan.unsubscribed.append(contact.email)
        if {"lawful_basis", "basis_recorded_on"} & set(fields):
            plan.basis_changes.append(
                _(
                    "%(email)s: %(old_basis)s recorded %(old_date)s becomes %(basis)s recorded "
                    "%(date)s"
                )
                % {
                    "email": contact.email,
                    "old_basis": contact.get_lawful_basis_display(),
                    "old_date": _shown(contact.basis_recorded_on),
                    "basis": Contact.LawfulBasis(
                        row.values.get("lawful_basis", contact.lawful_basis)
                    ).label,
                    "date": _shown(row.values.get("basis_recorded_on", contact.basis_recorded_on)),
                }
            )
        if fields or lists or areas:
            plan.changed.append(Change(contact, row, fields, lists, areas))
        else:
            plan.unchanged += 1
    return plan


def contacts_import(*, data: bytes, file_name: str) -> ContactPlan:
    """Import the file: plan it again (the database may have changed since the preview), then
    write every row in one transaction. Unsubscribed contacts stay unsubscribed."""
    with transaction.atomic():
        plan = plan_contacts(data, file_name)
        for row in plan.new:
            values = {"language": Contact.Language.ENGLISH, **row.values}
            contact = Contact(email=row.email, **values)
            contact.full_clean()
            contact.save()
            contact.lists.add(*row.lists)
            contact.areas.add(*row.areas)
        for change in plan.changed:
            contact = change.contact
            for name in change.fields:
                setattr(contact, name, change.row.values[name])
            if change.fields:
                contact.full_clean()
                contact.save()
            contact.lists.add(*change.lists)
            contact.areas.add(*change.areas)
    return plan
