#!/usr/bin/env bash
# chatd's command line as an operator uses it: --version, a --config file (every flag a key,
# the command line winning, typos refused), the example config, and a real start from a
# config file that binds an OS-picked port and stops cleanly on SIGTERM.
# Usage: chatd_cli.sh CHATD VERSION EXAMPLE_CONF
set -u
[ $# -eq 3 ] || { echo "usage: $0 CHATD VERSION EXAMPLE_CONF"; exit 2; }
chatd=$1 version=$2 example=$3
tmp=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$tmp/log" ] && cat "$tmp/log"; exit 1; }

out=$("$chatd" --version) || fail "--version exited $?"
[ "$out" = "chatd $version" ] || fail "--version printed '$out', expected 'chatd $version'"

cat >"$tmp/chatd.conf" <<CONF
# a comment
listen = "127.0.0.1:0"
data-dir = "$tmp/data"
storage-dir = "$tmp/files"
durability = "full"
history = 7
keepalive-ms = 5000
message-rate = 1.5
log-level = "debug"
CONF
"$chatd" --config "$tmp/chatd.conf" --print-config >"$tmp/printed" || fail "--print-config failed"
for line in 'history=7' 'keepalive-ms=5000' 'message-rate=1.5' 'log-level="debug"' \
    "storage-dir=\"$tmp/files\"" "data-dir=\"$tmp/data\"" 'durability="full"' 'max-rooms=10000'; do
  grep -qxF -- "$line" "$tmp/printed" || { cat "$tmp/printed"; fail "printed config lacks $line"; }
done
"$chatd" --config "$tmp/chatd.conf" --history 9 --print-config | grep -qx 'history=9' ||
  fail "the command line does not win over the config file"

# What --print-config writes is itself a valid config file.
"$chatd" --config "$tmp/printed" --print-config | cmp -s - "$tmp/printed" ||
  fail "--print-config output does not read back as the same settings"

printf 'histroy = 7\n' >"$tmp/typo.conf"
if "$chatd" --config "$tmp/typo.conf" --print-config >/dev/null 2>"$tmp/err"; then
  fail "a misspelt key was accepted"
fi
grep -q histroy "$tmp/err" || fail "the error does not name the bad key: $(cat "$tmp/err")"
printf 'keepalive-ms = 5\n' >"$tmp/range.conf"
if "$chatd" --config "$tmp/range.conf" --print-config >/dev/null 2>"$tmp/err"; then
  fail "an out-of-range value was accepted"
fi
grep -q keepalive-ms "$tmp/err" || fail "the error does not name the option: $(cat "$tmp/err")"
"$chatd" --config "$tmp/missing.conf" >/dev/null 2>&1 && fail "a missing config file was accepted"

# The example config parses and mentions every flag that a config file can set.
"$chatd" --config "$example" --print-config >/dev/null || fail "the example config is refused"
for flag in $("$chatd" --help | grep -oE '^ +--[a-z0-9-]+' | sed 's/^ *--//'); do
  case $flag in help | version | config | print-config) continue ;; esac
  grep -qE "^(# )?$flag = " "$example" || fail "the example config does not mention $flag"
done

# A real start from the config file alone.
"$chatd" --config "$tmp/chatd.conf" 2>"$tmp/log" &
pid=$!
addr=""
deadline=$((SECONDS + 15))
while [ -z "$addr" ] && [ $SECONDS -lt $deadline ]; do
  addr=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$tmp/log" | head -1 | sed 's/listening on //')
  [ -z "$addr" ] && { kill -0 "$pid" 2>/dev/null || fail "chatd exited"; sleep 0.05; }
done
[ -n "$addr" ] || fail "chatd did not report its port"
[ "${addr##*:}" != 0 ] || fail "chatd reported port 0"
[ -d "$tmp/files" ] || fail "the storage dir of the config file was not created"
[ -f "$tmp/data/chatcore.db" ] || fail "the database was not created in the data dir"
grep -q 'synchronous=FULL' "$tmp/log" || fail "durability = full is not in force"
kill -TERM "$pid"
wait "$pid"
code=$?
pid=""
[ $code -eq 0 ] || fail "chatd exited $code after SIGTERM"
echo "ok"
