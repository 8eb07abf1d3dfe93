# syntax=docker/dockerfile:1
# The session-audit operator image: framework-dependent on the chiseled ASP.NET runtime
# (no shell, no package manager), running as the non-root "app" user (UID 1654).
# docker build -t <registry>/session-audit-operator:<tag> .

# The image's version label and the binary's version. Directory.Build.props holds the one version and a test checks that
# this default agrees with it; `--build-arg VERSION=...` changes both together.
ARG VERSION=0.1.0

# Build on the builder's own platform and cross-publish for the target one.
FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
ARG TARGETARCH
ARG VERSION
WORKDIR /src

# Restore first, from the project files alone, so source edits reuse the restore layer.
COPY Directory.Build.props Directory.Packages.props ./
COPY operator/SessionAudit.Operator/SessionAudit.Operator.csproj operator/SessionAudit.Operator/
COPY operator/SessionAudit.Policy/SessionAudit.Policy.csproj operator/SessionAudit.Policy/
COPY operator/SessionAudit.Reporting/SessionAudit.Reporting.csproj operator/SessionAudit.Reporting/
COPY operator/SessionAudit.Aws/SessionAudit.Aws.csproj operator/SessionAudit.Aws/
COPY operator/SessionAudit.Kubernetes/SessionAudit.Kubernetes.csproj operator/SessionAudit.Kubernetes/
# The stand-ins are not the product, but the `session-audit sandbox` verb embeds them.
COPY sandbox/SessionAudit.Sandbox.Kubernetes/SessionAudit.Sandbox.Kubernetes.csproj sandbox/SessionAudit.Sandbox.Kubernetes/
COPY sandbox/SessionAudit.Sandbox.Aws/SessionAudit.Sandbox.Aws.csproj sandbox/SessionAudit.Sandbox.Aws/
RUN dotnet restore operator/SessionAudit.Operator/SessionAudit.Operator.csproj -a $TARGETARCH

COPY operator/ operator/
COPY sandbox/ sandbox/
# The same publish command docs/INSTALL.md gives and the test suite runs.
RUN dotnet publish operator/SessionAudit.Operator/SessionAudit.Operator.csproj -c Release --self-contained false -p:DebugType=None -p:DebugSymbols=false \
      --no-restore -a $TARGETARCH -p:Version=$VERSION -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled AS runtime
ARG VERSION
LABEL org.opencontainers.image.title="session-audit-operator" org.opencontainers.image.version="$VERSION"
WORKDIR /app
COPY --from=build --chown=0:0 /app ./
# Numeric, so Kubernetes' runAsNonRoot can verify it without resolving a name.
USER 1654:1654
EXPOSE 8080
ENTRYPOINT ["/app/session-audit"]
CMD ["run"]
