"""The production smoke test's browser: scripts/smoke runs it against gunicorn.

It talks to gunicorn as nginx (docs/deploy/nginx.conf) would pass requests on: with
``X-Forwarded-Proto: https`` and ``X-Forwarded-For``, so the production settings (https
redirect, secure cookies, HSTS) stay as they are. Cookies are kept by hand because they are
marked Secure and this hop is plain http, as it is between nginx and gunicorn.

Usage: python scripts/smoke_client.py BASE_URL USERNAME PASSWORD. Exits non-zero, saying which
step failed, on the first failure.
"""

import datetime
import io
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zipfile
from html import unescape

import openpyxl

ROWS = [
    # name, company, federation role, group, convener
    ("林试一", "福安烟测电机有限公司", "副会长", "第1组", "是"),
    ("陈试二", "福安烟测贸易有限公司", "常执委", "第1组", ""),
    ("郑试三", "福安烟测茶业有限公司", "常执委", "第1组", ""),
]
CONVENER_PASSWORD = "smoke test passphrase 2019"
# Form errors on a page, to say why a POST was refused.
ERRORS = re.compile(r'class="[^"]*(?:invalid-feedback|alert-danger)[^"]*"[^>]*>(.*?)<', re.S)


class StepFailed(Exception):
    pass


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    def __init__(self, base):
        self.base = base.rstrip("/")
        self.cookies = {}
        self.opener = urllib.request.build_opener(NoRedirect)
        host = urllib.parse.urlsplit(self.base).netloc
        self.origin = f"https://{host}"

    def request(self, method, path, data=None, content_type=None):
        headers = {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "192.0.2.10",
            "Accept-Language": "zh-CN",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
            headers["Content-Type"] = content_type or "application/x-www-form-urlencoded"
            if isinstance(data, dict):
                data = urllib.parse.urlencode(data, doseq=True).encode()
        request = urllib.request.Request(
            self.base + path, data=data, headers=headers, method=method
        )
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value in ("", '""'):  # a deletion
                self.cookies.pop(name, None)
                continue
            if "Secure" not in header:
                raise StepFailed(f"cookie {name} is not marked Secure")
            self.cookies[name] = value
        body = response.read()
        return response.status, response.headers, body

    def get(self, path, expect=200):
        status, headers, body = self.request("GET", path)
        if status != expect:
            raise StepFailed(f"GET {path}: {status}, expected {expect}")
        return headers, body

    def post(self, path, data, expect=302, **kwargs):
        status, headers, body = self.request("POST", path, data, **kwargs)
        if status != expect:
            text = body.decode(errors="replace")
            errors = ERRORS.findall(text)
            raise StepFailed(f"POST {path}: {status}, expected {expect} {errors[:3]}")
        return headers, body

    def csrf(self, path):
        _headers, body = self.get(path)
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if not match:
            raise StepFailed(f"no CSRF token on {path}")
        return match.group(1).decode(), body.decode()

    def login(self, username, password):
        token, _page = self.csrf("/accounts/login/")
        headers, _ = self.post(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
        )
        return headers["Location"]


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(f"{value}\r\n".encode())
    for name, (filename, content) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
        )
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def step(number, text):
    print(f"smoke: {number}. {text}", flush=True)


