"""A note added to a signed session by a practitioner who did not write it (or by its author, after the fact)."""

from django import forms

from treatments.models.sessions import ADDENDUM_MAX_LENGTH


class AddendumForm(forms.Form):
    text = forms.CharField(
        label="Addendum",
        max_length=ADDENDUM_MAX_LENGTH,
        error_messages={
            "required": "Write the addendum: it is kept beside the session as written.",
            "max_length": f"Keep the addendum to {ADDENDUM_MAX_LENGTH} characters (it has %(show_value)d).",
        },
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Kept beside the signed session with your name and the time. It cannot be changed or deleted "
        "afterwards, so read it through first.",
    )
