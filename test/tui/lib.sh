# Shared by the tmux end-to-end tests: a scratch dir, a tmux server of their own, a chatd on a
# port the OS picks, and screen checks. Source it after setting `chat` and `chatd`.
# The caller's `fail` context: the sessions named in $sessions are dumped on failure.
tmp=$(mktemp -d)
sock="chat-e2e-$$"
chatd_pid=""
sessions=""
cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null
  [ -n "$chatd_pid" ] && kill "$chatd_pid" 2>/dev/null && wait "$chatd_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
tm() { tmux -L "$sock" "$@"; }

fail() {
  echo "FAIL: $*"
  for s in $sessions; do
    echo "----- screen of $s -----"
    tm capture-pane -p -t "$s" 2>/dev/null
  done
  echo "----- chatd log -----"
  cat "$tmp/chatd.log"
  exit 1
}

# Polls a screen until grep -$1 (F: a fixed string, E: an extended regular expression) finds
# $3 on the screen of $2 (no other signal exists); gives up after 15 s.
wait_grep() {
  local mode=$1 who=$2 text=$3 deadline=$((SECONDS + 15))
  while [ $SECONDS -lt $deadline ]; do
    tm capture-pane -p -t "$who" 2>/dev/null | grep -q"$mode" -- "$text" && return 0
    sleep 0.1
  done
  fail "$who never saw: $text"
}
wait_for() { wait_grep F "$1" "$2"; }
wait_re() { wait_grep E "$1" "$2"; }
# The screen must not show `text` now.
never() {
  tm capture-pane -p -t "$1" | grep -qF -- "$2" && fail "$1 should not see: $2"
  return 0
}
type_line() { tm send-keys -t "$1" -l -- "$2"; tm send-keys -t "$1" Enter; }

# chatd on $1 (127.0.0.1:0 for a port the OS picks) with its data in $tmp/data and any extra
# flags in $chatd_flags; waits until its log says it listens for the $2-th time and sets `addr`.
start_chatd() {
  # shellcheck disable=SC2086 # the flags are words
  "$chatd" --listen "$1" --data-dir "$tmp/data" ${chatd_flags:-} 2>>"$tmp/chatd.log" &
  chatd_pid=$!
  local deadline=$((SECONDS + 15)) runs
  addr=""
  while [ -z "$addr" ] && [ $SECONDS -lt $deadline ]; do
    runs=$(grep -c 'listening on' "$tmp/chatd.log")
    [ "$runs" -ge "$2" ] &&
      addr=$(grep -o 'listening on [0-9.]*:[0-9]*' "$tmp/chatd.log" | tail -1 | sed 's/listening on //')
    [ -z "$addr" ] && { kill -0 "$chatd_pid" 2>/dev/null || fail "chatd exited"; sleep 0.05; }
  done
  [ -n "$addr" ] || fail "chatd did not report its port"
}

# `chat` as $who in a tmux session of that name, under a shell that stays (so what chat
# prints after restoring the terminal stays on screen, with its exit status), with a home of
# its own ($tmp/$who) for its identity and resume position. Extra flags in $extra; $cols
# columns (default 100).
start_chat() {
  mkdir -p "$tmp/$who"
  tm "$@" new-session -d -s "$who" -x "${cols:-100}" -y 30 -c "$tmp/$who" \
    "trap true INT; HOME='$tmp/$who' XDG_CONFIG_HOME= XDG_STATE_HOME= LANG=C.UTF-8 TERM=screen-256color '$chat' --server $addr --nick $who ${extra:-}; echo \"[chat exited \$?]\"; sleep 600"
  case " $sessions " in *" $who "*) ;; *) sessions="$sessions $who" ;; esac
}
