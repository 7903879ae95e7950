"""The QR code as SVG (segno, no dependencies, nothing fetched from elsewhere)."""

import segno


def qr_svg(url, *, scale=8):
    """An inline <svg> element (str) encoding `url` with error correction M.

    The markup has no style attribute, so it passes the site's Content-Security-Policy; size it
    with CSS on the `.checkin-qr` class (`omitsize` leaves only the viewBox).
    """
    return segno.make(url, error="m").svg_inline(
        scale=scale, border=2, omitsize=True, svgclass="checkin-qr", title=url
    )
