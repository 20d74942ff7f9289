#!/bin/sh
# Rule kinds are one table (lib/rule_kinds.c, and advice's own table in
# scorer/advice.c indexed by the same enum): no other code names a kind,
# so no switch on the kind (its case labels would name kinds) can be left
# behind when a kind is added.
set -eu
cd "$DTI_ROOT"
left=$(grep -rnE 'RULE_(YESNO|TIER|COUNT_TIERS|RATIO|RATIO_THRESHOLD|RATIO_FLOOR|CROSS_COMMUNE)\b' \
	--include='*.c' --include='*.h' lib scorer dti collectors web 2>/dev/null |
	grep -v '^lib/rule_kinds\.c:' | grep -v '^lib/framework\.h:' |
	grep -vE '^scorer/advice\.c:[0-9]+:	\[RULE_[A-Z_]+\] = advise_[a-z_]+,$' || true)
if [ -n "$left" ]; then
	echo "rule kinds named outside the tables:" >&2
	echo "$left" >&2
	exit 1
fi
echo "rule kinds: one table"
