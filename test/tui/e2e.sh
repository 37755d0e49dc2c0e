#!/usr/bin/env bash
# End-to-end test of the chat client: three real `chat` processes in tmux panes against a real
# chatd. They join rooms, talk, DM, upload and download; then chatd restarts under them and
# they come back in their rooms with a half-typed line intact. The test reads each screen
# (tmux capture-pane) and checks what each person sees and does not see.
# Usage: e2e.sh CHAT CHATD. Exits 77 (skipped) when tmux is missing.
set -u
command -v tmux >/dev/null || { echo "tmux not installed: skipped"; exit 77; }
[ $# -eq 2 ] || { echo "usage: $0 CHAT CHATD"; exit 2; }
chat=$(realpath "$1")
chatd=$(realpath "$2")

. "$(dirname "$0")/lib.sh"
sessions="keys"  # the key checks' session, dumped on failure too
mkdir -p "$tmp/files"
start_chatd 127.0.0.1:0 1

# Three chats (start_chat in lib.sh), 120 columns wide to leave room for the HH:MM stamps and
# the longer notes on one row. alice and bob are guests (as `--guest`): their rooms end with
# a session, so after the restart it is the client that joins them again.
cols=120
who=alice extra=--guest start_chat -f /dev/null
who=bob extra=--guest start_chat
who=carol start_chat
for who in alice bob carol; do wait_for "$who" "$who @ $addr (chatd) | connected | lobby"; done
# carol created her identity on first use, readable by her only; the guests have none.
[ "$(stat -c %a "$tmp/carol/.config/chatcore/identity")" = 600 ] || fail "carol's identity is not mode 600"
[ "$(stat -c %s "$tmp/carol/.config/chatcore/identity")" = 32 ] || fail "carol's identity is not 32 bytes"
[ -e "$tmp/alice/.config/chatcore/identity" ] && fail "a guest created an identity"

# Plain text in the lobby is refused with a hint.
type_line carol "anyone here?"
wait_for carol "you are in the lobby: /join NAME or /create NAME first"

# Rooms: alice and bob in #general, carol in #random.
type_line alice "/create general"
wait_for alice "| connected | #general"
type_line bob "/join #general"
wait_for bob "you are in #general (2 members)"
wait_for alice "* bob joined"
type_line carol "/create random"
wait_for carol "| connected | #random"

# Room messages, with Hangul and emoji.
type_line alice "hello from alice 안녕 😀"
wait_for bob "[alice]: hello from alice 안녕 😀"
type_line bob "hi alice, nice to see you"
wait_for alice "[bob]: hi alice, nice to see you"
wait_for alice ">2 #general"
# bob's line mentions alice: highlighted (yellow) on her screen; alice's line to bob is not.
tm capture-pane -e -p -t alice | grep -F "nice to see you" | grep -qF $'\e[33m' ||
  fail "the mention of alice is not highlighted"
tm capture-pane -e -p -t bob | grep -F "hello from alice" | grep -qF $'\e[33m' &&
  fail "a line without bob's name is highlighted on his screen"
# The nick list of #general, right of the messages.
wait_for alice "│ Nicks (2)"
wait_re alice '│ bob$' 

# Buffers: a DM opens one for its partner, counted and marked in the hotlist, not shown in
# the room; bob, who sent it with /dm, sees it where he is too.
type_line bob "/dm alice a secret for alice"
wait_for bob "[DM to alice]: a secret for alice"
wait_re alice '^ 3 @bob +\+1!│' 
never alice "[DM from bob]"
# A second room, joined: the buffers are renumbered by name (rooms, then DMs).
type_line alice "/join random"
wait_for alice "| connected | #random"
wait_for alice " 4 @bob"
wait_for carol "* alice joined"
type_line bob "ping one"
type_line bob "ping two"
wait_re alice '^ 2 #general +\+2│' 
# Alt-number switches; viewing a buffer clears its count.
tm send-keys -t alice M-2
wait_for alice "| connected | #general"
wait_for alice "[bob]: ping two"
never alice "+2│"
tm send-keys -t alice M-4
wait_for alice "chatcore | DM with bob"
wait_for alice "[DM from bob]: a secret for alice"
never alice "+1!"
# Plain text in a DM buffer is a DM; bob's hotlist marks it, and /query shows it to him.
type_line alice "thanks bob"
wait_re bob '^ 3 @alice +\+1!│'
never bob "[DM from alice]"
type_line bob "/query alice"
wait_for bob "chatcore | DM with alice"
wait_for bob "[DM from alice]: thanks bob"
type_line bob "/buffer #general"
wait_for bob "| connected | #general"
# /close asks before leaving a room.
tm send-keys -t alice M-3
wait_for alice "chatcore | #random (2 members)"
type_line alice "/close"
wait_for alice "leave #random? y/n"
tm send-keys -t alice -l "n"
wait_for alice "still in #random"
type_line alice "/close"
wait_for alice "leave #random? y/n"
tm send-keys -t alice -l "y"
wait_for alice "you left #random; now in #general"
wait_for carol "* alice left"

# An upload through the path prompt: Tab completes the file name.
head -c 300000 /dev/urandom >"$tmp/alice/notes.bin"
type_line alice "/upload"
wait_for alice "Send to #general: directory"
tm send-keys -t alice -l "no"
tm send-keys -t alice Tab
wait_for alice "Send to #general: ./notes.bin"
wait_for alice "file, 293.0 KiB"
tm send-keys -t alice Enter
wait_for alice "sent notes.bin (293.0 KiB) to #general"
wait_for bob "* FILE notes.bin (293.0 KiB) from alice"

# A download by name into bob's directory, then a refused overwrite.
type_line bob "/files"
wait_for bob "1. notes.bin (293.0 KiB) from alice to #general"
type_line bob "/download notes.bin got.bin"
wait_for bob "saved notes.bin (293.0 KiB, sha256 checked) to got.bin"
cmp -s "$tmp/alice/notes.bin" "$tmp/bob/got.bin" || fail "downloaded file differs"
type_line bob "/download 1 got.bin"
wait_for bob "got.bin exists; /download 1 got.bin --force replaces it"
# Tab completes the file's name after /download, and "~/" in DEST is bob's home.
mkdir "$tmp/bob/kept"
tm send-keys -t bob -l "/download no"
tm send-keys -t bob Tab
wait_for bob "[#general] /download notes.bin"
tm send-keys -t bob -l "~/kept"
tm send-keys -t bob Enter
wait_for bob "/bob/kept/notes.bin"  # ~ expanded (the line wraps before the path)
cmp -s "$tmp/alice/notes.bin" "$tmp/bob/kept/notes.bin" || fail "the file downloaded into ~/kept differs"

# Carol, in another room, saw none of it.
for text in "hello from alice" "a secret for alice" "notes.bin" "nice to see you"; do never carol "$text"; done
never bob "[DM from"

# The position of what carol has seen (her own echo counts) is on disk, per server and nickname.
type_line carol "quiet in here"
wait_for carol "[carol]: quiet in here"
# (written by the client's reader thread just after it hands the line over: polled like a screen)
deadline=$((SECONDS + 15))
until ls "$tmp"/carol/.local/state/chatcore/*/carol.position >/dev/null 2>&1; do
  [ $SECONDS -lt $deadline ] || fail "carol keeps no resume position"
  sleep 0.1
done

# Ctrl-C leaves and restores the terminal.
tm send-keys -t carol C-c
wait_for carol "[chat exited 0]"
never carol "chatcore | "


# Editing keys as tmux sends them, under two TERMs whose terminfo differ (tmux sends Home as
# ESC [ 1 ~, which xterm's terminfo calls nothing); an unknown sequence and an unbound Alt-key
# leave no text behind.
check_keys() {
  local term=$1 nick=$2
  tm new-session -d -s keys -x 100 -y 30 -c "$tmp" \
    "trap true INT; HOME='$tmp/keys' XDG_CONFIG_HOME= XDG_STATE_HOME= LANG=C.UTF-8 TERM=$term '$chat' --server $addr --nick $nick --guest; echo \"[chat exited \$?]\"; sleep 600"
  wait_for keys "$nick @ $addr (chatd) | connected | lobby"
  tm send-keys -t keys -l "world"
  tm send-keys -t keys Home
  tm send-keys -t keys -l "hello "
  tm send-keys -t keys End
  tm send-keys -t keys -l "!"
  wait_for keys "[lobby] hello world!"
  tm send-keys -t keys M-b
  tm send-keys -t keys -l "big "
  tm send-keys -t keys C-Left C-Left
  tm send-keys -t keys -l ">"
  tm send-keys -t keys C-Right M-BSpace End C-y
  tm send-keys -t keys -l $'\e[99~'
  tm send-keys -t keys M-z Home DC C-d
  wait_for keys "[lobby] big world!hello"
  tm send-keys -t keys C-Right C-k C-Left C-y
  tm send-keys -t keys -l "."
  wait_for keys "[lobby]  world!hello.big"
  for text in "[99~" "1~"; do never keys "$text"; done
  tm send-keys -t keys C-c
  wait_for keys "[chat exited 0]"
  tm kill-session -t keys
}
mkdir -p "$tmp/keys"
check_keys xterm-256color dave
check_keys screen-256color erin

# A server restart: alice has half a line typed. Both see the shutdown and reconnect by
# themselves; they come back in #general, and alice's draft is still in her input line.
tm send-keys -t alice -l "draft kept 초안"
kill -TERM "$chatd_pid"
for who in alice bob; do
  wait_for $who "!! the server is shutting down"
  wait_for $who "| reconnecting (retry in"
done
wait "$chatd_pid"
start_chatd "$addr" 2
for who in alice bob; do
  wait_for $who "back in #general"
  wait_for $who "$who @ $addr (chatd) | connected | #general"
done
wait_for alice "[#general] draft kept 초안"
wait_for alice ">2 #general"
type_line bob "after the restart"
wait_for alice "[bob]: after the restart"
tm send-keys -t alice Enter
wait_for bob "[alice]: draft kept 초안"
never alice "[chat exited"
# A 2 000-character message of wide characters, ZWJ families and flags, then 26 pages up:
# what curses believes is on the screen must be what the terminal shows, so a full repaint
# (Ctrl-L) changes nothing. (Before, clusters measured differently by the two shifted rows on
# the terminal and left stale fragments until Ctrl-L.)
words=("lorem" "안녕하세요" "😀" "👨‍👩‍👧" "🇰🇷" "❤️" "$(printf 'x%.0s' {1..70})" "dolor")
long=""
for i in $(seq 0 159); do long+="${words[i % 8]} "; done
type_line bob "${long}end-of-long"
wait_for alice "end-of-long"
for i in $(seq 1 26); do tm send-keys -t alice PPage; done
# keys are handled in order: once the "." typed after them shows, so does their frame
tm send-keys -t alice -l "."
wait_for alice "[#general] ."
wait_for alice "-- scrolled up; End returns to live --"
tm capture-pane -p -t alice >"$tmp/scrolled.txt"
tm send-keys -t alice C-l
tm send-keys -t alice -l ","
wait_for alice "[#general] .,"
tm capture-pane -p -t alice | sed 's/^\[#general\] \.,$/[#general] ./' >"$tmp/repainted.txt"
cmp -s "$tmp/scrolled.txt" "$tmp/repainted.txt" || {
  diff "$tmp/scrolled.txt" "$tmp/repainted.txt"
  fail "the screen after scrolling differs from a full repaint"
}
grep -qF "🇰🇷" "$tmp/scrolled.txt" || fail "no flag on the scrolled screen"
never alice "end-of-long"
tm send-keys -t alice C-u End
wait_for alice "end-of-long"
# The mouse wheel (as the terminal reports it: X10 mouse, button 64 up / 65 down) scrolls
# three lines a notch, and back down to live; nothing of it is typed.
for i in 1 2; do tm send-keys -t alice -l $'\e[M`!!'; done
wait_for alice "-- scrolled up; End returns to live --"
for i in 1 2; do tm send-keys -t alice -l $'\e[Ma!!'; done
tm send-keys -t alice -l "w"
wait_for alice "[#general] w"
never alice "-- scrolled up; End returns to live --"
tm send-keys -t alice C-u

# Tab completes a nickname at the start of a line (as a reply) and a command.
tm send-keys -t bob -l "al"
tm send-keys -t bob Tab
wait_for bob "[#general] alice:"
tm send-keys -t bob -l "tab works"
tm send-keys -t bob Enter
wait_for alice "[bob]: alice: tab works"
tm send-keys -t bob -l "/wh"
tm send-keys -t bob Tab
wait_for bob "[#general] /who"
tm send-keys -t bob C-u

# /ignore hides bob's room lines and DMs from alice only (no DM buffer opens); bob's /topic
# after them is a fence: once alice sees it, she has been sent both. /unignore shows him again.
type_line alice "/ignore bob"
wait_for alice "ignoring bob: their messages and DMs are hidden here"
type_line bob "ignored room line"
type_line bob "/dm alice ignored dm"
type_line bob "/topic after the ignored lines"
wait_for alice "bob set the topic: after the ignored lines"
never alice "ignored room line"
never alice "ignored dm"
type_line alice "/ignore"
wait_for alice "ignoring bob"
type_line alice "/unignore bob"
wait_for alice "no longer ignoring bob"
type_line bob "visible again"
wait_for alice "[bob]: visible again"

# /cancel stops an upload; the server drops what it received. chatd is held (SIGSTOP) while
# the upload starts, so /cancel lands before the file is through; it goes on once resumed.
truncate -s 64M "$tmp/bob/big.bin"
kill -STOP "$chatd_pid"
type_line bob "/upload big.bin"
wait_for bob "↑ big.bin"
type_line bob "/cancel"
wait_for bob "cancelling the upload of big.bin"
kill -CONT "$chatd_pid"
wait_for bob "upload of big.bin cancelled; the server keeps nothing of it"
deadline=$((SECONDS + 15))
# chatd sees the call cancelled, or (when the client's half-close wins the race) cut short
# before its declared size or even before its metadata; either way it drops the file
until grep -Eq "upload by .* (cancelled|failed: .* the upload ended (after|before its metadata))" "$tmp/chatd.log"; do
  [ $SECONDS -lt $deadline ] || fail "chatd never logged the cancelled upload"
  sleep 0.1
done
# the server removes its temporary file on its disk pool, just after that line
until [ -z "$(find "$tmp/data" -type f -size +1M)" ]; do
  [ $SECONDS -lt $deadline ] || fail "the cancelled upload left a file on the server"
  sleep 0.1
done
never alice "big.bin"
type_line bob "/cancel"
wait_for bob "/cancel: no transfer is running"

# A bracketed paste of 15 lines (tmux sends it bracketed with -p): held until Enter, then
# paced by the server's flood limit (chatd's default: a burst of 10, then 3 a second), so
# every line arrives and none is marked "(not sent)".
tm set-buffer -b paste "$(for i in $(seq 1 15); do printf 'pasted line %02d\n' "$i"; done)"
tm paste-buffer -p -b paste -t bob
wait_for bob "send 15 lines to #general? Enter/Esc"
never alice "pasted line 01"
tm send-keys -t bob Enter
wait_for alice "[bob]: pasted line 15"
for i in $(seq -w 1 15); do
  tm capture-pane -p -t alice | grep -qF "[bob]: pasted line $i" || fail "alice never saw pasted line $i"
done
never bob "(not sent)"
never bob "not sent:"
# A paste dropped with Esc sends nothing.
tm set-buffer -b paste "$(printf 'dropped one\ndropped two\n')"
tm paste-buffer -p -b paste -t bob
wait_for bob "send 2 lines to #general? Enter/Esc"
tm send-keys -t bob Escape
wait_for bob "paste of 2 lines dropped"
type_line bob "after the dropped paste"
wait_for alice "[bob]: after the dropped paste"
never alice "dropped one"

# /me, /topic, /away and /whois, kept by the server and shown by both.
type_line alice "/me waves"
wait_for bob "* alice waves"
type_line bob "/topic release on friday"
wait_for alice "chatcore | #general (2 members) | release on friday"
wait_for alice "bob set the topic: release on friday"
type_line bob "/away lunch"
wait_for bob "you are away: lunch"
wait_re alice '│ bob \(away\)$'
type_line alice "/whois bob"
wait_for alice "bob (guest): away: lunch; in #general"
type_line alice "/dm bob are you there?"
wait_for alice "bob is away: lunch"
type_line bob "/away"
wait_for bob "you are back"
wait_re alice '│ bob$'

# Settings: /set and /ignore write chat.conf at once, /save adds the server and nickname.
conf="$tmp/alice/.config/chatcore/chat.conf"
type_line alice "/set timestamps off"
wait_for alice "timestamps off"
grep -qx "timestamps = false" "$conf" || fail "/set did not write timestamps = false"
grep -q "^server" "$conf" && fail "/set wrote the server given on the command line"
type_line alice "/ignore carol"
wait_for alice "ignoring carol"
grep -qx 'ignore = \["carol"\]' "$conf" || fail "/ignore did not write the ignore list"
type_line alice "/save"
wait_for alice "saved to $conf"
grep -qx "server = \"$addr\"" "$conf" || fail "/save did not write the server"
grep -qx 'nick = "alice"' "$conf" || fail "/save did not write the nickname"

# Ctrl-C leaves; the terminal is restored.
for who in alice bob; do
  tm send-keys -t $who C-c
  wait_for $who "[chat exited 0]"
done

# chat.conf read at start from $XDG_CONFIG_HOME (a HOME without one): no --server or --nick,
# yet alice is back on the same server; carol still ignored, timestamps off; a flag wins; Alt-J
# bound to the next buffer.
# A key binding for buffer switching, as one writes it by hand, is kept and works.
mkdir -p "$tmp/xdg/chatcore" "$tmp/nohome"
cp "$conf" "$tmp/xdg/chatcore/chat.conf"
echo 'keys = ["M-j next"]' >>"$tmp/xdg/chatcore/chat.conf"
tm new-session -d -s conf -x 100 -y 30 -c "$tmp" \
  "trap true INT; HOME='$tmp/nohome' XDG_CONFIG_HOME='$tmp/xdg' XDG_STATE_HOME= LANG=C.UTF-8 TERM=screen-256color '$chat' --guest --nicklist off; echo \"[chat exited \$?]\"; sleep 600"
sessions="$sessions conf"
wait_for conf "alice @ $addr (chatd) | connected | lobby"
type_line conf "/ignore"
wait_re conf '│-- ignoring carol'
never conf "Nicks ("
type_line conf "/create settings"
wait_for conf "| connected | #settings"
never conf "Nicks ("
tm send-keys -t conf M-j
wait_for conf "| connected | lobby"
tm send-keys -t conf M-j
wait_for conf "| connected | #settings"
grep -qx "nicklist = true" "$tmp/xdg/chatcore/chat.conf" || fail "a flag changed chat.conf"
tm send-keys -t conf C-c
wait_for conf "[chat exited 0]"
# A mistyped key stops chat before the terminal is taken, naming the file and the key.
printf 'nick = "x"\ntimestmaps = off\n' >"$tmp/xdg/chatcore/chat.conf"
XDG_CONFIG_HOME="$tmp/xdg" "$chat" --guest >"$tmp/conf.out" 2>&1 </dev/null
[ $? -eq 2 ] || fail "a broken chat.conf did not stop chat with status 2"
grep -qF "$tmp/xdg/chatcore/chat.conf: INI was not able to parse timestmaps" "$tmp/conf.out" ||
  fail "the error does not name the file and key: $(cat "$tmp/conf.out")"
kill -TERM "$chatd_pid"
wait "$chatd_pid"
chatd_pid=""
echo "PASS"
