namespace Hub.Domain.Jobs;

/// <summary>A torrent's swarm as the engine sees it: connected peers, how many of them are seeds, Hub's upload speed, and whether Hub is seeding now.</summary>
public sealed record JobSwarm(int Peers, int Seeders, double UploadBps, bool Seeding);
