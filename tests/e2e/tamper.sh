# Tampering with the database is caught: an edited entry by "log verify",
# an edited tree node by the daemon's start-up check.
. "$(dirname "$0")/lib.sh"
write_conf
start_daemon
stop_daemon
DB=$W/state/log.db

step "UPDATE and DELETE are refused by the database"
sqlite3 "$DB" "update entries set data = 'x' where idx = 0" 2>/dev/null &&
    fail "UPDATE on entries succeeded"
sqlite3 "$DB" "delete from checkpoints" 2>/dev/null &&
    fail "DELETE on checkpoints succeeded"

step "an entry changed behind the triggers' back"
cp "$DB" "$W/orig.db"
triggers=$(sqlite3 "$DB" "select name from sqlite_master where type = 'trigger'")
for t in $triggers; do sqlite3 "$DB" "drop trigger $t" || fail "drop $t"; done
sqlite3 "$DB" "update entries set data = replace(data, 'SIGTERM', 'SIGKILL') \
    where idx = 1" || fail "tampering"
out=$("$CUSTOS" -c "$CONF" log verify)
expect_eq "log verify exit on a changed entry" 1 $?
expect_in "log verify message" "NOT VERIFIED" "$out"

step "a tree node changed: custosd refuses to start"
cp "$W/orig.db" "$DB"
rm -f "$DB-wal" "$DB-shm"
triggers=$(sqlite3 "$DB" "select name from sqlite_master where type = 'trigger'")
for t in $triggers; do sqlite3 "$DB" "drop trigger $t" || fail "drop $t"; done
sqlite3 "$DB" "update nodes set hash = zeroblob(32) where id = (select max(id) from nodes)" ||
    fail "tampering"
"$CUSTOSD" -f -c "$CONF" 2>"$W/start.err"
st=$?
[ "$st" -ne 0 ] || fail "custosd started on a tampered log"
expect_in "start error" "start-up check" "$(cat "$W/start.err")"
echo "tamper: ok"
