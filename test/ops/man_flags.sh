#!/usr/bin/env bash
# The man page and --help list the same flags: PROGRAM's --help against the option entries of
# its built man page (a term line followed by an indented paragraph, as scdoc writes them).
# Usage: man_flags.sh PROGRAM MANPAGE
set -u
[ $# -eq 2 ] || { echo "usage: $0 PROGRAM MANPAGE"; exit 2; }
program=$1 page=$2

help_flags=$("$program" --help | grep -oE '^ +(-[A-Za-z], ?)?--[a-z0-9-]+' |
  grep -oE -- '--[a-z0-9-]+' | sort -u)
man_flags=$(awk '/^\.RS 4$/ { print prev } { prev = $0 }' "$page" |
  grep -oE '\\fB--[a-z0-9-]+\\fR' | grep -oE -- '--[a-z0-9-]+' | sort -u)

[ -n "$help_flags" ] || { echo "FAIL: no flags found in $program --help"; exit 1; }
[ -n "$man_flags" ] || { echo "FAIL: no option entries found in $page"; exit 1; }
undocumented=$(comm -23 <(echo "$help_flags") <(echo "$man_flags"))
stale=$(comm -13 <(echo "$help_flags") <(echo "$man_flags"))
status=0
if [ -n "$undocumented" ]; then
  echo "FAIL: in --help but not in $(basename "$page"):" $undocumented
  status=1
fi
if [ -n "$stale" ]; then
  echo "FAIL: in $(basename "$page") but not in --help:" $stale
  status=1
fi
[ $status -eq 0 ] && echo "ok: $(echo "$help_flags" | wc -l) flags in both"
exit $status
