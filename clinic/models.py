from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from clinic.access import Role


class StaffQuerySet(models.QuerySet):
    def practitioners(self, *, include_inactive: bool = False) -> "StaffQuerySet":
        """Members of the Practitioner group, by last then first name: the one definition of "the practitioners".

        Only active accounts by default, for anything that looks ahead (booking, plans, the diary,
        a calendar feed). `include_inactive=True` keeps those who have left, for looking back at
        records they still own (outcome filters, their shifts and leave in the admin).
        """
        people = self.filter(groups__name=Role.PRACTITIONER.value)
        if not include_inactive:
            people = people.filter(is_active=True)
        return people.order_by("last_name", "first_name", "username")


class StaffManager(UserManager.from_queryset(StaffQuerySet)):
    pass


class User(AbstractUser):
    """A member of clinic staff. What they may do comes from their role group (clinic.access)."""

    professional_title = models.CharField(
        "professional title",
        max_length=80,
        blank=True,
        help_text="Shown beside the name, e.g. 'L.Ac.' for a licensed acupuncturist.",
    )
    # Accounts are deactivated, never deleted (clinical history names who wrote each record);
    # the staff page shows why and since when.
    deactivated_at = models.DateTimeField("deactivated at", null=True, blank=True)
    deactivation_reason = models.CharField("reason for deactivation", max_length=200, blank=True)

    objects = StaffManager()

    class Meta:
        verbose_name = "staff member"
        verbose_name_plural = "staff members"
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        name = self.get_full_name() or self.username
        return f"{name}, {self.professional_title}" if self.professional_title else name
