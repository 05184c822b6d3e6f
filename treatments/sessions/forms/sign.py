"""Signing a session: the reason for signing over safety rules that fail now, when any do."""

from django import forms

ACKNOWLEDGEMENT_REQUIRED = (
    "Give the reason for signing although these safety rules now fail, "
    "for example that the treatment was given before the change was recorded."
)


class SignForm(forms.Form):
    """Only the reason: which rules fail, and whether a reason is needed, is for session_sign to say."""

    acknowledgement = forms.CharField(
        label="Reason for signing anyway",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 300}),
        help_text="Kept on the signed session with the rules that failed.",
    )

    def require_reason(self) -> None:
        """Put the refusal at the field, for a signature the rules refused for want of a reason."""
        self.add_error("acknowledgement", ACKNOWLEDGEMENT_REQUIRED)
