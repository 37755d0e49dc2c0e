#!/usr/bin/env bash
# chatd and its database as an operator meets them: a fresh data dir gets a database, a
# restart reuses it, and a database chatd cannot use stops the start with exit 1 and one
# readable line (one another chatd serves, a file that is not a database, one from a newer
# chatd, a data dir on a read-only file system), leaving it untouched.
# Usage: chatd_store.sh CHATD
set -u
[ $# -eq 1 ] || { echo "usage: $0 CHATD"; exit 2; }
chatd=$1
tmp=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$tmp/log" ] && cat "$tmp/log"; exit 1; }

# Starts chatd on DIR, waits for its port, stops it with SIGTERM; fails on a non-zero exit.
start_and_stop() {
  # The shell opens the log in the child after fork: without this a fast check could read the
  # previous run's "listening on" and signal a chatd that has no handler yet.
  rm -f "$tmp/log"
  "$chatd" --listen 127.0.0.1:0 --data-dir "$1" 2>"$tmp/log" &
  pid=$!
  local deadline=$((SECONDS + 15))
  until grep -qs 'listening on' "$tmp/log"; do
    kill -0 "$pid" 2>/dev/null || fail "chatd exited on $1"
    [ $SECONDS -lt $deadline ] || fail "chatd did not start on $1"
    sleep 0.05
  done
  kill -TERM "$pid"
  wait "$pid" || fail "chatd exited $? after SIGTERM"
  pid=""
}

# Expects chatd on DIR to refuse to start with exit 1 and a log line matching PATTERN; a
# third argument runs it through that wrapper.
refuses() {
  local dir=$1 pattern=$2 wrapper=${3:-}
  $wrapper timeout 15 "$chatd" --listen 127.0.0.1:0 --data-dir "$dir" 2>"$tmp/log"
  local code=$?
  [ $code -eq 1 ] || fail "chatd on $dir exited $code, expected 1"
  grep -q "$pattern" "$tmp/log" || fail "no line matching '$pattern'"
  grep -q 'listening on' "$tmp/log" && fail "chatd served before refusing its store"
  return 0
}

start_and_stop "$tmp/data"
[ -f "$tmp/data/chatcore.db" ] || fail "no database in a fresh data dir"
[ -d "$tmp/data/files" ] || fail "no files dir in a fresh data dir"
grep -q 'schema 0 -> 1' "$tmp/log" || fail "a fresh database was not created through the migrations"
start_and_stop "$tmp/data"
grep -q 'schema 0 -> ' "$tmp/log" && fail "an up-to-date database was migrated again"

# A second chatd on a data dir that one already serves stops at start, naming the first.
"$chatd" --listen 127.0.0.1:0 --data-dir "$tmp/data" 2>"$tmp/first.log" &
pid=$!
deadline=$((SECONDS + 15))
until grep -qs 'listening on' "$tmp/first.log"; do
  kill -0 "$pid" 2>/dev/null || fail "the first chatd exited"
  [ $SECONDS -lt $deadline ] || fail "the first chatd did not start"
  sleep 0.05
done
refuses "$tmp/data" "is in use by another chatd (pid $pid): one data dir serves one chatd"
kill -TERM "$pid"
wait "$pid" || fail "the first chatd exited $? after SIGTERM"
pid=""
start_and_stop "$tmp/data"  # the lock went with the first chatd

mkdir "$tmp/garbage"
head -c 8192 /dev/urandom >"$tmp/garbage/chatcore.db"
cp "$tmp/garbage/chatcore.db" "$tmp/garbage.copy"
refuses "$tmp/garbage" 'chatcore.db: file is not a database'
cmp -s "$tmp/garbage/chatcore.db" "$tmp/garbage.copy" || fail "chatd changed a file that is not its database"

# A database a newer chatd wrote: the schema version is the header's user_version (offset 60).
cp -r "$tmp/data" "$tmp/newer"
printf '\x00\x00\x03\xe7' | dd of="$tmp/newer/chatcore.db" bs=1 seek=60 conv=notrunc status=none
refuses "$tmp/newer" 'schema version 999, this chatd knows up to'

# A data dir on a read-only file system: bind-mounted so in a private mount namespace.
cp -r "$tmp/data" "$tmp/ro"
cat >"$tmp/ro-mount" <<'EOF'
#!/bin/sh
# Runs "$@" with its last argument, the data dir, bind-mounted read-only.
for dir; do :; done
mount --make-rprivate / && mount --bind "$dir" "$dir" && mount -o remount,bind,ro "$dir" &&
  exec "$@"
EOF
chmod +x "$tmp/ro-mount"
if unshare -m true 2>/dev/null; then
  refuses "$tmp/ro" 'cannot open the store .*chatcore.db: .*chatd must be able to write' \
    "unshare -m $tmp/ro-mount"
else
  echo "no mount namespace here: the read-only file system case is not run"
fi
echo "ok"
