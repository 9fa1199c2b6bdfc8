package dev.pretext.core.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pretext.core.Json;
import dev.pretext.core.UserError;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (Hugging Face's, also what torchaudio users load with {@code safetensors.torch}): an
 * 8-byte little-endian header length, a JSON header naming each tensor's dtype, shape and byte range
 * ({@code data_offsets}, relative to the end of the header), optional {@code __metadata__} (strings only), then
 * the raw little-endian data. Written as float32; read from F32, F16, BF16 and F64.
 */
public final class SafeTensors {
    /** A header larger than this is not a real model's (Hugging Face's own reader stops at 100 MB). */
    static final long MAX_HEADER = 100L << 20;

    private SafeTensors() {
    }

    /** Writes {@code tensors} (in order) as float32, with {@code metadata} strings, to {@code file}. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode header = Json.MAPPER.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Tensor t : tensors.values()) {
            ObjectNode entry = header.putObject(t.name());
            entry.put("dtype", "F32");
            var shape = entry.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            long bytes = 4L * t.data().length;
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = Json.MAPPER.writeValueAsBytes(header);
        // The data starts on an 8-byte boundary: pad the header with spaces, as the reference writer does.
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded);
        head.put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        try (var out = Files.newOutputStream(file)) {
            out.write(head.array());
            for (Tensor t : tensors.values()) {
                ByteBuffer data = ByteBuffer.allocate(4 * t.data().length).order(ByteOrder.LITTLE_ENDIAN);
                data.asFloatBuffer().put(t.data());
                out.write(data.array());
            }
        }
    }

    /** A file read: its tensors in header order and its metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    /**
     * Reads every tensor of a safetensors file as float32.
     *
     * @throws UserError when the file is not safetensors, is cut short, or a tensor's byte range does not fit its
     *                   dtype and shape (naming the tensor)
     */
    public static Contents read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UserError("cannot read " + file + ": " + e.getMessage());
        }
        String where = file.toString();
        if (bytes.length < 8) {
            throw new UserError(where + " is not a safetensors file: " + bytes.length + " bytes, fewer than the "
                    + "8-byte header length (truncated?)");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = buf.getLong();
        if (headerLength <= 0 || headerLength > MAX_HEADER || headerLength > bytes.length - 8) {
            throw new UserError(where + " is not a safetensors file or is cut short: its header claims " + headerLength
                    + " bytes, the file has " + (bytes.length - 8) + " after the length");
        }
        JsonNode header;
        try {
            header = Json.MAPPER.readTree(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UserError(where + ": the safetensors header is not valid JSON (" + e.getMessage().lines()
                    .findFirst().orElse("") + ")");
        }
        if (header == null || !header.isObject()) {
            throw new UserError(where + ": the safetensors header is not a JSON object");
        }
        long dataStart = 8 + headerLength;
        long dataLength = bytes.length - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode entry = e.getValue();
            if (name.equals("__metadata__")) {
                entry.fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            String dtype = entry.path("dtype").asText("");
            int size = switch (dtype) {
                case "F32" -> 4;
                case "F16", "BF16" -> 2;
                case "F64" -> 8;
                default -> throw new UserError(where + ": tensor '" + name + "' has dtype '" + dtype
                        + "'; pretext reads F32, F16, BF16 and F64 weights");
            };
            JsonNode shapeNode = entry.path("shape");
            JsonNode offsets = entry.path("data_offsets");
            if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
                throw new UserError(where + ": tensor '" + name + "' has no valid shape or data_offsets in the header");
            }
            long[] shape = new long[shapeNode.size()];
            long count = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeNode.get(i).asLong(-1);
                if (shape[i] < 0) {
                    throw new UserError(where + ": tensor '" + name + "' has a negative or non-numeric dimension "
                            + shapeNode);
                }
                count *= shape[i];
            }
            long begin = offsets.get(0).asLong(-1);
            long end = offsets.get(1).asLong(-1);
            if (begin < 0 || end < begin || end > dataLength) {
                throw new UserError(where + ": tensor '" + name + "' lies at bytes " + begin + ".." + end + " of the data, "
                        + "but the file holds only " + dataLength + " data bytes (truncated?)");
            }
            if (end - begin != count * size) {
                throw new UserError(where + ": tensor '" + name + "' has shape " + shapeNode + " of " + dtype + " ("
                        + count * size + " bytes) but its data_offsets span " + (end - begin) + " bytes");
            }
            if (count > Integer.MAX_VALUE) {
                throw new UserError(where + ": tensor '" + name + "' has " + count + " elements, more than a Java array holds");
            }
            float[] data = new float[(int) count];
            ByteBuffer slice = ByteBuffer.wrap(bytes, (int) (dataStart + begin), (int) (end - begin))
                    .order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < data.length; i++) {
                data[i] = switch (dtype) {
                    case "F32" -> slice.getFloat();
                    case "F64" -> (float) slice.getDouble();
                    case "F16" -> halfToFloat(slice.getShort());
                    default -> Float.intBitsToFloat((slice.getShort() & 0xffff) << 16);
                };
            }
            tensors.put(name, new Tensor(name, shape, data));
        }
        return new Contents(tensors, metadata);
    }

    /** IEEE 754 half precision to float (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short half) {
        int h = half & 0xffff;
        int sign = (h >>> 15) << 31;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float value = mantissa * 0x1p-24f;
            return sign == 0 ? value : -value;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /** Tensor names in a file, for messages. */
    static List<String> names(Map<String, Tensor> tensors) {
        return new ArrayList<>(tensors.keySet());
    }
}
