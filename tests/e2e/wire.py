#!/usr/bin/env python3
"""wire.py - a raw client of the popstat wire protocol for end-to-end tests.

Standard library only.  It holds a minimal protobuf encoder/decoder for the
messages of proto/popstat.proto the tests need, socket helpers, and the
probing cases of test_wire.sh:

    python3 tests/e2e/wire.py PORT TOKEN CASE [ARG...]

Each case prints ONE line of observations as space-separated KEY=VALUE
pairs (values have no blanks), with an optional human-readable "msg=..."
last that runs to the end of the line.  The case only observes; the shell
test asserts.  Common keys:

    reply   kind of the first reply: error, hello, pong, submit, ack, ...,
            or eof (closed without a reply), timeout (nothing within the
            wait), bad-frame (undecodable reply)
    code    Error.code of that reply (when it is an error)
    id      request_id echoed by that reply
    closed  1 if the server closed the connection (within the wait), else 0
    after   what a Ping sent afterwards on the same connection got: pong,
            error:CODE, eof (the server had closed) or timeout
    open    1 if a Ping sent afterwards on the same connection got a Pong
    msg     Error.message of the reply
"""
import os
import random
import socket
import struct
import sys
import time

PROTOCOL_VERSION = 1
WAIT = 5.0  # seconds: generous; only failures ever wait this long


# ------------------------------------------------------------ protobuf: encode
WT_VARINT, WT_I64, WT_LEN, WT_I32 = 0, 1, 2, 5


def varint(n):
    """Unsigned LEB128 (negative numbers as 64-bit two's complement)."""
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def key(field, wt):
    return varint(field << 3 | wt)


def f_uint(field, n):
    return key(field, WT_VARINT) + varint(n)


def f_bytes(field, b):
    if isinstance(b, str):
        b = b.encode("utf-8")
    return key(field, WT_LEN) + varint(len(b)) + b


f_str = f_bytes  # a string is length-delimited UTF-8 (or whatever we pass)
f_msg = f_bytes  # an embedded message is its encoding, length-delimited


def f_double(field, v):
    return key(field, WT_I64) + struct.pack("<d", v)


# Request body field numbers (the oneof in message Request).
REQ = {
    "hello": 1, "ping": 2, "unit_add": 3, "unit_list": 4, "user_add": 5,
    "user_list": 6, "submit": 7, "status": 8, "ranking": 9,
    "indicator_set": 10, "indicator_list": 11, "target_set": 12,
    "target_delete": 13, "verify_report": 14,
}
# Response body field numbers (the oneof in message Response).
RESP = {
    1: "error", 2: "hello", 3: "pong", 4: "unit_list", 5: "user_add",
    6: "user_list", 7: "submit", 8: "ack", 9: "status", 10: "ranking",
    11: "indicator_list", 12: "verify_report",
}


def request(name, body=b""):
    """A Request whose oneof holds `name` with the encoded body."""
    return f_msg(REQ[name], body)


def envelope(req_id, req=None, version=PROTOCOL_VERSION, response=None,
             extra=b""):
    """An Envelope; req / response are encoded Request / Response bytes."""
    b = f_uint(1, version) + f_uint(2, req_id)
    if req is not None:
        b += f_msg(3, req)
    if response is not None:
        b += f_msg(4, response)
    return b + extra


def frame(body):
    return struct.pack(">I", len(body)) + body


def hello(token):
    return request("hello", f_str(1, token) + f_str(2, "wire.py"))


def ping():
    return request("ping")


def unit(code, name, parent=None, level=None):
    b = f_str(1, code) + f_str(2, name)
    if parent is not None:
        b += f_str(3, parent)
    if level is not None:
        b += f_str(4, level)
    return b


def unit_add(code, name, parent=None, level=None):
    return request("unit_add", f_msg(1, unit(code, name, parent, level)))


ROW_FIELDS = {"record_id": 2, "unit": 3, "date": 4, "sex": 5,
              "birth_order": 6, "policy": 7, "mother_id": 8, "age": 9,
              "direction": 10, "persons": 11}


def row(line, **cols):
    b = f_uint(1, line)
    for name, v in cols.items():
        b += f_str(ROW_FIELDS[name], v)
    return b


def submit(kind, rows):
    return request("submit", f_uint(1, kind) + b"".join(f_msg(2, r) for r in rows))


KIND_BIRTH, KIND_DEATH = 1, 2

# ------------------------------------------------------------ protobuf: decode


class DecodeError(Exception):
    pass


def read_varint(buf, i):
    n = shift = 0
    while True:
        if i >= len(buf):
            raise DecodeError("truncated varint")
        b = buf[i]
        i += 1
        n |= (b & 0x7F) << shift
        if not b & 0x80:
            return n, i
        shift += 7
        if shift > 63:
            raise DecodeError("varint too long")


