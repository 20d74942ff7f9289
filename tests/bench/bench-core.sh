#!/bin/sh
# National scale: every unit of the shipped list (10,047) with about 64
# observations each, through import -> score -> export; compared with
# sqlite3's own .import and a straightforward Python script.
set -eu
python3 "$DTI_ROOT/tests/bench/core.py" "$DTI_ROOT" "$DTI_BIN" "$DTI_TMP"
rm -rf "$DTI_TMP"
