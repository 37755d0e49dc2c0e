#!/usr/bin/env bash
# End-to-end test of an identity's durable state as the chat client shows it: carol (an
# identity, as `chat` is by default) quits while dave writes to her room and DMs her; her next
# start is back in both her rooms and shows what she missed, marked. Then chatd is killed
# (kill -9) and started again under her open client: she comes back in both rooms with her
# half-typed line intact and misses nothing sent after the restart.
# Usage: resume_e2e.sh CHAT CHATD. Exits 77 (skipped) when tmux is missing.
set -u
command -v tmux >/dev/null || { echo "tmux not installed: skipped"; exit 77; }
[ $# -eq 2 ] || { echo "usage: $0 CHAT CHATD"; exit 2; }
chat=$(realpath "$1")
chatd=$(realpath "$2")
. "$(dirname "$0")/lib.sh"

start_chatd 127.0.0.1:0 1
who=carol start_chat -f /dev/null
who=dave start_chat
for who in carol dave; do wait_for "$who" "$who @ $addr (chatd) | connected | lobby"; done

type_line carol "/create ops"
wait_for carol "| connected | #ops"
type_line carol "/create random"
wait_for carol "| connected | #random"
type_line dave "/join random"
wait_for dave "you are in #random (2 members)"

# carol quits; her memberships stay with her identity on the server.
tm send-keys -t carol C-c
wait_for carol "[chat exited 0]"
type_line dave "while carol was away 부재중"
wait_for dave "[dave]: while carol was away 부재중"
type_line dave "/dm carol psst"
wait_for dave "[DM to carol]: psst"
tm kill-session -t carol
who=carol start_chat
wait_for carol "carol @ $addr (chatd) | connected"
wait_for carol "caught up: 2 missed messages (marked)"
# the missed DM waits in dave's buffer, marked in the hotlist, the mention in #random too
wait_for carol " 4 @dave       +1!│"
wait_for carol " 3 #random     +1!│"
tm send-keys -t carol M-4
wait_for carol "(missed) [DM from dave]: psst"
type_line carol "/join random"
wait_for carol "(missed) [dave]: while carol was away 부재중"
wait_for carol "#ops"

# chatd dies (kill -9) with carol's draft half typed, and comes back on the same port.
tm send-keys -t carol -l "draft kept 초안"
kill -KILL "$chatd_pid"
wait "$chatd_pid" 2>/dev/null
wait_for carol "| reconnecting (retry in"
start_chatd "$addr" 2
wait_for carol "carol @ $addr (chatd) | connected | #random"
wait_for dave "dave @ $addr (chatd) | connected | #random"
type_line dave "after the crash"
wait_for carol "[dave]: after the crash"
wait_for carol "[#random] draft kept 초안"
tm send-keys -t carol Enter
wait_for dave "[carol]: draft kept 초안"
# Both rooms are still hers: #ops is listed in her side pane and she can write to it.
type_line carol "/join ops"
wait_for carol "| connected | #ops"
never carol "[chat exited"

kill -TERM "$chatd_pid"
wait "$chatd_pid"
chatd_pid=""
echo "PASS"