def fields(buf):
    """Decode one message level: a list of (field, wire_type, value)."""
    out, i = [], 0
    while i < len(buf):
        k, i = read_varint(buf, i)
        fno, wt = k >> 3, k & 7
        if fno == 0:
            raise DecodeError("field number 0")
        if wt == WT_VARINT:
            v, i = read_varint(buf, i)
        elif wt == WT_LEN:
            n, i = read_varint(buf, i)
            if i + n > len(buf):
                raise DecodeError("truncated length-delimited field")
            v, i = bytes(buf[i:i + n]), i + n
        elif wt == WT_I64:
            if i + 8 > len(buf):
                raise DecodeError("truncated fixed64")
            v, i = bytes(buf[i:i + 8]), i + 8
        elif wt == WT_I32:
            if i + 4 > len(buf):
                raise DecodeError("truncated fixed32")
            v, i = bytes(buf[i:i + 4]), i + 4
        else:
            raise DecodeError("wire type %d" % wt)
        out.append((fno, wt, v))
    return out


def first(fs, fno, default=None):
    for f, _, v in fs:
        if f == fno:
            return v
    return default


def text(b):
    return b.decode("utf-8", "replace") if isinstance(b, bytes) else b


def decode_reply(body):
    """Envelope bytes -> dict(version, id, kind, and per-kind details)."""
    env = fields(body)
    d = {"version": first(env, 1), "id": first(env, 2), "kind": None}
    resp = first(env, 4)
    if resp is None:
        d["kind"] = "no-response"
        return d
    rf = fields(resp)
    if not rf:
        d["kind"] = "empty-response"
        return d
    fno, _, val = rf[-1]  # a oneof: the last one wins
    d["kind"] = RESP.get(fno, "field%d" % fno)
    sub = fields(val) if isinstance(val, bytes) else []
    if d["kind"] == "error":
        d["code"] = first(sub, 1)
        d["message"] = text(first(sub, 2, b""))
    elif d["kind"] == "hello":
        d["user"] = text(first(sub, 1, b""))
        d["role"] = text(first(sub, 2, b""))
    elif d["kind"] == "pong":
        d["today"] = text(first(sub, 1, b""))
    elif d["kind"] == "submit":
        d["accepted"] = first(sub, 1, 0)
        d["duplicate"] = first(sub, 2, 0)
        rej = [fields(v) for f, _, v in sub if f == 3]
        d["rejected"] = len(rej)
        d["rejections"] = [(first(r, 1), text(first(r, 2, b"")),
                            text(first(r, 3, b""))) for r in rej]
    elif d["kind"] == "ack":
        d["message"] = text(first(sub, 1, b""))
    return d

# ------------------------------------------------------------ sockets


class Conn:
    """One TCP connection with frame-level reads and close detection."""

    def __init__(self, port, timeout=WAIT, rcvbuf=None, source=None):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if source:
            self.s.bind((source, 0))
        if rcvbuf:
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.s.settimeout(timeout)
        self.s.connect(("127.0.0.1", port))
        self.buf = bytearray()
        self.eof = False

    def send(self, data):
        self.s.sendall(data)

    def send_frame(self, body):
        self.send(frame(body))

    def _fill(self, deadline):
        """Read more bytes; False on EOF/reset or when the deadline passed."""
        if self.eof:
            return False
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        self.s.settimeout(left)
        try:
            chunk = self.s.recv(65536)
        except socket.timeout:
            return False
        except (ConnectionResetError, BrokenPipeError):
            self.eof = True
            return False
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def read_frame(self, timeout=WAIT):
        """One reply: ("frame", body), ("eof", None) or ("timeout", None)."""
        deadline = time.monotonic() + timeout
        while True:
            if len(self.buf) >= 4:
                n = struct.unpack(">I", self.buf[:4])[0]
                if len(self.buf) >= 4 + n:
                    body = bytes(self.buf[4:4 + n])
                    del self.buf[:4 + n]
                    return "frame", body
            if not self._fill(deadline):
                return ("eof" if self.eof else "timeout"), None

    def read_reply(self, timeout=WAIT):
        """Like read_frame, decoded: a dict whose "kind" says what came."""
        what, body = self.read_frame(timeout)
        if what != "frame":
            return {"kind": what}
        try:
            return decode_reply(body)
        except DecodeError as e:
            return {"kind": "bad-frame", "message": str(e)}

    def closed(self, timeout=WAIT):
        """True if the server closes within timeout (extra bytes are kept)."""
        deadline = time.monotonic() + timeout
        while self._fill(deadline):
            pass
        return self.eof

    def still_open(self, req_id=4242, timeout=WAIT):
        """Send a Ping: True if a Pong with the same id comes back."""
        try:
            self.send_frame(envelope(req_id, ping()))
        except OSError:
            return False
        r = self.read_reply(timeout)
        return r["kind"] == "pong" and r.get("id") == req_id

    def after(self, req_id=4343, timeout=WAIT):
        """Send a Ping: "pong", "error:CODE", "eof" or "timeout"."""
        try:
            self.send_frame(envelope(req_id, ping()))
        except OSError:
            return "eof"
        r = self.read_reply(timeout)
        if r["kind"] == "error":
            return "error:%s" % r.get("code")
        return r["kind"]

    def close(self):
        try:
            self.s.close()
        except OSError:
            pass


