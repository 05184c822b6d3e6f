"""The forms of the staff page. Each names the fields it accepts, so nothing else in a POST
(is_superuser, groups, user_permissions…) can reach an account."""

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator

from clinic.access import Role
from clinic.models import User

ROLE_HELP = (
    "Practitioners write clinical records; front desk see schedules and contact details only; "
    "clinic admins manage staff and the clinic's set-up."
)


class StaffDetailsForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    professional_title = forms.CharField(
        label="Professional title",
        max_length=80,
        required=False,
        help_text="Shown beside the name, e.g. 'L.Ac.' for a licensed acupuncturist.",
    )
    email = forms.EmailField(
        label="Email", max_length=254, help_text="The set-password link is sent here; it is not shown to patients."
    )
    role = forms.ChoiceField(label="Role", choices=Role.choices, widget=forms.RadioSelect, help_text=ROLE_HELP)

    def __init__(self, *args, member: User | None = None, **kwargs):
        self.member = member
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs["autocomplete"] = "off"
        self.fields["last_name"].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.attrs["autocomplete"] = "off"

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        others = User.objects.filter(email__iexact=email)
        if self.member is not None:
            others = others.exclude(pk=self.member.pk)
        if others.exists():
            # A set-password link must reach one account only.
            self.add_error("email", "Another staff account already uses this email address.")
        return email

    def clean_role(self) -> Role:
        return Role(self.cleaned_data["role"])


class StaffAddForm(StaffDetailsForm):
    username = forms.CharField(
        label="Username",
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text="What they sign in with: letters, digits and @ . + - _ only.",
    )

    field_order = ["username", "first_name", "last_name", "professional_title", "email", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "off", "autocapitalize": "none"})

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        # Case-insensitive: "Alice" and "alice" signing in as different people invites mistakes.
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("That username is taken. Please choose another.")
        return username


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=200,
        help_text="Shown in the staff list, e.g. 'Left the clinic' or 'On extended leave'.",
    )


class StaffFilterForm(forms.Form):
    STATUS_CHOICES = [("", "Active and inactive"), ("active", "Active"), ("inactive", "Deactivated")]

    role = forms.ChoiceField(label="Role", choices=[("", "Every role"), *Role.choices], required=False)
    status = forms.ChoiceField(label="Status", choices=STATUS_CHOICES, required=False)

    def filter(self, people):
        if not self.is_valid():
            return people
        role, status = self.cleaned_data.get("role"), self.cleaned_data.get("status")
        if role:
            people = people.filter(groups__name=role)
        if status == "active":
            people = people.filter(is_active=True)
        elif status == "inactive":
            people = people.filter(is_active=False)
        return people
