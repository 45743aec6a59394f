#!/usr/bin/env bash
# The GPU benchmark on a lent NVIDIA machine (H100/H200), which has CUDA but no Node.js and no registry.
#
#   here:   bash bench/device-gpu.sh pack
#           builds dist/ and bundles Node, dist/ and the bench's run-time node_modules (linux-x64 Dawn
#           only) plus the Vulkan/EGL loader .debs into .device/ (git-ignored; ~12 MB) with
#           ../shared/device/pack.sh (or $ISOTHERM_DEVICE_TOOLS/pack.sh).
#   device: one `run` call with carry [".device"], timeout_s 590, command
#           bash bench/device-gpu.sh run
#           env: SIZES (default 100000,1000000), BACKENDS (default wasm,webgpu), CASE_TIMEOUT seconds per
#           (size, backend) case (default 130: 4 cases stay inside one 10-minute command; a wasm case
#           that times out still gets its row, and the GPU's speed-up over it is then a lower bound),
#           LANDMARKS (default auto = 1000).
#           Writes $OUT/gpu-bench.md (the table) and $OUT/gpu-bench.log (diagnostics + stderr).
# docs/gpu.md ("Running on an NVIDIA machine") describes what to check in the output.
set -uo pipefail
cd "$(dirname "$0")/.."
mode=${1:-}
case "$mode" in
  pack)
    set -e
    tools=${ISOTHERM_DEVICE_TOOLS:-../shared/device}
    [ -f "$tools/pack.sh" ] || { echo "device-gpu: $tools/pack.sh not found (set ISOTHERM_DEVICE_TOOLS)" >&2; exit 1; }
    npx tsc -p tsconfig.json || echo "device-gpu: tsc reported errors (dist/ was still emitted); check them if the bench fails" >&2
    # The whole run-time closure of dist/bench/gpu.js (checked by running it from a tree holding only these).
    mods=(node_modules/@tensorflow/tfjs-core node_modules/@tensorflow/tfjs-backend-wasm node_modules/@tensorflow/tfjs-backend-cpu
          node_modules/@tensorflow/tfjs-backend-webgpu node_modules/webgpu node_modules/long node_modules/seedrandom)
    for m in debug ms; do [ -d "node_modules/$m" ] && mods+=("node_modules/$m"); done
    # tfjs-node-gpu, when installed (it is optional and needs libtensorflow), for the `tensorflow` rows.
    [ -d node_modules/@tensorflow/tfjs-node-gpu ] && mods+=(node_modules/@tensorflow/tfjs-node-gpu)
    bash "$tools/pack.sh" dist "${mods[@]}"
    ;;
  run)
    out=${OUT:-bench-output}
    mkdir -p "$out"
    log="$out/gpu-bench.log"
    [ -f .device/setup.sh ] || { echo "device-gpu: .device/ missing: run 'bash bench/device-gpu.sh pack' here and carry [\".device\"]" | tee "$log"; exit 1; }
    # shellcheck disable=SC1091
    source .device/setup.sh >>"$log" 2>&1
    {
      echo "== nvidia-smi"; nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>&1
      echo "== vulkan"; ldconfig -p | grep -i libvulkan; ls /usr/local/nvidia/share/vulkan/icd.d 2>&1; echo "VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-}"
    } >>"$log" 2>&1
    probe() {
      node --input-type=module -e "const { probeAdapter } = await import('./dist/src-core/compute/webgpu-loader.js');
        const p = await probeAdapter(60000); console.log(JSON.stringify(p.adapter)); if (!p.adapter) console.error(p.stderr);"
    }
    adapter=$(probe 2>>"$log")
    echo "== Dawn adapter (Vulkan): $adapter" >>"$log"
    if [ -z "$adapter" ] || [ "$adapter" = "null" ]; then
      # Dawn's OpenGL ES backend through EGL, where Vulkan finds no adapter.
      export ISOTHERM_DAWN_OPTIONS=backend=opengles EGL_PLATFORM=surfaceless
      adapter=$(probe 2>>"$log")
      echo "== Dawn adapter (OpenGL ES): $adapter" >>"$log"
    fi
    cat "$log"
    node dist/bench/gpu.js --sizes "${SIZES:-100000,1000000}" --backends "${BACKENDS:-wasm,webgpu}" \
      --timeout "${CASE_TIMEOUT:-130}" --landmarks "${LANDMARKS:-auto}" --out "$out/gpu-bench.md" 2>>"$log"
    ;;
  *)
    echo "usage: bash bench/device-gpu.sh pack|run" >&2
    exit 2
    ;;
esac
