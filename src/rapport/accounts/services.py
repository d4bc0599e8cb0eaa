"""Account writes: API tokens and sign-in throttling."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.accounts.models import ApiToken, LoginThrottle, User
from rapport.core.errors import NotFound, ValidationFailed
from rapport.core.services import record_audit

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "rpt_"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_api_token(
    user: User,
    name: str,
    access: str = ApiToken.Access.WRITE,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for `user`; the raw value is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed.single("name", _("Give the token a name."))
    if access not in ApiToken.Access.values:
        raise ValidationFailed.single("access", _("Choose read or write access."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name[:100],
            prefix=raw[:12],
            digest=_digest(raw),
            access=access,
            expires_at=expires_at,
        )
        record_audit(user, "create", token, {"name": [None, token.name]})
    logger.info("api token created", extra={"user_id": user.pk, "token_id": token.pk})
    return token, raw


def revoke_api_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens; it stops working at once."""
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise NotFound()
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record_audit(
                user,
                "update",
                token,
                {"revoked_at": [None, token.revoked_at.isoformat()]},
            )
    return token


def authenticate_token(raw: str) -> tuple[User, ApiToken] | None:
    """The active user and token behind a raw token value, or None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(digest=_digest(raw)).first()
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token


def login_delay(username: str) -> tuple[float, datetime | None]:
    """Seconds to wait before checking this sign-in, and the lock end if locked."""
    throttle = LoginThrottle.objects.filter(username=username.lower()).first()
    if throttle is None:
        return 0.0, None
    now = timezone.now()
    if throttle.locked_until and throttle.locked_until > now:
        return 0.0, throttle.locked_until
    extra = throttle.failures - settings.LOGIN_FAILURES_BEFORE_DELAY
    return (min(2.0, 0.25 * 2**extra) if extra >= 0 else 0.0), None


def record_login_failure(username: str) -> None:
    """Count a failed sign-in; lock the name after too many in a row."""
    with transaction.atomic():
        throttle, _created = LoginThrottle.objects.select_for_update().get_or_create(
            username=username.lower()[:150]
        )
        now = timezone.now()
        if throttle.locked_until and throttle.locked_until <= now:
            throttle.failures = 0
            throttle.locked_until = None
        throttle.failures += 1
        throttle.last_failure_at = now
        if throttle.failures >= settings.LOGIN_FAILURES_BEFORE_LOCK:
            throttle.locked_until = now + timedelta(seconds=settings.LOGIN_LOCK_SECONDS)
            logger.warning(
                "sign-in locked after repeated failures", extra={"username": username}
            )
        throttle.save()


def record_login_success(username: str) -> None:
    LoginThrottle.objects.filter(username=username.lower()).delete()