def login(c, token, req_id=1):
    c.send_frame(envelope(req_id, hello(token)))
    r = c.read_reply()
    if r["kind"] != "hello":
        raise SystemExit("wire.py: Hello failed: %r" % (r,))

# ------------------------------------------------------------ result line


def result(**kv):
    msg = kv.pop("msg", None)
    parts = []
    for k, v in kv.items():
        if isinstance(v, bool):
            v = int(v)
        v = "-" if v is None else str(v)
        parts.append("%s=%s" % (k, v.replace(" ", "_") or "-"))
    if msg is not None:
        parts.append("msg=" + str(msg).replace("\n", " "))
    print(" ".join(parts))


def reply_fields(r):
    """The common keys of a reply dict."""
    return {"reply": r["kind"], "code": r.get("code"), "id": r.get("id"),
            "msg": r.get("message")}


def probe(port, data, token=None):
    """Connect (and log in when a token is given), send raw bytes, read one
    reply, then check whether the server closes the connection."""
    c = Conn(port)
    if token is not None:
        login(c, token)
    c.send(data)
    out = reply_fields(c.read_reply())
    out["closed"] = c.closed()
    c.close()
    return out

# ------------------------------------------------------------ the cases
# Each case takes (port, token, *args) and prints one result line.


def case_random(port, token, seed="1", n="4096"):
    """Random bytes from a fixed seed on a fresh connection."""
    data = random.Random(int(seed)).randbytes(int(n))
    out = probe(port, data)
    out["len"] = struct.unpack(">I", data[:4])[0]  # what the server reads
    result(**out)


def case_random_bodies(port, token, seed="1", count="50", n="1000"):
    """count frames with a correct length but a random body, each on a new
    connection: how many were answered BAD_REQUEST and then closed."""
    rng = random.Random(int(seed))
    bad = closed = other = 0
    kinds = {}
    for _ in range(int(count)):
        c = Conn(port)
        c.send_frame(rng.randbytes(int(n)))
        r = c.read_reply()
        kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
        if r["kind"] == "error" and r.get("code") == 1:
            bad += 1
        else:
            other += 1
        closed += c.closed()
        c.close()
    result(n=count, bad_request=bad, other=other, closed=closed,
           kinds=",".join("%s:%d" % kv for kv in sorted(kinds.items())))


def case_header(port, token, length, wait=str(WAIT)):
    """Only a 4-byte header claiming `length` bytes; no body follows.  The
    reply is awaited `wait` seconds, and the close as long again."""
    t0 = time.monotonic()
    c = Conn(port)
    c.send(struct.pack(">I", int(length)))
    out = reply_fields(c.read_reply(float(wait)))
    out["closed"] = c.closed(float(wait))
    c.close()
    out["secs"] = "%.1f" % (time.monotonic() - t0)
    result(**out)


def case_exact(port, token, size):
    """A Ping envelope padded (unknown field 50) to exactly `size` bytes,
    after Hello: is it served?"""
    size = int(size)
    base = envelope(7, ping())
    pad = size - len(base) - 3  # key (2 bytes) + length varint (>= 1)
    body = None
    for extra in range(0, 4):
        cand = base + f_bytes(50, b"p" * max(0, pad - extra))
        if len(cand) == size:
            body = cand
            break
    assert body is not None and len(body) == size, "cannot pad to %d" % size
    c = Conn(port)
    login(c, token)
    c.send_frame(body)
    r = c.read_reply()
    out = reply_fields(r)
    out["size"] = len(body)
    out["after"] = c.after()
    c.close()
    result(**out)


def case_zero(port, token):
    result(**probe(port, struct.pack(">I", 0)))


def case_truncated(port, token, claimed="100", sent="50"):
    """A header claiming `claimed` bytes, `sent` of them, then close.  The
    server must simply drop the connection: nothing is answered."""
    c = Conn(port)
    c.send(struct.pack(">I", int(claimed)) + b"\x08" * int(sent))
    time.sleep(0.2)
    # Nothing may have been answered for an incomplete frame.
    r = c.read_reply(timeout=0.5)
    c.close()
    result(reply=r["kind"])


