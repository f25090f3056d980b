# syntax=docker/dockerfile:1
# The Civic Contracting silo (src/Silo). Build from the repository root:
#   docker build -f deploy/docker/silo.Dockerfile -t civic-contracting/silo:dev .
# Ports: 8080 HTTP (/health/live, /health/ready), 11111 silo-to-silo, 30000 client gateway.

# ---- build stage: the full SDK, never shipped ----
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore first, from the project files only, so the package layer is reused until a project file changes.
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Grains.Abstractions/Grains.Abstractions.csproj src/Grains.Abstractions/
COPY src/Grains/Grains.csproj src/Grains/
COPY src/Silo/Silo.csproj src/Silo/
RUN dotnet restore src/Silo/Silo.csproj

# Then the sources, and the schema scripts the silo embeds (deploy/sqlite, deploy/postgresql).
COPY src/Grains.Abstractions/ src/Grains.Abstractions/
COPY src/Grains/ src/Grains/
COPY src/Silo/ src/Silo/
COPY deploy/ deploy/
RUN dotnet publish src/Silo/Silo.csproj -c Release --no-restore -o /app /p:UseAppHost=false

# ---- runtime stage: ASP.NET Core runtime only ----
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build --chown=root:root /app ./

# In a container listen on every interface, port 8080 (health and probes). The standard variable, so that an operator's
# ASPNETCORE_HTTP_PORTS or ASPNETCORE_URLS replaces it (without any of them the silo listens on localhost:5190 only).
ENV ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_gcServer=1 \
    DOTNET_RUNNING_IN_CONTAINER=true

EXPOSE 8080 11111 30000

# The official images ship the non-root user "app" (UID 1654).
USER app

# Arguments are passed through: `migrate` (planned, see docs/operations.md) or --Key=Value overrides.
ENTRYPOINT ["dotnet", "CivicContracting.Silo.dll"]
