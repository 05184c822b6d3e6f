import factory
from django.contrib.auth.models import Group

from clinic.access import Role
from clinic.models import User

TEST_PASSWORD = "correct-horse-battery-staple"


def _give_role(user, create: bool, role: Role | None) -> None:
    if create and role:
        user.groups.add(Group.objects.get_or_create(name=Role(role).value)[0])


def _role_factory(default: Role):
    return factory.PostGeneration(lambda user, create, extracted, **_: _give_role(user, create, extracted or default))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@stride.example")
    password = factory.django.Password(TEST_PASSWORD)

    role = factory.PostGeneration(lambda user, create, extracted, **_: _give_role(user, create, extracted))


class PractitionerFactory(UserFactory):
    professional_title = "L.Ac."
    role = _role_factory(Role.PRACTITIONER)


class FrontDeskFactory(UserFactory):
    role = _role_factory(Role.FRONT_DESK)


class ClinicAdminFactory(UserFactory):
    is_staff = True
    role = _role_factory(Role.CLINIC_ADMIN)
