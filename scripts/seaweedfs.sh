#!/usr/bin/env bash
# Starts the private SeaweedFS server whose S3 API the artifact store's tests (and a local
# several-worker setup) use, building the pinned version into .tools/ first when it is missing:
# SeaweedFS ships as a Go module, and `go install` refuses it (its go.mod has replace
# directives), so it is built inside its downloaded module. The build takes about 4 CPU-minutes
# and 2 GB of memory, once. Idempotent: a second run finds the server up and only prints its URL.
# The server keeps its data in .data/seaweedfs and is left running; it listens on 127.0.0.1 only.
# Prints the store URL to use as MARKETOPS_ARTIFACT_STORE, with the test credentials below.
# `seaweedfs.sh --stop` stops this checkout's server (npm test does, once its tests are done, so
# no fresh clone leaves a server of its own behind).
set -euo pipefail
cd "$(dirname "$0")/.."

SEAWEEDFS_MODULE=github.com/seaweedfs/seaweedfs
SEAWEEDFS_VERSION=v0.0.0-20261109003541-7506e5f91cd6 # weed 4.53
BUCKET=marketops-test
# The test server's own credentials (test/artifacts/s3-server.ts uses the same): loopback only.
ACCESS_KEY=marketops-test
SECRET_KEY=marketops-test-secret

TOOLS="$PWD/.tools"
WEED="$TOOLS/seaweedfs-$SEAWEEDFS_VERSION/weed"
DATA="$PWD/.data/seaweedfs"
mkdir -p "$DATA"

if [[ "${1:-}" == "--stop" ]]; then
  PID=$(cat "$DATA/server.pid" 2>/dev/null || true)
  [[ -n "$PID" ]] || exit 0
  # setsid made it a process group: stop the group, and kill what has not stopped in 5 s.
  kill -TERM -- "-$PID" 2>/dev/null || true
  for _ in $(seq 1 10); do kill -0 -- "-$PID" 2>/dev/null || break; sleep 0.5; done
  kill -KILL -- "-$PID" 2>/dev/null || true
  rm -f "$DATA/server.pid" "$DATA/s3.port"
  exit 0
fi

if [[ -n "${SEAWEEDFS_WEED_PATH:-}" ]]; then
  [[ -x "$SEAWEEDFS_WEED_PATH" ]] || { echo "seaweedfs.sh: SEAWEEDFS_WEED_PATH $SEAWEEDFS_WEED_PATH is not an executable file; fix it." >&2; exit 1; }
  WEED=$SEAWEEDFS_WEED_PATH
elif [[ ! -x "$WEED" ]]; then
  command -v go >/dev/null || { echo "seaweedfs.sh: building SeaweedFS needs Go; install it (apt-get install golang) or set SEAWEEDFS_WEED_PATH." >&2; exit 1; }
  echo "seaweedfs.sh: building SeaweedFS $SEAWEEDFS_VERSION into .tools/ (a few minutes, once)" >&2
  SOURCE=$(go mod download -json "$SEAWEEDFS_MODULE@$SEAWEEDFS_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [[ -d "$SOURCE" ]] || { echo "seaweedfs.sh: go mod download gave no source folder for $SEAWEEDFS_MODULE@$SEAWEEDFS_VERSION; check the Go proxy settings." >&2; exit 1; }
  mkdir -p "$(dirname "$WEED")"
  (cd "$SOURCE" && go build -trimpath -ldflags='-s -w' -o "$WEED.partial" ./weed)
  mv "$WEED.partial" "$WEED"
fi

s3_answers() { [[ -n "${1:-}" ]] && curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$1/"; }
url_of() { echo "s3://$BUCKET/artifacts?endpoint=http://127.0.0.1:$1"; }

# Up already (this checkout's server, or one left by an earlier run): reuse it.
PORT=$(cat "$DATA/s3.port" 2>/dev/null || true)
if s3_answers "$PORT"; then url_of "$PORT"; exit 0; fi

# Eight free ports: master, volume, filer and S3, each with its gRPC port.
read -r -a P <<<"$(python3 -c '
import socket
socks = [socket.socket() for _ in range(8)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))')"

cat >"$DATA/s3.json" <<JSON
{"identities": [{"name": "marketops-test",
  "credentials": [{"accessKey": "$ACCESS_KEY", "secretKey": "$SECRET_KEY"}],
  "actions": ["Admin", "Read", "List", "Tagging", "Write"]}]}
JSON

# As many volumes as the disk holds (the default 8 runs out: a bucket grows 7 at a time), and the
# space of deleted test objects reclaimed within minutes.
echo "seaweedfs.sh: starting SeaweedFS with S3 on 127.0.0.1:${P[6]}" >&2
setsid "$WEED" server -dir="$DATA" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
  -master.port="${P[0]}" -master.port.grpc="${P[1]}" -volume.port="${P[2]}" -volume.port.grpc="${P[3]}" \
  -filer -filer.port="${P[4]}" -filer.port.grpc="${P[5]}" \
  -s3 -s3.port="${P[6]}" -s3.port.grpc="${P[7]}" -s3.port.iceberg=0 -s3.port.lance=0 -s3.config="$DATA/s3.json" \
  -master.volumeSizeLimitMB=256 -volume.max=0 -master.garbageThreshold=0.1 -master.vacuumIntervalSeconds=60 \
  >"$DATA/server.log" 2>&1 </dev/null &
echo "$!" >"$DATA/server.pid"

# Ready once S3 answers and the master can place a write (a volume server has joined it).
for _ in $(seq 1 120); do
  if s3_answers "${P[6]}" && curl -s --max-time 2 "http://127.0.0.1:${P[0]}/dir/assign" | grep -q '"fid"'; then
    echo "${P[6]}" >"$DATA/s3.port"
    url_of "${P[6]}"
    exit 0
  fi
  sleep 0.5
done
echo "seaweedfs.sh: SeaweedFS did not answer within 60 s; see .data/seaweedfs/server.log." >&2
exit 1
