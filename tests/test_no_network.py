"""The suite's network guard (``NetworkGuard`` in ``tests/conftest.py``): what it refuses, what it
lets through, and that the ``no_network`` fixture sees every attempt, even one the code swallowed."""

from __future__ import annotations

import asyncio
import pathlib
import shutil
import socket
import subprocess
import sys
import threading
from typing import Any

import httpx2
import openai
import pytest

#: TEST-NET-1 (RFC 5737): documentation only, never routed. A guard that let it through would
#: fail with a timeout, not reach anyone.
REMOTE = ("192.0.2.1", 443)


def take(attempts: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """The attempts so far, cleared so the fixture does not fail this test for them."""
    seen = list(attempts)
    attempts.clear()
    return seen


@pytest.mark.parametrize("family", [socket.AF_INET, socket.AF_INET6], ids=["ipv4", "ipv6"])
def test_a_connection_to_a_remote_address_is_refused(no_network, family):
    address = REMOTE if family == socket.AF_INET else ("2001:db8::1", 443, 0, 0)
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        with pytest.raises(OSError, match="network disabled in tests"):
            sock.connect(address)
        with pytest.raises(OSError, match="network disabled in tests"):
            sock.connect_ex(address)
    with socket.socket(family, socket.SOCK_DGRAM) as udp, pytest.raises(OSError):
        udp.sendto(b"\0", address)
    assert [what for what, _ in take(no_network)] == ["socket.connect", "socket.connect_ex", "socket.sendto"]


@pytest.mark.parametrize(
    "lookup",
    [
        lambda: socket.getaddrinfo("api.openai.com", 443),
        lambda: socket.gethostbyname("api.openai.com"),
        lambda: socket.gethostbyname_ex("api.openai.com"),
        lambda: socket.gethostbyaddr("192.0.2.1"),
        lambda: socket.create_connection(("api.openai.com", 443), timeout=0.5),
    ],
    ids=["getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "create_connection"],
)
def test_a_lookup_of_a_remote_name_is_refused(no_network, lookup):
    with pytest.raises(socket.gaierror, match="network disabled in tests"):
        lookup()
    [(what, host)] = take(no_network)
    assert what.startswith("socket.") and host in ("api.openai.com", "192.0.2.1")


def test_an_sdk_call_to_the_real_api_is_refused_sync_and_async(no_network):
    """The real openai client with its real transport: refused before any byte leaves."""
    client = openai.OpenAI(api_key="sk-test-not-a-key", max_retries=0, timeout=2)
    with pytest.raises(openai.APIConnectionError):
        client.models.list()

    async def call() -> None:
        async with openai.AsyncOpenAI(api_key="sk-test-not-a-key", max_retries=0, timeout=2) as aclient:
            await aclient.models.list()

    with pytest.raises(openai.APIConnectionError):
        asyncio.run(call())
    hosts = {host.decode() if isinstance(host, bytes) else host for _, host in take(no_network)}
    assert hosts == {"api.openai.com"}  # the async stack (anyio) asks for it as bytes


def test_an_attempt_the_code_swallows_is_still_seen(no_network):
    try:
        httpx2.get("https://api.openai.com/v1/models", timeout=1)
    except httpx2.HTTPError:
        pass  # as a library might
    assert take(no_network)


def test_loopback_and_unix_sockets_stay_allowed(no_network):
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        accepted: list[bytes] = []

        def serve() -> None:
            conn, _ = server.accept()
            with conn:
                accepted.append(conn.recv(5))

        thread = threading.Thread(target=serve)
        thread.start()
        for host in ("localhost", "127.0.0.1"):
            assert socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        with socket.create_connection(("localhost", port), timeout=5) as conn:
            conn.sendall(b"hello")
        thread.join(5)
    assert accepted == [b"hello"]
    assert socket.getaddrinfo("::1", 80) and socket.getaddrinfo(None, 80)
    left, right = socket.socketpair()  # AF_UNIX, as asyncio's self-pipe
    with left, right:
        left.sendall(b"x")
        assert right.recv(1) == b"x"
    with socket.socket(socket.AF_INET6) as six:  # ::1, refused only if no IPv6 here: not ours
        six.settimeout(0.5)
        six.connect_ex(("::1", port))
    assert no_network == []


LEAKY_TEST = """
import socket


def test_leaks_quietly():
    try:
        socket.getaddrinfo("api.openai.com", 443)
    except OSError:
        pass


def test_stays_home():
    assert socket.getaddrinfo("localhost", 443)
"""


def test_the_guard_fails_a_test_that_tried_even_if_it_swallowed_the_error(tmp_path):
    """The whole mechanism, as pytest runs it: this conftest, a test that hides its attempt."""
    shutil.copy(pathlib.Path(__file__).with_name("conftest.py"), tmp_path / "conftest.py")
    (tmp_path / "test_leaky.py").write_text(LEAKY_TEST)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "2 passed, 1 error" in done.stdout, done.stdout  # the error: the leaky test's teardown
    assert "ERROR test_leaky.py::test_leaks_quietly" in done.stdout, done.stdout
    assert "tried to reach the network: [('socket.getaddrinfo', 'api.openai.com')]" in done.stdout
