"""http_kit.py - what the http scenario's tests share (tests/test_http.py,
tests/test_http_python.py): where the programs are, what is installed, and the bytes a
server must answer with, read off a socket."""
import os
import shutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))
BENCH = os.path.join(BUILD, "tvp-bench")
# The server is static and never sanitized: beside the plain build's tvp-bench.
HTTPD = next((p for p in (os.path.join(BUILD, "tvp-httpd"),
                          os.path.join(ROOT, "build", "tvp-httpd")) if os.access(p, os.X_OK)),
             os.path.join(BUILD, "tvp-httpd"))
MODELS = ["thread_per_conn", "fork_per_conn", "prefork_pool", "thread_pool", "epoll"]
HAVE_APACHE = os.access("/usr/sbin/apache2", os.X_OK)
HAVE_WRK = shutil.which("wrk") is not None


def body(n):
    """The bytes src/http_server.c serves, written out again here from its rule."""
    return bytes(ord("\n") if (i + 1) % 64 == 0 else ord("a") + (i * 7 + i // 64) % 26
                 for i in range(n))


def read_reply(sock, buf=b""):
    """One HTTP reply: (status line, headers dict, body, bytes left over)."""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError(f"closed before a header block: {buf[:200]!r}")
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
    length = int(headers["content-length"])
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError("closed inside a body")
        rest += chunk
    return lines[0], headers, rest[:length], rest[length:]


def closed_by_peer(sock):
    sock.settimeout(5)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def _cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().decode(errors="replace")
    except OSError:
        return ""
