#!/usr/bin/python3
"""chatd --metrics-listen as Prometheus sees it: a real chatd, a scripted session by
chatbench (three members, one room), then GET /metrics over HTTP. The format is checked by
`promtool check metrics` when it is installed, else by a parser of the text format here.
Usage: metrics_http_test.py CHATD CHATBENCH"""
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SAMPLE = re.compile(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_]+="(?:[^"\\]|\\.)*"\})? (\S+)$')


def fail(message, log=None):
    print("FAIL:", message)
    if log:
        print(open(log).read())
    sys.exit(1)


def wait_for_line(log, pattern, proc):
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        found = re.search(pattern, open(log).read())
        if found:
            return found.group(1)
        if proc.poll() is not None:
            fail("chatd exited", log)
        time.sleep(0.05)
    fail(f"chatd never logged {pattern}", log)


def get(port, path, method="GET"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(method, path)
    response = conn.getresponse()
    return response.status, response.getheader("Content-Type"), response.read().decode()


def parse(text):
    """Series name -> value; every sample must follow the TYPE line of its family."""
    declared, samples = set(), {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            declared.add(line.split()[2])
        elif line.startswith("# HELP "):
            continue
        else:
            m = SAMPLE.match(line)
            if not m:
                fail(f"not an exposition line: {line!r}")
            family = re.sub(r"_(bucket|sum|count)$", "", m.group(1))
            if m.group(1) not in declared and family not in declared:
                fail(f"sample without a TYPE line: {line!r}")
            samples[m.group(1) + (m.group(2) or "")] = float(m.group(3))
    return samples


def check_format(text, tmp):
    promtool = shutil.which("promtool")
    if promtool:
        result = subprocess.run([promtool, "check", "metrics"], input=text, text=True,
                                capture_output=True)
        if result.returncode != 0:
            fail("promtool: " + result.stdout + result.stderr)
    return parse(text)


def main():
    chatd, chatbench = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "log")
        with open(log, "w") as stderr:
            proc = subprocess.Popen(
                [chatd, "--listen", "127.0.0.1:0", "--data-dir", os.path.join(tmp, "data"),
                 "--metrics-listen", "127.0.0.1:0", "--message-rate", "0", "--command-rate", "0"],
                stderr=stderr)
        try:
            addr = wait_for_line(log, r"listening on (127\.0\.0\.1:\d+)", proc)
            port = int(wait_for_line(log, r"metrics on http://127\.0\.0\.1:(\d+)/metrics", proc))
            status, ctype, body = get(port, "/metrics")
            if status != 200 or not ctype.startswith("text/plain; version=0.0.4"):
                fail(f"GET /metrics: {status} {ctype}")
            before = check_format(body, tmp)
            if before["chatcore_room_messages_total"] != 0 or before["chatcore_sessions"] != 0:
                fail("a fresh server reports traffic")

            bench = subprocess.run(
                [chatbench, "fanout", "--smoke", "--no-ceiling", "--server", addr, "--rooms",
                 "1", "--members", "3", "--messages", "5", "--dir", os.path.join(tmp, "bench")],
                capture_output=True, text=True, timeout=120)
            if bench.returncode != 0:
                fail("chatbench: " + bench.stdout + bench.stderr, log)

            after = check_format(get(port, "/metrics")[2], tmp)
            if after["chatcore_sessions_opened_total"] != 3:
                fail(f"sessions opened: {after['chatcore_sessions_opened_total']}, expected 3")
            if after["chatcore_sessions"] != 0 or after["chatcore_rooms"] != 0:
                fail("sessions or rooms left after everyone logged out")
            messages = after["chatcore_room_messages_total"]
            if messages < 15:
                fail(f"only {messages} room messages counted; chatbench sent at least 15")
            # Every room message goes to each of the three members.
            if after["chatcore_deliveries_total"] < 3 * messages:
                fail(f"{after['chatcore_deliveries_total']} deliveries for {messages} messages")
            if after["chatcore_loop_turn_seconds_count"] <= before["chatcore_loop_turn_seconds_count"]:
                fail("loop turns not counted")

            if get(port, "/other")[0] != 404:
                fail("a path other than /metrics is not 404")
            if get(port, "/metrics", "POST")[0] != 405:
                fail("POST is not refused with 405")
            proc.send_signal(signal.SIGTERM)
            if proc.wait(timeout=30) != 0:
                fail(f"chatd exited {proc.returncode}", log)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    print("ok")


main()
