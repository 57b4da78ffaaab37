#!/usr/bin/env bash
# Builds the e2e control plane (etcd, kube-apiserver, kube-controller-manager, kubectl) from the Go module proxy,
# pinned by test/e2e/controlplane/go.mod, into a cache outside the clone keyed by the pinned versions:
#   ${KUBECTL_ENTRA_CACHE:-~/.cache/kubectl-entra}/controlplane/k8s-<ver>-etcd-<ver>/
# A warm cache is a no-op. Prints the binary directory on stdout; progress goes to stderr.
# Each binary is built under a temporary name and renamed into place, so an interrupted build never
# leaves a half-written binary behind; a lock keeps concurrent callers from building twice.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
module="$repo/test/e2e/controlplane"

say() { printf 'build-controlplane: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# Versions come from go.mod so the cache key cannot drift from what is built.
k8s_version="$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v/ { print $2; exit }' "$module/go.mod")"
etcd_version="$(awk '$1 == "go.etcd.io/etcd/server/v3" && $2 ~ /^v/ { print $2; exit }' "$module/go.mod")"
[[ -n "$k8s_version" && -n "$etcd_version" ]] || die "cannot read pinned versions from $module/go.mod"

cache_root="${KUBECTL_ENTRA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-entra}"
out="$cache_root/controlplane/k8s-$k8s_version-etcd-$etcd_version"

# name -> Go package, relative to the module (etcd has its own main in the module).
# kubectl too: the tests need one at the server's version (Debian's kubernetes-client is far older).
binaries=(etcd kube-apiserver kube-controller-manager kubectl)
package_of() {
  case "$1" in
    etcd) echo ./etcd ;;
    *) echo "k8s.io/kubernetes/cmd/$1" ;;
  esac
}

# Stamp the Kubernetes version the way release builds do, so /version and `kubectl version` say v1.x.y.
k8s_minor="$(cut -d. -f2 <<<"$k8s_version")"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$k8s_minor -X $pkg.gitTreeState=clean"
done
# Binaries built with a different recipe (flags) than this script's are rebuilt.
recipe="trimpath; ldflags=$ldflags"

all_present() {
  local b
  [[ -f "$out/.recipe" && "$(cat "$out/.recipe")" == "$recipe" ]] || return 1
  for b in "${binaries[@]}"; do [[ -x "$out/$b" ]] || return 1; done
}

if all_present; then
  echo "$out"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "Go is not installed (need the version in $module/go.mod: $(awk '$1 == "go" { print $2 }' "$module/go.mod")). Install Go, or copy prebuilt binaries into $out."

mkdir -p "$out"
exec 9>"$out/.lock"
if ! flock -n 9; then
  say "another build is running for $out; waiting for it"
  flock 9
fi
if all_present; then
  echo "$out"
  exit 0
fi

cd "$module"
export GOFLAGS="-mod=readonly -buildvcs=false ${GOFLAGS:-}"
start_all=$SECONDS

say "Kubernetes $k8s_version, etcd $etcd_version -> $out"
say "downloading Go modules via ${GOPROXY:-$(go env GOPROXY)} (first run only)"
if ! download_log="$(go mod download 2>&1)"; then
  printf '%s\n' "$download_log" | tail -n 15 >&2
  if grep -qiE 'dial tcp|no such host|connection refused|i/o timeout|TLS handshake|proxyconnect|network is unreachable|Service Unavailable|Bad Gateway|403 Forbidden' <<<"$download_log"; then
    die "the Go module proxy ($(go env GOPROXY)) is unreachable. Building the control plane downloads Kubernetes and etcd sources from it once per machine; check network access to it (or point GOPROXY at a reachable mirror) and retry."
  fi
  die "go mod download failed (see above)"
fi

build_one() {
  local name="$1" pkg total n=0 start=$SECONDS tmp
  pkg="$(package_of "$name")"
  total="$(go list -deps "$pkg" 2>/dev/null | wc -l || echo '?')"
  tmp="$out/.$name.tmp.$$"
  trap 'rm -f "$tmp"' EXIT
  say "building $name ($total packages in its graph; cached ones are not recompiled)"
  # -v lists each package as it is compiled; count them for a progress line every 100 packages.
  set +e
  go build -trimpath -ldflags="$ldflags" -v -o "$tmp" "$pkg" 2>&1 | while IFS= read -r line; do
    # Package paths have no spaces; anything else is a diagnostic (file.go:1:2: ..., go: ..., # pkg).
    if [[ "$line" == *" "* ]]; then
      printf '%s\n' "$line" >&2
    else
      n=$((n + 1))
      if ((n % 100 == 0)); then say "  $name: compiled $n packages"; fi
    fi
  done
  local rc="${PIPESTATUS[0]}"
  set -e
  if [[ "$rc" -ne 0 || ! -s "$tmp" ]]; then
    die "go build $pkg failed"
  fi
  mv -f "$tmp" "$out/$name"
  trap - EXIT
  say "built $name in $((SECONDS - start)) s"
}

same_recipe=false
[[ -f "$out/.recipe" && "$(cat "$out/.recipe")" == "$recipe" ]] && same_recipe=true
for b in "${binaries[@]}"; do
  if $same_recipe && [[ -x "$out/$b" ]]; then
    say "$b: cached"
  else
    build_one "$b"
  fi
done
printf '%s' "$recipe" >"$out/.recipe.tmp.$$" && mv -f "$out/.recipe.tmp.$$" "$out/.recipe"

say "done in $((SECONDS - start_all)) s"
echo "$out"
