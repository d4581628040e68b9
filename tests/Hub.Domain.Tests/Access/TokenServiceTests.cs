using Hub.Domain.Access;
using Hub.Testing;
using Microsoft.EntityFrameworkCore;

namespace Hub.Domain.Tests.Access;

public sealed class TokenServiceTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private TokenService Tokens => db.Get<TokenService>();

    [Fact]
    public async Task Create_StoresOnlyTheHash_AndValidateFindsIt()
    {
        var created = await Tokens.CreateAsync("laptop", Roles.User, CancellationToken.None);

        Assert.StartsWith("hub_", created.Secret);
        await using var ctx = db.CreateDb();
        var row = await ctx.ApiTokens.SingleAsync(t => t.Id == created.Token.Id);
        Assert.Equal(TokenService.Hash(created.Secret), row.SecretHash);
        Assert.DoesNotContain(created.Secret, row.SecretHash);
        var found = await Tokens.ValidateAsync(created.Secret, CancellationToken.None);
        Assert.Equal("laptop", found?.Name);
        Assert.NotNull(found?.LastUsedAt);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hub_wrong")]
    [InlineData("not-a-hub-token")]
    public async Task Validate_UnknownSecret_IsNull(string secret) =>
        Assert.Null(await Tokens.ValidateAsync(secret, CancellationToken.None));

    [Fact]
    public async Task Revoke_ByName_MakesTokenInvalid()
    {
        await Tokens.CreateAsync("keeper-" + Guid.NewGuid().ToString("N")[..6], Roles.Admin, CancellationToken.None); // not the last admin
        var created = await Tokens.CreateAsync("to-revoke", Roles.Admin, CancellationToken.None);
        await Tokens.RevokeAsync("to-revoke", CancellationToken.None);
        Assert.Null(await Tokens.ValidateAsync(created.Secret, CancellationToken.None));
        Assert.DoesNotContain(await Tokens.ListAsync(false, CancellationToken.None), t => t.Id == created.Token.Id);
        Assert.Contains(await Tokens.ListAsync(true, CancellationToken.None), t => t.Id == created.Token.Id);
    }

    [Theory]
    [InlineData("", "user", "name")]
    [InlineData("ok", "root", "role")]
    public async Task Create_Invalid_NamesTheField(string name, string role, string field)
    {
        var ex = await Assert.ThrowsAsync<HubValidationException>(() => Tokens.CreateAsync(name, role, CancellationToken.None));
        Assert.Equal(field, ex.Field);
    }

    [Fact]
    public async Task Revoke_Unknown_IsNotFound() =>
        await Assert.ThrowsAsync<HubNotFoundException>(() => Tokens.RevokeAsync(Guid.NewGuid().ToString(), CancellationToken.None));

    [Fact]
    public async Task Create_WithTheNameOfALiveToken_IsRefused_AndAllowedOnceThatOneIsRevoked()
    {
        var name = "twin-" + Guid.NewGuid().ToString("N")[..6];
        var first = await Tokens.CreateAsync(name, Roles.User, CancellationToken.None);
        var ex = await Assert.ThrowsAsync<HubConflictException>(() => Tokens.CreateAsync(name.ToUpperInvariant(), Roles.User, CancellationToken.None));
        Assert.Contains("already named", ex.Message);
        await Tokens.RevokeAsync(first.Token.Id.ToString(), CancellationToken.None);
        await Tokens.CreateAsync(name, Roles.User, CancellationToken.None);
    }

    [Fact]
    public async Task Revoke_TheLastLiveAdminToken_IsRefused_NamingTheWayOut()
    {
        await using (var ctx = db.CreateDb())
        {
            await ctx.ApiTokens.Where(t => t.RevokedAt == null && t.Role == Roles.Admin).ExecuteUpdateAsync(u => u.SetProperty(t => t.RevokedAt, DateTimeOffset.UtcNow));
        }
        var last = await Tokens.CreateAsync("last-admin-" + Guid.NewGuid().ToString("N")[..6], Roles.Admin, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<HubConflictException>(() => Tokens.RevokeAsync(last.Token.Id.ToString(), CancellationToken.None));
        Assert.Equal("last-admin-token", ex.Type);
        Assert.Contains("hub token create --name NAME --role admin", ex.Message);
        Assert.NotNull(await Tokens.ValidateAsync(last.Secret, CancellationToken.None));

        await Tokens.CreateAsync("next-admin-" + Guid.NewGuid().ToString("N")[..6], Roles.Admin, CancellationToken.None);
        await Tokens.RevokeAsync(last.Token.Id.ToString(), CancellationToken.None);
    }
}
