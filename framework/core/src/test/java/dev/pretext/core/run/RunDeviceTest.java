package dev.pretext.core.run;

import ai.djl.Device;
import dev.pretext.core.UserError;
import dev.pretext.core.recipe.DeviceRequest;
import dev.pretext.core.recipe.LoadedRecipe;
import dev.pretext.core.recipe.RecipeError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunDeviceTest {
    /** This machine's libtorch: the CPU build from Maven Central, no CUDA driver. */
    private static final RunDevice.Gpus CPU_BUILD = new RunDevice.Gpus(0, -1, null,
            "/cache/djl/pytorch/2.7.1-cpu-linux-x86_64", false, null);
    /** A GPU machine whose driver sees two GPUs, but with the CPU build of libtorch. */
    private static final RunDevice.Gpus GPU_BUT_CPU_BUILD = new RunDevice.Gpus(0, 2, "12.8",
            "/cache/djl/pytorch/2.7.1-cpu-linux-x86_64", false, null);
    /** Two GPUs and a CUDA libtorch. */
    private static final RunDevice.Gpus TWO_GPUS = new RunDevice.Gpus(2, 2, "12.8", "/opt/libtorch/lib", true, null);

    @TempDir
    Path dir;

    @Test
    void parsesEveryFormAndWritesItBackAsGiven() {
        assertEquals(DeviceRequest.AUTO, DeviceRequest.parse(null), "absent means auto");
        for (String v : List.of("auto", "cpu", "gpu", "gpu:0", "gpu:3")) {
            assertEquals(v, DeviceRequest.parse(v).toString());
        }
        assertEquals("gpu:2", DeviceRequest.parse(" GPU:2 ").toString(), "case and spaces forgiven");
        assertEquals("gpu:1", DeviceRequest.parse("cuda:1").toString(), "PyTorch's spelling is accepted");
        assertEquals(DeviceRequest.Kind.GPU, DeviceRequest.parse("gpu").kind());
        assertEquals(-1, DeviceRequest.parse("gpu").index());
        assertEquals(3, DeviceRequest.parse("gpu:3").index());
        for (String bad : List.of("gpu:", "gpu:-1", "gpu:x", "tpu", "gpu0", "", "gpu:1:2")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceRequest.parse(bad), bad);
            assertTrue(e.getMessage().contains("use auto"), e.getMessage());
        }
    }

    @Test
    void autoTakesTheFirstVisibleGpuWhenTheEngineSeesOneElseTheCpu() {
        assertEquals(Device.cpu(), RunDevice.resolve(DeviceRequest.AUTO, CPU_BUILD));
        assertEquals(Device.cpu(), RunDevice.resolve(DeviceRequest.AUTO, GPU_BUT_CPU_BUILD),
                "GPUs libtorch cannot use are not taken");
        assertEquals(Device.gpu(0), RunDevice.resolve(DeviceRequest.AUTO, TWO_GPUS));
        assertEquals(Device.cpu(), RunDevice.resolve(DeviceRequest.parse("cpu"), TWO_GPUS), "cpu is always the CPU");
        assertEquals(Device.gpu(0), RunDevice.resolve(DeviceRequest.parse("gpu"), TWO_GPUS));
        assertEquals(Device.gpu(1), RunDevice.resolve(DeviceRequest.parse("gpu:1"), TWO_GPUS));
    }

    @Test
    void aGpuAskedForWhereNoneCanBeUsedSaysWhyAndWhatToDo() {
        UserError e = assertThrows(UserError.class, () -> RunDevice.resolve(DeviceRequest.parse("gpu"), CPU_BUILD));
        assertTrue(e.getMessage().startsWith("device: gpu asked, but DJL's PyTorch engine sees no GPU (this libtorch "
                + "is the CPU build loaded from /cache/djl/pytorch/2.7.1-cpu-linux-x86_64"), e.getMessage());
        assertTrue(e.getMessage().contains("PYTORCH_LIBRARY_PATH") && e.getMessage().contains("PYTORCH_FLAVOR=cu128")
                && e.getMessage().endsWith("or use device: cpu (or auto)"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");

        e = assertThrows(UserError.class, () -> RunDevice.resolve(DeviceRequest.parse("gpu:1"), GPU_BUT_CPU_BUILD));
        assertTrue(e.getMessage().contains("device: gpu:1 asked") && e.getMessage().contains(
                "the CUDA driver reports 2 GPUs, but this libtorch is the CPU build"), e.getMessage());

        RunDevice.Gpus cudaNoDriver = new RunDevice.Gpus(0, -1, null, "/opt/libtorch/lib", true, null);
        e = assertThrows(UserError.class, () -> RunDevice.resolve(DeviceRequest.parse("gpu"), cudaNoDriver));
        assertTrue(e.getMessage().contains("libtorch is a CUDA build, but no CUDA runtime or driver was found")
                && e.getMessage().contains("nvidia-smi"), e.getMessage());
    }

    @Test
    void cudaVisibleDevicesNumbersTheGpusAndCanHideThemAll() {
        // Slurm gave the job GPUs 2 and 3 of the node: CUDA calls them 0 and 1.
        RunDevice.Gpus slurm = new RunDevice.Gpus(2, 2, "12.8", "/opt/libtorch/lib", true, "2,3");
        assertEquals(Device.gpu(0), RunDevice.resolve(DeviceRequest.parse("gpu"), slurm));
        assertEquals(Device.gpu(1), RunDevice.resolve(DeviceRequest.parse("gpu:1"), slurm));
        UserError e = assertThrows(UserError.class, () -> RunDevice.resolve(DeviceRequest.parse("gpu:2"), slurm));
        assertEquals("device: gpu:2 asked, but this process sees 2 GPUs, gpu:0 to gpu:1 (CUDA_VISIBLE_DEVICES=2,3 "
                + "numbers the visible ones from 0); use one of those, or gpu", e.getMessage());

        RunDevice.Gpus one = new RunDevice.Gpus(1, 1, "12.8", "/opt/libtorch/lib", true, null);
        e = assertThrows(UserError.class, () -> RunDevice.resolve(DeviceRequest.parse("gpu:1"), one));
        assertEquals("device: gpu:1 asked, but this process sees 1 GPU, gpu:0; use one of those, or gpu",
                e.getMessage());

        // A job without GPUs on a GPU node: every GPU hidden. auto trains on the CPU; gpu says why not.
        RunDevice.Gpus hidden = new RunDevice.Gpus(0, 0, "12.8", "/opt/libtorch/lib", true, "");
        assertEquals(Device.cpu(), RunDevice.resolve(DeviceRequest.AUTO, hidden));
        e = assertThrows(UserError.class, () -> RunDevice.resolve(DeviceRequest.parse("gpu"), hidden));
        assertTrue(e.getMessage().contains("CUDA_VISIBLE_DEVICES='' hides every GPU from this process"),
                e.getMessage());
    }

    @Test
    void thisMachineIsSeenAsItIsAndAGpuIsRefusedBeforeAnythingRuns() {
        // The real engine: the CPU build of libtorch from Maven Central, no GPU.
        RunDevice.Gpus here = RunDevice.probe();
        assertEquals(0, here.libtorchGpus(), here.toString());
        assertFalse(here.cudaBuild(), here.toString());
        assertTrue(here.libtorchPath() != null && Files.isDirectory(Path.of(here.libtorchPath())), here.toString());
        assertEquals(Device.cpu(), RunDevice.open(DeviceRequest.AUTO));
        assertEquals(Device.cpu(), RunDevice.open(DeviceRequest.parse("cpu")));
        UserError e = assertThrows(UserError.class, () -> RunDevice.open(DeviceRequest.parse("gpu:0")));
        assertTrue(e.getMessage().startsWith("device: gpu:0 asked, but DJL's PyTorch engine sees no GPU (")
                && e.getMessage().contains("CPU build"), e.getMessage());

        Map<String, Object> entry = RunDevice.manifestEntry(DeviceRequest.AUTO, Device.cpu(), here);
        assertEquals("auto", entry.get("asked"));
        assertEquals("cpu", entry.get("used"));
        assertEquals("cpu", entry.get("libtorch_build"));
    }

    @Test
    void aCudaBuildIsToldByItsLibraries() throws Exception {
        Path cpu = Files.createDirectories(dir.resolve("cpu"));
        Files.createFile(cpu.resolve("libtorch_cpu.so"));
        Files.createFile(cpu.resolve("libc10.so"));
        assertFalse(RunDevice.hasCudaLibrary(cpu));
        Path cuda = Files.createDirectories(dir.resolve("cuda"));
        Files.createFile(cuda.resolve("libtorch_cpu.so"));
        Files.createFile(cuda.resolve("libtorch_cuda.so"));
        assertTrue(RunDevice.hasCudaLibrary(cuda));
        assertFalse(RunDevice.hasCudaLibrary(dir.resolve("absent")));
    }

    @Test
    void theRecipeKeyIsCheckedAtItsLineAndDefaultsToAuto() {
        String recipe = """
                name: demo
                budget: {steps: 1}
                data:
                  train: {type: tts, minutes: 3}
                frontend: fbank
                encoder: {type: transformer}
                objective: {type: mam}
                """;
        assertEquals("auto", LoadedRecipe.parse(Path.of("r.yaml"), recipe).recipe().device());
        assertEquals("gpu:1", LoadedRecipe.parse(Path.of("r.yaml"), recipe + "device: gpu:1\n").recipe().device());
        RecipeError e = assertThrows(RecipeError.class,
                () -> LoadedRecipe.parse(Path.of("r.yaml"), recipe + "device: gpu-1\n"));
        assertEquals(8, e.line());
        assertEquals("device", e.key());
        assertTrue(e.getMessage().startsWith("r.yaml:8: device: 'gpu-1' is not a device; use auto"), e.getMessage());
        e = assertThrows(RecipeError.class, () -> LoadedRecipe.parse(Path.of("r.yaml"), recipe + "device: 0\n"));
        assertEquals(8, e.line());
        assertTrue(e.getMessage().contains("use one of [auto, cpu, gpu, gpu:N]"), e.getMessage());
    }

    @Test
    void theManifestKeepsEveryDeviceARunTrainedOn() {
        Manifest first = new Manifest(dir.resolve("manifest.json"), startedOn("2026-12-01T10:00:00Z", "gpu:0"));
        first.merge(new Manifest(dir.resolve("manifest.json"), startedOn("2026-12-02T10:00:00Z", "gpu:0")));
        assertEquals(List.of(new RunManifest.DeviceStart("gpu:0", "2026-12-01T10:00:00Z")),
                first.content().deviceHistory(), "the same device again adds nothing");
        first.merge(new Manifest(dir.resolve("manifest.json"), startedOn("2026-12-03T10:00:00Z", "cpu")));
        assertEquals(List.of(new RunManifest.DeviceStart("gpu:0", "2026-12-01T10:00:00Z"),
                        new RunManifest.DeviceStart("cpu", "2026-12-03T10:00:00Z")),
                first.content().deviceHistory());
        assertEquals("cpu", first.content().device());
    }

    private static RunManifest startedOn(String created, String device) {
        return new RunManifest("r", created, 1L, null, new RunManifest.Platform(null, null, null, device, null, null,
                null, null, null), null, null, null, null, null, null, null, null);
    }

    @Test
    void aResumedRecipeMayChangeOnlyItsDevice() {
        String recorded = "name: r\nseed: 1\ndevice: gpu\ndata:\n  feature_cache: false\n";
        assertTrue(TrainingRun.sameExceptCache(recorded, recorded.replace("device: gpu", "device: cpu")));
        assertTrue(TrainingRun.sameExceptCache(recorded.replace("device: gpu\n", ""), recorded),
                "a recipe recorded before the key existed");
        assertFalse(TrainingRun.sameExceptCache(recorded, recorded.replace("seed: 1", "seed: 2")));
    }
}
