"""The reverse proxy of docker-compose.yml (deploy/nginx/), run for real with Debian's nginx in
front of the test's live server: the configuration the `proxy` container loads, with only its
addresses, ports and paths moved to the test's own."""

import os
import shutil
import socket
import ssl
import subprocess
import time
from http.client import HTTPConnection, HTTPSConnection
from pathlib import Path

import pytest
from django.core.signals import request_started

ROOT = Path(__file__).resolve().parents[2]
NGINX_DIR = ROOT / "deploy" / "nginx"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def render_config(folder: Path, backend_port: int, http_port: int, https_port: int) -> Path:
    """deploy/nginx/*.conf with the container's addresses and paths replaced by the test's."""
    replacements = {
        "server web:8000": f"server 127.0.0.1:{backend_port}",
        "listen 80 default_server;": f"listen 127.0.0.1:{http_port} default_server;",
        "listen 443 ssl": f"listen 127.0.0.1:{https_port} ssl",
        "/etc/nginx/certs/": f"{folder}/certs/",
        "/etc/nginx/eregion/locations.conf": f"{folder}/locations.conf",
        "/var/cache/nginx/eregion": f"{folder}/cache",
        "/var/www/acme": f"{folder}/acme",
        "root /srv;": f"root {folder}/srv;",
    }
    for name in ("default.conf", "locations.conf"):
        text = (NGINX_DIR / name).read_text()
        for old, new in replacements.items():
            assert old in text or name != "default.conf" or old == "root /srv;", old
            text = text.replace(old, new)
        # the container listens on IPv6 too; the test machine may not
        text = "\n".join(line for line in text.splitlines() if "listen [::]" not in line)
        (folder / name).write_text(text)
    (folder / "certs").mkdir()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-keyout", f"{folder}/certs/privkey.pem",
         "-out", f"{folder}/certs/fullchain.pem"],
        check=True, capture_output=True,
    )  # fmt: skip
    for sub in ("tmp", "logs", "acme", "srv/media"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    main = folder / "nginx.conf"
    main.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"""worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/logs/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log {folder}/logs/access.log;
    client_body_temp_path {folder}/tmp/body;
    proxy_temp_path {folder}/tmp/proxy;
    fastcgi_temp_path {folder}/tmp/fastcgi;
    uwsgi_temp_path {folder}/tmp/uwsgi;
    scgi_temp_path {folder}/tmp/scgi;
    include {folder}/default.conf;
}}
"""
    )
    return main


