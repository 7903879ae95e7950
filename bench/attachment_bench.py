"""CPU cost of attaching large photos (activities/attachments), and of repeating one.

Makes camera-like JPEGs (a smooth picture with sensor-like noise, EXIF orientation 6) at
49 MP (8160 × 6120, a 50-MP phone's full mode) and 12 MP (4032 × 3024), attaches each to an
activity of a scratch SQLite database with ``attachment_add`` as the upload view does, then
attaches the same bytes again (the double submit / repeated upload). Prints the CPU time
(process time, not wall time: the machine is shared) of each step, the best of --repeat runs.

    python bench/attachment_bench.py [--repeat 3]
"""

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ["DATABASE_URL"] = "sqlite://:memory:"
os.environ.setdefault("ATTACHMENTS_DIR", tempfile.mkdtemp(prefix="attachment-bench-"))

SIZES = {"49 MP": (8160, 6120), "12 MP": (4032, 3024)}


def camera_jpeg(size):
    """A photo-like JPEG: gradients plus noise (compresses like a real photo), orientation 6."""
    from PIL import Image

    base = Image.linear_gradient("L").resize(size)
    across = Image.linear_gradient("L").rotate(90).resize(size)
    noise = Image.effect_noise(size, 12)
    image = Image.merge("RGB", (base, noise, across))
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88, exif=exif.tobytes())
    return buffer.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    from activities.attachments.services import attachment_add
    from activities.models import Attachment
    from tests.factories import ActivityFactory, RotationGroupFactory, UserFactory

    staff = UserFactory(username="bench-staff", role="staff", is_staff=True)
    group = RotationGroupFactory(number=1)
    print(f"{'photo':8} {'file MB':>8} {'new (CPU s)':>12} {'repeat (CPU s)':>15} kept size")
    for label, size in SIZES.items():
        data = camera_jpeg(size)
        new_times, repeat_times = [], []
        for _ in range(args.repeat):
            activity = ActivityFactory(group=group)
            start = time.process_time()
            added = attachment_add(
                activity=activity, upload=SimpleUploadedFile("p.jpg", data), by=staff
            )
            new_times.append(time.process_time() - start)
            assert not added.already_there
            start = time.process_time()
            again = attachment_add(
                activity=activity, upload=SimpleUploadedFile("p.jpg", data), by=staff
            )
            repeat_times.append(time.process_time() - start)
            assert again.already_there
        kept = Attachment.objects.get(pk=added.attachment.pk)
        print(
            f"{label:8} {len(data) / 1e6:8.1f} {min(new_times):12.2f} {min(repeat_times):15.3f}"
            f" {kept.width} × {kept.height}, {kept.size / 1e6:.1f} MB"
        )


if __name__ == "__main__":
    main()
