from django import forms

from clinic import two_factor


def _code_field(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=20,
        help_text=help_text,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false", "autofocus": True}
        ),
    )


class ConfirmAppForm(forms.Form):
    """The first code from a newly added app: proves the app holds the secret before anything is saved."""

    code = _code_field("Code from your app", "The 6-digit code your authenticator app shows for Stride now.")

    def __init__(self, *args, hex_key: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.hex_key = hex_key
        self.time_step: int | None = None

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        self.time_step = two_factor.code_fits_secret(self.hex_key, code)
        if self.time_step is None:
            raise forms.ValidationError(
                "That code does not match. Enter the 6-digit code your app shows now, "
                "and check that your phone's clock is set automatically."
            )
        return code


class SignInCodeForm(forms.Form):
    """The second step of signing in: a code from the app, or one of the backup codes."""

    code = _code_field("Code", "The 6-digit code from your authenticator app, or one of your backup codes.")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        self.device = two_factor.device_accepting(self.user, code)
        if self.device is None:
            message = "That code is not right, or it has been used already. Try the newest code from your app."
            wait = two_factor.seconds_to_wait(self.user)
            if wait:
                message += f" After a wrong code, wait {wait} second{'s' if wait != 1 else ''} before trying again."
            raise forms.ValidationError(message)
        return code
