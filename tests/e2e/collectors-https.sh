#!/bin/sh
# HTTPS against a local server whose certificate a private CA signed (made
# here with openssl): trusted through the source's "ca_file", refused
# without it, refused when the host name does not match; a refused source
# stores nothing.
. "$DTI_ROOT/tests/e2e/lib/collectors.sh"

pki=$T/pki
mkdir -p "$pki"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=dti test CA" \
	-keyout "$pki/ca.key" -out "$pki/ca.pem" 2>/dev/null || fail "cannot make the test CA"
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
	-keyout "$pki/server.key" -out "$pki/server.csr" 2>/dev/null || fail "cannot make the server key"
printf 'subjectAltName = IP:127.0.0.1\n' >"$pki/san.ext"
openssl x509 -req -in "$pki/server.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -CAcreateserial \
	-days 2 -extfile "$pki/san.ext" -out "$pki/server.pem" 2>/dev/null || fail "cannot sign the server certificate"

HTTPD_TLS_CERT=$pki/server.pem HTTPD_TLS_KEY=$pki/server.key
export HTTPD_TLS_CERT HTTPD_TLS_KEY
start_httpd 10
unset HTTPD_TLS_CERT HTTPD_TLS_KEY
SBASE=https://127.0.0.1:$PORT
write_config "[
 $(telecom_block telecom:trusted "$SBASE/feed/ok" ', "ca_file": "pki/ca.pem"'),
 $(telecom_block telecom:untrusted "$SBASE/feed/ok"),
 $(telecom_block telecom:wrong-host "https://localhost:$PORT/feed/ok" ', "ca_file": "pki/ca.pem"'),
 $(telecom_block telecom:no-ca-file "$SBASE/feed/ok" ', "ca_file": "pki/none.pem"')
]"

# Trusted: the figures are stored.
run_collect 10 0 dti-collect-telecom --source telecom:trusted
expect_run "ok|6|24|0|0"
[ "$(sql "select count(*) from observation o join source s on s.id = o.source_id where s.name = 'telecom:trusted'")" = 24 ] ||
	fail "the trusted source's figures were not stored"
good=$(snapshot)

# The system's CAs do not know the private CA: refused, nothing stored.
run_collect 10 1 dti-collect-telecom --source telecom:untrusted
expect_run "failed|0|0|0|0"
expect_error "certificate"
expect_unchanged "$good"

# The certificate is for 127.0.0.1, not localhost: refused.
run_collect 10 1 dti-collect-telecom --source telecom:wrong-host
expect_run "failed|0|0|0|0"
expect_unchanged "$good"

# A CA file that cannot be read is a configuration error.
run_collect 10 3 dti-collect-telecom --source telecom:no-ca-file
grep -q "cannot read the CA file" "$T/err.txt" || fail "no message about the CA file"
expect_unchanged "$good"
echo "all ok"
