package dev.pretext.core.run;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.util.cuda.CudaUtils;
import dev.pretext.core.UserError;
import dev.pretext.core.recipe.DeviceRequest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run's {@link DeviceRequest} (the recipe's {@code device} key) gets on this machine. Resolving happens
 * when a run starts on the machine that trains it, since the machine that checks a recipe (a Slurm login node, a
 * laptop) need not be the one that trains it.
 *
 * <p>GPU indices are those the process sees: CUDA numbers the devices listed in {@code CUDA_VISIBLE_DEVICES}
 * (set by Slurm for a job with GPUs) from 0, so {@code gpu:0} is the first GPU Slurm gave the job. pretext never
 * changes that variable.
 */
public final class RunDevice {
    /**
     * What this process can see of GPUs.
     *
     * @param libtorchGpus   GPUs DJL's PyTorch engine can use (0 with a CPU build of libtorch)
     * @param driverGpus     GPUs the CUDA driver reports, whatever libtorch was built for (-1: no CUDA runtime
     *                       found)
     * @param cudaVersion    the CUDA runtime's version, e.g. "12.8", or null
     * @param libtorchPath   the folder libtorch was loaded from
     * @param cudaBuild      whether that libtorch is a CUDA build ({@code libtorch_cuda} beside it)
     * @param visibleDevices {@code CUDA_VISIBLE_DEVICES} as this process sees it, or null when unset
     */
    public record Gpus(int libtorchGpus, int driverGpus, String cudaVersion, String libtorchPath, boolean cudaBuild,
                       String visibleDevices) {
    }

    private RunDevice() {
    }

    /**
     * The device a request gets, given what the process sees.
     *
     * @throws UserError when a GPU is asked for and none (or not that one) can be used: why, and what to do
     */
    public static Device resolve(DeviceRequest request, Gpus gpus) {
        if (request.kind() == DeviceRequest.Kind.CPU) {
            return Device.cpu();
        }
        if (request.kind() == DeviceRequest.Kind.AUTO) {
            return gpus.libtorchGpus() > 0 ? Device.gpu(0) : Device.cpu();
        }
        if (gpus.libtorchGpus() <= 0) {
            throw new UserError("device: " + request + " asked, but DJL's PyTorch engine sees no GPU ("
                    + noGpuReason(gpus) + "); " + remedy(gpus) + ", or use device: cpu (or auto)");
        }
        int index = Math.max(request.index(), 0);
        if (index >= gpus.libtorchGpus()) {
            String visible = gpus.visibleDevices() == null ? ""
                    : " (CUDA_VISIBLE_DEVICES=" + gpus.visibleDevices() + " numbers the visible ones from 0)";
            throw new UserError("device: " + request + " asked, but this process sees " + gpus.libtorchGpus()
                    + " GPU" + (gpus.libtorchGpus() == 1 ? "" : "s") + ", gpu:0" + (gpus.libtorchGpus() > 1
                    ? " to gpu:" + (gpus.libtorchGpus() - 1) : "") + visible + "; use one of those, or gpu");
        }
        return Device.gpu(index);
    }

    /** Why the engine sees no GPU, in a few words. */
    static String noGpuReason(Gpus gpus) {
        String v = gpus.visibleDevices();
        if (v != null && (v.isBlank() || v.trim().equals("-1") || v.trim().equalsIgnoreCase("NoDevFiles"))) {
            return "CUDA_VISIBLE_DEVICES='" + v + "' hides every GPU from this process";
        }
        if (!gpus.cudaBuild()) {
            String where = gpus.libtorchPath() == null ? "" : " loaded from " + gpus.libtorchPath();
            return gpus.driverGpus() > 0
                    ? "the CUDA driver reports " + gpus.driverGpus() + " GPU" + (gpus.driverGpus() == 1 ? "" : "s")
                    + ", but this libtorch is the CPU build" + where
                    : "this libtorch is the CPU build" + where + ", and no CUDA driver reports a GPU";
        }
        return gpus.driverGpus() < 0 ? "libtorch is a CUDA build, but no CUDA runtime or driver was found"
                : "libtorch is a CUDA build, but the CUDA driver reports no GPU";
    }

