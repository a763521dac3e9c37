"""Operations of the NGO catalogue and family that span several models or send email."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eregion.mail import queue_email
from eregion.notifications import admin_change_url, notify_staff, queue_for_users

from .models import (
    ClaimRequest,
    CoEditorInvite,
    FamilyMembership,
    Organisation,
    ProgressUpdate,
    WorkArea,
    WorkPlanItem,
)


def _notify_owners(organisation, template, **context):
    """Email the owners, each in the language set on their account."""
    queue_for_users(organisation.owners.all(), template, {"organisation": organisation, **context})


# --- Moderation -----------------------------------------------------------------------------


@transaction.atomic
def submit(organisation, user):
    """Send a draft or a corrected rejected organisation to the moderation queue."""
    if not organisation.can_edit(user):
        raise PermissionDenied
    if not organisation.can_submit():
        raise ValidationError(_("Тази организация не може да бъде изпратена за одобрение сега."))
    organisation.status = Organisation.Status.PENDING
    organisation.status_reason = ""
    organisation.submitted_at = timezone.now()
    organisation.save()
    notify_staff("organisation", organisation, admin_change_url(organisation))


@transaction.atomic
def approve(organisation, by=None):
    """Publish a pending (or suspended) organisation and tell its owners."""
    if organisation.status == Organisation.Status.PUBLISHED:
        return False
    organisation.status = Organisation.Status.PUBLISHED
    organisation.status_reason = ""
    organisation.published_at = timezone.now()
    organisation.save()
    _notify_owners(organisation, "ngofamily/email/approved")
    return True


@transaction.atomic
def reject(organisation, reason, by=None):
    """Reject an organisation with a reason the owners read; they may correct and resubmit."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Посочете причина за отказа."))
    organisation.status = Organisation.Status.REJECTED
    organisation.status_reason = reason
    organisation.save()
    _notify_owners(organisation, "ngofamily/email/rejected", reason=reason)
    return True


@transaction.atomic
def suspend(organisation, reason=""):
    organisation.status = Organisation.Status.SUSPENDED
    organisation.status_reason = reason
    organisation.save()
    return True


# --- Claims and co-editors ------------------------------------------------------------------


class ClaimAlreadyPending(ValidationError):
    """The user already has a pending claim on this organisation."""


@transaction.atomic
def request_claim(organisation, user, role, message=""):
    """Ask to own an imported organisation; staff are told. A second pending claim by the same
    person raises ``ClaimAlreadyPending`` (the first one stands)."""
    if not user.email_verified:
        raise PermissionDenied
    if not organisation.is_claimable:
        raise PermissionDenied
    claim, created = ClaimRequest.objects.get_or_create(
        organisation=organisation,
        user=user,
        status=ClaimRequest.Status.PENDING,
        defaults={"role": role, "message": message},
    )
    if not created:
        raise ClaimAlreadyPending(
            _("Вече имате заявка за „%(name)s“ от %(date)s; тя очаква проверка от служител.")
            % {"name": organisation.name, "date": claim.created_at.strftime("%d.%m.%Y")},
            code="claim_pending",
        )
    notify_staff("claim", claim, admin_change_url(claim))
    return claim


@transaction.atomic
def confirm_claim(claim, note=""):
    """The claimant becomes an owner; other pending claims on it are declined."""
    claim = ClaimRequest.objects.select_for_update().get(pk=claim.pk)
    if claim.status != ClaimRequest.Status.PENDING:
        return False
    claim.status = ClaimRequest.Status.CONFIRMED
    claim.note = note
    claim.decided_at = timezone.now()
    claim.save()
    claim.organisation.owners.add(claim.user)
    queue_for_users(
        [claim.user],
        "ngofamily/email/claim_confirmed",
        {"organisation": claim.organisation, "claim": claim},
    )
    for other in claim.organisation.claims.filter(status=ClaimRequest.Status.PENDING):
        decline_claim(other, _("Организацията вече има потвърден собственик."))
    return True


@transaction.atomic
def decline_claim(claim, note=""):
    if claim.status != ClaimRequest.Status.PENDING:
        return False
    claim.status = ClaimRequest.Status.DECLINED
    claim.note = note
    claim.decided_at = timezone.now()
    claim.save()
    queue_for_users(
        [claim.user],
        "ngofamily/email/claim_declined",
        {"organisation": claim.organisation, "claim": claim},
    )
    return True


