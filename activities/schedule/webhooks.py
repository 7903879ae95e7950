"""Posting a message to a WeChat Work (企业微信), DingTalk (钉钉) or Feishu (飞书) group robot.

Each platform's documented format:

- WeChat Work: POST ``{"msgtype": "markdown", "markdown": {"content": …}}`` (at most 4096
  bytes of UTF-8), answer ``{"errcode": 0, "errmsg": "ok"}``. No signing: the ``key`` in the
  address is the secret.
- DingTalk: POST ``{"msgtype": "markdown", "markdown": {"title": …, "text": …}}``, answer
  ``{"errcode": 0}``. With 加签, ``timestamp`` (milliseconds) and ``sign`` go in the query:
  sign = urlencode(base64(HmacSHA256(key=secret, message="timestamp\\nsecret"))).
- Feishu / Lark: POST ``{"msg_type": "text", "content": {"text": …}}`` (body at most 20 KB),
  answer ``{"code": 0}``. With signature verification, ``timestamp`` (seconds) and ``sign`` go
  in the body: sign = base64(HmacSHA256(key="timestamp\\nsecret", message="")).

The address is checked against the platform's own host so that a login cannot make the server
post to an address inside the office network (server-side request forgery): only https to
the hosts below, plus the hosts an administrator lists in CHAT_WEBHOOK_EXTRA_HOSTS (a private
deployment's gateway, the test suite's local robot). Redirects are not followed, for the
same reason. Error reasons never include the address: it holds the robot's key.
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from activities.models import ChatWebhook

Platform = ChatWebhook.Platform

PLATFORM_HOSTS = {
    Platform.WECOM: ("qyapi.weixin.qq.com",),
    Platform.DINGTALK: ("oapi.dingtalk.com",),
    Platform.FEISHU: ("open.feishu.cn", "open.larksuite.com"),
}
# Bytes of UTF-8 a message may carry: WeChat Work's documented markdown limit; DingTalk and
# Feishu accept more (Feishu: a 20 KB body), a reminder never needs it.
CONTENT_LIMITS = {Platform.WECOM: 4096, Platform.DINGTALK: 4096, Platform.FEISHU: 4096}
SIGNING_PLATFORMS = (Platform.DINGTALK, Platform.FEISHU)
ELLIPSIS = "…"


@dataclass(frozen=True)
class ChatMessage:
    title: str
    text: str
    link: str = ""


class DeliveryFailed(Exception):
    """The robot did not take the message; `reason` is safe to store and show."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason[:300]


def _extra_hosts():
    return {host.lower() for host in getattr(settings, "CHAT_WEBHOOK_EXTRA_HOSTS", [])}


def validate_webhook_url(platform, url):
    """Refuse an address that is not the platform's robot endpoint (see the module docstring)."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ValidationError(_("This is not a web address."), code="invalid") from exc
    host = (parts.hostname or "").lower()
    if not host or parts.scheme not in ("https", "http"):
        raise ValidationError(
            _("Paste the whole address the robot shows, starting with https://."), code="invalid"
        )
    if parts.username or parts.password:
        raise ValidationError(_("The address must not contain a user name."), code="invalid")
    extra = _extra_hosts()
    netloc = f"{host}:{port}" if port else host
    if host in extra or netloc in extra:
        return  # allowed by the administrator, http included (a local gateway, the tests)
    allowed = PLATFORM_HOSTS.get(platform, ())
    if host in allowed and port not in (None, 443):
        # The right host on another port: say what is wrong, not that the host is.
        raise ValidationError(
            _(
                "A robot's address uses the standard https port (443); this one asks for port "
                "%(port)s. Remove “:%(port)s” from the address."
            )
            % {"port": port},
            code="port",
        )
    if host not in allowed:
        raise ValidationError(
            _("A %(platform)s robot's address is on %(hosts)s; this one is on %(host)s.")
            % {
                "platform": Platform(platform).label if platform in Platform.values else "?",
                "hosts": " / ".join(allowed) or "—",
                "host": host,
            },
            code="host",
        )
    if parts.scheme != "https":
        raise ValidationError(_("The address must start with https://."), code="scheme")


def validate_secret(platform, secret):
    if secret and platform not in SIGNING_PLATFORMS:
        raise ValidationError(
            _("WeChat Work robots have no signing secret; leave it empty."), code="secret"
        )


def mask_url(url):
    """The address as the page shows it after saving: host and the key's last four characters."""
    parts = urllib.parse.urlsplit(url)
    tail = url.rstrip("/")[-4:]
    return f"{parts.scheme}://{parts.netloc}/…{tail}"


