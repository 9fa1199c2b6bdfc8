package dev.pretext.core.interop;

import dev.pretext.core.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsTest {
    @TempDir
    Path temp;

    @Test
    void writesWhatItReadsInOrderWithMetadataAndAlignedData() throws Exception {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("b.weight", new Tensor("b.weight", new long[]{2, 3}, new float[]{1, 2, 3, 4, 5, -6.5f}));
        tensors.put("a", new Tensor("a", new long[]{}, new float[]{3.25f}));
        tensors.put("empty", new Tensor("empty", new long[]{0, 4}, new float[0]));
        Path file = temp.resolve("t.safetensors");
        SafeTensors.write(file, tensors, Map.of("format", "pt"));
        byte[] bytes = Files.readAllBytes(file);
        long header = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + header) % 8, "data starts on an 8-byte boundary");
        SafeTensors.Contents read = SafeTensors.read(file);
        assertEquals(List.of("b.weight", "a", "empty"), List.copyOf(read.tensors().keySet()));
        assertEquals("pt", read.metadata().get("format"));
        for (Tensor t : tensors.values()) {
            assertArrayEquals(t.shape(), read.tensors().get(t.name()).shape());
            assertArrayEquals(t.data(), read.tensors().get(t.name()).data());
        }
    }

    @Test
    void readsHalfAndBfloat16() throws Exception {
        // 1.5 and -2.0 as F16 (0x3e00, 0xc000); 1.5 and -2.0 as BF16 (0x3fc0, 0xc000)
        Path file = raw("{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[4,8]}}",
                new byte[]{0x00, 0x3e, 0x00, (byte) 0xc0, (byte) 0xc0, 0x3f, 0x00, (byte) 0xc0});
        Map<String, Tensor> t = SafeTensors.read(file).tensors();
        assertArrayEquals(new float[]{1.5f, -2f}, t.get("h").data());
        assertArrayEquals(new float[]{1.5f, -2f}, t.get("b").data());
        assertEquals(65504f, SafeTensors.halfToFloat((short) 0x7bff));
        assertEquals(0x1p-24f, SafeTensors.halfToFloat((short) 0x0001), "subnormal");
    }

    @Test
    void badFilesSayWhatIsWrongAndWhere() throws Exception {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("x", new Tensor("x", new long[]{4}, new float[]{1, 2, 3, 4}));
        tensors.put("layer.y", new Tensor("layer.y", new long[]{4}, new float[]{1, 2, 3, 4}));
        Path file = temp.resolve("m.safetensors");
        SafeTensors.write(file, tensors, Map.of());
        byte[] bytes = Files.readAllBytes(file);
        Path cut = temp.resolve("cut.safetensors");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 4));
        assertMessage(cut, "tensor 'layer.y'", "truncated");
        Files.write(cut, Arrays.copyOf(bytes, 5));
        assertMessage(cut, "fewer than the 8-byte header length");
        Files.write(cut, Arrays.copyOf(bytes, 40));
        assertMessage(cut, "cut short");
        assertMessage(raw("{\"i\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", new byte[8]),
                "tensor 'i' has dtype 'I64'");
        assertMessage(raw("{\"s\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]),
                "tensor 's' has shape [3] of F32 (12 bytes) but its data_offsets span 8 bytes");
        assertMessage(raw("[1, 2]", new byte[0]), "not a JSON object");
    }

    private void assertMessage(Path file, String... parts) {
        UserError e = assertThrows(UserError.class, () -> SafeTensors.read(file));
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' in: " + e.getMessage());
        }
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    private Path raw(String header, byte[] data) throws Exception {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path file = Files.createTempFile(temp, "raw", ".safetensors");
        Files.write(file, b.array());
        return file;
    }
}
