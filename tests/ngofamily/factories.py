"""Factories of the NGO catalogue and family."""

import factory

from ngofamily.models import FamilyMembership, Organisation, WorkArea, WorkPlanItem
from tests.factories import UserFactory


def valid_eik(n: int) -> str:
    """A 9-digit EIK with a correct check digit, different for each ``n``."""
    digits = f"{n:08d}"[-8:]
    r = sum(i * int(d) for i, d in enumerate(digits, 1)) % 11
    if r == 10:
        r = sum((i + 2) * int(d) for i, d in enumerate(digits, 1)) % 11
        if r == 10:
            r = 0
    return digits + str(r)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Сдружение „Тест {n}“")
    legal_form = Organisation.LegalForm.ASSOCIATION
    eik = factory.Sequence(lambda n: valid_eik(20_000_000 + n))
    status = Organisation.Status.PUBLISHED

    @factory.post_generation
    def owners(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.owners.add(*extracted)


class MemberFactory(OrganisationFactory):
    """A published organisation that is an approved member of the family."""

    @factory.post_generation
    def membership(obj, create, extracted, **kwargs):
        if create:
            from django.utils import timezone

            FamilyMembership.objects.create(
                organisation=obj,
                motivation="Искаме да работим заедно.",
                charter_accepted_at=timezone.now(),
                status=FamilyMembership.Status.APPROVED,
            )


class WorkAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkArea

    name = factory.Sequence(lambda n: f"Направление {n}")
    slug = factory.Sequence(lambda n: f"area-{n}")


class WorkPlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkPlanItem
        skip_postgeneration_save = True

    area = factory.SubFactory(WorkAreaFactory)
    title = factory.Sequence(lambda n: f"Задача {n}")

    @factory.post_generation
    def responsible(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.responsible.add(*extracted)


__all__ = ["UserFactory"]
