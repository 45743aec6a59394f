#!/usr/bin/env bash
# Installs what the browser end-to-end tests (test/e2e) and the WebGPU kernel tests need:
#   chromium    Debian's Chromium at /usr/bin/chromium (e2e); it also ships SwiftShader, the software
#               Vulkan driver (/usr/lib/chromium/vk_swiftshader_icd.json) the GPU tests run on;
#   libvulkan1  the Vulkan loader (libvulkan.so.1) that Dawn (the `webgpu` npm package) dlopens at run
#               time: `ldd dawn.node` does not list it, and chromium does not depend on it.
# Idempotent: installs only what is missing. playwright-core itself comes from `npm ci` and never
# downloads a browser. Without these the e2e suite and test/unit/gpu-kernels skip with a message.
set -euo pipefail
need=()
if [ -x /usr/bin/chromium ]; then
  echo "e2e-deps: chromium present ($(/usr/bin/chromium --version 2>/dev/null | head -n1 || echo 'version unknown'))"
else
  need+=(chromium fonts-dejavu-core)
fi
if ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1 '; then
  echo "e2e-deps: libvulkan.so.1 present"
else
  need+=(libvulkan1)
fi
[ ${#need[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "e2e-deps: no apt-get here; install ${need[*]} (Chromium at /usr/bin/chromium or ISOTHERM_CHROMIUM; the Vulkan loader libvulkan.so.1)" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "e2e-deps: installed ${need[*]}"