    private static String remedy(Gpus gpus) {
        if (!gpus.cudaBuild()) {
            return "on a machine with an NVIDIA GPU, point PYTORCH_LIBRARY_PATH at a CUDA build of libtorch "
                    + LibtorchVersion.EXPECTED + " and set PYTORCH_FLAVOR=cu128 (README, \"On a GPU\")";
        }
        return "check nvidia-smi and CUDA_VISIBLE_DEVICES (README, \"On a GPU\")";
    }

    /** What DJL sees in this process (the engine must be loaded). */
    public static Gpus probe() {
        Engine engine = Engine.getInstance();
        int libtorch = engine.getGpuCount();
        int driver;
        String cuda;
        try {
            driver = CudaUtils.hasCuda() ? CudaUtils.getGpuCount() : -1;
            cuda = CudaUtils.hasCuda() ? CudaUtils.getCudaVersionString() : null;
        } catch (RuntimeException | LinkageError e) {
            driver = -1;
            cuda = null;
        }
        String path = null;
        boolean cudaBuild = false;
        try {
            // The core compiles against DJL's api only: the PyTorch engine's own class is looked up.
            Object p = Class.forName("ai.djl.pytorch.jni.LibUtils", true, engine.getClass().getClassLoader())
                    .getMethod("getLibtorchPath").invoke(null);
            path = p == null ? null : p.toString();
            cudaBuild = path != null && hasCudaLibrary(Path.of(path));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // An engine that is not PyTorch's, or one loaded another way: say nothing about the build.
        }
        return new Gpus(libtorch, driver, cuda, path, cudaBuild || libtorch > 0,
                System.getenv("CUDA_VISIBLE_DEVICES"));
    }

    /** Whether a libtorch folder holds the CUDA libraries ({@code libtorch_cuda*}, {@code libc10_cuda*}). */
    static boolean hasCudaLibrary(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .anyMatch(n -> n.startsWith("libtorch_cuda") || n.startsWith("libc10_cuda")
                            || n.startsWith("torch_cuda") || n.startsWith("c10_cuda"));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /**
     * Resolves a request on this machine and, for a GPU, makes one small array on it, so that a GPU libtorch
     * cannot use (a driver too old for its CUDA, a device taken) is a one-line error before training.
     */
    public static Device open(DeviceRequest request) {
        Gpus gpus = probe();
        Device device = resolve(request, gpus);
        if (device.isGpu()) {
            try (NDManager manager = NDManager.newBaseManager(device)) {
                NDArray probe = manager.ones(new ai.djl.ndarray.types.Shape(2));
                probe.sum().getFloat();
            } catch (EngineException | UnsatisfiedLinkError | IllegalStateException e) {
                String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("").trim();
                throw new UserError("device: " + request + " resolved to " + describe(device) + ", but libtorch "
                        + "cannot use it (" + message + "); check nvidia-smi, that the driver supports CUDA "
                        + (gpus.cudaVersion() == null ? "" : gpus.cudaVersion() + " ") + "(README, \"On a GPU\"), "
                        + "or use device: cpu");
            }
        }
        return device;
    }

    /** "cpu" or "gpu:N", as a recipe would write it. */
    public static String describe(Device device) {
        return device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu";
    }

    /** What the manifest records of the device a run used. */
    public static Map<String, Object> manifestEntry(DeviceRequest asked, Device used, Gpus gpus) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("asked", asked.toString());
        m.put("used", describe(used));
        m.put("gpus_visible", Math.max(gpus.libtorchGpus(), 0));
        if (used.isGpu()) {
            m.put("cuda", gpus.cudaVersion());
            try {
                m.put("compute_capability", CudaUtils.getComputeCapability(used.getDeviceId()));
                m.put("memory_bytes", CudaUtils.getGpuMemory(used).getMax());
            } catch (RuntimeException | LinkageError e) {
                // Informational only.
            }
        }
        if (gpus.visibleDevices() != null) {
            m.put("cuda_visible_devices", gpus.visibleDevices());
        }
        m.put("libtorch", gpus.libtorchPath());
        m.put("libtorch_build", gpus.cudaBuild() ? "cuda" : "cpu");
        return m;
    }

    /** The libtorch version pretext is built against (the jni jar's). */
    static final class LibtorchVersion {
        static final String EXPECTED = "2.7.1";

        private LibtorchVersion() {
        }
    }
}
