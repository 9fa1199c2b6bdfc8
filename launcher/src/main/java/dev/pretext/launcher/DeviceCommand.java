package dev.pretext.launcher;

import ai.djl.Device;
import dev.pretext.core.Json;
import dev.pretext.core.UserError;
import dev.pretext.core.recipe.DeviceRequest;
import dev.pretext.core.run.RunDevice;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "device", mixinStandardHelpOptions = true,
        description = "Say what DJL's PyTorch engine sees here (the libtorch it loaded, CPU or CUDA build, GPUs, "
                + "CUDA version, CUDA_VISIBLE_DEVICES) and which device a recipe's `device:` value gets on this "
                + "machine; exit 2 with the reason when that value cannot be used here.")
final class DeviceCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(paramLabel = "DEVICE", arity = "0..1", defaultValue = "auto",
            description = "auto (default), cpu, gpu or gpu:N, as in a recipe.")
    String device;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    public Integer call() {
        DeviceRequest asked;
        try {
            asked = DeviceRequest.parse(device);
        } catch (IllegalArgumentException e) {
            throw new UserError("device " + e.getMessage());
        }
        Host.initialiseEngine();
        RunDevice.Gpus gpus = RunDevice.probe();
        PrintWriter out = main.out();
        Map<String, Object> seen = new LinkedHashMap<>();
        seen.put("libtorch", gpus.libtorchPath());
        seen.put("libtorch_build", gpus.cudaBuild() ? "cuda" : "cpu");
        seen.put("gpus_libtorch_sees", gpus.libtorchGpus());
        seen.put("gpus_driver_reports", gpus.driverGpus() < 0 ? "no CUDA runtime found" : gpus.driverGpus());
        seen.put("cuda", gpus.cudaVersion());
        seen.put("cuda_visible_devices", gpus.visibleDevices());
        seen.put("pytorch_library_path", System.getenv("PYTORCH_LIBRARY_PATH"));
        seen.put("pytorch_flavor", System.getenv("PYTORCH_FLAVOR"));
        Device used;
        try {
            used = RunDevice.open(asked);
        } catch (UserError e) {
            print(out, seen);
            throw e;
        }
        seen.put("asked", asked.toString());
        seen.put("gets", RunDevice.describe(used));
        print(out, seen);
        return 0;
    }

    private void print(PrintWriter out, Map<String, Object> seen) {
        if (json) {
            out.print(Json.pretty(seen));
        } else {
            seen.forEach((k, v) -> out.printf("%-22s %s%n", k, v == null ? "-" : v));
        }
        out.flush();
    }
}
