package dev.pretext.core.interop;

import dev.pretext.core.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The data-only torch.save reader on a file real PyTorch wrote (src/test/python/make_torch_save_fixture.py). */
class TorchPickleTest {
    static final Path FIXTURE = Path.of("src/test/resources/interop/state.pt");

    @TempDir
    Path temp;

    @Test
    void readsTensorsViewsDtypesAndPlainValues() {
        Map<?, ?> top = assertInstanceOf(Map.class, TorchPickle.load(FIXTURE));
        Map<?, ?> model = assertInstanceOf(Map.class, top.get("model"));
        assertEquals(List.of("w", "wt", "half", "bf16", "tail"), List.copyOf(model.keySet().stream()
                .map(String::valueOf).toList()));
        Tensor w = (Tensor) model.get("w");
        assertArrayEquals(new long[]{2, 3}, w.shape());
        assertArrayEquals(new float[]{0f, .25f, .5f, .75f, 1f, 1.25f}, w.data());
        Tensor wt = (Tensor) model.get("wt");
        assertArrayEquals(new long[]{3, 2}, wt.shape());
        assertArrayEquals(new float[]{0f, .75f, .25f, 1f, .5f, 1.25f}, wt.data(), "the transposed view's strides");
        assertArrayEquals(new float[]{1.5f, -2.25f, 65504f}, ((Tensor) model.get("half")).data());
        Tensor bf16 = (Tensor) model.get("bf16");
        assertEquals(0, bf16.shape().length);
        assertArrayEquals(new float[]{-0.5f}, bf16.data());
        assertArrayEquals(new float[]{7f, 8f, 9f}, ((Tensor) model.get("tail")).data(), "a storage offset");
        assertEquals(123456789012L, top.get("step"));
        assertEquals("fixture", top.get("name"));
        assertEquals(null, top.get("none"));
        assertEquals(List.of(1L, 2.5, "x"), top.get("tuple"));
        // argparse's Namespace is not built, only recorded: its state is the attribute dict
        TorchPickle.Obj args = assertInstanceOf(TorchPickle.Obj.class, top.get("args"));
        assertEquals("argparse.Namespace", args.type.module() + "." + args.type.name());
        assertEquals(5L, FairseqCheckpoint.find(top.get("args"), "encoder_attention_heads"));
        assertEquals(true, FairseqCheckpoint.find(List.of(top.get("args")), "layer_norm_first"));
        // an omegaconf DictConfig (cyclic: nodes point at their parents), its values unwrapped from the nodes
        assertInstanceOf(TorchPickle.Obj.class, top.get("cfg"));
        assertEquals(7L, FairseqCheckpoint.find(top.get("cfg"), "encoder_attention_heads"));
        assertEquals(false, FairseqCheckpoint.find(top.get("cfg"), "layer_norm_first"));
        assertEquals("hubert", FairseqCheckpoint.find(top.get("cfg"), "_name"));
    }

    @Test
    void aStateDictReadsAsNamedTensors() {
        Map<String, Tensor> sd = TorchPickle.stateDict(FIXTURE);
        assertEquals(5, sd.size());
        assertEquals("wt", sd.get("wt").name());
    }

    @Test
    void truncatedAndForeignFilesAreUserErrorsNamingTheFile() throws Exception {
        byte[] bytes = Files.readAllBytes(FIXTURE);
        Path cut = temp.resolve("cut.pt");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        UserError e = assertThrows(UserError.class, () -> TorchPickle.load(cut));
        assertTrue(e.getMessage().contains("cut.pt") && e.getMessage().contains("truncated"), e.getMessage());
        Path text = temp.resolve("notes.pt");
        Files.writeString(text, "not a checkpoint");
        e = assertThrows(UserError.class, () -> TorchPickle.load(text));
        assertTrue(e.getMessage().contains("not a zip archive"), e.getMessage());
    }
}
