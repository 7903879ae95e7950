"""What an upload really is: real files, made with Pillow and PyMuPDF, checked by the bytes."""

import io

import pytest
from PIL import ExifTags, Image, ImageFile

from activities.attachments.files import AttachmentRefused, attachment_file_check, display_name
from tests.activities.attachments import samples


def _check(name, data):
    return attachment_file_check(upload=samples.upload(name, data))


def test_a_jpeg_is_turned_upright_and_loses_its_location_and_camera():
    kept = _check("IMG_0001.JPG", samples.jpeg_with_gps(size=(300, 200), orientation=6))
    assert (kept.kind, kept.extension, kept.content_type) == ("image", "jpg", "image/jpeg")
    image = Image.open(io.BytesIO(kept.content))
    assert image.format == "JPEG"
    # Orientation 6 applied: the 300 × 200 photo stands 200 × 300, its left (red) half on top.
    assert image.size == (200, 300) == (kept.width, kept.height)
    top, bottom = (
        image.convert("RGB").getpixel((100, 40)),
        image.convert("RGB").getpixel((100, 260)),
    )
    assert top[0] > 200 and top[2] < 60, top
    assert bottom[2] > 200 and bottom[0] < 60, bottom
    # No EXIF at all (so no GPS, no orientation to apply twice), no XMP, no camera name.
    assert not image.getexif()
    assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    for data in (kept.content, kept.thumbnail):
        assert b"Exif" not in data
        assert samples.CAMERA_MARK.encode() not in data
        assert samples.XMP_MARK not in data
        assert b"http://ns.adobe.com/xap" not in data


def test_a_thumbnail_is_a_small_jpeg_of_the_upright_photo():
    kept = _check("big.jpg", samples.jpeg_with_gps(size=(2400, 1600), orientation=6))
    thumbnail = Image.open(io.BytesIO(kept.thumbnail))
    assert thumbnail.format == "JPEG"
    assert thumbnail.size == (427, 640)


def test_a_png_stays_a_png_with_its_transparency():
    kept = _check("programme.png", samples.png())
    assert (kept.kind, kept.extension, kept.content_type) == ("image", "png", "image/png")
    image = Image.open(io.BytesIO(kept.content))
    assert image.format == "PNG" and image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0
    # The JPEG thumbnail puts the transparent part on white.
    assert Image.open(io.BytesIO(kept.thumbnail)).convert("RGB").getpixel((0, 0)) == (255, 255, 255)


def test_a_webp_stays_a_webp():
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(buffer, "WEBP")
    kept = _check("photo.webp", buffer.getvalue())
    assert (kept.extension, kept.content_type) == ("webp", "image/webp")
    assert Image.open(io.BytesIO(kept.content)).format == "WEBP"


def test_an_iphone_heic_photo_is_kept_as_jpeg():
    pillow_heif = pytest.importorskip("pillow_heif")
    image = Image.new("RGB", (320, 240), "green")
    buffer = io.BytesIO()
    try:
        pillow_heif.from_pillow(image).save(buffer, quality=80)
    except (RuntimeError, ValueError) as error:  # a libheif built without an encoder
        pytest.skip(f"this pillow-heif cannot write HEIC: {error}")
    assert buffer.getvalue()[4:12] in (b"ftypheic", b"ftypmif1", b"ftypheix")
    kept = _check("IMG_4321.HEIC", buffer.getvalue())
    assert (kept.kind, kept.extension, kept.content_type) == ("image", "jpg", "image/jpeg")
    assert Image.open(io.BytesIO(kept.content)).size == (320, 240)


def test_a_pdf_is_kept_as_it_is():
    data = samples.pdf()
    kept = _check("签到表.pdf", data)
    assert (kept.kind, kept.extension, kept.content_type) == ("pdf", "pdf", "application/pdf")
    assert kept.content == data and kept.thumbnail is None


