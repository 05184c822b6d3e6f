"""The registry's forms: a patient's demographics, and the reason for archiving one.

These forms hold only who the patient is and how to reach them. Nothing clinical
belongs here: front-desk staff use them, and a field they cannot see must not be
writable through them either.
"""

import re
import unicodedata
from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from clinic.forms_fields import ClinicDateField
from clinic.widgets import DateInput
from patients.models import MAX_AGE_YEARS, Patient, digits_only

PHONE_MIN_DIGITS = 7
PHONE_MAX_DIGITS = 15
# Apostrophes (straight and curly), hyphens and periods appear in real names: O'Brien, Smith-Jones, St. John.
NAME_PUNCTUATION = frozenset(" '\u2019-.")
PHONE_CHARACTERS = re.compile(r"^[0-9 +().\-/]*$")
POSTAL_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-]*$")
MARKUP_CHARACTERS = frozenset("<>")

# The form's sections, in the order the clerk asks the patient. Each field takes half
# a row at tablet width and up unless listed in WIDE_FIELDS.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Name and birth", ("given_name", "family_name", "preferred_name", "date_of_birth", "sex", "occupation")),
    ("How to reach them", ("phone", "email", "preferred_contact", "reminder_opt_out")),
    ("Address", ("address_line", "city", "region", "postal_code")),
    ("Emergency contact", ("emergency_contact_name", "emergency_contact_phone", "emergency_contact_relationship")),
    ("Referral and care team", ("referring_physician", "primary_care_provider")),
)
WIDE_FIELDS = frozenset({"address_line", "reminder_opt_out"})
# Radio groups need the full width at tablet size to keep their options on one line.
RADIO_FIELDS = frozenset({"sex", "preferred_contact"})
DEMOGRAPHIC_FIELDS = tuple(name for _, names in SECTIONS for name in names)


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def earliest_birth_date(today: date) -> date:
    """The oldest date of birth that keeps a patient within MAX_AGE_YEARS today."""
    return years_before(today, MAX_AGE_YEARS + 1) + timedelta(days=1)


def clean_person_name(value: str) -> str:
    """Trim and tidy a name; refuse markup and anything that is not a letter or name punctuation."""
    value = " ".join(unicodedata.normalize("NFC", value or "").split())
    if not value:
        return value
    if MARKUP_CHARACTERS & set(value):
        raise ValidationError("Names cannot contain < or > characters.", code="markup")
    for character in value:
        category = unicodedata.category(character)
        # L*: letters of any script; M*: the accents that go with them.
        if category[0] not in "LM" and character not in NAME_PUNCTUATION:
            raise ValidationError(
                "Use letters, spaces, apostrophes, hyphens and periods only.", code="invalid_characters"
            )
    if not any(unicodedata.category(character).startswith("L") for character in value):
        raise ValidationError("A name needs at least one letter.", code="no_letters")
    return value


def clean_phone_number(value: str) -> str:
    value = " ".join((value or "").split())
    if not value:
        return value
    if not PHONE_CHARACTERS.match(value):
        raise ValidationError("Use digits, spaces and + ( ) - . / only, e.g. (555) 010-2030.", code="phone_characters")
    count = len(digits_only(value))
    if not PHONE_MIN_DIGITS <= count <= PHONE_MAX_DIGITS:
        raise ValidationError(
            f"A phone number has {PHONE_MIN_DIGITS} to {PHONE_MAX_DIGITS} digits; this one has {count}.",
            code="phone_length",
        )
    return value


