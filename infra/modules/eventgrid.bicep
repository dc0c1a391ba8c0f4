// Event Grid custom topic (CloudEvents 1.0 input schema). Local (SAS key) auth is off: publishers use
// Entra ID (the app has EventGrid Data Sender, see access.bicep).

@description('The market\'s region; events stay in it.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Topic name.')
param topicName string

@description('Input schema from platform.json (CloudEventSchemaV1_0).')
param inputSchema string

@description('Function app (in this resource group) whose functions handle the events.')
param functionAppName string

@description('Event subscriptions, one per handler function. None yet: the app has no Event Grid handlers.')
param subscriptions eventSubscription[] = []

@description('One event subscription delivered to an Event Grid trigger function of the app.')
type eventSubscription = {
  @description('Subscription name.')
  name: string
  @description('The function (its [Function] name) that handles the events.')
  functionName: string
  @description('CloudEvents types delivered to it.')
  includedEventTypes: string[]
}

resource topic 'Microsoft.EventGrid/topics@2025-02-15' = {
  name: topicName
  location: location
  tags: tags
  properties: {
    inputSchema: inputSchema
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
    dataResidencyBoundary: 'WithinRegion'
    minimumTlsVersionAllowed: '1.2'
  }
}

// Add a handler: give it an entry in main.bicep's eventSubscriptions (function name + event types).
resource subscription 'Microsoft.EventGrid/topics/eventSubscriptions@2025-02-15' = [
  for s in subscriptions: {
    parent: topic
    name: s.name
    properties: {
      eventDeliverySchema: 'CloudEventSchemaV1_0'
      destination: {
        endpointType: 'AzureFunction'
        properties: {
          resourceId: resourceId('Microsoft.Web/sites/functions', functionAppName, s.functionName)
          maxEventsPerBatch: 1
        }
      }
      filter: {
        includedEventTypes: s.includedEventTypes
      }
      retryPolicy: {
        maxDeliveryAttempts: 30
        eventTimeToLiveInMinutes: 1440
      }
    }
  }
]

output name string = topic.name
output endpoint string = topic.properties.endpoint
