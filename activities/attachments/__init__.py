"""Attachments (附件): photos and scans of an activity — the signed sign-in sheet, the
programme, event photos — uploaded from a phone camera or a PC by whoever may edit the activity.

- ``files.py`` checks and converts what was uploaded (Pillow: a real JPEG, PNG, WebP or HEIC
  image, or a PDF by its header and trailer; size and pixel limits; EXIF orientation applied,
  then EXIF/GPS/XMP dropped by re-encoding; a thumbnail). It touches no database.
- ``services.py`` writes: attachment_add (stores the files under generated names in the private
  "attachments" storage, settings.STORAGES), attachment_archive, attachment_restore.
- ``views.py`` the upload, the archive/restore buttons, and the one way the files are given
  out: a view that checks the login may see the activity (never a public media URL).
- ``gallery.py`` the reads: the gallery on the activity's page and the photos of the filing
  copy (activity_print_photos; template activities/attachments/_print.html).

The model lives in activities/models.py (Attachment) like every other room's. Backups copy the
files beside the database (fuan_rotation/backup.py, by Attachment.stored_files).
"""