class PatientForm(forms.ModelForm):
    """Demographics only: used to register a patient and to correct their details."""

    class Meta:
        model = Patient
        fields = DEMOGRAPHIC_FIELDS
        # Within 1900–2199 first, so the age rules below always compare ordinary dates.
        field_classes = {"date_of_birth": ClinicDateField}
        widgets = {
            "date_of_birth": DateInput(),
            "sex": forms.RadioSelect,
            "phone": forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
            "emergency_contact_phone": forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
            "preferred_contact": forms.RadioSelect,
        }
        labels = {
            # The section is headed "Emergency contact"; inside it the labels can be short and plain.
            "emergency_contact_name": "Contact's name",
            "emergency_contact_phone": "Contact's phone",
            "emergency_contact_relationship": "Relationship to the patient",
        }
        help_texts = {
            "preferred_name": "What they like to be called, if it differs from the given name.",
            "date_of_birth": "Type it as YYYY-MM-DD or MM/DD/YYYY, or pick it from the calendar.",
            "phone": "Include the area code.",
        }
        error_messages = {
            name: {"max_length": "Keep this to %(limit_value)d characters or fewer (it has %(show_value)d)."}
            for name in DEMOGRAPHIC_FIELDS
        }

    # Only the register form looks for duplicates and can stop at one.
    possible_duplicates: tuple[Patient, ...] = ()
    awaiting_duplicate_confirmation = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["date_of_birth"].input_formats = ["%Y-%m-%d", "%m/%d/%Y"]
        self.fields["date_of_birth"].widget.attrs.update(
            {"max": today.isoformat(), "min": earliest_birth_date(today).isoformat()}
        )
        self.fields["sex"].choices = Patient.Sex.choices  # radios need no empty "------" choice
        for field in self.fields.values():
            # Staff type other people's details: the browser must not offer the clerk's own.
            field.widget.attrs.setdefault("autocomplete", "off")
        if not self.is_bound:
            # On a re-shown form the focus goes to the summary of problems instead.
            self.fields["given_name"].widget.attrs["autofocus"] = True

    def sections(self) -> list[tuple[str, list[tuple[forms.BoundField, str]]]]:
        """(title, [(bound field, column class)]) for the template, in SECTIONS order."""
        return [(title, [(self[name], self._columns(name)) for name in names]) for title, names in SECTIONS]

    @staticmethod
    def _columns(name: str) -> str:
        if name in WIDE_FIELDS:
            return "col-12"
        return "col-lg-6" if name in RADIO_FIELDS else "col-md-6"

    def problems(self) -> list[tuple[str, str, str]]:
        """(element id, label, first error) per invalid field, for the summary above the form."""
        found = []
        for field in self:
            if field.errors:
                # A radio group has no single element to label; jump to its first option.
                anchor = field.id_for_label or f"{field.auto_id}_0"
                found.append((anchor, field.label, field.errors[0]))
        return found

    def clean_given_name(self) -> str:
        return clean_person_name(self.cleaned_data["given_name"])

    def clean_family_name(self) -> str:
        return clean_person_name(self.cleaned_data["family_name"])

    def clean_preferred_name(self) -> str:
        return clean_person_name(self.cleaned_data["preferred_name"])

    def clean_emergency_contact_name(self) -> str:
        return clean_person_name(self.cleaned_data["emergency_contact_name"])

    def clean_date_of_birth(self) -> date:
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born > today:
            raise ValidationError("The date of birth cannot be in the future.", code="future")
        if born < earliest_birth_date(today):
            raise ValidationError(
                f"That would make the patient older than {MAX_AGE_YEARS}; please check the year.", code="too_old"
            )
        return born

    def clean_phone(self) -> str:
        return clean_phone_number(self.cleaned_data["phone"])

    def clean_emergency_contact_phone(self) -> str:
        return clean_phone_number(self.cleaned_data["emergency_contact_phone"])

    def clean_postal_code(self) -> str:
        code = " ".join(self.cleaned_data["postal_code"].split()).upper()
        if code and not POSTAL_CODE.match(code):
            raise ValidationError("Use letters, digits, spaces and hyphens only.", code="postal_code")
        return code

    def _clean_free_text(self, name: str) -> str:
        """Free text (address, relationship, referrer, occupation): anything goes but markup, which nobody types."""
        value = self.cleaned_data[name]
        if MARKUP_CHARACTERS & set(value):
            raise ValidationError("Remove the < and > characters.", code="markup")
        return value

    def clean_address_line(self) -> str:
        return self._clean_free_text("address_line")

    def clean_city(self) -> str:
        return self._clean_free_text("city")

    def clean_region(self) -> str:
        return self._clean_free_text("region")

    def clean_emergency_contact_relationship(self) -> str:
        return self._clean_free_text("emergency_contact_relationship")

    def clean_referring_physician(self) -> str:
        return self._clean_free_text("referring_physician")

    def clean_primary_care_provider(self) -> str:
        return self._clean_free_text("primary_care_provider")

    def clean_occupation(self) -> str:
        return self._clean_free_text("occupation")

    def clean(self) -> dict:
        cleaned = super().clean()
        preferred = cleaned.get("preferred_contact")
        if preferred == Patient.ContactMethod.EMAIL and not cleaned.get("email") and "email" not in self.errors:
            self.add_error("email", "Add an email address, or choose another way to contact them.")
        if preferred == Patient.ContactMethod.SMS and not cleaned.get("phone") and "phone" not in self.errors:
            self.add_error("phone", "Text messages need a phone number.")
        contact_name = cleaned.get("emergency_contact_name")
        contact_phone = cleaned.get("emergency_contact_phone")
        if contact_name and not contact_phone and "emergency_contact_phone" not in self.errors:
            self.add_error("emergency_contact_phone", "Add a phone number for the emergency contact.")
        if contact_phone and not contact_name and "emergency_contact_name" not in self.errors:
            self.add_error("emergency_contact_name", "Add the emergency contact's name.")
        return cleaned


class PatientRegisterForm(PatientForm):
    """A new patient: stops at a possible duplicate until the clerk confirms it is someone else."""

    confirm_not_duplicate = forms.BooleanField(
        label="This is a different person — register anyway",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.possible_duplicates: list[Patient] = []

    @property
    def awaiting_duplicate_confirmation(self) -> bool:
        """Everything else is valid; the clerk only has to say this is someone new."""
        return set(self.errors) == {"confirm_not_duplicate"}

    def clean(self) -> dict:
        cleaned = super().clean()
        family, given, born = (cleaned.get(key) for key in ("family_name", "given_name", "date_of_birth"))
        if family and given and born:
            # Archived patients count too: someone coming back must not get a second chart.
            self.possible_duplicates = Patient.objects.possible_duplicates_of(
                family_name=family, given_name=given, date_of_birth=born
            )
        if self.possible_duplicates and not cleaned.get("confirm_not_duplicate"):
            self.add_error(
                "confirm_not_duplicate",
                "Check the patients listed above. Tick this box only if the new patient is someone else.",
            )
        return cleaned


class ArchiveForm(forms.Form):
    reason = forms.CharField(
        label="Reason for archiving",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: moved away, registered twice, or asked to leave the clinic's list.",
        error_messages={
            "required": "Say why this patient is being archived.",
            "max_length": "Keep the reason to %(limit_value)d characters or fewer (it has %(show_value)d).",
        },
    )

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise ValidationError("Say why this patient is being archived.", code="required")
        return reason
