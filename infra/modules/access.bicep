// Every role the function app's system-assigned identity holds, each at the narrowest scope it needs.
// Nothing else in the stack assigns roles; tests/LiveShop.InfraTests checks that.
import { azureRoles, cosmosRoles } from 'roles.bicep'

@description('The function app; its system-assigned identity gets every role below.')
param functionAppName string

@description('Runtime and deployment storage account.')
param storageAccountName string

@description('Cosmos DB account.')
param cosmosAccountName string

@description('Cosmos DB database the app reads and writes.')
param cosmosDatabaseName string

@description('SignalR Service.')
param signalRName string

@description('Event Grid topic.')
param topicName string

@description('Key Vault.')
param keyVaultName string

@description('Application Insights component.')
param applicationInsightsName string

resource app 'Microsoft.Web/sites@2025-03-01' existing = {
  name: functionAppName
}

// Assignment names use the app's resource id (known before deployment), values its principal id.
var appPrincipalId = app.identity.principalId

resource storage 'Microsoft.Storage/storageAccounts@2026-06-01' existing = {
  name: storageAccountName
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2026-03-15' existing = {
  name: cosmosAccountName

  resource database 'sqlDatabases' existing = {
    name: cosmosDatabaseName
  }
}

resource signalR 'Microsoft.SignalRService/signalR@2024-03-01' existing = {
  name: signalRName
}

resource topic 'Microsoft.EventGrid/topics@2025-02-15' existing = {
  name: topicName
}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

var storageRoles = [
  azureRoles.storageBlobDataOwner
  azureRoles.storageQueueDataContributor
  azureRoles.storageTableDataContributor
]

resource storageAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in storageRoles: {
    name: guid(storage.id, app.id, role)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

// Data-plane RBAC of Cosmos DB, scoped to the app's database (not the whole account).
resource cosmosAccess 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2026-03-15' = {
  parent: cosmos
  name: guid(cosmos::database.id, app.id, cosmosRoles.builtInDataContributor)
  properties: {
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${cosmosRoles.builtInDataContributor}'
    principalId: appPrincipalId
    scope: cosmos::database.id
  }
}

resource signalRAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(signalR.id, app.id, azureRoles.signalRServiceOwner)
  scope: signalR
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', azureRoles.signalRServiceOwner)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource topicAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(topic.id, app.id, azureRoles.eventGridDataSender)
  scope: topic
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', azureRoles.eventGridDataSender)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource vaultAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, app.id, azureRoles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', azureRoles.keyVaultSecretsUser)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource telemetryAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, app.id, azureRoles.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', azureRoles.monitoringMetricsPublisher)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}
