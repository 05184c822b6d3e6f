from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A member of clinic staff. What they may do comes from their role group (clinic.access)."""

    professional_title = models.CharField(
        "professional title",
        max_length=80,
        blank=True,
        help_text="Shown beside the name, e.g. 'L.Ac.' for a licensed acupuncturist.",
    )

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
