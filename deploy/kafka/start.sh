#!/usr/bin/env bash
# Start a single-node Kafka broker (KRaft, combined broker+controller, node.id=1) on 127.0.0.1
# as a background JVM, and wait until it is ready.
#
#   start.sh [--port N] [--controller-port N] [--data-dir DIR] [--timeout S] [--owner-pid PID]
#            [--retention-check-ms N]
#
#   --port             client listener port (default 9092)
#   --controller-port  KRaft controller listener port (default 9093)
#   --data-dir         holds everything of this broker: server.properties, kraft-logs/ (the topic data),
#                      logs/server.log, kafka.pid (default deploy/kafka/data)
#   --timeout          seconds to wait for readiness (default 60)
#   --owner-pid        stop the broker when this process dies (used by the test kit)
#   --sasl-ssl         secured broker: one SASL_SSL listener (SCRAM-SHA-512 over TLS, also inter-broker);
#                      a test CA and the broker's keystore are made with keytool in DATA_DIR/tls/; SCRAM users
#                      (the broker's own and "tollgate", password $TOLLGATE_SCRAM_PASSWORD or a random one)
#                      are created when the storage is formatted; clients find their settings in
#                      DATA_DIR/tls/client.properties (mode 600)
#   --retention-check-ms  log.retention.check.interval.ms: how often segments are deleted by retention
#                      (default: the broker's, 5 minutes; CI uses 5000 so a test whose data is older than a
#                      topic's retention fails at once instead of now and then)
#
# Idempotent: if a broker of this data dir is already running and ready, it says so and exits 0.
# An existing formatted data dir is reused (topics survive a restart); delete it for a fresh broker.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=common.sh
source "$here/common.sh"

port=9092
controller_port=9093
data_dir="$here/data"
timeout=60
owner_pid=""
sasl_ssl=false
retention_check_ms=""

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
die() { echo "[kafka/start] ERROR: $*" >&2; exit 1; }
log() { echo "[kafka/start] $*"; }

while (($#)); do
  case "$1" in
    --port) port="${2:?--port needs a value}"; shift 2 ;;
    --controller-port) controller_port="${2:?--controller-port needs a value}"; shift 2 ;;
    --data-dir) data_dir="${2:?--data-dir needs a value}"; shift 2 ;;
    --timeout) timeout="${2:?--timeout needs a value}"; shift 2 ;;
    --owner-pid) owner_pid="${2:?--owner-pid needs a value}"; shift 2 ;;
    --sasl-ssl) sasl_ssl=true; shift ;;
    --retention-check-ms) retention_check_ms="${2:?--retention-check-ms needs a value}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
[[ "$port" =~ ^[0-9]+$ && "$controller_port" =~ ^[0-9]+$ ]] || die "ports must be numbers"
[[ "$port" != "$controller_port" ]] || die "--port and --controller-port must differ"
[[ -z "$retention_check_ms" || "$retention_check_ms" =~ ^[1-9][0-9]*$ ]] \
  || die "--retention-check-ms must be a positive number of milliseconds"

libs="$here/dist/libs"
compgen -G "$libs/kafka_2.13-*.jar" >/dev/null || die "no broker jars in $libs: run $here/fetch.sh first"
java="$(java_bin)" || die "java not found (set JAVA_HOME or put java on PATH)"

mkdir -p "$data_dir"
data_dir="$(cd "$data_dir" && pwd)"
pid_file="$data_dir/kafka.pid"
watchdog_file="$data_dir/watchdog.pid"
logs_dir="$data_dir/logs"
server_log="$logs_dir/server.log"
out_file="$logs_dir/kafka.out"
props="$data_dir/server.properties"
# unique marker on the JVM's command line, so stop.sh never signals an unrelated process
marker="-Dtollgate.kafka.data.dir=$data_dir"

tail_logs() {
  echo "----- last lines of $server_log -----" >&2
  tail -n 40 "$server_log" 2>/dev/null >&2 || true
  echo "----- last lines of $out_file -----" >&2
  tail -n 20 "$out_file" 2>/dev/null >&2 || true
}