@pytest.fixture
def proxy(live_server, tmp_path):
    if not Path(NGINX).exists():
        pytest.fail("nginx is missing: make test installs Debian's nginx-light package")
    folder = tmp_path / "nginx"
    folder.mkdir()
    backend_port = int(live_server.url.rsplit(":", 1)[1])
    http_port, https_port = free_port(), free_port()
    main = render_config(folder, backend_port, http_port, https_port)
    check = subprocess.run(
        [NGINX, "-t", "-p", str(folder), "-c", str(main)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(main), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("nginx did not start: " + process.stderr.read().decode())
            time.sleep(0.05)
    seen = []

    def record(sender, environ=None, **kwargs):
        seen.append(environ)

    request_started.connect(record)
    try:
        yield type(
            "Proxy", (), {"http_port": http_port, "https_port": https_port, "folder": folder,
                          "seen": seen}
        )  # fmt: skip
    finally:
        request_started.disconnect(record)
        process.terminate()
        process.wait(10)


def https(proxy) -> HTTPSConnection:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return HTTPSConnection("127.0.0.1", proxy.https_port, context=context, timeout=30)


def get(proxy, path, headers=None):
    conn = https(proxy)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


def test_plain_http_only_redirects_to_https(proxy):
    conn = HTTPConnection("127.0.0.1", proxy.http_port, timeout=10)
    conn.request("GET", "/ngos/?q=x", headers={"Host": "eregion.example.bg"})
    response = conn.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == "https://eregion.example.bg/ngos/?q=x"
    assert proxy.seen == []  # gunicorn never saw it


def test_pages_are_passed_with_the_client_address_and_scheme(proxy):
    response, body = get(proxy, "/", {"X-Forwarded-For": "203.0.113.9"})
    assert response.status == 200
    assert "e-Region" in body.decode()
    environ = proxy.seen[-1]
    # the client's own (forged) header is kept, our proxy's entry is the last one: the app
    # takes NUM_PROXIES=1 entries from the right (docker-compose.yml)
    assert environ["HTTP_X_FORWARDED_FOR"] == "203.0.113.9, 127.0.0.1"
    assert environ["HTTP_X_FORWARDED_PROTO"] == "https"
    assert environ["HTTP_X_REAL_IP"] == "127.0.0.1"


def test_a_200_mb_upload_is_refused_before_it_reaches_the_app(proxy):
    conn = https(proxy)
    conn.putrequest("POST", "/accounts/signup/")
    conn.putheader("Content-Type", "multipart/form-data; boundary=x")
    conn.putheader("Content-Length", str(200 * 1024 * 1024))
    conn.endheaders()
    conn.send(b"--x\r\n" + b"\0" * 65536)  # the rest is never sent: the answer comes first
    response = conn.getresponse()
    assert response.status == 413
    conn.close()
    assert proxy.seen == []


def post_file(proxy, path, size):
    """POST a multipart form with one file of ``size`` bytes; the answer's status."""
    head = (
        b'--x\r\nContent-Disposition: form-data; name="logo"; filename="logo.png"\r\n'
        b"Content-Type: image/png\r\n\r\n"
    )
    body = head + b"\0" * size + b"\r\n--x--\r\n"
    conn = https(proxy)
    conn.request("POST", path, body=body,
                 headers={"Content-Type": "multipart/form-data; boundary=x"})  # fmt: skip
    status = conn.getresponse().status
    conn.close()
    return status


def test_a_logo_sized_upload_reaches_the_app_and_staff_may_send_more(proxy):
    # a 2 MB logo and the rest of the form: Django's CSRF check answers, so it got there
    assert post_file(proxy, "/ngos/register/", 2 * 1024 * 1024 + 500 * 1024) == 403
    # a scanned press clipping: too big for the public pages, allowed in the admin
    assert post_file(proxy, "/ngos/register/", 10 * 1024 * 1024) == 413
    assert post_file(proxy, "/admin/login/", 10 * 1024 * 1024) == 403
    assert post_file(proxy, "/en/admin/login/", 10 * 1024 * 1024) == 403


def test_static_files_are_passed_to_whitenoise_and_cached(proxy):
    first, css = get(proxy, "/static/css/ngo.css")
    assert first.status == 200
    assert css == (ROOT / "static/css/ngo.css").read_bytes()
    assert first.getheader("X-Cache-Status") == "MISS"
    again, _ = get(proxy, "/static/css/ngo.css")
    assert again.getheader("X-Cache-Status") == "HIT"


def test_public_media_files_are_served_and_private_ones_are_not(proxy):
    media = proxy.folder / "srv" / "media"
    (media / "ngofamily/logos").mkdir(parents=True)
    (media / "ngofamily/logos/zeleni.png").write_bytes(b"\x89PNG logo")
    (media / "trainings/certificates").mkdir(parents=True)
    (media / "trainings/certificates/certificate-1.pdf").write_bytes(b"%PDF private")
    response, body = get(proxy, "/media/ngofamily/logos/zeleni.png")
    assert (response.status, body) == (200, b"\x89PNG logo")
    assert response.getheader("Content-Type") == "image/png"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    for path in (
        "/media/trainings/certificates/certificate-1.pdf",
        "/media/ngofamily/logos/../../trainings/certificates/certificate-1.pdf",
        "/media/ngofamily/logos/",
    ):
        assert get(proxy, path)[0].status == 404, path
