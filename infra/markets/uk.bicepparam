// Market 'uk': see infra/README.md ("Markets" and "Parameters").
using '../main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'liveshop-uk')
param marketCode = 'uk'
param location = 'uksouth'

param cosmosCapacityMode = 'Autoscale'
param cosmosAutoscaleMaxThroughput = 1000
param alwaysReadyHttp = 1
param alwaysReadyDurable = 1 // flash-sale checkouts start without a cold start
param maximumInstanceCount = 100
param instanceMemoryMB = 2048
param signalRSku = 'Standard_S1'
param signalRUnits = 1

// Replace with the market's real storefront origins and identity provider before the first deployment.
param allowedOrigins = ['https://uk.liveshop.example']
param authIssuer = 'https://login.liveshop.example/uk/'
param authAudience = 'api://liveshop-uk'
param streamCacheMilliseconds = 1000
param cartIdleMinutes = 4320
param paymentActionMinutes = 10
param logRetentionInDays = 30
