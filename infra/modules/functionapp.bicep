// The function app on the Flex Consumption plan: .NET isolated worker on .NET 10, system-assigned identity,
// identity-based connections only. Its app settings are exactly what the code reads in Azure
// (LiveShop.Core SettingNames.Production, written with '__') plus the Functions host's own settings;
// tests/LiveShop.InfraTests holds both lists.

@description('The market\'s region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Flex Consumption plan name.')
param planName string

@description('Function app name.')
param appName string

@description('Storage account for AzureWebJobsStorage and the deployment package.')
param storageAccountName string

@description('Blob endpoint of that account.')
param storageBlobEndpoint string

@description('Container holding the deployment package.')
param deploymentContainerName string

@description('Application Insights component the app exports to.')
param applicationInsightsName string

@description('Always-ready instances for the http trigger group.')
@minValue(0)
param alwaysReadyHttp int

@description('Always-ready instances for the durable (orchestration and activity) trigger group.')
@minValue(0)
param alwaysReadyDurable int

@description('Maximum instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('Memory per instance.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('Settings the code reads (SettingNames.Production).')
param app appSettings

@description('The values of SettingNames.Production for this stack.')
type appSettings = {
  @description('LiveShop:Markets: the market code of this stack.')
  markets: string
  @description('Cosmos:Endpoint: the Cosmos DB account\'s document endpoint.')
  cosmosEndpoint: string
  @description('Auth:Issuer: the OIDC issuer whose tokens the app accepts.')
  authIssuer: string
  @description('Auth:Audience: the audience those tokens carry.')
  authAudience: string
  @description('LiveShop:StreamCacheMilliseconds.')
  streamCacheMilliseconds: int
  @description('LiveShop:CartIdleMinutes.')
  cartIdleMinutes: int
  @description('LiveShop:PaymentActionMinutes.')
  paymentActionMinutes: int
  @description('Payments:Vault: the Key Vault URI holding the Stripe secrets.')
  paymentVault: string
  @description('SignalR:Endpoint: the SignalR Service endpoint (https://NAME.service.signalr.net).')
  signalREndpoint: string
  @description('EventGrid:TopicEndpoint: the topic domain events are published to.')
  eventGridTopicEndpoint: string
  @description('EventGrid:DeliveryKey: a Key Vault reference to the secret key Event Grid deliveries carry.')
  eventGridDeliveryKey: string
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: appName
  location: location
  // azd deploys the `api` service of azure.yaml to the site carrying this tag.
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
      scaleAndConcurrency: {
        alwaysReady: [
          {
            name: 'http'
            instanceCount: alwaysReadyHttp
          }
          {
            name: 'durable'
            instanceCount: alwaysReadyDurable
          }
        ]
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
    }
  }

  resource appSettingsConfig 'config' = {
    name: 'appsettings'
    properties: {
      // SettingNames.Production
      LiveShop__Markets: app.markets
      Storage__Provider: 'Cosmos'
      Cosmos__Endpoint: app.cosmosEndpoint
      Auth__Issuer: app.authIssuer
      Auth__Audience: app.authAudience
      LiveShop__StreamCacheMilliseconds: string(app.streamCacheMilliseconds)
      LiveShop__CartIdleMinutes: string(app.cartIdleMinutes)
      LiveShop__PaymentActionMinutes: string(app.paymentActionMinutes)
      Payments__Provider: 'Stripe'
      Payments__Vault: app.paymentVault
      SignalR__Endpoint: app.signalREndpoint
      EventGrid__TopicEndpoint: app.eventGridTopicEndpoint
      EventGrid__DeliveryKey: app.eventGridDeliveryKey
      // Functions host: runtime storage through the app's identity (no account key).
      AzureWebJobsStorage__accountName: storageAccountName
      AzureWebJobsStorage__credential: 'managedidentity'
      // Functions host: telemetry through the app's identity (the component has local auth off).
      APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD'
    }
  }

  // Publishing with basic (user/password) credentials is off; deployments use Entra ID.
  resource ftpPublishing 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: {
      allow: false
    }
  }

  resource scmPublishing 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: {
      allow: false
    }
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