def case_truncated_header(port, token):
    """Two bytes of a header, then close."""
    c = Conn(port)
    c.send(b"\x00\x00")
    r = c.read_reply(timeout=0.5)
    c.close()
    result(reply=r["kind"])


def case_garbage(port, token, auth="0"):
    """A valid length with a body that is not a protobuf Envelope."""
    body = b"\xff\xff\xff\xff garbage, not protobuf \x07\x07"
    result(**probe(port, frame(body), token if auth == "1" else None))


def case_version(port, token, version="2"):
    """A well-formed Ping in an envelope of another protocol version."""
    out = probe(port, frame(envelope(77, ping(), version=int(version))))
    result(**out)


def case_no_request(port, token, what="response"):
    """An Envelope that carries a Response (or nothing) instead of a Request."""
    if what == "response":
        body = envelope(5, response=f_msg(3, f_str(1, "2026-01-01")))
    else:
        body = envelope(5)
    result(**probe(port, frame(body), token))


def case_unknown_type(port, token, auth="1"):
    """A Request whose only field (99) is not in the oneof."""
    c = Conn(port)
    if auth == "1":
        login(c, token)
    c.send_frame(envelope(9, f_uint(99, 1)))
    out = reply_fields(c.read_reply())
    out["after"] = c.after()
    c.close()
    result(**out)


def case_before_hello(port, token):
    """Ping before Hello; then Hello and Ping on the same connection."""
    c = Conn(port)
    c.send_frame(envelope(3, ping()))
    out = reply_fields(c.read_reply())
    c.send_frame(envelope(4, hello(token)))
    out["then_hello"] = c.read_reply()["kind"]
    out["after"] = c.after()
    c.close()
    result(**out)


def case_bad_token(port, token, bad="pst_000000000000000000000000000000000000000000000000"):
    """Hello with a wrong token; then a Ping on the same connection."""
    c = Conn(port)
    c.send_frame(envelope(11, hello(bad)))
    out = reply_fields(c.read_reply())
    out["after"] = c.after()
    c.close()
    result(**out)


def case_bad_utf8(port, token, where="unit-name"):
    """Invalid UTF-8 (\\xff\\xfe, an overlong '/', a lone continuation
    byte) inside a `string` field."""
    junk = b"\xc0\xaf\xff\xfe\x80"
    if where == "unit-name":
        req = request("unit_add", f_msg(1, f_str(1, "U8BAD") + f_bytes(2, b"X" + junk)))
        auth = True
    elif where == "hello-token":
        req = request("hello", f_bytes(1, b"pst_" + junk))
        auth = False
    elif where == "row-unit":
        req = submit(KIND_BIRTH, [row(2, record_id="U8-1", unit=junk,
                                      date="2026-01-01", sex="M",
                                      birth_order="1", policy="Y")])
        auth = True
    else:
        raise SystemExit("unknown place %s" % where)
    c = Conn(port)
    if auth:
        login(c, token)
    c.send_frame(envelope(21, req))
    r = c.read_reply()
    out = reply_fields(r)
    if r["kind"] == "submit":
        out["rejected"] = r["rejected"]
        out["column"] = r["rejections"][0][1] if r["rejections"] else None
        out["msg"] = r["rejections"][0][2] if r["rejections"] else None
    out["after"] = c.after()
    c.close()
    result(**out)


def case_huge(port, token, where="unit-name", size="100000"):
    """A huge string in one field of a request, after Hello."""
    big = "N" * int(size)
    if where == "unit-name":
        req = unit_add("HUGE1", big)
    elif where == "unit-code":
        req = unit_add(big, "name")
    elif where == "unit-level":
        req = unit_add("HUGE2", "name", level=big)
    elif where == "unit-parent":
        req = unit_add("HUGE3", "name", parent=big)
    elif where == "row-record-id":
        req = submit(KIND_BIRTH, [row(2, record_id=big, unit="X",
                                      date="2026-01-01", sex="M",
                                      birth_order="1", policy="Y")])
    elif where == "row-mother-id":
        req = submit(KIND_BIRTH, [row(2, record_id="HUGE-M", unit="X",
                                      date="2026-01-01", sex="M",
                                      birth_order="1", policy="Y",
                                      mother_id=big)])
    elif where == "status-unit":
        req = request("status", f_str(1, big) + f_str(2, "2026"))
    elif where == "status-period":
        req = request("status", f_str(1, "X") + f_str(2, big))
    elif where == "indicator-expr":
        req = request("indicator_set", f_str(1, "huge_ind") +
                      f_str(2, "(" * int(size)) + f_str(3, "%"))
    else:
        raise SystemExit("unknown place %s" % where)
    auth = where != "hello-token"
    c = Conn(port)
    if auth:
        login(c, token)
    c.send_frame(envelope(31, req))
    r = c.read_reply()
    out = reply_fields(r)
    if r["kind"] == "submit":
        out["rejected"] = r["rejected"]
        out["column"] = r["rejections"][0][1] if r["rejections"] else None
        out["msg"] = r["rejections"][0][2] if r["rejections"] else None
    out["after"] = c.after()
    c.close()
    result(**out)