def roster_with_three_rows(template):
    workbook = openpyxl.load_workbook(io.BytesIO(template))
    sheet = workbook.active
    header_row, columns = None, {}
    for row in sheet.iter_rows(min_row=1, max_row=10):
        names = {str(c.value).strip(): c.column for c in row if c.value}
        if "姓名" in names:
            header_row, columns = row[0].row, names
            break
    if header_row is None:
        raise StepFailed("the roster template has no 姓名 header")
    # Clear any example rows below the header, then write ours.
    for row in sheet.iter_rows(min_row=header_row + 1, max_row=sheet.max_row):
        for cell in row:
            cell.value = None
    for offset, (name, company, role, group, convener) in enumerate(ROWS, start=1):
        values = {"姓名": name, "工作单位": company, "工商联职务": role, "轮值组": group}
        values["召集人"] = convener
        for header, value in values.items():
            if header not in columns:
                raise StepFailed(f"the roster template has no {header} column")
            sheet.cell(row=header_row + offset, column=columns[header], value=value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def main(base, username, password):
    year = datetime.date.today().year
    staff = Browser(base)

    step(1, "staff log in over http(s) with the CSRF token")
    if staff.login(username, password) != "/":
        raise StepFailed("the staff login did not land on the home page")
    staff.get("/")

    step(2, "import the roster template with three rows through the import page")
    _headers, template = staff.get("/members/template.xlsx")
    token, _ = staff.csrf("/members/import/")
    body, content_type = multipart(
        {"csrfmiddlewaretoken": token},
        {"file": ("名册.xlsx", roster_with_three_rows(template))},
    )
    headers, _ = staff.post("/members/import/", body, content_type=content_type)
    token, preview = staff.csrf("/members/import/preview/")
    fingerprint = re.search(r'name="fingerprint" value="([^"]*)"', preview)
    if not fingerprint or "林试一" not in preview:
        raise StepFailed("the import preview does not show the three rows")
    staff.post(
        "/members/import/preview/",
        {"csrfmiddlewaretoken": token, "fingerprint": unescape(fingerprint.group(1))},
    )
    _headers, roster = staff.get("/members/?q=" + urllib.parse.quote("试"))
    roster = roster.decode()
    for name, *_rest in ROWS:
        if name not in roster:
            raise StepFailed(f"{name} is not on the roster after the import")

    step(3, "create a convener login for one of them from the member's page")
    member_id = re.search(r'href="/members/(\d+)/"[^>]*>\s*林试一', roster)
    if not member_id:
        raise StepFailed("no link to 林试一's page on the roster")
    member_path = f"/members/{member_id.group(1)}/"
    _headers, page = staff.get(member_path)
    create = f"{member_path}login/new/"
    if create.encode() not in page:
        raise StepFailed("the member page offers no login")
    token, _ = staff.csrf(create)
    _headers, shown = staff.post(
        create, {"csrfmiddlewaretoken": token, "username": "linshi", "role": "convener"}, expect=200
    )
    one_time = re.search(rb"data-password>([^<]+)<", shown)
    if not one_time:
        raise StepFailed("the new login's password is not shown")
    one_time = one_time.group(1).decode()

    step(4, "the convener logs in, must change the password, and does")
    convener = Browser(base)
    convener.login("linshi", one_time)
    status, headers, _ = convener.request("GET", "/")
    if status != 302 or headers["Location"] != "/accounts/password/":
        raise StepFailed(f"a new login was not sent to the password page ({status})")
    token, page = convener.csrf("/accounts/password/")
    if "Django" in page:
        raise StepFailed("the password page is the admin's")
    convener.post(
        "/accounts/password/",
        {
            "csrfmiddlewaretoken": token,
            "old_password": one_time,
            "new_password1": CONVENER_PASSWORD,
            "new_password2": CONVENER_PASSWORD,
        },
    )
    convener.get("/")
    convener.get("/my-group/")

    step(5, "staff record an activity of group 1")
    # "Record an activity" from group 1's page: the form lists that group's members to tick.
    token, form = staff.csrf("/activities/new/?group=1")
    group = re.search(r'<option value="(\d+)"[^>]*>\s*第1组', form)
    if not group:
        raise StepFailed("group 1 (created by the import) is not offered on the activity form")
    attendees = re.findall(r'name="attendees" value="(\d+)"', form)
    if not attendees:
        raise StepFailed("the activity form lists none of group 1's members to tick")
    # The form's one-time token, as a browser sends it back (a post without it is refused).
    submission = re.search(r'name="submission_token" value="([0-9a-f]{32})"', form)
    if not submission:
        raise StepFailed("the activity form carries no one-time submission token")
    data = {
        "csrfmiddlewaretoken": token,
        "submission_token": submission.group(1),
        "group": group.group(1),
        "date": f"{year}-01-15"
        if datetime.date.today() > datetime.date(year, 1, 15)
        else f"{year}-01-01",
        "title": "烟测座谈会",
        "theme": "seminar",
        "status": "held",
        "place": "工商联会议室",
        "summary": "生产环境冒烟测试。",
        "other_participants": "2",
        "attendees": attendees[:3],
    }
    for prefix in ("leaders", "outcomes", "publicity"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    headers, _ = staff.post("/activities/new/", data)
    staff.get(headers["Location"])

    step(6, f"download the {year} workbook")
    headers, workbook = staff.get(f"/reports/{year}/export.xlsx")
    if not workbook.startswith(b"PK\x03\x04"):
        raise StepFailed("the workbook is not an xlsx file")
    zipfile.ZipFile(io.BytesIO(workbook)).testzip()
    book = openpyxl.load_workbook(io.BytesIO(workbook), read_only=True, data_only=True)
    cells = " ".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
    if "烟测座谈会" not in cells:
        raise StepFailed("the recorded activity is not in the year's workbook")
    print(f"smoke: the workbook has {len(book.sheetnames)} sheets and the activity", flush=True)


if __name__ == "__main__":
    try:
        main(*sys.argv[1:4])
    except StepFailed as failure:
        sys.exit(f"smoke: FAILED: {failure}")
