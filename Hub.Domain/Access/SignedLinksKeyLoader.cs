using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using Hub.Domain.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hub.Domain.Access;

/// <summary>Loads the signing key at start-up so the synchronous link methods work from the first request.</summary>
public sealed class SignedLinksKeyLoader(SignedLinks links) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => links.EnsureKeyAsync(cancellationToken).AsTask();
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
