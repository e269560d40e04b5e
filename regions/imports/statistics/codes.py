"""Region codes as partners write them in a statistics file."""

from django.utils.translation import gettext as _

from regions.models import Region


class RegionCodes:
    """Region identifiers as partners write them: GSS code, police.uk id, or a grouping's slug."""

    def __init__(self) -> None:
        self.by_code: dict[str, int] = {}
        # Codes that name more than one region (one's police.uk id is another's slug): never
        # resolved to either.
        self.ambiguous: dict[str, set[int]] = {}
        self.names: dict[int, str] = {}
        self.canonical: dict[int, str] = {}
        self._by_name: dict[str, list[int]] | None = None  # made when first needed
        for pk, name, slug, gss_code, police_uk_id in Region.objects.values_list(
            "pk", "name", "slug", "gss_code", "police_uk_id"
        ):
            self.names[pk] = name
            self.canonical[pk] = gss_code or slug
            if gss_code:
                self._add(gss_code.upper(), pk)
            else:
                self._add(slug.lower(), pk)
            if police_uk_id:
                self._add(police_uk_id.lower(), pk)

    def _add(self, code: str, pk: int) -> None:
        known = self.by_code.setdefault(code, pk)
        if known != pk:
            self.ambiguous.setdefault(code, {known}).add(pk)

    def find(self, code: str) -> int | None:
        return self.by_code.get(code.upper()) or self.by_code.get(code.lower())

    def named(self, text: str) -> list[int]:
        """The regions whose name the text is (ignoring letter case and spaces around it)."""
        if self._by_name is None:
            self._by_name = {}
            for pk, name in self.names.items():
                self._by_name.setdefault(name.strip().casefold(), []).append(pk)
        return sorted(self._by_name.get(text.strip().casefold(), []))

    def regions_named(self, code: str) -> list[str]:
        """The names of the regions a code could mean, when it could mean more than one."""
        pks = self.ambiguous.get(code.upper()) or self.ambiguous.get(code.lower()) or ()
        return sorted(self.names[pk] for pk in pks)


def covered_text(codes: RegionCodes, allowed: set[int]) -> str:
    """'It covers W15000001 (North Wales).', naming at most five areas."""
    if not allowed:
        return _("Your organisation covers no regions yet; ask a campaign manager to add them.")
    named = sorted((codes.names[pk], codes.canonical[pk]) for pk in allowed)
    shown = ", ".join(f"{code} ({name})" for name, code in named[:5])
    if len(named) > 5:
        return _("It covers %(shown)s and %(more)s more.") % {
            "shown": shown,
            "more": f"{len(named) - 5:,}",
        }
    return _("It covers %(shown)s.") % {"shown": shown}
