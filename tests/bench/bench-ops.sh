#!/bin/sh
# Operations: a nightly run of the sample district (first run, then a rerun
# where nothing changed), `dti status`, and on a database of ~100,000
# observations: `dti backup` (VACUUM INTO + quick_check) and the
# unchanged-input check of `dti score --if-changed`.
set -eu
R=$DTI_ROOT
dep=$DTI_TMP/dep
mkdir -p "$dep"
cp -R "$R/config" "$dep/config"
cp -R "$R/samples" "$dep/samples"
cfg=$dep/config/dti.json
ms() { echo $((($(date +%s%N) - $1) / 1000000)); }

t=$(date +%s%N)
DTI_BIN=$DTI_BIN sh "$R/cron/dti-nightly" --config "$cfg" 2>/dev/null || true
echo "nightly, sample district, first run:        $(ms "$t") ms"
t=$(date +%s%N)
DTI_BIN=$DTI_BIN sh "$R/cron/dti-nightly" --config "$cfg" 2>/dev/null || true
echo "nightly, sample district, nothing changed:  $(ms "$t") ms"
t=$(date +%s%N)
"$DTI_BIN/dti" --config "$cfg" status >/dev/null || true
echo "dti status:                                 $(ms "$t") ms"

# ~100,000 observations: 20 imports of 25 years x 11 communes x 18 values.
big=$DTI_TMP/big.csv
f=$dep/samples/sheets/statistics-office.csv
{
	head -n 1 "$f" | tr -d '\r' | sed 's/^commune_code,commune_name,/commune_code,commune_name,year,/'
	for y in $(seq 2000 2024); do
		tail -n +2 "$f" | tr -d '\r' | awk -F, -v OFS=, -v y="$y" '{ $2 = $2 "," y; print }'
	done
} >"$big"
for i in $(seq 1 20); do
	"$DTI_BIN/dti" -q --config "$cfg" import --source "big-$i" "$big"
done
"$DTI_BIN/dti" -q --config "$cfg" score
db=$dep/var/dti.db
obs=$(sqlite3 "$db" "SELECT count(*) FROM observation")
size=$(($(stat -c %s "$db") / 1024))
t=$(date +%s%N)
"$DTI_BIN/dti" -q --config "$cfg" backup --out "$DTI_TMP/backup" >/dev/null
echo "dti backup, $obs observations, ${size} KiB:  $(ms "$t") ms"
t=$(date +%s%N)
"$DTI_BIN/dti" --config "$cfg" score --if-changed 2>/dev/null
echo "dti score --if-changed (unchanged, skipped): $(ms "$t") ms"
t=$(date +%s%N)
"$DTI_BIN/dti" -q --config "$cfg" score
echo "dti score (for comparison):                 $(ms "$t") ms"
rm -rf "$DTI_TMP"
