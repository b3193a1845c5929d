#!/bin/sh
# mktsa.sh DIR: makes a test time-stamping authority in DIR for the tests.
#
#	ca.pem, ca.key		a self-signed root CA
#	tsa.pem, tsa.key	the TSA's signing certificate, issued by that
#				CA, extendedKeyUsage critical timeStamping
#	tsa.cnf			config for "openssl ts -reply" (policy
#				1.2.3.4.1, SHA-256, serial file in DIR, the
#				signer certificate included in the token
#				when the request asks for it)
#	other-ca.pem, .key	an unrelated root CA, for negative tests
#
# Everything is made with the openssl command, so the tokens the tests
# check come from a real TSA implementation, not from our own code.
#
# MKTSA_DAYS sets how long the certificates are valid (3650 days),
# MKTSA_CA_CN and MKTSA_TSA_CN the common names of the CA and the TSA
# ("Custos test ca", "Custos test TSA").
set -eu
[ $# -eq 1 ] || { echo "usage: mktsa.sh DIR" >&2; exit 2; }
days=${MKTSA_DAYS:-3650}
d=$1
mkdir -p "$d"
cd "$d"

# The EC keys keep key generation fast; a test suite makes many of these.
ossl() {
	openssl "$@" 2>ossl.err || { cat ossl.err >&2; exit 1; }
}

cat >ext.cnf <<'EOC'
[req]
distinguished_name = dn
prompt = no

[dn]

[ca_ext]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[tsa_ext]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOC

for ca in ca other-ca; do
	cn="Custos test $ca"
	[ "$ca" = ca ] && cn=${MKTSA_CA_CN:-$cn}
	ossl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
	    -nodes -keyout "$ca.key" -out "$ca.pem" -days "$days" \
	    -subj "/O=Custos test/CN=$cn" -config ext.cnf -extensions ca_ext
done

ossl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout tsa.key -out tsa.csr \
    -subj "/O=Custos test/CN=${MKTSA_TSA_CN:-Custos test TSA}" \
    -config ext.cnf
ossl x509 -req -in tsa.csr -CA ca.pem -CAkey ca.key -set_serial 2 \
    -days "$days" -extfile ext.cnf -extensions tsa_ext -out tsa.pem
rm -f tsa.csr ossl.err ext.cnf
echo 01 >tsaserial

# ess_cert_id_chain stays off: with certs = tsa.pem it would list the
# signer twice, and OpenSSL 3.0 then rejects the token ("ess cert id
# wrong order").  The signer certificate is in the token all the same.

cat >tsa.cnf <<EOC
[ tsa ]
default_tsa = tsa_config

[ tsa_config ]
dir = $(pwd)
serial = \$dir/tsaserial
crypto_device = builtin
signer_cert = \$dir/tsa.pem
certs = \$dir/tsa.pem
signer_key = \$dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5, 1.2.3.4.6
digests = sha256, sha384, sha512
accuracy = secs:1
clock_precision_digits = 0
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
EOC