def case_huge_token(port, token, size="100000"):
    c = Conn(port)
    c.send_frame(envelope(32, hello("pst_" + "a" * int(size))))
    out = reply_fields(c.read_reply())
    out["after"] = c.after()  # open, but the Ping is refused
    c.close()
    result(**out)


def case_rows(port, token, n, unit_code="-"):
    """A birth batch of n rows (valid ones when unit_code names a unit)."""
    rows = [row(i + 2, record_id="ROWS-%d-%d" % (int(n), i), unit=unit_code,
                date="2026-01-%02d" % (i % 28 + 1), sex="F",
                birth_order="1", policy="Y") for i in range(int(n))]
    c = Conn(port)
    login(c, token)
    c.send_frame(envelope(41, submit(KIND_BIRTH, rows)))
    r = c.read_reply()
    out = reply_fields(r)
    if r["kind"] == "submit":
        out["accepted"] = r["accepted"]
        out["duplicate"] = r["duplicate"]
        out["rejected"] = r["rejected"]
    out["after"] = c.after()
    c.close()
    result(**out)


def case_kind(port, token, kind):
    """A Submit of one row with RecordKind `kind` (99, or -1 sent as a
    10-byte varint): protobuf-c keeps values outside the enum as they are."""
    c = Conn(port)
    login(c, token)
    c.send_frame(envelope(45, submit(int(kind), [row(2, record_id="K-1",
                                                     unit="X", date="2026-01-01")])))
    out = reply_fields(c.read_reply())
    out["after"] = c.after()
    c.close()
    result(**out)


def case_http(port, token):
    req = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: wire.py\r\n\r\n"
    out = probe(port, req)
    out["len"] = struct.unpack(">I", req[:4])[0]
    result(**out)


def case_idle(port, token, send="", limit="10"):
    """Connect, send `send` (hex; empty: nothing) and stay silent: seconds
    until the server closes (or limit when it does not)."""
    c = Conn(port)
    if send:
        c.send(bytes.fromhex(send))
    t0 = time.monotonic()
    closed = c.closed(float(limit))
    result(closed=closed, secs="%.1f" % (time.monotonic() - t0),
           got=len(c.buf))
    c.close()


def case_busy(port, token, secs="3", every="0.3"):
    """Ping every `every` s for `secs` s: an active client is not idle."""
    c = Conn(port)
    login(c, token)
    t0, n, ok = time.monotonic(), 0, 0
    while time.monotonic() - t0 < float(secs):
        n += 1
        ok += c.still_open(req_id=100 + n)
        time.sleep(float(every))
    result(pings=n, pongs=ok)
    c.close()


def case_hello_idle(port, token, wait="3"):
    """Hello, then silence for `wait` s; is the connection still there?"""
    c = Conn(port)
    login(c, token)
    t0 = time.monotonic()
    closed = c.closed(float(wait))
    result(closed=closed, secs="%.1f" % (time.monotonic() - t0))
    c.close()


def case_pipeline(port, token, n="50", writes="0"):
    """Hello and n Pings (or, with writes=1, alternating UnitAdd and Ping)
    written in one go; the replies must come in order with their ids."""
    n = int(n)
    reqs = [envelope(1, hello(token))]
    want = ["hello"]
    tag = "%d%d" % (os.getpid() % 100000, int(time.time()) % 1000)
    for i in range(n):
        rid = 1000 + i
        if writes == "1" and i % 2 == 0:
            reqs.append(envelope(rid, unit_add("P%s_%d" % (tag, i), "pipe %d" % i)))
            want.append("ack")
        else:
            reqs.append(envelope(rid, ping()))
            want.append("pong")
    c = Conn(port)
    c.send(b"".join(frame(r) for r in reqs))
    got_ids, got_kinds = [], []
    for _ in reqs:
        r = c.read_reply()
        if r["kind"] in ("eof", "timeout", "bad-frame"):
            break
        got_ids.append(r.get("id"))
        got_kinds.append(r["kind"])
    want_ids = [1] + [1000 + i for i in range(n)]
    result(replies=len(got_ids), in_order=got_ids == want_ids,
           kinds_ok=got_kinds == want, open=c.still_open(),
           first_bad=next((i for i, (a, b) in enumerate(zip(got_ids, want_ids))
                           if a != b), None))
    c.close()


