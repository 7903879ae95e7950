"""Log in through the real form and print the Cookie header of the session.

python bench/load/login.py http://127.0.0.1:8000 staff PASSWORD
"""

import http.cookiejar
import sys
import urllib.parse
import urllib.request


def login(base_url, username, password):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base_url}/accounts/login/").read()
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": csrf, "next": "/"}
    ).encode()
    request = urllib.request.Request(
        f"{base_url}/accounts/login/", data=form, headers={"Referer": f"{base_url}/accounts/login/"}
    )
    with opener.open(request) as response:
        if response.url.rstrip("/") != base_url.rstrip("/"):
            sys.exit(f"login failed: ended on {response.url}")
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        sys.exit("login failed: no session cookie")
    return "; ".join(f"{name}={value}" for name, value in sorted(cookies.items()))


if __name__ == "__main__":
    print(login(*sys.argv[1:4]))
