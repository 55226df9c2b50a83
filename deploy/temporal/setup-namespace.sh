#!/bin/sh
# Creates (or updates) the namespace and registers the MarketOps search attributes, idempotently, against any
# cluster: the compose server, a self-hosted one, or Temporal Cloud. The temporal CLI takes its connection from
# TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE, or from an env-config profile (TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE),
# with TEMPORAL_API_KEY or TEMPORAL_TLS_CLIENT_CERT_PATH / TEMPORAL_TLS_CLIENT_KEY_PATH for Cloud.
# On Temporal Cloud the namespace is created in the Cloud console or with tcld; set TEMPORAL_CREATE_NAMESPACE=false
# and this script only checks its retention and registers the search attributes.
#
# Retention: workflow-id uniqueness guards a receipt's one-time use only while Temporal keeps the closed
# workflow, so the worker refuses a namespace retaining less than the receipts' lifetime (24 h by default,
# MARKETOPS_MAX_RECEIPT_AGE_SECONDS) plus 1 h: at least 25 h. 30 days keeps closed runs replayable for audits.
set -eu
namespace=${TEMPORAL_NAMESPACE:-default}
retention=${TEMPORAL_RETENTION:-720h}
create=${TEMPORAL_CREATE_NAMESPACE:-true}
wait_seconds=${TEMPORAL_SETUP_WAIT_SECONDS:-120}

# Retries "$@" every second until it succeeds or wait_seconds pass; $what names it in the message.
retry() {
  waited=0
  until "$@" >/dev/null 2>&1; do
    waited=$((waited + 1))
    if [ "$waited" -ge "$wait_seconds" ]; then
      echo "setup-namespace: $what did not succeed within $wait_seconds s; last attempt:" >&2
      "$@" >&2 || true
      exit 1
    fi
    sleep 1
  done
}

what="the server's health check"
retry temporal operator cluster health

if [ "$create" = true ]; then
  if temporal operator namespace describe --namespace "$namespace" >/dev/null 2>&1; then
    temporal operator namespace update --namespace "$namespace" --retention "$retention"
  else
    temporal operator namespace create --namespace "$namespace" --retention "$retention"
  fi
fi

# A new namespace reaches each server's namespace cache some seconds after it is written; until then search
# attribute calls answer "Namespace … is not found". Waiting on the call itself waits for what is needed.
what="listing the search attributes of namespace $namespace"
retry temporal operator search-attribute list --namespace "$namespace"

existing=$(temporal operator search-attribute list --namespace "$namespace")
for name in MarketOpsRunId MarketOpsOperationKind MarketOpsRepository MarketOpsOutcome; do
  if echo "$existing" | grep -qw "$name"; then continue; fi
  temporal operator search-attribute create --namespace "$namespace" --name "$name" --type Keyword
done

# Wait until every attribute is visible, so a worker or a run started right after finds them.
for name in MarketOpsRunId MarketOpsOperationKind MarketOpsRepository MarketOpsOutcome; do
  what="search attribute $name appearing in namespace $namespace"
  retry sh -c "temporal operator search-attribute list --namespace '$namespace' | grep -qw '$name'"
done
echo "setup-namespace: namespace $namespace ready (retention $retention)"
