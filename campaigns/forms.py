"""Forms of the public site (the admin builds its own)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import QuoteApproval

Decision = QuoteApproval.Decision


class QuoteDecisionForm(forms.Form):
    """A partner's decision on one quote, sent by one of two buttons: approve, or ask for a
    change (which needs saying what)."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=120,
        error_messages={"required": _("Give your name, so the press office knows who decided.")},
    )
    comment = forms.CharField(
        label=_("What should change"),
        help_text=_("Needed if you ask for a change; optional with an approval."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # Sent by the button pressed, not typed.
    decision = forms.ChoiceField(
        choices=Decision.choices,
        error_messages={
            "required": _("Press 'Approve' or 'Ask for a change'."),
            "invalid_choice": _("Press 'Approve' or 'Ask for a change'."),
        },
    )

    def clean(self):
        cleaned_data = super().clean()
        if (
            cleaned_data.get("decision") == Decision.CHANGES_REQUESTED
            and not cleaned_data.get("comment", "").strip()
        ):
            self.add_error(
                "comment", _("Say what should change, so the press office can change it.")
            )
        return cleaned_data
