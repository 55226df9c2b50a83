#!/bin/sh
# One-shot namespace setup, run by the admin-tools image once the server is healthy.
# The namespace keeps closed workflow histories for TEMPORAL_RETENTION (the audit trail's evidence must outlive
# the 48 h the executor needs), and the MarketOps search attributes let operators filter runs in the UI and CLI.
# Safe to re-run: an existing namespace gets its retention updated, existing search attributes are skipped.
set -eu
namespace=${TEMPORAL_NAMESPACE:-default}
retention=${TEMPORAL_RETENTION:-720h}

attempt=0
until temporal operator cluster health >/dev/null 2>&1; do
  attempt=$((attempt + 1))
  [ "$attempt" -lt 30 ] || { echo "setup-namespace: $TEMPORAL_ADDRESS is not healthy after 60 s" >&2; exit 1; }
  sleep 2
done

if temporal operator namespace describe --namespace "$namespace" >/dev/null 2>&1; then
  temporal operator namespace update --namespace "$namespace" --retention "$retention"
else
  temporal operator namespace create --namespace "$namespace" --retention "$retention"
fi

existing=$(temporal operator search-attribute list --namespace "$namespace")
for name in MarketOpsRunId MarketOpsOperationKind MarketOpsRepository MarketOpsOutcome; do
  if echo "$existing" | grep -qw "$name"; then continue; fi
  temporal operator search-attribute create --namespace "$namespace" --name "$name" --type Keyword
done
echo "setup-namespace: namespace $namespace ready (retention $retention)"
