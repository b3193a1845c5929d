#!/bin/sh
# A real Prometheus server (Debian's prometheus) scrapes a real custosd
# (docs/console.md, "Metrics"): the console over TLS with client
# certificates, and the scrape config of the documentation's example,
# with the certificate of a user of the [roles] metrics group.  Once a
# camera is docked, Prometheus's own query API reports the target up and
# custos_sealed_files_total{source="dock"} at the number of files docked.
# A second job whose certificate names an operator (no metrics role) is
# down, its last scrape refused with 403.  Root only: the certificates'
# CNs name Unix users made for the test.
. "$(dirname "$0")/lib.sh"
root_only "the client certificates name Unix users made for the test"
station_vars

PROMETHEUS=/usr/bin/prometheus
[ -x "$PROMETHEUS" ] || fail "no $PROMETHEUS (scripts/deps.sh installs it)"

tag=pm$$
PROM_PID=
# On any exit Prometheus is stopped, a daemon still running (a failed
# check) killed and waited for, and the users removed.
trap 'stop_prometheus
    [ -n "$DPID" ] && { kill -9 "$DPID"; wait "$DPID"; } 2>/dev/null
    role_users_remove "$tag" metrics operator' EXIT
role_users "$tag" metrics operator

# stop_prometheus: SIGTERM and wait (nothing when none runs).
stop_prometheus() {
	[ -n "$PROM_PID" ] || return 0
	kill -TERM "$PROM_PID" 2>/dev/null
	wait "$PROM_PID" 2>/dev/null
	PROM_PID=
}

# prom_ready: Prometheus answers on its readiness endpoint.
prom_ready() {
	kill -0 "$PROM_PID" 2>/dev/null ||
	    fail "prometheus exited: $(tail -n 20 "$W/prometheus.err")"
	curl -sf -o /dev/null "$PROM_URL/-/ready"
}

# prom_value QUERY: the value of the instant query's single sample, as
# Prometheus's HTTP API answers it (empty when there is no sample).
prom_value() {
	curl -sS --get --data-urlencode "query=$1" "$PROM_URL/api/v1/query" |
	    python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["status"] == "success", d
r = d["data"]["result"]
assert len(r) <= 1, r
print(r[0]["value"][1] if r else "")'
}

# prom_is QUERY WANT: QUERY's sample is WANT.
prom_is() {
	[ "$(prom_value "$1")" = "$2" ]
}

# target JOB FIELD: FIELD of JOB's active target, from /api/v1/targets.
target() {
	curl -sS "$PROM_URL/api/v1/targets?state=active" | python3 -c '
import json, sys
for t in json.load(sys.stdin)["data"]["activeTargets"]:
    if t["labels"]["job"] == sys.argv[1]:
        print(t[sys.argv[2]])' "$1" "$2"
}

# Certificates for the two users; the station's server certificate's
# SAN holds localhost, the server_name of the scrape config.
P=$W/pki
sh "$TSA_TOOLS/mkcerts.sh" "$P" "${tag}_metrics" "${tag}_operator" \
    >/dev/null 2>&1 || fail "mkcerts.sh"
conf_station() {
	conf_web pki
	conf_roles "$tag" metrics operator
}
station_start conf_station
WEB=$(web_url) || fail "no web.listen in the status"
case $WEB in
https://127.0.0.1:[1-9]*) ;;
*) fail "web_url: [$WEB]" ;;
esac

step "Prometheus scrapes the console with the documentation's config"
# docs/console.md's example, for this station: one job with the metrics
# user's certificate, one with the operator's.
job() {	# NAME USER
	cat <<EOY
  - job_name: $1
    scheme: https
    metrics_path: /metrics
    scrape_interval: 1s
    static_configs:
      - targets: ['${WEB#https://}']
    tls_config:
      ca_file: $P/ca.pem
      cert_file: $P/${tag}_$2.pem
      key_file: $P/${tag}_$2.key
      server_name: localhost
EOY
}
mkdir -p "$W/prom"
{ echo "scrape_configs:"; job custos metrics; job custos-operator operator; } \
    >"$W/prom/prometheus.yml"
PROM_URL=http://127.0.0.1:$(free_port)
"$PROMETHEUS" --config.file="$W/prom/prometheus.yml" \
    --storage.tsdb.path="$W/prom/data" \
    --web.listen-address="${PROM_URL#http://}" 2>"$W/prometheus.err" &
PROM_PID=$!
wait_until 30 "prometheus is ready" prom_ready
wait_until 30 'up{job="custos"} is 1' prom_is 'up{job="custos"}' 1
expect_eq "sealed files before docking" 0 \
    "$(prom_value 'custos_sealed_files_total{source="dock"}')"

step "a scrape with the operator's certificate is refused (403)"
wait_until 30 'up{job="custos-operator"} is 0' \
    prom_is 'up{job="custos-operator"}' 0
expect_in "the operator job's last error" "403" \
    "$(target custos-operator lastError)"
expect_eq "the metrics job's last error" "" "$(target custos lastError)"

step "a camera docked: Prometheus sees its files sealed"
N=3
prep_clips CAMP $N
dock_volume CAMP
wait_until 30 "custos_sealed_files_total{source=\"dock\"} is $N" \
    prom_is 'custos_sealed_files_total{source="dock"}' $N
expect_eq "segments in the log" $N "$($DL "$S" segments)"
expect_eq "still up" 1 "$(prom_value 'up{job="custos"}')"

stop_prometheus
stop_daemon
echo "ok prometheus"
