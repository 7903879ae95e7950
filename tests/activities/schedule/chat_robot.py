"""A local HTTP server that plays the WeChat Work, DingTalk and Feishu group robots.

It checks each request as the platform documents it and answers the way the platform does:
a malformed body or a wrong signature gets a non-zero code, not a 200 with code 0. Tests can
queue failures (`fail_next`): an HTTP 500, a refusal (code ≠ 0) or no answer in time.
"""

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
DINGTALK_TOKEN = "ff6cd723bdb4455fe18c0a9ba30dbeff007f5"
FEISHU_HOOK = "2b7c4e6a-0f1d-4c55-9a8e-5d3f7b1c9e04"
DINGTALK_SECRET = "SECd6f4c1a0b9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2"
FEISHU_SECRET = "qT3vXw9ZkLm2PnR7sUa4"


class Robot:
    def __init__(self):
        self.received = []  # (platform, query, body) of every request that reached a robot
        self.accepted = []  # those it took, as a real robot would post them to the group
        self.failures = []  # what to do with the next requests: "500", "refuse", "timeout"
        self.delay = 0  # seconds before answering
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, platform):
        return {
            "wecom": f"{self.base}/cgi-bin/webhook/send?key={WECOM_KEY}",
            "dingtalk": f"{self.base}/robot/send?access_token={DINGTALK_TOKEN}",
            "feishu": f"{self.base}/open-apis/bot/v2/hook/{FEISHU_HOOK}",
        }[platform]

    def fail_next(self, *failures):
        self.failures.extend(failures)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                parts = urllib.parse.urlsplit(self.path)
                query = urllib.parse.parse_qs(parts.query)
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                body = json.loads(raw.decode("utf-8"))
                platform = robot.platform_of(parts.path, query)
                with robot.lock:
                    robot.received.append((platform, query, body))
                    failure = robot.failures.pop(0) if robot.failures else None
                time.sleep(robot.delay)  # a slow robot lets two senders overlap
                if failure == "timeout":
                    time.sleep(2)  # longer than the read timeout the tests set
                if failure == "500":
                    return self._answer({"error": "internal"}, status=500)
                if failure == "refuse":
                    return self._answer(robot.refusal(platform, 45009, "api freq out of limit"))
                error = robot.check(platform, query, body, self.headers)
                if error:
                    return self._answer(robot.refusal(platform, *error))
                with robot.lock:
                    robot.accepted.append((platform, query, body))
                if platform == "feishu":
                    return self._answer({"code": 0, "msg": "success", "data": {}})
                return self._answer({"errcode": 0, "errmsg": "ok"})

            def _answer(self, answer, status=200):
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except OSError:  # the client gave up waiting
                    pass

        return Handler

    @staticmethod
    def platform_of(path, query):
        if path == "/cgi-bin/webhook/send" and query.get("key") == [WECOM_KEY]:
            return "wecom"
        if path == "/robot/send" and query.get("access_token") == [DINGTALK_TOKEN]:
            return "dingtalk"
        if path == f"/open-apis/bot/v2/hook/{FEISHU_HOOK}":
            return "feishu"
        return "unknown"

    @staticmethod
    def refusal(platform, code, message):
        if platform == "feishu":
            return {"code": code, "msg": message, "data": {}}
        return {"errcode": code, "errmsg": message}

    def check(self, platform, query, body, headers):
        """The platform's checks: (code, message) when it would refuse the request."""
        if "application/json" not in headers.get("Content-Type", ""):
            return 40008, "invalid content type"
        if platform == "wecom":
            markdown = body.get("markdown", {})
            if body.get("msgtype") != "markdown" or not isinstance(markdown.get("content"), str):
                return 40008, "invalid message type"
            if len(markdown["content"].encode("utf-8")) > 4096:
                return 40058, "markdown.content exceed max length 4096"
            return None
        if platform == "dingtalk":
            markdown = body.get("markdown", {})
            if body.get("msgtype") != "markdown" or not markdown.get("title"):
                return 40035, "缺少参数 markdown.title"
            timestamp, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
            string_to_sign = f"{timestamp}\n{DINGTALK_SECRET}".encode()
            expected = base64.b64encode(
                hmac.new(DINGTALK_SECRET.encode(), string_to_sign, hashlib.sha256).digest()
            ).decode()
            # parse_qs has already URL-decoded the sign, as DingTalk does.
            if not timestamp or sign != expected:
                return 310000, "sign not match"
            if abs(time.time() * 1000 - int(timestamp)) > 3600 * 1000:
                return 310000, "timestamp out of range"
            return None
        if platform == "feishu":
            if body.get("msg_type") != "text" or not isinstance(
                body.get("content", {}).get("text"), str
            ):
                return 9499, "Bad Request"
            timestamp, sign = body.get("timestamp", ""), body.get("sign", "")
            key = f"{timestamp}\n{FEISHU_SECRET}".encode()
            expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
            if not timestamp or sign != expected:
                return 19021, "sign match fail"
            if abs(time.time() - int(timestamp)) > 3600:
                return 19021, "timestamp is not within one hour"
            return None
        return 404, "no such robot"
