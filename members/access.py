"""Recording a reading of personal data from a view (the access log, 数据访问记录)."""

from urllib.parse import unquote

from fuan_rotation.security import client_ip_address
from members.services import access_record


def record_access(request, kind, *, rows, what=None):
    """Log that ``request.user`` read ``rows`` members' data (``kind``: PersonalDataAccess.Kind).

    ``what`` defaults to the path with its query string, decoded so that staff read 陈 rather
    than %E9%99%88.
    """
    return access_record(
        by=request.user,
        kind=kind,
        what=what if what is not None else unquote(request.get_full_path()),
        rows=rows,
        address=client_ip_address(request),
    )
