"""Field encryption for secrets such as mailbox passwords (Fernet).

The key comes from `RAPPORT_FIELD_KEY` when set (any string; rotate by
re-saving the secrets), else from `SECRET_KEY`. Either way it is stretched to a
Fernet key with SHA-256, so changing the setting makes stored secrets
unreadable; `decrypt` then raises `SecretUnreadable` rather than returning junk.
"""

from __future__ import annotations

import base64
import hashlib
import os

from django.conf import settings


class SecretUnreadable(ValueError):
    """A stored secret cannot be decrypted with the current key."""


def _fernet():  # type: ignore[no-untyped-def]
    from cryptography.fernet import Fernet

    material = os.environ.get("RAPPORT_FIELD_KEY") or settings.SECRET_KEY
    digest = hashlib.sha256(f"rapport-field:{material}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(value: str) -> str:
    """The ciphertext of `value` (empty stays empty)."""
    if not value:
        return ""
    return str(_fernet().encrypt(value.encode("utf-8")).decode("ascii"))


def decrypt(token: str) -> str:
    """The plain text of a ciphertext made by `encrypt`."""
    if not token:
        return ""
    from cryptography.fernet import InvalidToken

    try:
        return str(_fernet().decrypt(token.encode("ascii")).decode("utf-8"))
    except InvalidToken as exc:
        raise SecretUnreadable("the field key changed; enter the secret again") from exc