def test_a_pdf_cut_short_is_refused():
    data = samples.pdf()
    with pytest.raises(AttachmentRefused, match="不是完整的 PDF"):
        _check("签到表.pdf", data[: len(data) // 2])


def test_a_text_file_renamed_jpg_is_refused_by_its_content():
    with pytest.raises(AttachmentRefused) as refused:
        _check("photo.jpg", b"These are the minutes, not a photo.\n" * 40)
    assert "“photo.jpg”不是照片或 PDF" in str(refused.value)


def test_other_image_formats_are_not_opened():
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "BMP")
    with pytest.raises(AttachmentRefused, match="不是照片或 PDF"):
        _check("scan.bmp", buffer.getvalue())


def test_a_damaged_jpeg_is_refused():
    data = samples.jpeg_with_gps()
    with pytest.raises(AttachmentRefused, match="已损坏或不完整"):
        _check("half.jpg", data[: len(data) // 2])


def test_a_decompression_bomb_is_refused_before_it_is_decoded(settings):
    settings.ATTACHMENT_MAX_PIXELS = 50_000_000
    data = samples.bomb_png(8000)  # 64 million pixels in a file of a few kilobytes
    assert len(data) < 100_000
    with pytest.raises(AttachmentRefused) as refused:
        _check("bomb.png", data)
    assert "像素过多" in str(refused.value) and "5000万" in str(refused.value)


def test_pillows_own_bomb_limit_is_a_refusal_too(settings):
    # Past Pillow's own limit (twice Image.MAX_IMAGE_PIXELS) Image.open raises by itself.
    settings.ATTACHMENT_MAX_PIXELS = 10**12
    with pytest.raises(AttachmentRefused, match="像素过多"):
        _check("bomb.png", samples.png_header_only(20000, 20000))
    # Between Pillow's warning and its error, the warning refuses as well.
    with pytest.raises(AttachmentRefused, match="像素过多"):
        _check("bomb.png", samples.png_header_only(10000, 10000))


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(settings):
    settings.ATTACHMENT_MAX_FILE_SIZE = 100 * 1024
    data = samples.noisy_jpeg((400, 300))
    assert len(data) > 100 * 1024
    with pytest.raises(AttachmentRefused) as refused:
        _check("large.jpg", data)
    assert "“large.jpg”" in str(refused.value) and "最大 0.1 MB" in str(refused.value)


def test_an_empty_file_is_refused():
    with pytest.raises(AttachmentRefused, match="是空文件"):
        _check("empty.jpg", b"")


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("C:\\Users\\office\\Desktop\\签到表.pdf", "签到表.pdf"),
        ("../../etc/passwd", "passwd"),
        ("photo\u202egpj.exe", "photogpj.exe"),
        ("a\x00b\n.jpg", "ab.jpg"),
        ("   ", "附件"),
        ("x" * 300 + ".jpeg", "x" * 115 + ".jpeg"),
    ],
)
def test_the_users_file_name_is_only_shown_and_made_harmless(raw, shown):
    assert display_name(raw) == shown


def test_a_large_photo_is_decoded_small_and_kept_upright(monkeypatch):
    from activities.attachments import files

    assert (files.MAX_STORED_SIDE, files.MIN_DECODED_SIDE) == (4096, 3072)
    decoded = []
    original_load = ImageFile.ImageFile.load

    def load(self):
        decoded.append(self.size)
        return original_load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    # A 4:3 photo over twice 3072 px, lying on its side (orientation 6): decoded at half size
    # by the JPEG decoder itself (never at full size) and kept so, upright.
    kept = _check("big.jpg", samples.jpeg_with_gps(size=(6400, 4800), orientation=6))
    assert set(decoded) == {(3200, 2400)}
    assert (kept.width, kept.height) == (2400, 3200)
    image = Image.open(io.BytesIO(kept.content))
    assert image.size == (kept.width, kept.height)
    top = image.convert("RGB").getpixel((1200, 400))
    assert top[0] > 200 and top[2] < 60, top  # its left (red) half is on top
    # Past 4 × 3072 px it is decoded at a quarter, and still larger than 4096 px: scaled down.
    decoded.clear()
    kept = _check("huge.jpg", samples.jpeg_with_gps(size=(17000, 2000), orientation=1))
    assert set(decoded) == {(4250, 500)}
    assert (kept.width, kept.height) == (4096, 482)


def test_a_photo_within_the_stored_size_keeps_its_pixels():
    kept = _check("ok.jpg", samples.jpeg_with_gps(size=(4032, 3024), orientation=1))
    assert (kept.width, kept.height) == (4032, 3024)
    kept = _check("wide.png", samples.png(size=(5000, 1000)))
    assert (kept.width, kept.height) == (4096, 819)
