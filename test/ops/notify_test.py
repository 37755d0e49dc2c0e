#!/usr/bin/python3
"""chatd under a service manager, without systemd as PID 1: we play systemd's part. A unix
datagram socket stands in as NOTIFY_SOCKET; JOURNAL_STREAM names the file chatd's stderr goes
to. chatd must say READY=1 only once its port accepts connections, STOPPING=1 on SIGTERM, and
write journal-style lines (a <N> priority, no timestamp of its own).
Usage: notify_test.py CHATD"""
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile


def fail(message, log=None):
    print("FAIL:", message)
    if log:
        print(open(log).read())
    sys.exit(1)


def receive(sock, what, log):
    """Returns the next notification, which must contain `what`."""
    try:
        data = sock.recv(4096).decode()
    except socket.timeout:
        fail(f"no {what} notification within 15 s", log)
    if what not in data.split("\n"):
        fail(f"expected {what}, got {data!r}", log)
    return data


def main():
    chatd = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        notify_path = os.path.join(tmp, "notify")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(notify_path)
        sock.settimeout(15)
        log = os.path.join(tmp, "log")
        with open(log, "w") as stderr:
            st = os.fstat(stderr.fileno())
            env = dict(os.environ, NOTIFY_SOCKET=notify_path,
                       JOURNAL_STREAM=f"{st.st_dev}:{st.st_ino}")
            chatd_proc = subprocess.Popen(
                [chatd, "--listen", "127.0.0.1:0", "--data-dir", os.path.join(tmp, "data")],
                stderr=stderr, env=env)
        try:
            ready = receive(sock, "READY=1", log)
            port = re.search(r"STATUS=serving on port (\d+)", ready)
            if not port:
                fail(f"READY carries no port: {ready!r}", log)
            # READY means bound: a connection must succeed now, with no retry.
            socket.create_connection(("127.0.0.1", int(port.group(1))), timeout=5).close()
            lines = open(log).read().splitlines()
            listening = [l for l in lines if "listening on" in l]
            if not listening or not listening[0].startswith("<6>listening on 127.0.0.1:"):
                fail("the start-up line is not a journal line with priority 6", log)
            if any(not re.match(r"<[0-7]>", l) for l in lines):
                fail("a line without a priority prefix", log)
            chatd_proc.send_signal(signal.SIGTERM)
            receive(sock, "STOPPING=1", log)
            code = chatd_proc.wait(timeout=30)
            if code != 0:
                fail(f"chatd exited {code}", log)
        finally:
            if chatd_proc.poll() is None:
                chatd_proc.kill()
                chatd_proc.wait()
    print("ok")


main()