if [[ -f "$pid_file" ]]; then
  old="$(cat "$pid_file")"
  if pid_matches "$old" "$marker"; then
    if port_open "$port" && grep -q "Kafka Server started" "$server_log" 2>/dev/null; then
      log "already running (pid $old) on 127.0.0.1:$port"
      exit 0
    fi
    die "a broker of $data_dir is running (pid $old) but not ready on port $port; run stop.sh --data-dir $data_dir"
  fi
  rm -f "$pid_file"
fi
port_open "$port" && die "port $port on 127.0.0.1 is already in use"
port_open "$controller_port" && die "controller port $controller_port on 127.0.0.1 is already in use"

mkdir -p "$logs_dir" "$data_dir/kraft-logs"
listeners="PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port"
advertised="PLAINTEXT://127.0.0.1:$port"
inter_broker=PLAINTEXT
protocol_map="PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
scram_args=()
if $sasl_ssl; then
  tls="$data_dir/tls"
  keytool="$(dirname "$java")/keytool"
  [[ -x "$keytool" ]] || die "keytool not found next to $java"
  mkdir -p "$tls"
  chmod 700 "$tls"
  if [[ ! -f "$tls/secrets.env" ]]; then
    # passwords stay in this dir (mode 600); keytool reads them from the environment, not the command line
    {
      echo "TLS_PASS=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
      echo "BROKER_USER=broker"
      echo "BROKER_PASS=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
      echo "CLIENT_USER=tollgate"
      echo "CLIENT_PASS=${TOLLGATE_SCRAM_PASSWORD:-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')}"
    } >"$tls/secrets.env"
    chmod 600 "$tls/secrets.env"
  fi
  # shellcheck disable=SC1091
  source "$tls/secrets.env"
  if [[ ! -f "$tls/server.p12" ]]; then
    log "making a test CA and the broker's keystore in $tls ..."
    export TOLLGATE_KEYTOOL_PASS="$TLS_PASS"
    kt() { "$keytool" "$@" -storepass:env TOLLGATE_KEYTOOL_PASS >>"$logs_dir/keytool.out" 2>&1 \
      || { cat "$logs_dir/keytool.out" >&2; die "keytool $1 failed"; }; }
    kt -genkeypair -alias ca -keyalg EC -groupname secp256r1 -dname "CN=Tollgate Test CA" -ext bc:c \
      -validity 30 -keystore "$tls/ca.p12" -storetype PKCS12 -keypass:env TOLLGATE_KEYTOOL_PASS
    kt -exportcert -alias ca -keystore "$tls/ca.p12" -rfc -file "$tls/ca.pem"
    kt -importcert -noprompt -alias ca -file "$tls/ca.pem" -keystore "$tls/truststore.p12" -storetype PKCS12
    kt -genkeypair -alias server -keyalg EC -groupname secp256r1 -dname "CN=localhost" -validity 30 \
      -keystore "$tls/server.p12" -storetype PKCS12 -keypass:env TOLLGATE_KEYTOOL_PASS
    kt -certreq -alias server -keystore "$tls/server.p12" -file "$tls/server.csr"
    kt -gencert -alias ca -keystore "$tls/ca.p12" -infile "$tls/server.csr" -outfile "$tls/server.pem" -rfc \
      -ext "SAN=dns:localhost,ip:127.0.0.1" -validity 30
    kt -importcert -noprompt -alias ca -file "$tls/ca.pem" -keystore "$tls/server.p12"
    kt -importcert -alias server -file "$tls/server.pem" -keystore "$tls/server.p12"
    unset TOLLGATE_KEYTOOL_PASS
  fi
  jaas() { echo "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"$1\" password=\"$2\";"; }
  (
    umask 077
    cat >"$tls/client.properties" <<CLIENT
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=$(jaas "$CLIENT_USER" "$CLIENT_PASS")
ssl.truststore.location=$tls/truststore.p12
ssl.truststore.password=$TLS_PASS
ssl.truststore.type=PKCS12
CLIENT
  )
  listeners="SASL_SSL://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port"
  advertised="SASL_SSL://127.0.0.1:$port"
  inter_broker=SASL_SSL
  protocol_map="SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT"
  scram_args=(--add-scram "SCRAM-SHA-512=[name=$BROKER_USER,password=$BROKER_PASS]"
              --add-scram "SCRAM-SHA-512=[name=$CLIENT_USER,password=$CLIENT_PASS]")