@transaction.atomic
def invite_coeditor(organisation, by, email, accept_url_builder):
    if not organisation.can_edit(by):
        raise PermissionDenied
    invite = CoEditorInvite.objects.create(organisation=organisation, email=email, invited_by=by)
    queue_email(
        email,
        "ngofamily/email/invite",
        {
            "organisation": organisation,
            "invited_by": by,
            "accept_url": accept_url_builder(invite.get_absolute_url()),
        },
    )
    return invite


@transaction.atomic
def accept_invite(invite, user):
    if invite.accepted_at or invite.email.lower() != user.email.lower():
        raise PermissionDenied
    invite.accepted_at = timezone.now()
    invite.save()
    organisation = invite.organisation
    others = list(organisation.owners.exclude(pk=user.pk))
    organisation.owners.add(user)
    queue_for_users(
        others,
        "ngofamily/email/coeditor_joined",
        {"organisation": organisation, "coeditor": user},
    )
    if not user.email_verified:
        # Following the emailed link proves the address.
        user.email_verified = True
        user.save(update_fields=["email_verified"])


# --- The family -----------------------------------------------------------------------------


def may_apply(organisation, user):
    return (
        organisation.is_owner(user)
        and organisation.is_published
        and not organisation.family_memberships.filter(
            status__in=[FamilyMembership.Status.APPLIED, FamilyMembership.Status.APPROVED]
        ).exists()
    )


@transaction.atomic
def apply_to_family(organisation, user, motivation):
    if not may_apply(organisation, user):
        raise PermissionDenied(refusal_to_apply(organisation, user))
    membership = FamilyMembership.objects.create(
        organisation=organisation,
        motivation=motivation,
        charter_accepted_at=timezone.now(),
        applied_by=user,
    )
    notify_staff("membership", membership, admin_change_url(membership))
    return membership


def refusal_to_apply(organisation, user) -> str:
    """Why ``user`` may not apply for ``organisation`` now, in a sentence with the next step."""
    if not organisation.is_owner(user):
        return _("Само собственик на „%(name)s“ може да кандидатства от нейно име.") % {
            "name": organisation.name
        }
    if not organisation.is_published:
        return _(
            "Организацията ви трябва първо да бъде публикувана в каталога: състоянието на "
            "„%(name)s“ е „%(status)s“. Кандидатствайте, след като служител я одобри."
        ) % {"name": organisation.name, "status": organisation.get_status_display()}
    return _("„%(name)s“ вече е член на фамилията или кандидатурата ѝ се разглежда.") % {
        "name": organisation.name
    }


def approve_membership(membership, note=""):
    return _decide_membership(membership, FamilyMembership.Status.APPROVED, note)


def decline_membership(membership, note=""):
    return _decide_membership(membership, FamilyMembership.Status.DECLINED, note)


@transaction.atomic
def _decide_membership(membership, status, note):
    """Staff's answer to an application; the owners are told either way. False if already
    decided."""
    if membership.status != FamilyMembership.Status.APPLIED:
        return False
    membership.status = status
    membership.note = note
    membership.decided_at = timezone.now()
    membership.save()
    _notify_owners(membership.organisation, f"ngofamily/email/membership_{status}", note=note)
    return True


@transaction.atomic
def leave_family(organisation, user):
    """A member leaves: its membership ends and it leaves every area it took part in."""
    if not organisation.is_owner(user):
        raise PermissionDenied
    membership = organisation.family_memberships.approved().first()
    if membership is None:
        raise PermissionDenied
    membership.status = FamilyMembership.Status.LEFT
    membership.left_at = timezone.now()
    membership.save()
    for area in organisation.work_areas.all():
        area.members.remove(organisation)
    return membership


def member_organisations_of(user):
    """The family member organisations that ``user`` may act for."""
    return Organisation.objects.owned_by(user).family_members()


def join_area(area: WorkArea, organisation, user):
    if not (organisation.is_owner(user) and organisation.is_family_member()):
        raise PermissionDenied
    area.members.add(organisation)


def leave_area(area: WorkArea, organisation, user):
    if not organisation.is_owner(user):
        raise PermissionDenied
    area.members.remove(organisation)


def post_progress(item: WorkPlanItem, organisation, user, date, text):
    """Only an owner of a responsible member organisation may report progress."""
    if not (
        item.responsible.filter(pk=organisation.pk).exists()
        and organisation.is_owner(user)
        and organisation.is_family_member()
    ):
        raise PermissionDenied
    return ProgressUpdate.objects.create(
        item=item, organisation=organisation, author=user, date=date, text=text
    )
