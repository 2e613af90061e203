from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from ketaflow.clinic.audit.services import audit_record


@receiver(user_logged_in)
def _audit_login(sender, request, user, **kwargs):
    audit_record(actor=user, action="auth.login", request=request, object_type="user", object_id=user.pk)


@receiver(user_logged_out)
def _audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action="auth.logout", request=request, object_type="user", object_id=user.pk)
