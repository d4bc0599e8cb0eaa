"""A real Dovecot IMAP server for tests, on 127.0.0.1, a free port and a tmp dir.

Skips with the reason when /usr/sbin/dovecot is missing, unless
RAPPORT_REQUIRE_SERVICES=1 (then the test fails: CI must run it).
"""

from __future__ import annotations

import imaplib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

DOVECOT = "/usr/sbin/dovecot"


@dataclass
class Dovecot:
    host: str
    port: int
    user: str
    password: str

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4(self.host, self.port, timeout=10)
        client.login(self.user, self.password)
        return client

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        client = self.client()
        try:
            status, _ = client.append(folder, None, None, raw)
            assert status == "OK"
        finally:
            client.logout()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _config(root: Path, port: int) -> str:
    if os.geteuid() == 0:
        # Dovecot refuses to run logins or mail access as root.
        import pwd

        mail = pwd.getpwnam("dovecot")
        login_user, internal_user = "dovenull", "dovecot"
        uid, gid = mail.pw_uid, mail.pw_gid
    else:
        login_user = internal_user = os.environ.get("USER") or str(os.geteuid())
        uid, gid = os.geteuid(), os.getegid()
    for sub in ("run", "state", "mail"):
        (root / sub).mkdir()
    os.chown(root / "mail", uid, gid)
    (root / "users").write_text("rapport:{PLAIN}imap-secret::::::\n")
    return f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
instance_name = rapport-test-{port}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = {min(uid, 100)}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
"""


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    """A running Dovecot with one user, stopped and removed after the test."""
    if not Path(DOVECOT).exists():
        reason = f"{DOVECOT} is missing (Debian package dovecot-imapd)"
        if os.environ.get("RAPPORT_REQUIRE_SERVICES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    root = Path(tempfile.mkdtemp(prefix="rapport-dovecot-"))
    root.chmod(0o755)
    port = _free_port()
    conf = root / "dovecot.conf"
    conf.write_text(_config(root, port))
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    server = Dovecot("127.0.0.1", port, "rapport", "imap-secret")
    try:
        _wait_until_ready(server, process, root)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(root, ignore_errors=True)


def _wait_until_ready(server: Dovecot, process: subprocess.Popen, root: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (
                (root / "dovecot.log").read_text()
                if (root / "dovecot.log").exists()
                else ""
            )
            raise RuntimeError(f"dovecot exited: {process.stderr.read()!r} {log}")
        try:
            server.client().logout()
            return
        except (OSError, imaplib.IMAP4.error):
            time.sleep(0.2)
    raise RuntimeError("dovecot did not accept a login within 15 s")
