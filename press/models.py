"""Press distribution: the journalists and newsrooms a statement is emailed to, the lists they
are kept in, and a record of every email sent (press/delivery.py sends them)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from campaigns.models import PressStatement
from core.models import TimeStampedModel
from regions.models import Region


class ContactList(TimeStampedModel):
    """A list of contacts a statement can be sent to: "North West regional press"."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Who is on the list, and why.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("press list")
        verbose_name_plural = _("press lists")

    def __str__(self) -> str:
        return self.name


class Contact(TimeStampedModel):
    """A journalist or a newsroom's desk, with the lawful basis for emailing them."""

    class Language(models.TextChoices):
        ENGLISH = "en-gb", _("English")
        WELSH = "cy", _("Welsh")

    class LawfulBasis(models.TextChoices):
        CONSENT = "consent", _("Consent")
        LEGITIMATE_INTERESTS = "legitimate_interests", _("Legitimate interests")

    name = models.CharField(
        _("name"), max_length=120, help_text=_("The journalist, or the desk ('News desk').")
    )
    outlet = models.CharField(
        _("outlet"), max_length=120, blank=True, help_text=_("The paper, station or agency.")
    )
    email = models.EmailField(
        _("email"), max_length=254, help_text=_("One contact per address, whatever its case.")
    )
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=Language.choices,
        default=Language.ENGLISH,
        help_text=_(
            "Statements are sent in Welsh to those preferring Welsh where the Welsh is written, "
            "else in English."
        ),
    )
    areas = models.ManyToManyField(
        Region,
        blank=True,
        related_name="press_contacts",
        verbose_name=_("areas of interest"),
    )
    topics = models.CharField(
        _("topics of interest"),
        max_length=250,
        blank=True,
        help_text=_("Separated by commas: 'policing, child protection'."),
    )
    lists = models.ManyToManyField(
        ContactList, blank=True, related_name="contacts", verbose_name=_("press lists")
    )
    lawful_basis = models.CharField(
        _("lawful basis"),
        max_length=24,
        choices=LawfulBasis.choices,
        help_text=_(
            "Why we may email them (UK GDPR article 6): their consent, or our legitimate "
            "interest in reaching journalists who cover this work."
        ),
    )
    basis_recorded_on = models.DateField(
        _("basis recorded on"),
        help_text=_("When their consent, or the assessment of our legitimate interest, was made."),
    )
    unsubscribed_at = models.DateTimeField(
        _("unsubscribed at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Set when they unsubscribe through the link in any press email: from then on they "
            "are sent nothing, and no import subscribes them again."
        ),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["name", "email"]
        verbose_name = _("press contact")
        verbose_name_plural = _("press contacts")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="press_contact_email_unique",
                violation_error_message=_("There is already a contact with this email address."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.outlet})" if self.outlet else self.name

    @property
    def is_subscribed(self) -> bool:
        return self.unsubscribed_at is None


class PressSend(models.Model):
    """One sending of a statement (or of a correction to it) to chosen lists: who asked, when,
    what exactly (the statement's digest), and one Delivery per recipient."""

    class Kind(models.TextChoices):
        EMBARGO = "embargo", _("Under embargo, before publication")
        PUBLICATION = "publication", _("On publication")
        CORRECTION = "correction", _("Correction")

    statement = models.ForeignKey(
        PressStatement,
        on_delete=models.CASCADE,
        related_name="press_sends",
        verbose_name=_("statement"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    lists = models.ManyToManyField(
        ContactList, blank=True, related_name="sends", verbose_name=_("press lists")
    )
    # What was sent: the statement's digest (campaigns/signoff.py) and version when the send was
    # asked for. An email is sent only while the statement still reads so.
    statement_digest = models.CharField(_("statement digest"), max_length=64)
    statement_version = models.PositiveIntegerField(_("statement version"))
    # The publish time an embargoed email names (its embargo), or a correction's new one.
    embargo_until = models.DateTimeField(_("embargoed until"), null=True, blank=True)
    not_before = models.DateTimeField(
        _("not sent before"),
        null=True,
        blank=True,
        help_text=_("For a send on publication: the publish time."),
    )
    # A correction: the send it corrects, and what it says.
    corrects = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    correction = models.CharField(_("correction"), max_length=16, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    created_at = models.DateTimeField(_("asked for at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("press send")
        verbose_name_plural = _("press sends")

    def __str__(self) -> str:
        return f"{self.statement} ({self.get_kind_display()})"


class Delivery(models.Model):
    """One email of a send to one address: queued, being sent, sent or failed, with the mail
    server's answer. An address gets a statement's text once (`identity`), whatever happens."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Not sent")

    send = models.ForeignKey(
        PressSend, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("send")
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("contact"),
    )
    email = models.EmailField(_("email"), max_length=254)
    language = models.CharField(_("language"), max_length=8, choices=Contact.Language.choices)
    # What this email is, whatever send it belongs to: the statement and its digest for a
    # statement's text, the correction otherwise (press/delivery.py, `identity`). With the
    # address, unique: the same text never goes to the same address twice.
    identity = models.CharField(_("identity"), max_length=64)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    # While a worker sends it: until when it holds the email (another worker may take it over
    # after that), and a number raised by every claim, so that two workers never both win one.
    claimed_until = models.DateTimeField(_("held until"), null=True, blank=True)
    claim = models.PositiveIntegerField(_("claim"), default=0)
    answer = models.TextField(_("mail server's answer"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("press email")
        verbose_name_plural = _("press emails")
        constraints = [
            # A failed or cancelled email does not count: it may be sent again, by a new send.
            models.UniqueConstraint(
                "identity",
                Lower("email"),
                condition=Q(status__in=["queued", "sending", "sent"]),
                name="press_delivery_once_per_address",
            ),
        ]
        indexes = [models.Index(fields=["send", "status"], name="press_delivery_send_status")]

    def __str__(self) -> str:
        return f"{self.email}: {self.get_status_display()}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SENT, self.Status.FAILED, self.Status.CANCELLED)
