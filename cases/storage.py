"""The private storage: every sanitized photo, encrypted, never under a served URL."""

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import FileResponse
from django.utils.functional import LazyObject, empty
from django.utils.module_loading import import_string

from . import crypto


class EncryptedStorage(Storage):
    """Wraps another storage (a folder or a bucket): files are written there as Fernet tokens
    under the field keys (cases/crypto.py) and decrypted when opened.

    So a copied disk or bucket shows no photo, the staff view streams the decrypted image, and
    the copy to public storage at publication, which opens the file, is plain. `raw` is the
    storage underneath: backups and key rotation move the encrypted bytes as they are.
    """

    def __init__(self, backend: str, options: dict | None = None):
        self.raw = import_string(backend)(**(options or {}))

    def _open(self, name, mode="rb"):
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("Private files are written only through save().")
        with self.raw.open(name, "rb") as stored:
            token = stored.read()
        return ContentFile(crypto.decrypt(token), name=name)

    def _save(self, name, content):
        content.seek(0)
        return self.raw.save(name, ContentFile(crypto.encrypt(content.read())))

    def get_available_name(self, name, max_length=None):
        return self.raw.get_available_name(name, max_length=max_length)

    def delete(self, name):
        self.raw.delete(name)

    def exists(self, name):
        return self.raw.exists(name)

    def listdir(self, path):
        return self.raw.listdir(path)

    def size(self, name):
        with self.open(name) as file:
            return file.size

    def url(self, name):
        raise ValueError("Private files have no URL: staff see them through the admin's view.")

    def get_modified_time(self, name):
        return self.raw.get_modified_time(name)

    def get_created_time(self, name):
        return self.raw.get_created_time(name)

    def get_accessed_time(self, name):
        return self.raw.get_accessed_time(name)


def raw_storage(storage: Storage) -> Storage:
    """The storage that holds the bytes as stored: encrypted for the private one."""
    return getattr(storage, "raw", storage)


class PrivateStorage(LazyObject):
    """Resolved on first use, like Django's default_storage, so STORAGES can change in tests."""

    def _setup(self):
        self._wrapped = storages["private"]


_private_storage = PrivateStorage()


def private_storage():
    """Callable for FileField(storage=...), so migrations name the function, not a path."""
    return _private_storage


@receiver(setting_changed)
def _forget_private_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        _private_storage._wrapped = empty


def private_file_response(field):
    """Stream a private photo, decrypted here: neither nginx nor the bucket can."""
    response = FileResponse(field.open("rb"), content_type="image/jpeg")
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    return response
