#!/usr/bin/env bash
# scripts/cluster as someone trying a cluster by hand runs it: start (3 nats-server and 3
# chatd nodes), status, a second start refused, stop (every process gone), a start again on
# the kept data, and a start whose chatd cannot run, which must leave nothing behind.
# Usage: cluster_script.sh SCRIPT CHATD
set -u
[ $# -eq 2 ] || { echo "usage: $0 SCRIPT CHATD"; exit 2; }
script=$1 chatd=$(realpath "$2")
command -v nats-server >/dev/null || { echo "SKIP: nats-server is not installed"; exit 77; }
tmp=$(mktemp -d)
export CLUSTER_DIR=$tmp/state CHATD=$chatd
cleanup() {
  for f in "$tmp"/state/*.pid "$tmp"/bad/*.pid; do
    [ -f "$f" ] && kill -KILL "$(cat "$f")" 2>/dev/null
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  for f in "$tmp"/state/*.log "$tmp"/bad/*.log; do
    [ -f "$f" ] && { echo "== $f"; tail -n 20 "$f"; }
  done
  exit 1
}

# The pids the last start recorded, to check afterwards that each one is gone.
pids() { cat "$tmp"/state/*.pid 2>/dev/null; }

# Every node in the printed --server list answers TCP on its port.
check_servers() {
  local list=$1 n=0
  IFS=, read -r -a addrs <<<"$list"
  for a in "${addrs[@]}"; do
    /usr/bin/python3 -c 'import socket, sys; h, p = sys.argv[1].rsplit(":", 1); socket.create_connection((h, int(p)), timeout=2).close()' "$a" ||
      fail "node $a in the --server list does not accept connections"
    n=$((n + 1))
  done
  [ $n -eq 3 ] || fail "the --server list '$list' names $n nodes, expected 3"
}

start_ok() {
  out=$("$script" start 2>&1) || fail "start exited $?: $out"
  list=$(sed -n 's/^cluster: chat --server //p' <<<"$out")
  [ -n "$list" ] || fail "start printed no --server list: $out"
  check_servers "$list"
  for n in 1 2 3; do
    grep -q "listening on" "$tmp/state/node-$n.log" || fail "node-$n did not log that it listens"
    grep -q "cluster: node node-$n" "$tmp/state/node-$n.log" || fail "node-$n is not a cluster node"
  done
}

start_ok
status=$("$script" status) || fail "status exited $? on a running cluster: $status"
[ "$(grep -c ': running (pid' <<<"$status")" -eq 6 ] || fail "status does not show 6 running: $status"
again=$("$script" start 2>&1) && fail "a second start succeeded: $again"
grep -q "already running" <<<"$again" || fail "a second start did not say why: $again"

running=$(pids)
out=$("$script" stop) || fail "stop exited $?: $out"
grep -q "stopped 6 processes" <<<"$out" || fail "stop said: $out"
for pid in $running; do
  kill -0 "$pid" 2>/dev/null && fail "process $pid still runs after stop"
done
"$script" status >/dev/null && fail "status exited 0 after stop"

# The data and the ports stay: the same cluster comes back.
first_list=$list
start_ok
[ "$list" = "$first_list" ] || fail "a restart moved the nodes: '$first_list' then '$list'"
"$script" stop >/dev/null || fail "the second stop failed"

# A chatd that cannot run: start fails at once and leaves no NATS server running.
bad=$(CLUSTER_DIR=$tmp/bad CHATD=/bin/false "$script" start 2>&1) && fail "a start with a broken chatd succeeded"
grep -q "node-1 exited while starting" <<<"$bad" || fail "a failed start did not say which node: $bad"
ls "$tmp"/bad/*.pid >/dev/null 2>&1 && fail "a failed start left pid files: $(ls "$tmp"/bad)"
for f in "$tmp"/bad/nats-*.log; do
  [ -f "$f" ] || fail "the failed start did not start NATS at all"
done
echo "ok"
