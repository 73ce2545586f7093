#!/usr/bin/env python3
"""httpprobe.py - hostile HTTP clients for test_http_limits.sh.

    python3 tests/e2e/httpprobe.py CASE HTTP_PORT PROTO_PORT TOKEN [ARG...]

Each case prints one line of KEY=VALUE observations; the shell test
asserts.  Standard library only (and wire.py beside it for the protocol).
"""
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import wire  # noqa: E402


def half_open(port, n):
    """n connections that send the start of a request and never finish it.
    Connects that the server's backlog cannot take are given up quickly."""
    held = []
    for _ in range(n):
        s = socket.socket()
        s.settimeout(0.2)
        try:
            s.connect(("127.0.0.1", port))
            s.send(b"GET / HTTP/1.1\r\nHost: x\r\n")
        except OSError:
            s.close()
            continue
        held.append(s)
    return held


def protocol_ping(port, token, wait):
    """A fresh protocol connection: Hello then Ping; "pong" or what came."""
    try:
        c = wire.Conn(port, timeout=wait)
        c.send_frame(wire.envelope(1, wire.hello(token)))
        r = c.read_reply(wait)
        if r["kind"] != "hello":
            return "hello-" + r["kind"]
        what = c.after(timeout=wait)
        c.close()
        return what
    except OSError as e:
        return "oserror-" + type(e).__name__


def healthz(port, wait):
    """GET /healthz on a new connection: the status code, or what failed."""
    s = socket.socket()
    s.settimeout(wait)
    try:
        s.connect(("127.0.0.1", port))
        s.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        deadline = time.monotonic() + wait
        while b"\r\n" not in data and time.monotonic() < deadline:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    except socket.timeout:
        return "timeout"
    except OSError as e:
        return "oserror-" + type(e).__name__
    finally:
        s.close()
    parts = data.split(b" ")
    return parts[1].decode() if len(parts) > 1 else "eof"


def case_exhaust(hport, pport, token, n="300", wait="15"):
    """n half-open dashboard connections, each sent one more header byte
    every second (no inactivity timeout ends them), held while a clerk
    pings over the protocol; then they go and the dashboard answers
    again."""
    held = half_open(hport, int(n))
    got = {}
    t = threading.Thread(target=lambda: got.update(
        ping=protocol_ping(pport, token, float(wait))))
    t.start()
    while t.is_alive():
        for s in held:
            try:
                s.send(b"X")
            except OSError:
                pass
        t.join(1.0)
    for s in held:
        s.close()
    after = "none"
    deadline = time.monotonic() + float(wait)
    while time.monotonic() < deadline:
        after = healthz(hport, 2)
        if after == "200":
            break
        time.sleep(0.2)
    print("held=%d ping=%s healthz_after=%s" % (len(held), got["ping"], after))


def case_cap(hport, pport, token, n="4", wait="10"):
    """n half-open connections, then one more that asks /healthz: it is
    not served while the n are held; once one of them closes, it is."""
    held = half_open(hport, int(n))
    time.sleep(0.3)
    s = socket.socket()
    s.settimeout(float(wait))
    s.connect(("127.0.0.1", hport))
    s.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    s.settimeout(1.5)
    try:
        first = s.recv(4096)
        over = "answered" if first else "eof"
    except socket.timeout:
        over = "waiting"
    held.pop().close()
    s.settimeout(float(wait))
    try:
        data = s.recv(4096)
        later = data.split(b" ")[1].decode() if data else "eof"
    except socket.timeout:
        later = "timeout"
    s.close()
    for h in held:
        h.close()
    print("over=%s later=%s" % (over, later))


def case_drip(hport, pport, token, every="0.3", limit="12"):
    """One byte of a request every `every` s: is it closed within limit s,
    and when (seconds after the first byte, rounded)."""
    req = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 4000
    s = socket.socket()
    s.settimeout(5)
    s.connect(("127.0.0.1", hport))
    t0 = time.monotonic()
    closed = 0
    i = 0
    while time.monotonic() - t0 < float(limit):
        try:
            s.send(req[i:i + 1])
        except OSError:
            closed = 1
            break
        i += 1
        s.settimeout(float(every))
        try:
            if s.recv(4096) == b"":
                closed = 1
                break
            closed = 1   # an answer (408 or 400) means it was cut off too
            break
        except socket.timeout:
            pass
        except OSError:
            closed = 1
            break
    took = time.monotonic() - t0
    s.close()
    print("closed=%d took=%d sent=%d" % (closed, round(took), i))


def post_login(hport, token, src="127.0.0.1", conn=None):
    """POST /login with token from source address src: (status, cookie)."""
    import http.client
    c = conn or http.client.HTTPConnection("127.0.0.1", hport, timeout=10,
                                           source_address=(src, 0))
    c.request("POST", "/login", body="token=" + token + "&next=/",
              headers={"Content-Type": "application/x-www-form-urlencoded"})
    r = c.getresponse()
    r.read()
    cookie = ""
    for k, v in r.getheaders():
        if k.lower() == "set-cookie" and v.startswith("popstat_session="):
            cookie = v.split(";")[0]
    if conn is None:
        c.close()
    return r.status, cookie


def case_spread(hport, pport, token, n="1030", first="1"):
    """n failed logins, each from an address of its own /24 (127.A.B.1
    from A = first): how many got which status."""
    codes = {}
    for i in range(int(n)):
        src = "127.%d.%d.1" % (int(first) + i // 250, i % 250)
        st, _ = post_login(hport, "pst_wrong", src)
        codes[st] = codes.get(st, 0) + 1
    print(" ".join("s%d=%d" % kv for kv in sorted(codes.items())))


def case_logins(hport, pport, token, n="1030"):
    """n successful logins with token on one connection: the count of
    303s, then the first and the last session cookie."""
    import http.client
    c = http.client.HTTPConnection("127.0.0.1", hport, timeout=10)
    ok = 0
    cookies = []
    for _ in range(int(n)):
        st, cookie = post_login(hport, token, conn=c)
        ok += st == 303
        cookies.append(cookie)
    c.close()
    print("ok=%d first=%s last=%s" % (ok, cookies[0], cookies[-1]))


CASES = {n[5:]: f for n, f in globals().items() if n.startswith("case_")}

if __name__ == "__main__":
    if len(sys.argv) < 5 or sys.argv[1] not in CASES:
        sys.stderr.write("usage: httpprobe.py CASE HTTP_PORT PROTO_PORT TOKEN"
                         " [ARG...]\ncases: %s\n" % " ".join(sorted(CASES)))
        sys.exit(2)
    CASES[sys.argv[1]](int(sys.argv[2]), int(sys.argv[3]), sys.argv[4],
                       *sys.argv[5:])
