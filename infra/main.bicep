// LiveShop: one stack per market, deployed in that market's region (data residency).
// Names shared with the code (Cosmos database and containers, SignalR hub, Event Grid schema, market codes)
// come from the definition files LiveShop.Core embeds; nothing here repeats them.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name (AZURE_ENV_NAME); part of the resource group name and the unique suffix.')
param environmentName string

@description('Market code from functions/LiveShop.Core/Definitions/markets.json; the app serves this market only.')
param marketCode string

@description('Azure region of the market; every resource of the stack is created there.')
param location string

@description('Cosmos DB capacity: Serverless (pay per request) or Autoscale (provisioned RU/s, shared by the containers).')
@allowed([
  'Serverless'
  'Autoscale'
])
param cosmosCapacityMode string = 'Serverless'

@description('Autoscale maximum RU/s of the database when cosmosCapacityMode is Autoscale.')
@minValue(1000)
param cosmosAutoscaleMaxThroughput int = 1000

@description('Always-ready instances for the http trigger group (0 = scale from zero).')
@minValue(0)
param alwaysReadyHttp int = 0

@description('Always-ready instances for the durable trigger group (orchestrations and activities).')
@minValue(0)
param alwaysReadyDurable int = 0

@description('Maximum function app instances (Flex Consumption: 40 to 1000).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory per function app instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('SignalR Service SKU.')
@allowed([
  'Standard_S1'
  'Premium_P1'
])
param signalRSku string = 'Standard_S1'

@description('SignalR Service units (1,000 concurrent connections each).')
@allowed([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
param signalRUnits int = 1

@description('Browser origins allowed to call SignalR (the storefront and player hosts of the market).')
param allowedOrigins string[]

@description('OpenID Connect issuer whose tokens the app accepts (Auth:Issuer).')
param authIssuer string

@description('Audience those tokens carry (Auth:Audience).')
param authAudience string

@description('How long the stream-with-showcase read may be served from memory (LiveShop:StreamCacheMilliseconds).')
@minValue(0)
param streamCacheMilliseconds int = 1000

@description('Minutes a cart may stay untouched before it expires (LiveShop:CartIdleMinutes).')
@minValue(1)
param cartIdleMinutes int = 4320

@description('Minutes a checkout waits for the buyer\'s payment action (3-D Secure) before it expires (LiveShop:PaymentActionMinutes).')
@minValue(1)
@maxValue(60)
param paymentActionMinutes int = 10

@description('Days Log Analytics keeps logs and telemetry.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

var platform = loadJsonContent('../functions/LiveShop.Core/Definitions/platform.json')
var marketRegistry = loadJsonContent('../functions/LiveShop.Core/Definitions/markets.json')

// Fails the deployment (index out of range) when marketCode is not in the registry.
var market = filter(marketRegistry.markets, m => m.code == marketCode)[0]

// Stable per subscription, environment, market and region: redeploying keeps every name.
var suffix = toLower(uniqueString(subscription().id, environmentName, marketCode, location))
var baseName = 'ls-${marketCode}-${suffix}'
var tags = {
  'azd-env-name': environmentName
  app: 'liveshop'
  market: market.code
  'data-residency': location
}

var names = {
  resourceGroup: 'rg-liveshop-${marketCode}-${environmentName}'
  workspace: 'log-${baseName}'
  applicationInsights: 'appi-${baseName}'
  storage: take('stls${marketCode}${suffix}', 24)
  deploymentContainer: 'deployment-package'
  cosmos: 'cosmos-${baseName}'
  signalR: 'sigr-${baseName}'
  topic: 'evgt-${baseName}'
  keyVault: take('kv-${baseName}', 24)
  plan: 'plan-${baseName}'
  functionApp: 'func-${baseName}'
}

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: names.resourceGroup
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: tags
    workspaceName: names.workspace
    applicationInsightsName: names.applicationInsights
    retentionInDays: logRetentionInDays
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    location: location
    tags: tags
    storageAccountName: names.storage
    deploymentContainerName: names.deploymentContainer
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    location: location
    tags: tags
    accountName: names.cosmos
    capacityMode: cosmosCapacityMode
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
    databaseName: platform.cosmos.database
    containers: platform.cosmos.containers
  }
}

// The app's upstream handler: the host's route prefix (host.json "api") and Routes.LiveUpstream (checked by the infra tests).
var upstreamPath = 'api/live/upstream'

module signalR 'modules/signalr.bicep' = {
  name: 'signalr'
  scope: rg
  params: {
    location: location
    tags: tags
    name: names.signalR
    skuName: signalRSku
    units: signalRUnits
    allowedOrigins: allowedOrigins
    hub: platform.signalR.hub
    upstreamUrl: 'https://${functionApp.outputs.defaultHostName}/${upstreamPath}'
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    location: location
    tags: tags
    name: names.keyVault
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: rg
  dependsOn: [monitoring]
  params: {
    location: location
    tags: tags
    planName: names.plan
    appName: names.functionApp
    storageAccountName: names.storage
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: names.deploymentContainer
    applicationInsightsName: names.applicationInsights
    alwaysReadyHttp: alwaysReadyHttp
    alwaysReadyDurable: alwaysReadyDurable
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    app: {
      markets: market.code
      cosmosEndpoint: cosmos.outputs.endpoint
      authIssuer: authIssuer
      authAudience: authAudience
      streamCacheMilliseconds: streamCacheMilliseconds
      cartIdleMinutes: cartIdleMinutes
      paymentActionMinutes: paymentActionMinutes
      paymentVault: keyVault.outputs.uri
      // The service's host name follows from its name, so the app need not wait for it (the service waits for the app).
      signalREndpoint: 'https://${names.signalR}.service.signalr.net'
      // A topic's endpoint follows from its name and region, as the service's does.
      eventGridTopicEndpoint: 'https://${names.topic}.${location}-1.eventgrid.azure.net/api/events'
      // Read by the platform with the app's identity (Key Vault reference); operators set the secret (infra/README.md).
      eventGridDeliveryKey: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${platform.keyVault.eventGridDeliveryKey}/)'
    }
  }
}

module eventGrid 'modules/eventgrid.bicep' = {
  name: 'eventgrid'
  scope: rg
  dependsOn: [functionApp]
  params: {
    location: location
    tags: tags
    topicName: names.topic
    inputSchema: platform.eventGrid.schema
    functionAppName: names.functionApp
    // Event subscriptions go here, one per Event Grid handler function, once the app has them:
    // { name: 'orders-paid', functionName: 'OnOrderPaid', includedEventTypes: ['LiveShop.Orders.Paid'] }
    subscriptions: []
  }
}

module access 'modules/access.bicep' = {
  name: 'access'
  scope: rg
  dependsOn: [storage, cosmos, signalR, eventGrid, keyVault, functionApp]
  params: {
    functionAppName: names.functionApp
    storageAccountName: names.storage
    cosmosAccountName: names.cosmos
    cosmosDatabaseName: platform.cosmos.database
    signalRName: names.signalR
    topicName: names.topic
    keyVaultName: names.keyVault
    applicationInsightsName: names.applicationInsights
  }
}

// Read by azd (and by operators); names and endpoints only, never keys or connection strings.
output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = rg.name
output LIVESHOP_MARKET string = market.code
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output SERVICE_API_NAME string = functionApp.outputs.name
output SERVICE_API_URI string = 'https://${functionApp.outputs.defaultHostName}'
output AZURE_COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output AZURE_COSMOS_DATABASE string = cosmos.outputs.databaseName
output AZURE_SIGNALR_HOSTNAME string = signalR.outputs.hostName
output AZURE_SIGNALR_HUB string = platform.signalR.hub
output AZURE_EVENTGRID_TOPIC_ENDPOINT string = eventGrid.outputs.endpoint
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_URI string = keyVault.outputs.uri
