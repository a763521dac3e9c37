from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .models import OutboundEmail, User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = ("email", "full_name", "email_verified", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "email_verified", "groups")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Лични данни"), {"fields": ("full_name", "phone", "email_verified")}),
        (
            _("Права"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Дати"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = (
        "subject",
        "recipients",
        "status",
        "attempts",
        "error",
        "next_attempt_at",
        "created_at",
        "sent_at",
    )
    list_filter = ("status",)
    search_fields = ("subject", "to")
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]
    actions = ["retry_now"]
    date_hierarchy = "created_at"

    @admin.display(description=_("получатели"))
    def recipients(self, obj):
        return ", ".join(obj.to)

    @admin.display(description=_("последна грешка"))
    def error(self, obj):
        return Truncator(obj.last_error).chars(80)

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Изпрати отново избраните (неизпратени)"))
    def retry_now(self, request, queryset):
        """Give failed or waiting emails a fresh set of attempts, starting now."""
        from .mail import enqueue

        ids = list(
            queryset.filter(
                status__in=[OutboundEmail.Status.PENDING, OutboundEmail.Status.FAILED]
            ).values_list("pk", flat=True)
        )
        OutboundEmail.objects.filter(pk__in=ids).update(
            status=OutboundEmail.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        for pk in ids:
            transaction.on_commit(lambda pk=pk: enqueue(pk))
        self.message_user(request, _("%(n)d имейла са пуснати за изпращане.") % {"n": len(ids)})
