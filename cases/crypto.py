"""Keys and ciphers for private data at rest: relatives' details, narratives, second-factor
secrets and private photos (Fernet tokens), and keyed lookup hashes of contact details.

Keys are configuration (settings FIELD_ENCRYPTION_KEYS and LOOKUP_HASH_KEY, from the
environment), never data: neither the database nor a backup holds them. The first field key
encrypts, every listed key decrypts, so a key is rotated by putting a new one first, running
`manage.py rotate_keys`, then removing the old one.
"""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# A lookup hash is cut to 96 bits: collisions stay negligible among any number of reports.
LOOKUP_HASH_HEX = 24


class UndecryptableError(Exception):
    """A stored token that none of the configured keys opens: a key was removed too early."""


@lru_cache(maxsize=4)
def _ring(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


@lru_cache(maxsize=4)
def _primary(key: str) -> Fernet:
    return Fernet(key)


def _keys() -> tuple[str, ...]:
    keys = tuple(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: private data cannot be read.")
    return keys


def encrypt(data: bytes) -> bytes:
    """A Fernet token under the first key: AES-128-CBC with HMAC-SHA256, a fresh IV each time."""
    return _ring(_keys()).encrypt(data)


def decrypt(token: bytes) -> bytes:
    try:
        return _ring(_keys()).decrypt(token)
    except InvalidToken:
        raise UndecryptableError(
            "Stored private data cannot be decrypted with FIELD_ENCRYPTION_KEYS: a key it was "
            "written with is missing (put the old key back after the new one, then run "
            "`manage.py rotate_keys`)."
        ) from None


def rotated(token: bytes) -> tuple[bytes, bytes | None]:
    """The plaintext, and the token re-encrypted under the first key, or None when it is already
    under the first key (rotation skips it). One decryption for a current token."""
    try:
        return _primary(_keys()[0]).decrypt(token), None
    except InvalidToken:
        plain = decrypt(token)
    return plain, encrypt(plain)


def lookup_hash(kind: str, normalised: str) -> str:
    """A keyed hash for exact lookups of an encrypted value (a blind index).

    Without LOOKUP_HASH_KEY it cannot be recomputed from a guessed phone number or email, which a
    plain hash of such a short, guessable value could be.
    """
    message = f"{kind}\0{normalised}".encode()
    digest = hmac.new(settings.LOOKUP_HASH_KEY.encode(), message, hashlib.sha256)
    return digest.hexdigest()[:LOOKUP_HASH_HEX]
