/*
 * MKL, linked statically into libtorch, takes its fast kernels only where this function says the CPU is
 * Intel's (vendor string "GenuineIntel"); on AMD it takes a slow path. libtorch exports the function and calls
 * it through its PLT, so a definition preloaded with LD_PRELOAD replaces libtorch's own.
 *
 * This one also says "Intel" on AMD CPUs that have what MKL's Intel kernels are built for at the least (AVX,
 * AVX2 and FMA, with the OS saving the YMM registers); MKL then picks among those kernels by the CPU's
 * feature flags as usual (AVX-512 where present). Everywhere else, or with PRETEXT_MKL_VENDOR_FIX=0, it
 * answers exactly as libtorch's copy does: the vendor string compared with "GenuineIntel".
 *
 * Built by ./build into libpretext-mkl-vendor.so (committed: a C compiler is not needed to run pretext).
 * It uses no libc function but getenv, so it loads with any glibc libtorch itself loads with.
 */
#include <cpuid.h>
#include <stdlib.h>

static int cached = -1;

/* The 12-byte vendor string cpuid leaf 0 returns in ebx, edx, ecx. */
static int vendor_is(unsigned int b, unsigned int d, unsigned int c, const char *v) {
    const unsigned int *w = (const unsigned int *) v;
    return b == w[0] && d == w[1] && c == w[2];
}

static int switched_off(void) {
    const char *s = getenv("PRETEXT_MKL_VENDOR_FIX");
    if (s == 0) {
        return 0;
    }
    /* the same words the launch scripts accept */
    const char *off[] = {"0", "false", "off", "no"};
    for (unsigned int i = 0; i < sizeof off / sizeof off[0]; i++) {
        const char *a = s;
        const char *b = off[i];
        while (*a && *a == *b) {
            a++;
            b++;
        }
        if (*a == 0 && *b == 0) {
            return 1;
        }
    }
    return 0;
}

/* AVX, FMA and AVX2 present, and the OS saving SSE and YMM state (XCR0 bits 1 and 2). */
static int has_avx2_fma(void) {
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) {
        return 0;
    }
    const unsigned int osxsave = 1u << 27, avx = 1u << 28, fma = 1u << 12;
    if ((c & (osxsave | avx | fma)) != (osxsave | avx | fma)) {
        return 0;
    }
    unsigned int xcr0_lo, xcr0_hi;
    __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
    if ((xcr0_lo & 6u) != 6u) {
        return 0;
    }
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        return 0;
    }
    return (b & (1u << 5)) != 0;
}

static int decide(void) {
    unsigned int a, b, c, d;
    if (!__get_cpuid(0, &a, &b, &c, &d)) {
        return 0;
    }
    if (vendor_is(b, d, c, "GenuineIntel")) {
        return 1;
    }
    return !switched_off() && vendor_is(b, d, c, "AuthenticAMD") && has_avx2_fma();
}

__attribute__((visibility("default"))) int mkl_serv_intel_cpu_true(void) {
    int v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (v < 0) {
        /* racing threads compute the same answer */
        v = decide();
        __atomic_store_n(&cached, v, __ATOMIC_RELAXED);
    }
    return v;
}
