// Key Vault for merchant webhook secrets and payment provider keys. RBAC mode only (no access policies):
// the app can read secrets (Key Vault Secrets User); operators set them with their own role.

@description('The market\'s region; secrets stay in it.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Vault name (3-24 characters).')
param name string

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Enabled'
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
