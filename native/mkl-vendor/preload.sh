# Sourced by ./pretext and bench/run before they start a JVM: preloads libpretext-mkl-vendor.so so that MKL inside
# libtorch takes its fast kernels on AMD CPUs (see mkl_vendor.c). The library itself checks the CPU (vendor,
# AVX2, FMA) with the same cpuid MKL reads and answers as libtorch would where the fix does not apply, so this only
# checks the platform. PRETEXT_MKL_VENDOR_FIX=0 (or false/off/no) leaves LD_PRELOAD alone.
pretext_mkl_vendor_preload() {
  local lib
  lib="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/libpretext-mkl-vendor.so"
  case "${PRETEXT_MKL_VENDOR_FIX:-1}" in 0|false|off|no) return 0 ;; esac
  [ "$(uname -s)/$(uname -m)" = Linux/x86_64 ] && [ -r "$lib" ] || return 0
  case "$lib" in *[[:space:]:]*) return 0 ;; esac  # LD_PRELOAD splits at spaces and colons
  case ":${LD_PRELOAD:-}:" in *":$lib:"*) return 0 ;; esac
  export LD_PRELOAD="$lib${LD_PRELOAD:+:$LD_PRELOAD}"
}
pretext_mkl_vendor_preload
unset -f pretext_mkl_vendor_preload
