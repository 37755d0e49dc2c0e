#!/usr/bin/env bash
# End-to-end test of moderation as the chat client shows it: a server operator (chatd
# --operator with the fingerprint of op's identity, made before chatd starts), ann who creates
# #den (its room operator) and bob. The nick list marks the operators; bob's own /kick is
# refused on a visible line; op mutes bob (his line is refused, with the server's reason) and
# unmutes him; ann locks the topic (bob's /topic is refused), then kicks him: bob's screen
# says so after his #den buffer closed. A MOTD set
# by op reaches everyone's server buffer, and /whois of oneself shows the fingerprint.
# Usage: moderation_e2e.sh CHAT CHATD. Exits 77 (skipped) when tmux is missing.
set -u
command -v tmux >/dev/null || { echo "tmux not installed: skipped"; exit 77; }
command -v sha256sum >/dev/null || { echo "sha256sum not installed: skipped"; exit 77; }
[ $# -eq 2 ] || { echo "usage: $0 CHAT CHATD"; exit 2; }
chat=$(realpath "$1")
chatd=$(realpath "$2")
. "$(dirname "$0")/lib.sh"

# op's identity, so its fingerprint (the hex SHA-256 of the secret) can name the operator.
mkdir -p -m 700 "$tmp/op/.config/chatcore"
head -c 32 /dev/urandom >"$tmp/op/.config/chatcore/identity"
chmod 600 "$tmp/op/.config/chatcore/identity"
fp=$(sha256sum "$tmp/op/.config/chatcore/identity" | cut -c1-64)
chatd_flags="--operator ${fp:0:16}" start_chatd 127.0.0.1:0 1

cols=160  # the server's longer answers on one row beside the nick list
for who in op ann bob; do start_chat; done
for who in op ann bob; do wait_for "$who" "$who @ $addr (chatd) | connected | lobby"; done
wait_for op "-- fingerprint: $fp"
wait_for op "-- you are a server operator here"
wait_for ann "-- fingerprint: "
never ann "a server operator here"

type_line ann "/create den"
wait_for ann "| connected | #den"
type_line bob "/join den"
wait_for bob "you are in #den (2 members)"
type_line op "/join den"
wait_for op "you are in #den (3 members)"
# The nick list, refreshed every few seconds: the server operator, the room's, then bob.
wait_re bob '│ ~op$'
wait_re bob '│ @ann$'
wait_re bob '│ bob$'
tm capture-pane -p -t bob | grep -A3 'Nicks (3)' | sed 's/.*│//' | tr -d ' ' | tr '\n' ' ' |
  grep -qF 'Nicks(3) ~op @ann bob' || fail "the nick list is not ~op, @ann, bob"

# Not an operator: the server's answer, on a visible line.
type_line bob "/kick ann"
wait_for bob "!! /kick ann: only the creator of room 'den' or a server operator may kick there"

# A mute, shown to the room and to bob (in his server buffer too); his line is refused.
type_line op "/mute bob 10m calm down"
wait_re bob "!! op muted you in #den until [0-9-]+ [0-9:]+: calm down"
wait_re ann "-- op muted bob in #den until [0-9-]+ [0-9:]+: calm down"
type_line bob "can I still talk"
wait_for bob "not sent: you are muted in room 'den'"
never ann "can I still talk"
type_line op "/unmute bob"
wait_for bob "op unmuted you in #den"
type_line bob "thanks, I will behave"
wait_for ann "[bob]: thanks, I will behave"

# The room's operator locks the topic: bob's /topic is refused, hers still goes.
type_line ann "/topic -lock"
wait_for bob "-- ann locked the topic of #den: only its operators may set it"
type_line bob "/topic bob was here"
wait_for bob "!! /topic: the topic of #den is locked by its operators"
type_line ann "/topic ann's rules"
wait_for bob "-- ann set the topic: ann's rules"

# The room's operator kicks: bob's #den buffer closes and says why, where he reads now.
type_line ann "/kick bob go away"
wait_for op "-- ann kicked bob from #den: go away"
wait_for bob "!! you are no longer in #den: kicked by ann: go away"
wait_for bob "| connected | lobby"
wait_for bob "!! ann kicked you from #den: go away"

# The MOTD: set by the server operator, seen in every server buffer; ann may not set it.
type_line ann "/motd mine now"
wait_for ann "!! /motd: only a server operator may set the MOTD"
type_line op "/motd Be kind to each other"
wait_for bob "-- op set the message of the day: Be kind to each other"
type_line bob "/motd"
wait_for bob "-- message of the day: Be kind to each other"

# /whois of oneself shows the fingerprint.
type_line op "/whois op"
wait_for op "op: online; in #den; a server operator"
wait_for op "-- fingerprint: $fp"
echo "moderation e2e: ok"