def mask_secret(secret):
    return f"…{secret[-4:]}" if secret else ""


def truncate_bytes(text, limit):
    """`text` cut to at most `limit` bytes of UTF-8, on a character boundary, marked with …."""
    if len(text.encode("utf-8")) <= limit:
        return text
    room = limit - len(ELLIPSIS.encode("utf-8"))
    cut = text.encode("utf-8")[:room].decode("utf-8", errors="ignore")
    return cut + ELLIPSIS


def _markdown(message, limit):
    label = _("Open the page")
    link = f"\n\n[{label}]({message.link})" if message.link else ""
    head = f"**{message.title}**\n\n"
    # The link and title stay whole; the text gives way when the message is too long.
    room = limit - len((head + link).encode("utf-8"))
    return head + truncate_bytes(message.text, max(room, 0)) + link


def _plain(message, limit):
    link = f"\n{message.link}" if message.link else ""
    head = f"{message.title}\n"
    room = limit - len((head + link).encode("utf-8"))
    return head + truncate_bytes(message.text, max(room, 0)) + link


def dingtalk_sign(secret, timestamp_ms):
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret, timestamp_s):
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def build_request(*, platform, url, secret, message, now=None):
    """The (address, JSON body) to post for `message`, signed when a secret is set."""
    now = time.time() if now is None else now
    limit = CONTENT_LIMITS[platform]
    if platform == Platform.WECOM:
        return url, {"msgtype": "markdown", "markdown": {"content": _markdown(message, limit)}}
    if platform == Platform.DINGTALK:
        body = {
            "msgtype": "markdown",
            "markdown": {"title": message.title, "text": _markdown(message, limit)},
        }
        if secret:
            timestamp = str(int(now * 1000))
            query = urllib.parse.urlencode(
                {"timestamp": timestamp, "sign": dingtalk_sign(secret, timestamp)}
            )
            url = f"{url}{'&' if '?' in url else '?'}{query}"
        return url, body
    body = {"msg_type": "text", "content": {"text": _plain(message, limit)}}
    if secret:
        timestamp = str(int(now))
        body = {"timestamp": timestamp, "sign": feishu_sign(secret, timestamp), **body}
    return url, body


def _answer_error(platform, answer):
    """The robot's refusal in its answer, or None when it took the message."""
    if not isinstance(answer, dict):
        return _("the robot answered something that is not JSON")
    if platform == Platform.FEISHU:
        code = answer.get("code", answer.get("StatusCode"))
        message = answer.get("msg", answer.get("StatusMessage", ""))
    else:
        code = answer.get("errcode")
        message = answer.get("errmsg", "")
    if code == 0:
        return None
    return _("the robot refused the message: code %(code)s %(message)s") % {
        "code": code,
        "message": str(message)[:200],
    }


def post_message(*, platform, url, secret, message):
    """Post `message`; raise DeliveryFailed with a reason that does not reveal the address."""
    try:
        validate_webhook_url(platform, url)  # the setting may have changed since it was saved
    except ValidationError as exc:
        raise DeliveryFailed(
            _("the address is not allowed: %(reason)s") % {"reason": " ".join(exc.messages)}
        ) from exc
    address, body = build_request(platform=platform, url=url, secret=secret, message=message)
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    try:
        response = requests.post(
            address,
            data=data,
            headers={"Content-Type": "application/json; charset=utf-8"},
            timeout=(settings.CHAT_WEBHOOK_CONNECT_TIMEOUT, settings.CHAT_WEBHOOK_READ_TIMEOUT),
            allow_redirects=False,
        )
    except requests.Timeout as exc:
        raise DeliveryFailed(_("the robot did not answer in time")) from exc
    except requests.ConnectionError as exc:
        raise DeliveryFailed(_("could not connect to the robot")) from exc
    except requests.RequestException as exc:
        raise DeliveryFailed(
            _("the request failed: %(error)s") % {"error": type(exc).__name__}
        ) from exc
    if response.status_code != 200:
        raise DeliveryFailed(
            _("the robot answered HTTP %(status)s") % {"status": response.status_code}
        )
    try:
        answer = response.json()
    except ValueError:
        answer = None
    error = _answer_error(platform, answer)
    if error:
        raise DeliveryFailed(error)
