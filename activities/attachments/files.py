"""What an uploaded file really is, and the clean copy of it that is kept.

Nothing here trusts the file's name or the browser's Content-Type: the bytes decide. An image
must open with Pillow as JPEG, PNG, WebP or HEIC (iPhones; pillow-heif reads it, and it is kept
as JPEG, which every browser shows) and stay within the size and pixel limits; it is turned
upright by its EXIF orientation and encoded anew without EXIF, GPS, XMP or comments, so no
location leaves with a photo. A PDF must start with the PDF header and end with its trailer;
no PDF library parses it (none is a dependency, and a parser is the part that has the bugs):
it is only ever given out as a download, never shown inside the site.
"""

import hashlib
import io
import re
import unicodedata
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

register_heif_opener()

# What Pillow may try to open (never its dozens of other formats), and what each is kept as.
OPEN_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
KEPT_AS = {
    "JPEG": ("JPEG", "jpg", "image/jpeg"),
    "PNG": ("PNG", "png", "image/png"),
    "WEBP": ("WEBP", "webp", "image/webp"),
    "HEIF": ("JPEG", "jpg", "image/jpeg"),
}
PDF = ("pdf", "application/pdf")
THUMBNAIL_BOX = (640, 640)  # long side: sharp in the gallery, two to a row on an A4 print
# The largest photo kept, long side in pixels: 4096 × 3072 (12.6 MP) for a 4:3 photo — a 12-MP
# phone photo as it is, sharper than any screen shows it, a full A4 page at over 300 dpi. A larger
# photo is kept smaller. A JPEG is decoded at 1/2, 1/4 or 1/8 of its size (Image.draft: the DCT
# does the scaling) when that still leaves MIN_DECODED_SIDE pixels on its long side, so a 50-MP
# phone photo (8160 × 6120) is decoded and kept at 4080 × 3060 — most of the cost saved — and
# anything still larger than MAX_STORED_SIDE is then scaled down to it.
MAX_STORED_SIDE = 4096
MIN_DECODED_SIDE = 3072
JPEG_QUALITY = 88
THUMBNAIL_QUALITY = 80
DISPLAY_NAME_LENGTH = 120


class AttachmentRefused(Exception):
    """An upload that is not kept; the message says which file and why, in the user's words."""


@dataclass(frozen=True)
class CheckedFile:
    kind: str  # Attachment.Kind value: "image" or "pdf"
    content: bytes
    extension: str
    content_type: str
    thumbnail: bytes | None
    width: int | None
    height: int | None
    upload_sha256: str


def display_name(raw):
    """The name the user's file had, fit to show: no folders, control or direction-override
    characters, at most DISPLAY_NAME_LENGTH characters. Never used to store anything."""
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = re.split(r"[\\/]", name)[-1]
    # Categories C* are control, format (bidi overrides), surrogate, private and unassigned.
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = " ".join(name.split()).strip(" .")
    if len(name) > DISPLAY_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: DISPLAY_NAME_LENGTH - len(extension) - 1] + "." + extension
        else:
            name = name[:DISPLAY_NAME_LENGTH]
    return name or _("attachment")


def _megabytes(size):
    return f"{size / 1024 / 1024:.1f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class ReadUpload:
    """An upload's bytes, read once, with their SHA-256 (hex) — before anything decodes them."""

    name: str  # display_name of the upload
    data: bytes
    sha256: str


