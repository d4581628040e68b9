# Multi-stage image for Hub. The runtime image carries current yt-dlp (from PyPI: Debian's is too old for live sites),
# ffmpeg/ffprobe and aria2. The database is the `postgres` service of docker-compose.yml, not the embedded one.
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
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg aria2 python3 python3-venv ca-certificates \
 && python3 -m venv /opt/yt-dlp && /opt/yt-dlp/bin/pip install --no-cache-dir --upgrade yt-dlp \
 && ln -s /opt/yt-dlp/bin/yt-dlp /usr/local/bin/yt-dlp \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --home /var/lib/hub hub && mkdir -p /var/lib/hub && chown hub /var/lib/hub
WORKDIR /app
COPY --from=build /app .
USER hub
ENV Hub__DataDir=/var/lib/hub \
    ASPNETCORE_URLS=http://0.0.0.0:8080
EXPOSE 8080
VOLUME /var/lib/hub
ENTRYPOINT ["dotnet", "hub.dll"]
CMD ["serve"]
