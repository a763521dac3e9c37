"""Factories of the trainings: a course (found by slug when it is one of the seeded six),
a session a week from now, an enrolment."""

from datetime import timedelta

import factory
from django.utils import timezone

from tests.factories import UserFactory
from tests.ngofamily.factories import OrganisationFactory
from trainings.models import Course, Enrolment, Session


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        django_get_or_create = ("slug",)

    title = factory.Sequence(lambda n: f"Курс {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    audience = Course.Audience.NGO
    target = 20


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    course = factory.SubFactory(CourseFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=6))
    address = "бул. „Марица“ 1, зала 2"
    trainers = "Иван Петров"
    capacity = 20


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment
        skip_postgeneration_save = True

    session = factory.SubFactory(SessionFactory)
    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    status = Enrolment.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def _owner(obj, create, extracted, **kwargs):
        """The participant represents the organisation: they are one of its owners."""
        if create and obj.organisation_id:
            obj.organisation.owners.add(obj.user)


def representative(**kwargs):
    """A verified user who owns a published organisation: who may enrol."""
    user = UserFactory(**kwargs)
    organisation = OrganisationFactory(owners=[user])
    return user, organisation


__all__ = [
    "CourseFactory",
    "EnrolmentFactory",
    "OrganisationFactory",
    "SessionFactory",
    "UserFactory",
    "representative",
]
