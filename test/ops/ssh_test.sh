#!/usr/bin/env bash
# ssh into the box and chat: Debian's sshd on a free 127.0.0.1 port, with a generated host key
# and user key, running the shipped snippet (dist/sshd-chat.conf) for the current user instead
# of "chat". A user logs in under tmux, lands in chat with no shell, and talks to a second
# chat started directly; both screens are checked. Exits 77 when sshd, ssh, tmux or root
# (sshd must be able to switch users) is missing.
# Usage: ssh_test.sh CHAT CHATD SNIPPET
set -u
[ $# -eq 3 ] || { echo "usage: $0 CHAT CHATD SNIPPET"; exit 2; }
for tool in /usr/sbin/sshd ssh ssh-keygen tmux; do
  command -v "$tool" >/dev/null || { echo "$tool not installed: skipped"; exit 77; }
done
[ "$(id -u)" -eq 0 ] || { echo "sshd needs root to log users in: skipped"; exit 77; }
chat=$(realpath "$1") chatd=$(realpath "$2") snippet=$3
me=$(id -un)
tmp=$(mktemp -d)
sock="chat-ssh-$$"
pids=()
cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
tm() { tmux -L "$sock" "$@"; }
fail() {
  echo "FAIL: $*"
  for s in remote other local; do echo "----- screen of $s -----"; tm capture-pane -p -t "$s" 2>/dev/null; done
  echo "----- sshd log -----"; cat "$tmp/sshd.log"
  exit 1
}
# Polls a screen until `text` appears (a screen gives no other signal); 15 s at most.
wait_for() {
  local who=$1 text=$2 deadline=$((SECONDS + 15))
  while [ $SECONDS -lt $deadline ]; do
    tm capture-pane -p -t "$who" 2>/dev/null | grep -qF -- "$text" && return 0
    sleep 0.1
  done
  fail "$who never saw: $text"
}
type_line() { tm send-keys -t "$1" -l -- "$2"; tm send-keys -t "$1" Enter; }
# Waits until `file` contains `pattern` (written by a process we started).
wait_log() {
  local file=$1 pattern=$2 deadline=$((SECONDS + 15))
  until grep -q "$pattern" "$file" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || fail "never logged: $pattern"
    sleep 0.05
  done
}

"$chatd" --listen 127.0.0.1:0 --data-dir "$tmp/data" 2>"$tmp/chatd.log" &
pids+=($!)
wait_log "$tmp/chatd.log" 'listening on'
addr=$(grep -o 'listening on [0-9.]*:[0-9]*' "$tmp/chatd.log" | head -1 | sed 's/listening on //')

ssh-keygen -q -t ed25519 -N '' -f "$tmp/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$tmp/user_key"
ssh-keygen -q -t ed25519 -N '' -f "$tmp/other_key"
cat "$tmp/user_key.pub" "$tmp/other_key.pub" >"$tmp/authorized_keys"
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p /run/sshd
# The shipped snippet, for this user, this chat binary and this chatd.
{
  cat <<CONF
ListenAddress 127.0.0.1:$port
HostKey $tmp/host_key
AuthorizedKeysFile $tmp/authorized_keys
PidFile $tmp/sshd.pid
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
SetEnv XDG_CONFIG_HOME=$tmp/remote/config XDG_STATE_HOME=$tmp/remote/state
CONF
  sed "s|^Match User chat|Match User $me|; s|/usr/bin/chat --server 127.0.0.1:50051|$chat --server $addr --nick viassh|" "$snippet"
} >"$tmp/sshd_config"
grep -q "ForceCommand $chat --server $addr" "$tmp/sshd_config" || fail "the snippet's ForceCommand was not found"
/usr/sbin/sshd -t -f "$tmp/sshd_config" || fail "sshd refuses the config"
/usr/sbin/sshd -D -e -f "$tmp/sshd_config" 2>"$tmp/sshd.log" &
pids+=($!)
wait_log "$tmp/sshd.log" "Server listening on 127.0.0.1 port $port"

# The remote user asks for a shell command; ForceCommand gives chat instead.
ssh_in() {  # SESSION KEY
  tm new-session -d -s "$1" -x 100 -y 30 \
    "ssh -tt -i '$2' -p $port -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR $me@127.0.0.1 'echo SHELL-ACCESS'; echo '[ssh exited]'; sleep 600"
}
ssh_in remote "$tmp/user_key"
tm new-session -d -s local -x 100 -y 30 \
  "XDG_CONFIG_HOME='$tmp/local/config' XDG_STATE_HOME='$tmp/local/state' LANG=C.UTF-8 TERM=screen-256color '$chat' --server $addr --nick local; sleep 600"
wait_for remote "viassh @ $addr (chatd) | connected | lobby"
wait_for local "local @ $addr (chatd) | connected | lobby"
tm capture-pane -p -t remote | grep -q SHELL-ACCESS && fail "the forced command was bypassed"
grep -q "Accepted publickey for $me" "$tmp/sshd.log" || fail "sshd did not log the key login"
# Each side keeps its own identity (they are one Unix user here, which would otherwise be one
# identity, and the second sign-in would take the first one's session over). The ssh session's
# is the key's own (ExposeAuthInfo), named by the key's fingerprint.
fingerprint=$(ssh-keygen -lf "$tmp/user_key.pub" | awk '{print $2}')
wait_for remote "your identity is your ssh key"
wait_for remote "$fingerprint)"
[ "$(ls "$tmp/remote/config/chatcore/ssh"/*.identity | wc -l)" = 1 ] || fail "not one identity per ssh key"
[ -s "$tmp/local/config/chatcore/identity" ] || fail "the local identity is not in its own config dir"
[ -e "$tmp/remote/config/chatcore/identity" ] && fail "the ssh session used the account's identity"

type_line remote "/create porch"
wait_for remote "| connected | #porch"
type_line local "/join porch"
wait_for local "| connected | #porch"
type_line remote "hello from ssh"
wait_for local "hello from ssh"
type_line local "hello back"
wait_for remote "hello back"

# Quitting chat ends the ssh session: there is no shell behind it.
type_line remote "/quit"
wait_for remote "[ssh exited]"
tm kill-session -t remote
type_line local "while you were gone"
wait_for local "[local]: while you were gone"

# Another key on the same account is another person: the nickname is not theirs.
ssh_in other "$tmp/other_key"
wait_for other "nickname taken"
tm send-keys -t other C-c
# The first key again: the same identity, so the nickname, the room and what was missed.
ssh_in remote "$tmp/user_key"
wait_for remote "viassh @ $addr (chatd) | connected"
wait_for remote "#porch"
type_line remote "/join porch"
wait_for remote "(missed) [local]: while you were gone"
type_line remote "/quit"
wait_for remote "[ssh exited]"
echo ok
