#!/bin/sh
# Everything from outside comes out of the report escaped: commune names,
# source names, values' notes, proof links (only http(s) become links), and
# the CSV keeps hostile names intact.
set -eu
V=$DTI_ROOT/tests/fixtures/vectors
T=$DTI_TMP
dti() { "$DTI_BIN/dti" --config "$DTI_ROOT/config/dti.json" --db "$T/dti.db" "$@"; }

dti communes load "$V/communes.csv"
dti import "$V/inputs.csv"
cat > "$T/proofs.csv" <<'CSV'
commune_code,variable,value,proof_url,note
25270,radio_dx_segment,có,javascript:alert(1),"<script>alert('note')</script>"
25270,dx_plan_5year,có,"https://example.org/a?x=1&y=""2""",ghi chú & <i>đậm</i>
25270,infosec_doc,có,JaVaScRiPt:alert(2),x
25270,tslcd_connected,có,"http://example.org/"" onmouseover=""alert(3)",y
25270,dx_staff,có,"data:text/html;base64,PHNjcmlwdD4=",z
CSV
# Such links are refused at import (core-import-hostile.sh) ...
if dti import --source '<img src=x onerror=alert(4)>' "$T/proofs.csv" 2>/dev/null; then
  echo "hostile proof links were accepted at import"; exit 1
fi
# ... but a database may hold them (stored before that check, or by hand):
# the report escapes whatever is stored.  Imported with a harmless link,
# then given the hostile one.
cat > "$T/proofs-ok.csv" <<'CSV'
commune_code,variable,value,proof_url,note
25270,radio_dx_segment,có,https://example.org/1,"<script>alert('note')</script>"
25270,dx_plan_5year,có,https://example.org/2,ghi chú & <i>đậm</i>
25270,infosec_doc,có,https://example.org/3,x
25270,tslcd_connected,có,https://example.org/4,y
25270,dx_staff,có,https://example.org/5,z
CSV
dti import --source '<img src=x onerror=alert(4)>' "$T/proofs-ok.csv"
sqlite3 "$T/dti.db" "UPDATE observation SET proof_url = CASE variable
  WHEN 'radio_dx_segment' THEN 'javascript:alert(1)'
  WHEN 'dx_plan_5year' THEN 'https://example.org/a?x=1&y=\"2\"'
  WHEN 'infosec_doc' THEN 'JaVaScRiPt:alert(2)'
  WHEN 'tslcd_connected' THEN 'http://example.org/\" onmouseover=\"alert(3)'
  WHEN 'dx_staff' THEN 'data:text/html;base64,PHNjcmlwdD4=' END
  WHERE run_id = (SELECT max(id) FROM run)"
# An appraiser's name and reason come from outside too.
obs=$(sqlite3 "$T/dti.db" "SELECT max(id) FROM observation WHERE commune_code = '25270' AND variable = 'dx_plan_annual'")
dti appraise reject "$obs" --by '<script>alert(6)</script>' --reason 'thiếu <img src=y onerror=alert(7)>'
dti score
# A hostile name in the commune table (as if the catalogue had one).
sqlite3 "$T/dti.db" "UPDATE commune SET name = 'Xã <b>\"Độc\"</b> & ''hại'', <script>alert(5)</script>' WHERE code = '25273'"
dti publish --out "$T/out" > /dev/null
R=$T/out/2024/report

for f in "$R"/*.html; do
  for bad in '<script' '<img' '<b>"Độc"' '<i>đậm' 'href="javascript' 'href="JaVaScRiPt' 'href="data:' 'onmouseover="alert'; do
    if grep -qiF "$bad" "$f"; then echo "$(basename "$f"): unescaped '$bad'"; exit 1; fi
  done
done
# The escaped forms are there.
grep -qF 'Xã &lt;b&gt;&quot;Độc&quot;&lt;/b&gt; &amp; &#39;hại&#39;, &lt;script&gt;alert(5)&lt;/script&gt;' "$R/index.html"
grep -qF '&lt;img src=x onerror=alert(4)&gt;' "$R/commune-25270.html"
grep -qF '&lt;script&gt;alert(&#39;note&#39;)&lt;/script&gt;' "$R/commune-25270.html"
grep -qF 'ghi chú &amp; &lt;i&gt;đậm&lt;/i&gt;' "$R/commune-25270.html"
grep -qF 'bị từ chối bởi &lt;script&gt;alert(6)&lt;/script&gt;: thiếu &lt;img src=y onerror=alert(7)&gt;' "$R/commune-25270.html"
# Non-http(s) proofs are shown as text, not links; the https one is a link.
grep -qF 'javascript:alert(1)' "$R/commune-25270.html"
grep -qF 'href="https://example.org/a?x=1&amp;y=&quot;2&quot;"' "$R/commune-25270.html"
n=$(grep -o '<a [^>]*href="[^"]*"' "$R/commune-25270.html" | grep -v 'href="index.html"\|href="data-quality.html"\|href="\.\./\|href="#i' | grep -c . || true)
[ "$n" -eq 1 ] || { echo "expected 1 external link on the commune page, found $n"; grep -o '<a [^>]*>' "$R/commune-25270.html"; exit 1; }
# The SVG charts carry the escaped name too (text and title).
grep -q '<svg id="chart-totals"' "$R/index.html"
grep -c 'Xã &lt;b&gt;&quot;Độc' "$R/index.html" | grep -qv '^[01]$'

# CSV and JSON keep the name exactly.
python3 - "$T/out/2024/wide-2024.csv" "$T/out/2024/dti-2024.json" <<'PY'
import csv, json, sys
name = 'Xã <b>"Độc"</b> & \'hại\', <script>alert(5)</script>'
assert name in [r["commune_name"] for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))]
assert name in [c["name"] for c in json.load(open(sys.argv[2], encoding="utf-8"))["communes"]]
PY
echo "hostile strings escaped"
