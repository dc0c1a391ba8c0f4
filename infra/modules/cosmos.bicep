// Cosmos DB for NoSQL: one account in the market's region, the database and every container the code
// defines (Definitions/platform.json, read by main.bicep). Key auth is off; the app uses its identity.

@description('The market\'s region; the account has this one location only.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Cosmos DB account name.')
param accountName string

@description('Serverless (pay per request) or Autoscale (provisioned, shared by the database\'s containers).')
@allowed([
  'Serverless'
  'Autoscale'
])
param capacityMode string

@description('Autoscale maximum RU/s for the database (ignored when serverless).')
@minValue(1000)
param autoscaleMaxThroughput int

@description('Database name from platform.json.')
param databaseName string

@description('Containers from platform.json.')
param containers containerDefinition[]

@description('One Cosmos container as platform.json defines it.')
type containerDefinition = {
  name: string
  partitionKeyPath: string
  defaultTtlSeconds: int?
  includedPaths: string[]
  excludedPaths: string[]
}

var serverless = capacityMode == 'Serverless'

resource account 'Microsoft.DocumentDB/databaseAccounts@2026-03-15' = {
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    capabilities: serverless ? [{ name: 'EnableServerless' }] : []
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
    backupPolicy: {
      type: 'Periodic'
      periodicModeProperties: {
        backupIntervalInMinutes: 240
        backupRetentionIntervalInHours: 8
        // Backups stay in the market's region (geo-redundant backups would go to the paired region).
        backupStorageRedundancy: 'Local'
      }
    }
  }

  resource database 'sqlDatabases' = {
    name: databaseName
    properties: {
      resource: {
        id: databaseName
      }
      options: serverless ? {} : { autoscaleSettings: { maxThroughput: autoscaleMaxThroughput } }
    }

    resource container 'containers' = [
      for c in containers: {
        name: c.name
        properties: {
          resource: {
            id: c.name
            partitionKey: {
              paths: [c.partitionKeyPath]
              kind: 'Hash'
              version: 2
            }
            defaultTtl: c.?defaultTtlSeconds
            indexingPolicy: {
              indexingMode: 'consistent'
              automatic: true
              includedPaths: [for p in c.includedPaths: { path: p }]
              excludedPaths: [for p in c.excludedPaths: { path: p }]
            }
          }
        }
      }
    ]
  }
}

output databaseName string = account::database.name
output endpoint string = account.properties.documentEndpoint
