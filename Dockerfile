# Hub's image, built from a clean clone: `docker compose build` (or `docker build -t hub .`).
# Network during the build: mcr.microsoft.com (base images), api.nuget.org (packages), the Debian/Ubuntu archive of the
# base image (apt), and yt-dlp's GitHub releases (github.com) for the yt-dlp below. Nothing else.
# The database is the `postgres` service of docker-compose.yml, not the embedded one.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY Hub.Domain/Hub.Domain.csproj Hub.Domain/
COPY Hub.Web/Hub.Web.csproj Hub.Web/
COPY Hub.Bot/Hub.Bot.csproj Hub.Bot/
COPY Hub.Mcp/Hub.Mcp.csproj Hub.Mcp/
COPY Hub.Host/Hub.Host.csproj Hub.Host/
RUN dotnet restore Hub.Host/Hub.Host.csproj
COPY Hub.Domain/ Hub.Domain/
COPY Hub.Web/ Hub.Web/
COPY Hub.Bot/ Hub.Bot/
COPY Hub.Mcp/ Hub.Mcp/
COPY Hub.Host/ Hub.Host/
RUN dotnet publish Hub.Host/Hub.Host.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# ffmpeg/ffprobe and aria2 for the engines; python3 runs yt-dlp's release file; nodejs is the JavaScript runtime Hub
# gives yt-dlp (sites such as YouTube need one); gpgv checks the yt-dlp release signature; curl for the health check.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg aria2 python3 nodejs gpgv ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --home /var/lib/hub hub && mkdir -p /var/lib/hub && chown hub /var/lib/hub
WORKDIR /app
COPY --from=build /app .

# yt-dlp through Hub's own updater (`hub tools update`): the release's SHA2-256SUMS must carry yt-dlp's signature
# (key pinned in Hub) and the file must match it. Debian's packaged yt-dlp is too old for live sites.
# YTDLP_CHANNEL=stable takes the release current at build time; pin one for a reproducible image, e.g.
# --build-arg YTDLP_CHANNEL=2025.11.12. The canary is skipped here (builders may not reach video sites); the image's
# yt-dlp is the "system" one, and `hub tools update` or the weekly check installs newer builds into the data volume.
ARG YTDLP_CHANNEL=stable
RUN dotnet hub.dll tools update --channel "$YTDLP_CHANNEL" --Hub:DataDir=/tmp/hub-build --Hub:ToolUpdates:CanaryUrl= \
 && install -m 0755 /tmp/hub-build/tools/yt-dlp/current/yt-dlp /usr/local/bin/yt-dlp \
 && rm -rf /tmp/hub-build

USER hub
ENV Hub__DataDir=/var/lib/hub \
    ASPNETCORE_URLS=http://0.0.0.0:8080
EXPOSE 8080
VOLUME /var/lib/hub
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/health/live || exit 1
ENTRYPOINT ["dotnet", "hub.dll"]
CMD ["serve"]
