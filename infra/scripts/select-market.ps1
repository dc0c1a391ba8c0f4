# azd preprovision hook (Windows): same as select-market.sh.
$ErrorActionPreference = 'Stop'
$infra = Split-Path -Parent $PSScriptRoot
$market = $env:LIVESHOP_MARKET
if (-not $market) { throw 'Set the market of this azd environment: azd env set LIVESHOP_MARKET <code> (see infra/README.md).' }
$source = Join-Path $infra "markets/$market.bicepparam"
if (-not (Test-Path $source)) { throw "No parameter file ${source}: add the market first (infra/README.md, 'Adding a market')." }
$lines = Get-Content $source
$region = ($lines | Select-String "^param location = '(.*)'$").Matches[0].Groups[1].Value
if ($env:AZURE_LOCATION -ne $region) { throw "Market '$market' lives in '$region' but AZURE_LOCATION is '$($env:AZURE_LOCATION)': azd env set AZURE_LOCATION $region" }
$lines -replace "^using '../main.bicep'", "using 'main.bicep'" | Set-Content (Join-Path $infra 'main.bicepparam')
Write-Output "infra/main.bicepparam <- infra/markets/$market.bicepparam ($region)"
