#!/usr/bin/env bash
# "apt install and run", proven: installs the built .debs with apt, checks what they put on
# disk (binaries, man pages, config, unit, sshd snippet), starts the installed chatd as the
# unit would (its ExecStart, config included) and talks to it with the installed chat under
# tmux. Then removes the packages again. Needs root and apt; run by .ci/run after
# scripts/package.
# Usage: package_run.sh DEB_DIR
set -u
[ $# -eq 1 ] || { echo "usage: $0 DEB_DIR"; exit 2; }
debs=$(realpath "$1")
[ "$(id -u)" -eq 0 ] || { echo "installing packages needs root: skipped"; exit 77; }
tmp=$(mktemp -d)
sock="chat-pkg-$$"
chatd_pid=""
cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null
  [ -n "$chatd_pid" ] && kill "$chatd_pid" 2>/dev/null && wait "$chatd_pid" 2>/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq chatd chat libchatcore-dev libchatcore0 \
    >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  tmux -L "$sock" capture-pane -p -t user 2>/dev/null
  [ -f "$tmp/chatd.log" ] && cat "$tmp/chatd.log"
  exit 1
}

DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  -o DPkg::Lock::Timeout=600 "$debs"/*.deb >"$tmp/apt.log" 2>&1 || { cat "$tmp/apt.log"; fail "apt-get install"; }
for f in /usr/bin/chatd /usr/bin/chat /etc/chatcore/chatd.conf /lib/systemd/system/chatd.service \
    /usr/share/chatcore/sshd-chat.conf /usr/include/chatcore/server.h; do
  [ -e "$f" ] || fail "$f is not installed"
done
man -w chatd >/dev/null && man -w chat >/dev/null || fail "man pages not found by man"
pkg-config --exists chatcore || fail "pkg-config does not find chatcore"
version=$(dpkg-query -W -f='${Version}' chatd)
/usr/bin/chatd --version | grep -q "^chatd ${version%-*}$" || fail "chatd --version is not $version"
/usr/bin/chat --version | grep -q "^chat ${version%-*}$" || fail "chat --version is not $version"
# Now the man page exists, the unit verifies in full.
systemd-analyze verify /lib/systemd/system/chatd.service || fail "the installed unit does not verify"

# The unit's own command line, plus a free port and a scratch data dir (flags win over the
# config file, which points at the unit's state directory: a database left there by an
# earlier install must not decide who owns the test's nickname).
exec_start=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/chatd.service)
$exec_start --listen 127.0.0.1:0 --data-dir "$tmp/data" 2>"$tmp/chatd.log" &
chatd_pid=$!
deadline=$((SECONDS + 15))
until grep -q 'listening on' "$tmp/chatd.log"; do
  [ $SECONDS -lt $deadline ] && kill -0 "$chatd_pid" 2>/dev/null || fail "the installed chatd did not start"
  sleep 0.05
done
addr=$(grep -o 'listening on [0-9.]*:[0-9]*' "$tmp/chatd.log" | head -1 | sed 's/listening on //')

tmux -L "$sock" new-session -d -s user -x 100 -y 30 \
  "HOME='$tmp' XDG_CONFIG_HOME= XDG_STATE_HOME= LANG=C.UTF-8 TERM=screen-256color /usr/bin/chat --server $addr --nick packaged; sleep 600"
deadline=$((SECONDS + 15))
until tmux -L "$sock" capture-pane -p -t user | grep -qF "packaged @ $addr (chatd) | connected | lobby"; do
  [ $SECONDS -lt $deadline ] || fail "the installed chat did not connect"
  sleep 0.1
done
tmux -L "$sock" send-keys -t user -l "/create shipped"
tmux -L "$sock" send-keys -t user Enter
deadline=$((SECONDS + 15))
until tmux -L "$sock" capture-pane -p -t user | grep -qF "| connected | #shipped"; do
  [ $SECONDS -lt $deadline ] || fail "the installed chat could not create a room"
  sleep 0.1
done
kill -TERM "$chatd_pid"
wait "$chatd_pid" || fail "the installed chatd did not stop cleanly"
chatd_pid=""
echo "ok: installed $(ls "$debs"/*.deb | wc -l) packages, chatd and chat ran"
