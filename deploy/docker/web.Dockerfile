# syntax=docker/dockerfile:1
# The Civic Contracting web API (src/Web), run as an Orleans client of the silo cluster (Orleans__Mode=Client).
# Build from the repository root:
#   docker build -f deploy/docker/web.Dockerfile -t civic-contracting/web:dev .
# Port: 8080 HTTP (the API, /health/live, /health/ready).

# ---- Node.js for the build stage only: src/Web/Web.csproj runs `npm ci` (package-lock.json) to install the
# front-end packages (Leaflet) it copies into wwwroot/lib. The SDK image (Ubuntu 24.04) only packages Node.js 18,
# so node and npm are taken from the official Node.js image; nothing of it ships. ----
FROM node:22-bookworm-slim AS node

# ---- build stage: the full SDK, never shipped ----
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && node --version && npm --version
WORKDIR /src

# Restore first, from the project files only, so the package layer is reused until a project file changes.
# src/Web references src/Silo (for the co-hosted developer run), so the silo's projects come along.
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Grains.Abstractions/Grains.Abstractions.csproj src/Grains.Abstractions/
COPY src/Grains/Grains.csproj src/Grains/
COPY src/Silo/Silo.csproj src/Silo/
COPY src/Web/Web.csproj src/Web/
RUN dotnet restore src/Web/Web.csproj

COPY src/Grains.Abstractions/ src/Grains.Abstractions/
COPY src/Grains/ src/Grains/
COPY src/Silo/ src/Silo/
COPY src/Web/ src/Web/
# The open feed's JSON Schemas live with their specification and are embedded in the web assembly.
COPY docs/open-civic-commitments/schemas/ docs/open-civic-commitments/schemas/
COPY deploy/ deploy/
# The publish runs `npm ci` in src/Web (node_modules is not in the build context) and ships wwwroot with Leaflet.
RUN dotnet publish src/Web/Web.csproj -c Release --no-restore -o /app /p:UseAppHost=false

# ---- runtime stage: ASP.NET Core runtime only ----
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build --chown=root:root /app ./

# In a container the web host is a client of the silo cluster, never a co-hosted silo; listen on every interface, port
# 8080, through the standard variable, so that an operator's ASPNETCORE_HTTP_PORTS or ASPNETCORE_URLS replaces it.
ENV ASPNETCORE_HTTP_PORTS=8080 \
    Orleans__Mode=Client \
    DOTNET_gcServer=1 \
    DOTNET_RUNNING_IN_CONTAINER=true

EXPOSE 8080

# The official images ship the non-root user "app" (UID 1654).
USER app

ENTRYPOINT ["dotnet", "CivicContracting.Web.dll"]
