"""The demo's press lists and contacts: two lists and a few clearly fictional contacts at
example.org and example.com addresses (reserved for examples: mail to them goes nowhere), each
with a lawful basis and the date it was recorded, one preferring Welsh. Added by `load_demo`
(campaigns/demo.py calls `press_demo_load`, registered in press/apps.py)."""

import datetime

from press.models import Contact, ContactList

LISTS = [
    (
        "North West regional press",
        "Regional newspapers, radio and television in the North West of England and North Wales.",
    ),
    ("Welsh-language media", "Newsrooms that publish or broadcast in Welsh."),
]
ENGLISH, WELSH = Contact.Language.ENGLISH, Contact.Language.WELSH
CONSENT, INTERESTS = Contact.LawfulBasis.CONSENT, Contact.LawfulBasis.LEGITIMATE_INTERESTS
# email, name, outlet, language, lists, areas, topics, lawful basis, recorded on
CONTACTS = [
    (
        "newsdesk@example.org",
        "News desk (demo)",
        "Example Evening News (demo)",
        ENGLISH,
        ["North West regional press"],
        ["north-west"],
        "crime, policing",
        INTERESTS,
        datetime.date(2018, 5, 25),
    ),
    (
        "crime.reporter@example.com",
        "Sam Example (demo)",
        "Example Radio North West (demo)",
        ENGLISH,
        ["North West regional press"],
        ["lancashire", "merseyside"],
        "crime, child protection",
        CONSENT,
        datetime.date(2018, 6, 12),
    ),
    (
        "north.wales@example.org",
        "North Wales correspondent (demo)",
        "Example Daily (demo)",
        ENGLISH,
        ["North West regional press"],
        ["north-wales"],
        "policing, health",
        INTERESTS,
        datetime.date(2018, 5, 25),
    ),
    (
        "desg.newyddion@example.com",
        "Desg newyddion (demo)",
        "Radio Enghraifft (demo)",
        WELSH,
        ["Welsh-language media", "North West regional press"],
        ["north-wales"],
        "newyddion, plismona",
        CONSENT,
        datetime.date(2018, 6, 4),
    ),
]


def press_demo_load(loader, *, regions: dict) -> None:
    lists = {
        name: loader.sync(ContactList, {"name": name}, {"description": description})
        for name, description in LISTS
    }
    for email, name, outlet, language, on, areas, topics, basis, recorded in CONTACTS:
        contact = loader.sync(
            Contact,
            {"email": email},
            {
                "name": name,
                "outlet": outlet,
                "language": language,
                "topics": topics,
                "lawful_basis": basis,
                "basis_recorded_on": recorded,
            },
        )
        loader.sync_m2m(contact.lists, [lists[n] for n in on])
        loader.sync_m2m(contact.areas, [regions[slug] for slug in areas])
