// Market 'ph': see infra/README.md ("Markets" and "Parameters").
using '../main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'liveshop-ph')
param marketCode = 'ph'
// No Azure region in the Philippines yet: Southeast Asia (Singapore) is the nearest; move when one opens.
param location = 'southeastasia'

param cosmosCapacityMode = 'Serverless'
param alwaysReadyHttp = 0
param alwaysReadyDurable = 0
param maximumInstanceCount = 100
param instanceMemoryMB = 2048
param signalRSku = 'Standard_S1'
param signalRUnits = 1

// Replace with the market's real storefront origins and identity provider before the first deployment.
param allowedOrigins = ['https://ph.liveshop.example']
param authIssuer = 'https://login.liveshop.example/ph/'
param authAudience = 'api://liveshop-ph'
param streamCacheMilliseconds = 1000
param cartIdleMinutes = 4320
param paymentActionMinutes = 10
param logRetentionInDays = 30
