using System.Text.Json.Nodes;
using LiveShop.InfraTests.Bicep;
using static LiveShop.InfraTests.Bicep.MarketStack;

namespace LiveShop.InfraTests;

/// <summary>Every role assignment is for the function app's identity, with the intended role, on the intended resource.</summary>
[Collection(InfraCollection.Name)]
public sealed class RoleAssignmentTests(InfraFixture infra)
{
    // Built-in role definition ids (Azure RBAC), written here independently of infra/modules/roles.bicep.
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string SignalRServiceOwner = "7e4f1700-ea5a-4f59-8f37-079cfe29dce3";
    private const string EventGridDataSender = "d5a91429-5739-47e2-a06b-3470a27159e7";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    // Cosmos DB Built-in Data Contributor (a Cosmos data-plane role definition, not an Azure RBAC one).
    private const string CosmosBuiltInDataContributor = "00000000-0000-0000-0000-000000000002";

    /// <summary>(resource type of the scope, role): the complete set the app's identity is given.</summary>
    private static readonly string[] Intended =
    [
        $"Microsoft.Storage/storageAccounts {StorageBlobDataOwner}",
        $"Microsoft.Storage/storageAccounts {StorageQueueDataContributor}",
        $"Microsoft.Storage/storageAccounts {StorageTableDataContributor}",
        $"Microsoft.SignalRService/signalR {SignalRServiceOwner}",
        $"Microsoft.EventGrid/topics {EventGridDataSender}",
        $"Microsoft.KeyVault/vaults {KeyVaultSecretsUser}",
        $"Microsoft.Insights/components {MonitoringMetricsPublisher}",
    ];

    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void RoleAssignments_AreExactlyTheIntendedRolesOnTheStacksResources(string market)
    {
        var stack = infra.Market(market);
        var assignments = stack.OfType("Microsoft.Authorization/roleAssignments").ToList();
        var subscriptionRoles = $"/subscriptions/{SubscriptionOf(stack)}/providers/Microsoft.Authorization/roleDefinitions/";

        var granted = assignments.Select(a =>
        {
            var id = Text(a["id"])!;
            var scope = id[..id.IndexOf("/providers/Microsoft.Authorization/roleAssignments/", StringComparison.Ordinal)];
            var scopeResource = Assert.Single(stack.Resources, r => Text(r["id"]) == scope);
            var roleDefinitionId = Text(a["properties"]!["roleDefinitionId"])!;
            Assert.StartsWith(subscriptionRoles, roleDefinitionId, StringComparison.Ordinal);
            return $"{Text(scopeResource["type"])} {roleDefinitionId[subscriptionRoles.Length..]}";
        });

        Assert.Equal(Intended.Order(StringComparer.Ordinal), granted.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void RoleAssignments_AreAllForTheAppsIdentity(string market)
    {
        var stack = infra.Market(market);
        var appIdentity = AppIdentity(stack);

        Assert.All(stack.OfType("Microsoft.Authorization/roleAssignments"), a =>
        {
            Assert.Equal(appIdentity, Text(a["properties"]!["principalId"]));
            Assert.Equal("ServicePrincipal", Text(a["properties"]!["principalType"]));
        });
    }

    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void Cosmos_AppIdentityIsDataContributorOnTheDatabaseOnly(string market)
    {
        var stack = infra.Market(market);
        var account = Text(stack.Single("Microsoft.DocumentDB/databaseAccounts")["id"]);
        var database = Text(stack.Single("Microsoft.DocumentDB/databaseAccounts/sqlDatabases")["id"]);
        var assignment = stack.Single("Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments")["properties"]!;

        Assert.Equal($"{account}/sqlRoleDefinitions/{CosmosBuiltInDataContributor}", Text(assignment["roleDefinitionId"]));
        Assert.Equal(database, Text(assignment["scope"]));
        Assert.Equal(AppIdentity(stack), Text(assignment["principalId"]));
    }

    [Theory]
    [MemberData(nameof(Markets.All), MemberType = typeof(Markets))]
    public void RoleDefinitions_NoneAreCreated(string market) =>
        Assert.DoesNotContain(infra.Market(market).Resources, r => Text(r["type"])!.EndsWith("roleDefinitions", StringComparison.OrdinalIgnoreCase));

    /// <summary>The expression ARM resolves to the principal id of the function app's system-assigned identity.</summary>
    private static string AppIdentity(MarketStack stack)
    {
        var app = stack.Single("Microsoft.Web/sites");
        return $"[reference('{Text(app["id"])}', '{Text(app["apiVersion"])}', 'full').identity.principalId]";
    }

    private static string SubscriptionOf(MarketStack stack) =>
        Text(stack.Single("Microsoft.Resources/resourceGroups")["id"])!.Split('/')[2];
}
