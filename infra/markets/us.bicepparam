// Market 'us': see infra/README.md ("Markets" and "Parameters").
using '../main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'liveshop-us')
param marketCode = 'us'
param location = 'eastus2'

param cosmosCapacityMode = 'Autoscale'
param cosmosAutoscaleMaxThroughput = 4000
param alwaysReadyHttp = 2
param alwaysReadyDurable = 1 // flash-sale checkouts start without a cold start
param maximumInstanceCount = 200
param instanceMemoryMB = 2048
param signalRSku = 'Standard_S1'
param signalRUnits = 2

// Replace with the market's real storefront origins and identity provider before the first deployment.
param allowedOrigins = ['https://us.liveshop.example']
param authIssuer = 'https://login.liveshop.example/us/'
param authAudience = 'api://liveshop-us'
param streamCacheMilliseconds = 1000
param cartIdleMinutes = 4320
param paymentActionMinutes = 10
param logRetentionInDays = 30
