"""Real files for the attachment tests, made here with Pillow and PyMuPDF."""

import io
import struct
import zlib

import pymupdf
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

CAMERA_MARK = "FUAN-TEST-CAMERA-7731"
XMP_MARK = b"FUAN-TEST-XMP-LOCATION"


def jpeg_with_gps(size=(300, 200), orientation=6):
    """A JPEG whose left half is red and right half blue, with EXIF orientation `orientation`
    (6: shown turned 90° clockwise), a GPS position in 福安, a camera name, and XMP."""
    image = Image.new("RGB", size, "blue")
    image.paste("red", (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Model] = CAMERA_MARK
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (27.0, 5.0, 24.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (119.0, 38.0, 51.0)
    buffer = io.BytesIO()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">' + XMP_MARK + b"</x:xmpmeta>"
    image.save(buffer, "JPEG", exif=exif, xmp=xmp, quality=90)
    data = buffer.getvalue()
    # The sample really carries what must be removed.
    check = Image.open(io.BytesIO(data))
    assert check.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert CAMERA_MARK.encode() in data and XMP_MARK in data
    return data


def png(size=(120, 80)):
    image = Image.new("RGBA", size, (0, 128, 0, 255))
    image.paste((0, 0, 0, 0), (0, 0, size[0] // 2, size[1] // 2))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def noisy_jpeg(size):
    """A JPEG that does not compress (random pixels): a large file from a small image."""
    import os

    image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=100)
    return buffer.getvalue()


def pdf(text="签到表"):
    document = pymupdf.open()
    page = document.new_page()
    page.insert_text((72, 72), "sign-in sheet")
    data = document.tobytes()
    document.close()
    return data


def png_header_only(width, height):
    """A PNG that declares `width` × `height` pixels and holds almost none: a decompression
    bomb's header (Pillow must refuse it before decoding anything)."""

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def bomb_png(side=8000):
    """A real, complete PNG of side × side black pixels: tiny on disk, huge in memory."""
    buffer = io.BytesIO()
    Image.new("1", (side, side)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)
