// Built-in role definition ids, each in one place with its name. Granted only to the function app's
// system-assigned identity (see access.bicep). tests/LiveShop.InfraTests checks every assignment against them.

@export()
@description('Azure RBAC built-in roles (Microsoft.Authorization/roleDefinitions) the app needs.')
var azureRoles = {
  // Functions runtime (AzureWebJobsStorage) and the Flex Consumption deployment package container.
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  // Functions runtime and Durable Functions (Azure Storage backend) queues.
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  // Durable Functions (Azure Storage backend) history and instance tables.
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  // Azure SignalR Service (SignalR Service Owner): the data-plane REST API (sends, groups, connection checks) and the
  // key API the app signs client tokens with, in serverless mode, with its identity.
  signalRServiceOwner: '7e4f1700-ea5a-4f59-8f37-079cfe29dce3'
  // Event Grid custom topic: the app publishes events with its identity.
  eventGridDataSender: 'd5a91429-5739-47e2-a06b-3470a27159e7'
  // Key Vault (RBAC mode): read secret values only.
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  // Application Insights with local auth off: identity-based telemetry ingestion.
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

@export()
@description('Cosmos DB NoSQL built-in data-plane role (Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions).')
var cosmosRoles = {
  // Cosmos DB Built-in Data Contributor: read and write items (no control-plane operations).
  builtInDataContributor: '00000000-0000-0000-0000-000000000002'
}
