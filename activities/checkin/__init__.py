"""QR self check-in at the event (签到): /activities/<id>/check-in/ for staff and the group's
conveners, /c/<token>/ for everyone's phone, and the reconcile box on the activity's page.

Models live in activities/models.py (CheckInSession, CheckIn, CheckInLog). services.py
writes, public.py holds the public page's matching and rate limits, qr.py draws the code.

The check-in log (CheckInLog) is kept apart from the site's access log: each row has the
time (`at`) and the client's address (`address`, the same address
fuan_rotation.security.client_ip_address gives the access log). To see the request behind a
log row, join the access log on address = address and path starting with /c/ within a second
of `at`.
"""
