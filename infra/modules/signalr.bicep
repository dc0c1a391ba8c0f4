// Azure SignalR Service in Serverless mode: clients connect to the service after negotiating with the app;
// the app sends through the service's REST API with its identity (SignalR Service Owner: REST and the key API).
// Access keys are off. The service tells the app of connections through its upstream (connected/disconnected).

@description('The market\'s region.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('SignalR Service name.')
param name string

@description('Standard_S1 or Premium_P1.')
@allowed([
  'Standard_S1'
  'Premium_P1'
])
param skuName string

@description('Units (1,000 concurrent connections each).')
@allowed([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
param units int

@description('Browser origins allowed to call the service (CORS).')
param allowedOrigins string[]

@description('The hub (platform.json signalR.hub): the only hub whose connection events go upstream.')
param hub string

@description('The app\'s upstream handler (https://APP/api/live/upstream): connection events are POSTed there.')
param upstreamUrl string

resource signalR 'Microsoft.SignalRService/signalR@2024-03-01' = {
  name: name
  location: location
  tags: tags
  kind: 'SignalR'
  sku: {
    name: skuName
    tier: split(skuName, '_')[0]
    capacity: units
  }
  properties: {
    features: [
      {
        flag: 'ServiceMode'
        value: 'Serverless'
      }
      {
        flag: 'EnableConnectivityLogs'
        value: 'True'
      }
    ]
    cors: {
      allowedOrigins: allowedOrigins
    }
    disableLocalAuth: true
    disableAadAuth: false
    publicNetworkAccess: 'Enabled'
    tls: {
      clientCertEnabled: false
    }
    // Connection events of the app's hub go to its handler, which checks the X-ASRS-Signature; client messages do not
    // go upstream (clients are listen-only).
    upstream: {
      templates: [
        {
          hubPattern: hub
          categoryPattern: 'connections'
          eventPattern: 'connected,disconnected'
          urlTemplate: upstreamUrl
        }
      ]
    }
  }
}

output name string = signalR.name
output hostName string = signalR.properties.hostName
