#!/bin/sh
# mkcerts.sh DIR [SERIAL...]: a throw-away PKI for TLS tests, made with
# the openssl command line only.
#
#   DIR/ca.pem, ca.key          the CA that issues camera certificates
#   DIR/server.pem, server.key  the station: SAN 127.0.0.1, ::1, localhost
#   DIR/<SERIAL>.pem, .key      a camera: subject CN=<SERIAL>, clientAuth
#   DIR/expired.pem, .key       CN=<first SERIAL>, valid 2020-01-01 to
#                               2020-01-02 (backdated with "openssl ca")
#   DIR/revoked.pem, .key       CN=<first SERIAL>, revoked in crl.pem
#   DIR/crl.pem                 the CA's CRL
#   DIR/rogue-ca.pem, rogue.pem, rogue.key   another CA and a camera
#                               certificate (CN=<first SERIAL>) from it
#
# Keys are EC P-256: quick to make.  Exits non-zero on any failure.
set -eu
[ $# -ge 1 ] || { echo "usage: mkcerts.sh DIR [SERIAL...]" >&2; exit 2; }
D=$1
shift
[ $# -ge 1 ] || set -- CAM0001
FIRST=$1
mkdir -p "$D/ca.db"
: >"$D/ca.db/index.txt"
echo 1000 >"$D/ca.db/serial"
echo 1000 >"$D/ca.db/crlnumber"
cat >"$D/ca.cnf" <<EOF
[ca]
default_ca = test_ca
[test_ca]
dir = $D/ca.db
database = \$dir/index.txt
serial = \$dir/serial
crlnumber = \$dir/crlnumber
new_certs_dir = \$dir
certificate = $D/ca.pem
private_key = $D/ca.key
default_md = sha256
default_days = 3650
default_crl_days = 3650
policy = any
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
[camera]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, IP:::1, DNS:localhost
EOF

key() {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$1" 2>/dev/null
}

# sign NAME CN EXTENSIONS [openssl ca options...]
sign() {
	n=$1 cn=$2 ext=$3
	shift 3
	key "$D/$n.key"
	openssl req -new -key "$D/$n.key" -subj "/CN=$cn" -out "$D/$n.csr"
	openssl ca -batch -notext -config "$D/ca.cnf" -extensions "$ext" \
	    -in "$D/$n.csr" -out "$D/$n.pem" "$@" 2>/dev/null
	rm -f "$D/$n.csr"
}

key "$D/ca.key"
openssl req -x509 -new -key "$D/ca.key" -subj "/CN=Custos test camera CA" \
    -days 3650 -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$D/ca.pem"
sign server localhost server
for s in "$@"; do
	sign "$s" "$s" camera
done
sign expired "$FIRST" camera -startdate 20200101000000Z \
    -enddate 20200102000000Z
sign revoked "$FIRST" camera
openssl ca -config "$D/ca.cnf" -revoke "$D/revoked.pem" 2>/dev/null
openssl ca -config "$D/ca.cnf" -gencrl -out "$D/crl.pem" 2>/dev/null

# A certificate for the right serial from a CA the station does not trust.
key "$D/rogue-ca.key"
openssl req -x509 -new -key "$D/rogue-ca.key" -subj "/CN=Rogue CA" \
    -days 3650 -out "$D/rogue-ca.pem"
key "$D/rogue.key"
openssl req -new -key "$D/rogue.key" -subj "/CN=$FIRST" |
    openssl x509 -req -CA "$D/rogue-ca.pem" -CAkey "$D/rogue-ca.key" \
    -set_serial 7 -days 3650 -out "$D/rogue.pem" 2>/dev/null
chmod 0600 "$D"/*.key