def attachment_upload_read(upload):
    """Read `upload` (at most ATTACHMENT_MAX_FILE_SIZE bytes) and hash it; return ReadUpload.

    Cheap (a read and a SHA-256, about 0.05 s CPU for 20 MB), so a repeated file can be
    recognised before the costly decode. Raises AttachmentRefused when the file is empty or
    too large.
    """
    name = display_name(upload.name)
    limit = settings.ATTACHMENT_MAX_FILE_SIZE
    if upload.size is not None and upload.size > limit:
        raise AttachmentRefused(
            _("“%(name)s” is %(size)s MB; a file may be at most %(limit)s MB.")
            % {"name": name, "size": _megabytes(upload.size), "limit": _megabytes(limit)}
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise AttachmentRefused(
            _("“%(name)s” is larger than %(limit)s MB.")
            % {"name": name, "limit": _megabytes(limit)}
        )
    if not data:
        raise AttachmentRefused(_("“%(name)s” is empty.") % {"name": name})
    return ReadUpload(name, data, hashlib.sha256(data).hexdigest())


def attachment_file_check(*, upload=None, read=None):
    """Check one uploaded file (`upload`, or its ReadUpload `read`) and return the copy to keep
    (CheckedFile).

    Raises AttachmentRefused with a message naming the file when it is empty, too large, not a
    real image or PDF, damaged, or an image with too many pixels (a decompression bomb). An
    image is kept at most MAX_STORED_SIDE (4096) pixels on its long side; a larger JPEG is
    decoded at a reduced size first (see MAX_STORED_SIDE).
    """
    read = read or attachment_upload_read(upload)
    if read.data.startswith(b"%PDF-"):
        return _pdf(read.data, read.name, read.sha256)
    return _image(read.data, read.name, read.sha256)


def _pdf(data, name, digest):
    if not re.match(rb"%PDF-[12]\.\d", data[:8]) or b"%%EOF" not in data[-1024:]:
        raise AttachmentRefused(
            _("“%(name)s” is not a complete PDF document (it may be damaged or cut short).")
            % {"name": name}
        )
    extension, content_type = PDF
    return CheckedFile("pdf", data, extension, content_type, None, None, None, digest)


def _image(data, name, digest):
    max_pixels = settings.ATTACHMENT_MAX_PIXELS
    too_many_pixels = AttachmentRefused(
        _(
            "“%(name)s” has too many pixels (at most %(million)s million): it may be a damaged "
            "or malicious file. Take or export the photo at a normal size."
        )
        # Chinese counts in 万: the catalogue writes N million as N00万.
        % {"name": name, "million": max(1, max_pixels // 1_000_000)}
    )
    with warnings.catch_warnings():
        # Pillow warns past Image.MAX_IMAGE_PIXELS and raises past twice that: both refuse.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=OPEN_FORMATS)
            if image.width * image.height > max_pixels:
                raise too_many_pixels
            if image.format == "JPEG":
                # Decode at 1/2, 1/4 or 1/8 scale when that still leaves MIN_DECODED_SIDE: the
                # DCT does the scaling, and the cost falls with the pixels decoded.
                image.draft(None, _fitted(image.size, MIN_DECODED_SIDE))
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_many_pixels from None
        except UnidentifiedImageError:
            raise AttachmentRefused(
                _(
                    "“%(name)s” is not a photo or a PDF: only JPEG, PNG, WebP and HEIC images "
                    "and PDF documents can be attached."
                )
                % {"name": name}
            ) from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise AttachmentRefused(
                _("“%(name)s” cannot be read as an image: it is damaged or incomplete.")
                % {"name": name}
            ) from None
    kept_format, extension, content_type = KEPT_AS[image.format]
    icc_profile = image.info.get("icc_profile")
    try:
        upright = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError):  # an unreadable EXIF block: keep it as it is
        upright = image.copy()
    if max(upright.size) > MAX_STORED_SIDE:
        upright = upright.resize(
            _fitted(upright.size, MAX_STORED_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0
        )
    # Only what save() is given below is written: EXIF (GPS), XMP and comments stay behind.
    upright.info = {}
    content = _encode(upright, kept_format, icc_profile, quality=JPEG_QUALITY)
    thumbnail = upright.copy()
    thumbnail.thumbnail(THUMBNAIL_BOX, Image.Resampling.LANCZOS)
    thumbnail.info = {}
    return CheckedFile(
        "image",
        content,
        extension,
        content_type,
        _encode(thumbnail, "JPEG", icc_profile, quality=THUMBNAIL_QUALITY),
        upright.width,
        upright.height,
        digest,
    )


def _fitted(size, side):
    """`size` (width, height) scaled to fit a `side` × `side` box, aspect kept; never larger."""
    width, height = size
    scale = min(1.0, side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _encode(image, kept_format, icc_profile, *, quality):
    if kept_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = _flattened(image)
    elif kept_format == "PNG" and image.mode not in ("RGB", "RGBA", "L", "LA", "P", "1"):
        image = image.convert("RGBA")
    elif kept_format == "WEBP" and image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    options = {"icc_profile": icc_profile} if icc_profile else {}
    if kept_format == "JPEG":
        options.update(quality=quality, optimize=True)
    elif kept_format == "WEBP":
        options.update(quality=quality)
    else:
        options.update(optimize=True)
    buffer = io.BytesIO()
    image.save(buffer, kept_format, **options)
    return buffer.getvalue()


def _flattened(image):
    """RGB on white: a transparent PNG or WebP as a JPEG thumbnail."""
    if image.mode in ("P", "PA"):
        image = image.convert("RGBA")
    if "A" in image.getbands():
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")
