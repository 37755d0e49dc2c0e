#!/usr/bin/env bash
# End-to-end test of older history in the chat client: chatd replays only the last 3 messages
# to a joiner; PgUp at the top of the room's scrollback pages in the older ones, marked as
# history, up to the note that there is nothing older; and a fresh start shows the page before
# what was missed.
# Usage: history_e2e.sh CHAT CHATD. Exits 77 (skipped) when tmux is missing.
set -u
command -v tmux >/dev/null || { echo "tmux not installed: skipped"; exit 77; }
[ $# -eq 2 ] || { echo "usage: $0 CHAT CHATD"; exit 2; }
chat=$(realpath "$1")
chatd=$(realpath "$2")
. "$(dirname "$0")/lib.sh"

chatd_flags="--history 3" start_chatd 127.0.0.1:0 1
who=dave start_chat -f /dev/null
who=erin start_chat
for who in dave erin; do wait_for "$who" "$who @ $addr (chatd) | connected | lobby"; done

type_line dave "/create old"
wait_for dave "| connected | #old"
for i in 1 2 3 4 5 6 7 8; do type_line dave "old line $i"; done
wait_for dave "[dave]: old line 8"

# The join replays the last three; the first five are only on the server.
type_line erin "/join old"
wait_for erin "(history) [dave]: old line 6"
never erin "old line 5"
tm send-keys -t erin PPage
wait_for erin "(history) [dave]: old line 1"
wait_for erin "-- start of #old's history --"
# Nothing is there twice: the replayed lines stay once each.
[ "$(tm capture-pane -p -t erin | grep -cF 'old line 6')" = 1 ] || fail "old line 6 is shown twice"
tm send-keys -t erin PPage PPage
never erin "!!"
never erin "[chat exited"

# erin quits and starts again (the same home: she resumes). Her restored #old shows what she
# missed, with the conversation before it fetched above, each line once.
tm send-keys -t erin C-c
wait_for erin "[chat exited 0]"
type_line dave "while erin was away"
wait_for dave "[dave]: while erin was away"
tm kill-session -t erin
who=erin start_chat
wait_for erin "you are in #old (restored)"
wait_for erin "(missed) [dave]: while erin was away"
wait_for erin "(history) [dave]: old line 8"
wait_for erin "(history) [dave]: old line 1"
wait_for erin "-- start of #old's history --"
[ "$(tm capture-pane -p -t erin | grep -cF 'old line 8')" = 1 ] || fail "old line 8 is shown twice"
[ "$(tm capture-pane -p -t erin | grep -cF 'while erin was away')" = 1 ] || fail "the missed line is shown twice"
never erin "!!"

kill -TERM "$chatd_pid"
wait "$chatd_pid"
chatd_pid=""
echo "PASS"