def case_then_bad(port, token, writes="0"):
    """Hello, a Ping (or UnitAdd, a write), then an empty frame, all in one
    write: the good replies come first, then the error, then the close."""
    tag = "%d" % (os.getpid() % 1000000)
    second = (envelope(2, unit_add("TB%s" % tag, "then bad")) if writes == "1"
              else envelope(2, ping()))
    c = Conn(port)
    c.send(frame(envelope(1, hello(token))) + frame(second) +
           struct.pack(">I", 0))
    kinds = []
    code = None
    for _ in range(3):
        r = c.read_reply()
        kinds.append(r["kind"])
        if r["kind"] == "error":
            code = r.get("code")
        if r["kind"] in ("eof", "timeout"):
            break
    result(kinds=",".join(kinds), code=code, closed=c.closed())
    c.close()


def case_write_then_close(port, token, code):
    """Hello and UnitAdd CODE in one write, then close without reading."""
    c = Conn(port)
    c.send(frame(envelope(1, hello(token))) +
           frame(envelope(2, unit_add(code, "written then closed"))))
    c.s.shutdown(socket.SHUT_WR)
    c.close()
    result(sent=1)


def case_trickle(port, token):
    """Hello and Ping sent one byte per write."""
    data = frame(envelope(1, hello(token))) + frame(envelope(2, ping()))
    c = Conn(port)
    for b in data:
        c.send(bytes([b]))
        time.sleep(0.002)
    k1 = c.read_reply()
    k2 = c.read_reply()
    result(first=k1["kind"], second=k2["kind"], id=k2.get("id"))
    c.close()


def case_big_id(port, token):
    """request_id 2^64-1 is echoed exactly."""
    c = Conn(port)
    login(c, token)
    rid = (1 << 64) - 1
    c.send_frame(envelope(rid, ping()))
    r = c.read_reply()
    result(reply=r["kind"], id_ok=r.get("id") == rid, version=r.get("version"))
    c.close()


def case_many(port, token, n="200"):
    """n connections open at once, each doing Hello + Ping."""
    n = int(n)
    conns, errors = [], 0
    for _ in range(n):
        try:
            conns.append(Conn(port, timeout=10))
        except OSError:
            errors += 1
    # All are open now; each sends Hello + Ping in one write.
    for i, c in enumerate(conns):
        try:
            c.send(frame(envelope(1, hello(token))) +
                   frame(envelope(2 + i, ping())))
        except OSError:
            errors += 1
    ok = 0
    for i, c in enumerate(conns):
        r1 = c.read_reply(timeout=10)
        r2 = c.read_reply(timeout=10)
        if r1["kind"] == "hello" and r2["kind"] == "pong" and r2.get("id") == 2 + i:
            ok += 1
    for c in conns:
        c.close()
    result(connected=len(conns), ok=ok, errors=errors)


def case_max_conn(port, token, n="3"):
    """Hold n authenticated connections; the next one is closed unanswered;
    after one of the n closes, a new one is served again."""
    n = int(n)
    held = []
    for i in range(n):
        c = Conn(port)
        login(c, token)
        held.append(c)
    extra = Conn(port)
    try:
        extra.send_frame(envelope(1, hello(token)))
    except OSError:
        pass
    r = extra.read_reply()
    extra.close()
    held.pop().close()
    served_again = False
    for _ in range(30):  # the server notices the close on its next turn
        time.sleep(0.1)
        c = Conn(port)
        try:
            c.send_frame(envelope(1, hello(token)))
            served_again = c.read_reply(timeout=2)["kind"] == "hello"
        except OSError:
            pass
        c.close()
        if served_again:
            break
    held_ok = all(c.still_open() for c in held)
    for c in held:
        c.close()
    result(over_limit=r["kind"], served_again=served_again, held_ok=held_ok)


def case_slow_read(port, token, n="40", units="300"):
    """A county of `units` townships with long names; then a client with a
    4 KiB receive buffer pipelines n rankings of it and reads nothing for a
    second, so the server's writes of the kept reply stop part-way and the
    rest waits in its queue.  Then it reads: every reply must arrive whole,
    in order, each the same bytes as one read by a normal client."""
    tag = "S%d" % (os.getpid() % 100000)
    reqs = [envelope(1, hello(token)), envelope(2, unit_add(tag, "slow county"))]
    for i in range(int(units)):
        reqs.append(envelope(10 + i, unit_add(
            "%s_%03d" % (tag, i), "township %d of the slow county, named at"
            " length to make the ranking reply large" % i, parent=tag)))
    a = Conn(port)
    a.send(b"".join(frame(r) for r in reqs))
    acks = sum(a.read_reply()["kind"] in ("hello", "ack") for _ in reqs)
    rank = request("ranking", f_str(1, tag) + f_str(2, "2025"))
    a.send_frame(envelope(7, rank))
    what, want = a.read_frame()
    a.close()
    strip = lambda body: [f for f in fields(body) if f[0] != 2]
    c = Conn(port, rcvbuf=4096)
    login(c, token)
    c.send(b"".join(frame(envelope(100 + i, rank)) for i in range(int(n))))
    time.sleep(1.0)
    same = in_order = 0
    for i in range(int(n)):
        what, body = c.read_frame()
        if what != "frame":
            break
        in_order += decode_reply(body)["id"] == 100 + i
        same += strip(body) == strip(want)
    result(acks=acks, kind=decode_reply(want)["kind"], reply_bytes=len(want),
           in_order=in_order, same=same, open=c.still_open())
    c.close()


