#!/bin/sh
# azd preprovision hook: makes infra/main.bicepparam (git-ignored) the parameter file of the market this
# azd environment deploys. The market files under infra/markets/ stay the only place market values live.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
market=${LIVESHOP_MARKET:-}
if [ -z "$market" ]; then
  echo "Set the market of this azd environment: azd env set LIVESHOP_MARKET <code> (see infra/README.md)." >&2
  exit 1
fi
source_file="$here/markets/$market.bicepparam"
if [ ! -f "$source_file" ]; then
  echo "No parameter file $source_file: add the market first (infra/README.md, \"Adding a market\")." >&2
  exit 1
fi
region=$(sed -n "s/^param location = '\(.*\)'$/\1/p" "$source_file")
if [ "${AZURE_LOCATION:-}" != "$region" ]; then
  echo "Market '$market' lives in '$region' but AZURE_LOCATION is '${AZURE_LOCATION:-}': azd env set AZURE_LOCATION $region" >&2
  exit 1
fi
sed "s#^using '../main.bicep'#using 'main.bicep'#" "$source_file" > "$here/main.bicepparam"
echo "infra/main.bicepparam <- infra/markets/$market.bicepparam ($region)"
