import datetime

import factory

from press.models import Contact, ContactList


class ContactListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactList

    name = factory.Sequence(lambda n: f"Press list {n}")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Reporter {n}")
    outlet = "The Example Gazette"
    email = factory.Sequence(lambda n: f"reporter{n}@example.org")
    lawful_basis = Contact.LawfulBasis.LEGITIMATE_INTERESTS
    basis_recorded_on = datetime.date(2018, 5, 25)

    @factory.post_generation
    def lists(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.lists.set(extracted)
