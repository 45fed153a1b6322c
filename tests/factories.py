"""Factories for the core domain. Tests that exercise behaviour set state through services instead."""

from datetime import timedelta

import factory
from django.utils import timezone

from apps.accounts.models import Device, User
from apps.accounts.roles import Role
from apps.incidents.models import CallType, Incident
from apps.resources.models import Organization, Service
from apps.teams.models import Membership, Team, UnitStatus

PASSWORD = "firstline-test-pw"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = Role.RESPONDER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Partner organization {n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Service {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    call_sign = factory.Sequence(lambda n: f"CR-{n}")
    name = factory.LazyAttribute(lambda o: f"Team {o.call_sign}")
    capabilities = factory.LazyFunction(lambda: ["peer_support", "clinician", "vehicle", "radio"])
    status = UnitStatus.AVAILABLE
    status_changed_at = factory.LazyFunction(timezone.now)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)


class CallTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallType
        django_get_or_create = ("code",)

    code = "welfare_check"
    name = "Welfare check"
    default_priority = 3
    required_capabilities = factory.LazyFunction(lambda: ["peer_support"])


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident

    received_at = factory.LazyFunction(timezone.now)
    summary = "Person sitting in the cold, not responding to questions"
    location_text = "400 W Colfax Ave"
    latitude = 39.74
    longitude = -104.99
    district = "Central"
    priority = 2


class DeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Device

    name = factory.Sequence(lambda n: f"Tablet {n}")


_DEVICE_KEYS: dict[str, str] = {}


def enrollment_code_for(device) -> str:
    """Give a tablet a fresh one-time enrollment code, as registration or a renewal does."""
    from apps.accounts.services.devices import _new_enrollment_code, enrollment_code_format, secret_digest

    code = _new_enrollment_code()
    Device.objects.filter(pk=getattr(device, "pk", device)).update(
        enrollment_code_digest=secret_digest(code), enrollment_expires_at=timezone.now() + timedelta(hours=1)
    )
    return enrollment_code_format(code)


def device_key_for(device) -> str:
    """The tablet's key, enrolling it through the real exchange the first time it is asked for."""
    from apps.accounts.services import device_enroll, secret_digest

    device_id = str(getattr(device, "pk", device))
    key = _DEVICE_KEYS.get(device_id)
    if key and Device.objects.filter(pk=device_id, key_digest=secret_digest(key)).exists():
        return key
    _device, key = device_enroll(enrollment_code=enrollment_code_for(device_id))
    _DEVICE_KEYS[device_id] = key
    return key


def tablet_for(user) -> Device:
    """A tablet of the user's team, enrolled, for tests where the tablet is not the point."""
    device = DeviceFactory(team_id=user.team_id_current, name=f"Tablet of {user.username}")
    device_key_for(device)
    return device


def sign_in_body(user) -> dict:
    """The API sign-in body for `user`: responders sign in only on an enrolled tablet of their team."""
    body = {"username": user.username, "password": PASSWORD}
    if user.role == "responder":
        device = tablet_for(user)
        body.update(device=str(device.pk), device_key=device_key_for(device))
    return body
