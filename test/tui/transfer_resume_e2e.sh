#!/usr/bin/env bash
# End-to-end test of transfers across a chatd restart, as the chat client shows them: carol
# (an identity) uploads to #files; chatd is stopped (SIGTERM) with the upload mid-flight and
# started again on the same port; her bar says "waiting for the server", then continues from
# the offset chatd kept and completes, and dave downloads the very same file. A second upload
# cancelled (/cancel) while it waits leaves nothing on the server.
# Usage: transfer_resume_e2e.sh CHAT CHATD. Exits 77 (skipped) when tmux is missing.
set -u
command -v tmux >/dev/null || { echo "tmux not installed: skipped"; exit 77; }
[ $# -eq 2 ] || { echo "usage: $0 CHAT CHATD"; exit 2; }
chat=$(realpath "$1")
chatd=$(realpath "$2")
. "$(dirname "$0")/lib.sh"
carol_pid=""
# A held (SIGSTOP) process would ignore the cleanup's SIGTERM.
trap 'for p in $chatd_pid $carol_pid; do kill -CONT "$p" 2>/dev/null; done; cleanup' EXIT

# Small chunks and a large file: the upload is in flight long enough to be caught.
chatd_flags="--chunk-size 16384"
size=$((64 << 20))
start_chatd 127.0.0.1:0 1
cols=120
who=carol start_chat -f /dev/null
who=dave start_chat
for who in carol dave; do wait_for "$who" "$who @ $addr (chatd) | connected | lobby"; done
type_line carol "/create files"
wait_for carol "| connected | #files"
type_line dave "/join files"
wait_for dave "you are in #files (2 members)"

carol_pid=$(pgrep -P "$(tm list-panes -t carol -F '#{pane_pid}')" -x chat) || fail "no chat process for carol"
partial="$tmp/data/files/partial"
runs=1

# Cuts carol's upload of $1 off mid-flight: chatd is held (SIGSTOP) as soon as the upload's
# partial file appears on its disk; carol is held while chatd takes in what the transport
# still carries and stops (SIGTERM), so the server keeps exactly what it received. Then carol
# goes on with no server, and her bar waits.
cut_upload() {
  type_line carol "/upload $1"
  deadline=$((SECONDS + 15))
  # Bytes in the partial file, not just the file: it is made when the upload opens, and a
  # server stopped before the first chunk is written keeps nothing (slow under ASan).
  until [ -n "$(find "$partial" -type f -size +0c 2>/dev/null)" ]; do
    [ $SECONDS -lt $deadline ] || fail "no partial file for $1 on the server"
  done
  kill -STOP "$chatd_pid"
  kill -STOP "$carol_pid"
  kill -CONT "$chatd_pid"
  kill -TERM "$chatd_pid"
  wait "$chatd_pid"
  chatd_pid=""
  grep -Eq "of $1 kept for resuming at [1-9][0-9]* of $size bytes" "$tmp/chatd.log" ||
    fail "chatd kept nothing of $1"
  kill -CONT "$carol_pid"
  wait_re carol "↑ $1 .* waiting for the server"
}

# The upload continues from the offset the server confirms, and completes.
head -c "$size" /dev/urandom >"$tmp/carol/big.bin"
cut_upload big.bin
kept=$(grep -Eo "of big.bin kept for resuming at [0-9]+" "$tmp/chatd.log" | grep -Eo "[0-9]+$")
start_chatd "$addr" $((runs += 1))
wait_for carol "sent big.bin (64.0 MiB) to #files"
grep -q "of big.bin resumed at $kept of $size bytes" "$tmp/chatd.log" ||
  fail "the upload did not continue at the $kept bytes chatd kept"
# (dave may rejoin #files only after the file's announcement: he finds it in /files)
wait_for dave "dave @ $addr (chatd) | connected | #files"
type_line dave "/files"
wait_for dave "1. big.bin (64.0 MiB) from carol to #files"
type_line dave "/download 1 got.bin"
wait_for dave "saved big.bin (64.0 MiB, sha256 checked) to got.bin"
cmp -s "$tmp/carol/big.bin" "$tmp/dave/got.bin" || fail "dave's copy differs from carol's file"
[ -z "$(ls -A "$partial")" ] || fail "a partial upload is left on the server"

# /cancel while the upload waits: once the server is back, its part and its record go.
head -c "$size" /dev/urandom >"$tmp/carol/gone.bin"
cut_upload gone.bin
type_line carol "/cancel"
wait_for carol "cancelling the upload of gone.bin"
wait_for carol "cancelling: the server's part goes once connected"
start_chatd "$addr" $((runs += 1))
wait_for carol "upload of gone.bin cancelled; the server keeps nothing of it"
grep -Eq "of gone.bin given up at [1-9][0-9]* of $size bytes; removed" "$tmp/chatd.log" ||
  fail "chatd did not remove the cancelled upload"
deadline=$((SECONDS + 15))
# the partial file goes on the server's disk pool, just after that line
until [ -z "$(ls -A "$partial")" ]; do
  [ $SECONDS -lt $deadline ] || fail "the cancelled upload left its part on the server"
  sleep 0.1
done
never dave "gone.bin"
never carol "[chat exited"

kill -TERM "$chatd_pid"
wait "$chatd_pid"
chatd_pid=""
echo "PASS"