fi
umask_old="$(umask)"
umask 077   # server.properties holds passwords when secured
cat >"$props" <<PROPS
# generated by deploy/kafka/start.sh: dev broker, single node, KRaft combined mode
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=$listeners
advertised.listeners=$advertised
controller.listener.names=CONTROLLER
inter.broker.listener.name=$inter_broker
listener.security.protocol.map=$protocol_map
log.dirs=$data_dir/kraft-logs
num.partitions=1
default.replication.factor=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
log.retention.hours=168
PROPS
if $sasl_ssl; then
  cat >>"$props" <<PROPS
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=$(jaas "$BROKER_USER" "$BROKER_PASS")
ssl.keystore.location=$tls/server.p12
ssl.keystore.password=$TLS_PASS
ssl.key.password=$TLS_PASS
ssl.keystore.type=PKCS12
ssl.truststore.location=$tls/truststore.p12
ssl.truststore.password=$TLS_PASS
ssl.truststore.type=PKCS12
ssl.client.auth=none
PROPS
fi
umask "$umask_old"
if [[ -n "$retention_check_ms" ]]; then
  echo "log.retention.check.interval.ms=$retention_check_ms" >>"$props"
fi

jvm_opts=(
  -Xmx512m -Xms256m
  -XX:+UseG1GC -XX:MaxGCPauseMillis=20
  -Djava.awt.headless=true
  "-Dlog4j2.configurationFile=$here/log4j2.xml"
  "-Dkafka.logs.dir=$logs_dir"
  "$marker"
)

if [[ ! -f "$data_dir/kraft-logs/meta.properties" ]]; then
  # a Kafka Uuid: 16 random bytes, base64url without padding (not starting with '-')
  cluster_id=""
  while [[ -z "$cluster_id" || "$cluster_id" == -* ]]; do
    cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
  done
  log "formatting $data_dir/kraft-logs (cluster id $cluster_id) ..."
  if ! "$java" "${jvm_opts[@]}" -cp "$libs/*" kafka.tools.StorageTool format \
        --config "$props" --cluster-id "$cluster_id" --ignore-formatted ${scram_args[@]+"${scram_args[@]}"} \
        >"$logs_dir/format.out" 2>&1; then
    cat "$logs_dir/format.out" >&2
    die "formatting the storage failed"
  fi
fi

log "starting broker on 127.0.0.1:$port (controller 127.0.0.1:$controller_port, data $data_dir) ..."
start_ts=$SECONDS
rm -f "$server_log"
nohup "$java" "${jvm_opts[@]}" -cp "$libs/*" kafka.Kafka "$props" >"$out_file" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$pid_file"

if [[ -n "$owner_pid" ]]; then
  start_watchdog "$owner_pid" "$pid" "$watchdog_file" "$here/stop.sh" --data-dir "$data_dir" \
    || { "$here/stop.sh" --data-dir "$data_dir" >&2 || true; die "could not start the watchdog"; }
fi

while :; do
  if ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$pid_file"
    tail_logs
    die "the broker exited during startup"
  fi
  if port_open "$port" && grep -q "Kafka Server started" "$server_log" 2>/dev/null; then
    break
  fi
  if (( SECONDS - start_ts >= timeout )); then
    tail_logs
    "$here/stop.sh" --data-dir "$data_dir" >&2 || true
    die "the broker was not ready within ${timeout}s"
  fi
  sleep 0.25
done
log "ready after $((SECONDS - start_ts))s: bootstrap.servers=127.0.0.1:$port (pid $pid, log $server_log)"
if $sasl_ssl; then
  log "SASL_SSL (SCRAM-SHA-512, user $CLIENT_USER): client settings in $tls/client.properties, CA $tls/ca.pem"
fi