def case_no_read(port, token, n="1000000"):
    """Pipeline n Pings with a tiny receive buffer, not reading until the
    sending stalls: with a --max-output smaller than the replies the server
    drops the connection.  Then read: the replies flushed before the drop
    arrive, then the close."""
    c = Conn(port, rcvbuf=4096)
    login(c, token)
    one = frame(envelope(5, ping()))
    batch = one * 1000
    sent = 0
    c.s.settimeout(2)  # the send stalls once the server stops reading
    dropped_while_sending = False
    try:
        for _ in range(int(n) // 1000):
            c.s.sendall(batch)
            sent += 1000
    except (BrokenPipeError, ConnectionResetError):
        dropped_while_sending = True
    except socket.timeout:
        pass
    got = 0
    while True:
        r = c.read_reply(timeout=5)
        if r["kind"] != "pong":
            break
        got += 1
    result(sent=sent, answered=got, closed=c.eof or dropped_while_sending)
    c.close()


def case_no_read_hold(port, token, hold="4", n="1000000"):
    """Like no-read, but the client then keeps its socket open and still
    does not read.  Meanwhile, for `hold` seconds, other clients try Hello:
    with --max-connections 1 they are only served once the server has
    really let go of the dropped connection."""
    a = Conn(port, rcvbuf=4096)
    login(a, token)
    batch = frame(envelope(5, ping())) * 1000
    a.s.settimeout(2)
    sent = 0
    try:
        for _ in range(int(n) // 1000):
            a.s.sendall(batch)
            sent += 1000
    except (OSError, socket.timeout):
        pass
    t0 = time.monotonic()
    served = False
    while not served and time.monotonic() - t0 < float(hold):
        try:
            b = Conn(port, timeout=2)
            b.send_frame(envelope(1, hello(token)))
            served = b.read_reply(timeout=1)["kind"] == "hello"
            b.close()
        except OSError:
            pass
        if not served:
            time.sleep(0.2)
    result(sent=sent, other_served=served,
           secs="%.1f" % (time.monotonic() - t0))
    a.close()


def case_half_close(port, token, n="50", writes="0"):
    """Hello and n Pings (with writes=1: UnitAdd and Ping alternating) in
    one write, then shutdown(SHUT_WR) - "I have no more requests" - and
    read: how many replies arrive before the close.  Not run by
    test_wire.sh: on EOF the server drops the connection at once (by
    design, see event_cb in server/conn.c), so after a held write the
    remaining replies are lost, depending on timing."""
    tag = "%d%d" % (os.getpid() % 100000, int(time.time()) % 1000)
    reqs = [envelope(1, hello(token))]
    for i in range(int(n)):
        if writes == "1" and i % 2 == 0:
            reqs.append(envelope(1000 + i, unit_add("H%s_%d" % (tag, i), "half")))
        else:
            reqs.append(envelope(1000 + i, ping()))
    c = Conn(port)
    c.send(b"".join(frame(r) for r in reqs))
    c.s.shutdown(socket.SHUT_WR)
    got = 0
    while c.read_reply()["kind"] in ("hello", "pong", "ack"):
        got += 1
    result(sent=int(n) + 1, answered=got, closed=c.eof)
    c.close()


def case_target_set(port, token, name="wire_rate"):
    """IndicatorSet `name`, then TargetSet `name` <= 11.5 (county-wide):
    both acknowledged, the Ack naming the indicator."""
    c = Conn(port)
    login(c, token)
    c.send_frame(envelope(51, request("indicator_set", f_str(1, name) +
                                      f_str(2, "births / (pop_avg + 1) * 1000") +
                                      f_str(3, "‰"))))
    r1 = c.read_reply()
    c.send_frame(envelope(52, request("target_set", f_str(1, name) +
                                      f_str(2, "<=") + f_double(3, 11.5))))
    r2 = c.read_reply()
    result(set=r1["kind"], reply=r2["kind"], code=r2.get("code"),
           after=c.after(), msg=r2.get("message"))
    c.close()


def case_fd_exhaust(port, token, n="100", hold="2", pid="0"):
    """Open n connections (more than the server has descriptors for) and
    hold them `hold` s; report how many got a Hello answer and how much CPU
    the server (pid) burnt meanwhile; then close them all and check that a
    new connection is served again."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, int(n) + 64)), hard))

    def cpu():
        try:
            with open("/proc/%s/stat" % pid) as f:
                st = f.read().rsplit(")", 1)[1].split()
            return (int(st[11]) + int(st[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return -1.0
    conns = []
    for _ in range(int(n)):
        try:
            c = Conn(port, timeout=2)
            c.send_frame(envelope(1, hello(token)))
            conns.append(c)
        except OSError:
            pass
    answered = 0
    deadline = time.monotonic() + 2  # for all of them together
    for c in conns:
        left = max(0.01, deadline - time.monotonic())
        if c.read_reply(timeout=left)["kind"] == "hello":
            answered += 1
    c0 = cpu()
    time.sleep(float(hold))
    burnt = cpu() - c0
    for c in conns:
        c.close()
    served = False
    for _ in range(30):
        time.sleep(0.1)
        try:
            c = Conn(port, timeout=2)
            c.send_frame(envelope(1, hello(token)))
            served = c.read_reply(timeout=2)["kind"] == "hello"
            c.close()
        except OSError:
            pass
        if served:
            break
    result(opened=len(conns), answered=answered,
           cpu="%.2f" % burnt, served_after=served)


def case_mutate(port, token, seed="1", count="300"):
    """Valid requests with a few bytes of the body changed (the length
    header stays right), after Hello.  Every frame must get exactly one
    reply; an unparsable one closes the connection (then we reconnect)."""
    rng = random.Random(int(seed))
    templates = [
        envelope(1, ping()),
        envelope(2, request("unit_list", f_str(1, "MUT"))),
        envelope(3, unit_add("MUT", "mutant", level="county")),
        envelope(4, submit(KIND_BIRTH, [row(2, record_id="M-1", unit="MUT",
                                            date="2026-01-02", sex="F",
                                            birth_order="2", policy="Y",
                                            mother_id="610101199001011234")])),
        envelope(5, request("status", f_str(1, "MUT") + f_str(2, "2026"))),
        envelope(6, request("ranking", f_str(1, "MUT") + f_str(2, "2026-01"))),
        envelope(7, request("verify_report", f_str(1, "MUT") + f_str(2, "2026"))),
        envelope(8, request("indicator_list")),
        envelope(9, request("user_list")),
        envelope(10, request("indicator_set", f_str(1, "mut_rate") +
                             f_str(2, "births / (pop_avg + 1) * 1000") +
                             f_str(3, "‰"))),
        envelope(11, request("target_set", f_str(1, "mut_rate") + f_str(2, "<=") +
                             f_double(3, 11.5) + f_str(6, "MUT"))),
        envelope(12, request("target_delete", f_str(1, "mut_rate") + f_str(2, "MUT"))),
    ]
    c = Conn(port)
    login(c, token)
    answered = noreply = reconnects = 0
    noreply_cases = []
    for i in range(int(count)):
        body = bytearray(rng.choice(templates))
        for _ in range(rng.randint(1, 4)):
            pos = rng.randrange(len(body))
            body[pos] = rng.randrange(256)
        try:
            c.send_frame(bytes(body))
            r = c.read_reply()
        except OSError:
            r = {"kind": "eof"}
        if r["kind"] in ("eof", "timeout", "bad-frame"):
            noreply += 1
            noreply_cases.append("%d:%s" % (i, r["kind"]))
        else:
            answered += 1
        # After an error, find out whether the server kept the connection.
        if r["kind"] == "error" and not c.eof and not c.still_open(req_id=99):
            c.eof = True
        if c.eof or r["kind"] in ("eof", "timeout", "bad-frame"):
            c.close()
            c = Conn(port)
            login(c, token)
            reconnects += 1
    c.close()
    result(sent=count, answered=answered, noreply=noreply,
           reconnects=reconnects, msg=" ".join(noreply_cases[:10]))


CASES = {name[5:].replace("_", "-"): fn for name, fn in globals().items()
         if name.startswith("case_")}


def main(argv):
    if len(argv) < 4 or argv[3] not in CASES:
        sys.stderr.write("usage: wire.py PORT TOKEN CASE [ARG...]\ncases: %s\n"
                         % " ".join(sorted(CASES)))
        return 2
    try:
        CASES[argv[3]](int(argv[1]), argv[2], *argv[4:])
    except OSError as e:
        sys.stderr.write("wire.py %s: %s: %s\n" % (argv[3], type(e).__name__, e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
