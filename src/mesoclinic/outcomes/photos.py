"""Photo files: checked, re-encoded and stored outside every served folder.

An upload must be a real JPEG, PNG or WebP image under the size and pixel limits. It is
decoded and saved again as JPEG, which drops every metadata block (EXIF with GPS and
camera serials, XMP, comments) after the orientation it gave is applied. The stored
name is random; nothing of the uploaded file name is ever used.
"""

import io
import pathlib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
THUMBNAIL_SIZE = (320, 320)
PRINT_SIZE = (1000, 1000)  # sharp at the width of half an A4 page


@dataclass(frozen=True)
class StoredPhoto:
    file_name: str
    thumbnail_name: str
    width: int
    height: int


def photo_dir() -> pathlib.Path:
    path = pathlib.Path(settings.MESOCLINIC_PHOTO_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def photo_path(name: str) -> pathlib.Path:
    """The file of a stored name; only names this module made (hex and .jpg) resolve."""
    if not (name.endswith(".jpg") and all(c in "0123456789abcdef_t" for c in name[:-4])):
        raise ValueError("Not a stored photo name.")
    return photo_dir() / name


def photo_store(upload) -> StoredPhoto:
    """Check and re-encode an uploaded image; write it and its thumbnail."""
    image = photo_decoded(upload)
    key = uuid.uuid4().hex
    stored = StoredPhoto(f"{key}.jpg", f"{key}_t.jpg", image.width, image.height)
    image.save(photo_path(stored.file_name), "JPEG", quality=90, optimize=True)
    thumbnail = image.copy()
    thumbnail.thumbnail(THUMBNAIL_SIZE)
    thumbnail.save(photo_path(stored.thumbnail_name), "JPEG", quality=80)
    return stored


def photo_decoded(upload) -> Image.Image:
    """An upload as an upright RGB image, once it passed the checks."""
    image = _decoded(_read_limited(upload))
    return ImageOps.exif_transpose(image).convert("RGB")


def photo_for_print(name: str) -> bytes:
    """A stored photo scaled down for a printed page, as JPEG bytes."""
    with Image.open(photo_path(name)) as image:
        image.thumbnail(PRINT_SIZE)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def photo_discard(stored: StoredPhoto) -> None:
    """Remove the files of a photo whose record could not be saved."""
    for name in (stored.file_name, stored.thumbnail_name):
        photo_path(name).unlink(missing_ok=True)


def _read_limited(upload) -> bytes:
    limit = settings.MESOCLINIC_PHOTO_MAX_BYTES
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError({"image": [f"The photo is larger than {limit // (1024 * 1024)} MB."]})
    if not data:
        raise ValidationError({"image": ["The file is empty."]})
    return data


def _decoded(data: bytes) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            pixels = probe.width * probe.height
            probe.verify()  # a truncated or forged file fails here
        if kind not in ACCEPTED_FORMATS:
            raise ValidationError({"image": [f"A {kind} file is not accepted: JPEG, PNG or WebP."]})
        if pixels > settings.MESOCLINIC_PHOTO_MAX_PIXELS:
            raise ValidationError({"image": ["The photo has too many pixels."]})
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise ValidationError({"image": ["This is not a readable image."]}) from None
    return image
