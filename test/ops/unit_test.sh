#!/usr/bin/env bash
# The systemd unit as systemd itself reads it: `systemd-analyze verify` (with ExecStart
# pointing at the chatd under test), and `systemd-analyze security --offline` keeping the
# exposure score at or below 1.5 (docs/operations.md has the score and its reasons).
# Usage: unit_test.sh CHATD UNIT_TEMPLATE. Exits 77 without systemd-analyze.
set -u
[ $# -eq 2 ] || { echo "usage: $0 CHATD UNIT_TEMPLATE"; exit 2; }
command -v systemd-analyze >/dev/null || { echo "systemd-analyze missing: skipped"; exit 77; }
chatd=$(realpath "$1") template=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s|@bindir@/chatd|$chatd|; s|@sysconfdir@|/etc|" "$template" >"$tmp/chatd.service"
grep -qE '@[a-z]+@' "$tmp/chatd.service" && { echo "FAIL: unsubstituted @ in the unit"; exit 1; }

# The man page is checked once installed (the package CI step); here it is not on MANPATH.
systemd-analyze verify --man=no "$tmp/chatd.service" || { echo "FAIL: verify"; exit 1; }
systemd-analyze security --offline=true --threshold=15 "$tmp/chatd.service" >"$tmp/score" 2>&1 ||
  { cat "$tmp/score"; echo "FAIL: exposure above 1.5"; exit 1; }
grep -o 'Overall exposure level.*' "$tmp/score"
for setting in Type=notify DynamicUser=yes StateDirectory=chatcore ProtectSystem=strict \
    ProtectHome=yes NoNewPrivileges=yes PrivateTmp=yes \
    'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' LimitNOFILE=65536; do
  grep -qxF "$setting" "$tmp/chatd.service" || { echo "FAIL: the unit lacks $setting"; exit 1; }
done
echo ok
