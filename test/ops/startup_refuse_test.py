#!/usr/bin/python3
"""A chatd that is still setting itself up refuses connections at once, so that a client given
several servers goes on to the next instead of waiting in a backlog nobody reads. Here the
set-up is a cluster node's wait for a NATS server that takes the TCP connection and never
says a word; chatd then exits 1 naming it.
Usage: startup_refuse_test.py CHATD"""
import random
import socket
import subprocess
import sys
import tempfile


def fail(message, proc=None):
    print("FAIL:", message)
    if proc is not None:
        proc.kill()
        print(proc.communicate()[1])
    sys.exit(1)


def free_port():
    """A port below the ephemeral range, checked free: no outgoing connection takes it before
    chatd binds it (as chatbench and the cluster harness pick theirs)."""
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        high = int(f.read().split()[0])
    for _ in range(200):
        port = random.randrange(10000, high)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    fail("no free port")


chatd = sys.argv[1]
silent = socket.socket()  # a "NATS server" that accepts and never speaks
silent.bind(("127.0.0.1", 0))
silent.listen(4)
silent.settimeout(20)
port = free_port()
with tempfile.TemporaryDirectory() as data:
    proc = subprocess.Popen(
        [chatd, "--listen", f"127.0.0.1:{port}", "--data-dir", data,
         "--cluster", f"nats://127.0.0.1:{silent.getsockname()[1]}", "--node-id", "node-1"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        held, _ = silent.accept()  # chatd is past its bind, waiting for NATS
    except socket.timeout:
        fail("chatd never connected to its NATS server", proc)
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        fail("chatd took a connection while it was still waiting for NATS", proc)
    except ConnectionRefusedError:
        pass
    except socket.timeout:
        fail("a connection to chatd hung instead of being refused", proc)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        fail("chatd went on waiting for a NATS server that never answers", proc)
    held.close()
    if proc.returncode != 1 or "cannot reach NATS" not in err:
        print(err)
        fail(f"chatd exited {proc.returncode} without saying it cannot reach NATS")
print("ok")
