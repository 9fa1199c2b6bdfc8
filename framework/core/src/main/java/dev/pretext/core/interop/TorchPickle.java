package dev.pretext.core.interop;

import dev.pretext.core.UserError;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A reader of {@code torch.save} files (PyTorch 1.6 and later: a zip holding {@code ARCHIVE/data.pkl}, a pickle,
 * and {@code ARCHIVE/data/KEY}, one raw little-endian storage per key) without Python. The pickle is interpreted
 * by a small machine that knows the opcodes of protocols 2 to 5 and only what a state dict needs: dicts, lists,
 * tuples, numbers, strings, {@code collections.OrderedDict}, and tensors rebuilt by
 * {@code torch._utils._rebuild_tensor_v2} from persistent storage ids. Any other object (an argparse
 * {@code Namespace}, an omegaconf {@code DictConfig}) becomes an {@link Obj} holding its class name, its
 * arguments and its state: nothing is ever executed. The old non-zip format is refused with a message.
 */
public final class TorchPickle {
    private TorchPickle() {
    }

    /** A Python global named in the pickle. */
    public record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    /** An object of a class this reader does not construct: its class, arguments and state (BUILD / set items). */
    public static final class Obj {
        public final Global type;
        public final List<Object> args;
        public Object state;
        public final Map<Object, Object> items = new LinkedHashMap<>();

        Obj(Global type, List<Object> args) {
            this.type = type;
            this.args = args;
        }

        @Override
        public String toString() {
            return type.qualified() + "(" + args + ")";
        }
    }

    record Storage(String key, String dtype, long elements) {
    }

    /** A tensor: a view of a storage. */
    public record TensorRef(Storage storage, long offset, long[] shape, long[] stride) {
    }

    private static final Object MARK = new Object();

    /** Reads a {@code torch.save} file to its top object, tensors as {@link Tensor}s named by their dict key. */
    public static Object load(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry pkl = null;
            for (var e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                if (entry.getName().endsWith("/data.pkl") || entry.getName().equals("data.pkl")) {
                    pkl = entry;
                    break;
                }
            }
            if (pkl == null) {
                throw new UserError(file + ": a zip without data.pkl: not a torch.save checkpoint");
            }
            String archive = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
            byte[] bytes;
            try (InputStream in = zip.getInputStream(pkl)) {
                bytes = in.readAllBytes();
            }
            Object top = new Machine(bytes, file).run();
            return resolve(top, zip, archive, file, new HashMap<>(), "",
                    java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
        } catch (ZipException e) {
            throw new UserError(file + " is not a zip archive (" + e.getMessage() + "): a torch.save file from "
                    + "PyTorch 1.6 or later is one; an older checkpoint must be saved again with a recent torch, "
                    + "or the file is truncated");
        } catch (IOException e) {
            throw new UserError("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** A state dict file ({@code pytorch_model.bin}, a torchaudio {@code .pt}): name to tensor. */
    public static Map<String, Tensor> stateDict(Path file) {
        Object top = load(file);
        Map<String, Tensor> out = new LinkedHashMap<>();
        if (top instanceof Map<?, ?> m) {
            Object inner = m.containsKey("state_dict") ? m.get("state_dict") : m.containsKey("model") ? m.get("model") : m;
            if (inner instanceof Map<?, ?> sd) {
                sd.forEach((k, v) -> {
                    if (v instanceof Tensor t) {
                        out.put(String.valueOf(k), t);
                    }
                });
            }
        }
        if (out.isEmpty()) {
            throw new UserError(file + ": no tensors found in this checkpoint (expected a state dict)");
        }
        return out;
    }

    /**
     * Replaces tensor references by tensors read from the zip (each storage read once). Containers are visited once:
     * pickled objects may refer to each other in cycles (omegaconf's nodes point at their parents).
     */
    private static Object resolve(Object o, ZipFile zip, String archive, Path file, Map<String, float[]> storages,
                                  String name, java.util.Set<Object> seen) throws IOException {
        if (o instanceof TensorRef t) {
            return tensor(t, zip, archive, file, storages, name);
        }
        if ((o instanceof Map<?, ?> || o instanceof List<?> || o instanceof Obj) && !seen.add(o)) {
            return o;
        }
        // in place, so that shared and cyclic references stay what they were
        if (o instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<Object, Object> map = (Map<Object, Object>) m;
            for (Map.Entry<Object, Object> e : map.entrySet()) {
                e.setValue(resolve(e.getValue(), zip, archive, file, storages, String.valueOf(e.getKey()), seen));
            }
            return o;
        }
        if (o instanceof List<?> l) {
            @SuppressWarnings("unchecked")
            List<Object> list = (List<Object>) l;
            for (int i = 0; i < list.size(); i++) {
                list.set(i, resolve(list.get(i), zip, archive, file, storages, name + "[" + i + "]", seen));
            }
            return o;
        }
        if (o instanceof Obj obj) {
            obj.state = resolve(obj.state, zip, archive, file, storages, name, seen);
            for (Map.Entry<Object, Object> e : obj.items.entrySet()) {
                e.setValue(resolve(e.getValue(), zip, archive, file, storages, String.valueOf(e.getKey()), seen));
            }
        }
        return o;
    }

    private static Tensor tensor(TensorRef t, ZipFile zip, String archive, Path file, Map<String, float[]> storages,
                                 String name) throws IOException {
        float[] data = storages.get(t.storage().key());
        if (data == null) {
            ZipEntry entry = zip.getEntry(archive + "data/" + t.storage().key());
            if (entry == null) {
                throw new UserError(file + ": tensor '" + name + "': its storage data/" + t.storage().key()
                        + " is missing from the archive (truncated?)");
            }
            byte[] raw;
            try (InputStream in = zip.getInputStream(entry)) {
                raw = in.readAllBytes();
            }
            int size = switch (t.storage().dtype()) {
                case "F32" -> 4;
                case "F64" -> 8;
                default -> 2;
            };
            if (raw.length != t.storage().elements() * size) {
                throw new UserError(file + ": tensor '" + name + "': storage data/" + t.storage().key() + " has "
                        + raw.length + " bytes, its header says " + t.storage().elements() + " x " + size);
            }
            ByteBuffer buf = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            data = new float[(int) t.storage().elements()];
            for (int i = 0; i < data.length; i++) {
                data[i] = switch (t.storage().dtype()) {
                    case "F32" -> buf.getFloat();
                    case "F64" -> (float) buf.getDouble();
                    case "F16" -> SafeTensors.halfToFloat(buf.getShort());
                    default -> Float.intBitsToFloat((buf.getShort() & 0xffff) << 16);
                };
            }
            storages.put(t.storage().key(), data);
        }
        long count = 1;
        for (long d : t.shape()) {
            count *= d;
        }
        float[] out = new float[(int) count];
        long[] index = new long[t.shape().length];
        for (int i = 0; i < count; i++) {
            long at = t.offset();
            for (int d = 0; d < index.length; d++) {
                at += index[d] * t.stride()[d];
            }
            if (at < 0 || at >= data.length) {
                throw new UserError(file + ": tensor '" + name + "' reaches element " + at + " of a storage of "
                        + data.length + " (corrupt checkpoint)");
            }
            out[i] = data[(int) at];
            for (int d = index.length - 1; d >= 0; d--) {
                if (++index[d] < t.shape()[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
        return new Tensor(name, t.shape(), out);
    }

    /** The pickle virtual machine, restricted to building data. */
    private static final class Machine {
        private final ByteBuffer in;
        private final Path file;
        private final List<Object> stack = new ArrayList<>();
        private final Map<Long, Object> memo = new HashMap<>();

        Machine(byte[] bytes, Path file) {
            this.in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            this.file = file;
        }

        Object run() {
            try {
                while (true) {
                    int op = in.get() & 0xff;
                    switch (op) {
                        case 0x80 -> in.get();                                  // PROTO
                        case 0x95 -> in.getLong();                              // FRAME
                        case '.' -> {                                           // STOP
                            return pop();
                        }
                        case '}' -> push(new LinkedHashMap<>());                // EMPTY_DICT
                        case ']' -> push(new ArrayList<>());                    // EMPTY_LIST
                        case ')' -> push(new ArrayList<>());                    // EMPTY_TUPLE
                        case 0x8f -> push(new ArrayList<>());                   // EMPTY_SET
                        case '(' -> push(MARK);                                 // MARK
                        case 'N' -> push(null);
                        case 0x88 -> push(true);
                        case 0x89 -> push(false);
                        case 'J' -> push((long) in.getInt());                   // BININT
                        case 'K' -> push((long) (in.get() & 0xff));             // BININT1
                        case 'M' -> push((long) (in.getShort() & 0xffff));      // BININT2
                        case 0x8a -> push(long1(in.get() & 0xff));              // LONG1
                        case 'G' -> {                                          // BINFLOAT, big-endian
                            in.order(ByteOrder.BIG_ENDIAN);
                            double d = in.getDouble();
                            in.order(ByteOrder.LITTLE_ENDIAN);
                            push(d);
                        }
                        case 'X' -> push(string(in.getInt()));                  // BINUNICODE
                        case 0x8c -> push(string(in.get() & 0xff));             // SHORT_BINUNICODE
                        case 0x8d -> push(string((int) in.getLong()));          // BINUNICODE8
                        case 'U' -> push(string(in.get() & 0xff));              // SHORT_BINSTRING
                        case 'T' -> push(string(in.getInt()));                  // BINSTRING
                        case 'C' -> push(bytes(in.get() & 0xff));               // SHORT_BINBYTES
                        case 'B' -> push(bytes(in.getInt()));                   // BINBYTES
                        case 0x8e -> push(bytes((int) in.getLong()));           // BINBYTES8
                        case 'q' -> memo.put((long) (in.get() & 0xff), peek()); // BINPUT
                        case 'r' -> memo.put(in.getInt() & 0xffffffffL, peek()); // LONG_BINPUT
                        case 0x94 -> memo.put((long) memo.size(), peek());      // MEMOIZE
                        case 'h' -> push(memo.get((long) (in.get() & 0xff)));   // BINGET
                        case 'j' -> push(memo.get(in.getInt() & 0xffffffffL));  // LONG_BINGET
                        case '0' -> pop();                                      // POP
                        case '1' -> popMark();                                  // POP_MARK
                        case '2' -> push(peek());                               // DUP
                        case 't', 'l' -> push(popMark());                       // TUPLE, LIST
                        case 0x85 -> push(new ArrayList<>(List.of(nullSafe(pop())))); // TUPLE1
                        case 0x86 -> {                                          // TUPLE2
                            Object b = pop();
                            Object a = pop();
                            push(tuple(a, b));
                        }
                        case 0x87 -> {                                          // TUPLE3
                            Object c = pop();
                            Object b = pop();
                            Object a = pop();
                            push(tuple(a, b, c));
                        }
                        case 0x91 -> push(popMark());                           // FROZENSET
                        case 0x90 -> {                                          // ADDITEMS
                            List<Object> items = popMark();
                            addAll(peek(), items);
                        }
                        case 'd' -> {                                           // DICT
                            List<Object> kv = popMark();
                            Map<Object, Object> m = new LinkedHashMap<>();
                            for (int i = 0; i + 1 < kv.size(); i += 2) {
                                m.put(kv.get(i), kv.get(i + 1));
                            }
                            push(m);
                        }
                        case 's' -> {                                           // SETITEM
                            Object v = pop();
                            Object k = pop();
                            put(peek(), k, v);
                        }
                        case 'u' -> {                                           // SETITEMS
                            List<Object> kv = popMark();
                            Object target = peek();
                            for (int i = 0; i + 1 < kv.size(); i += 2) {
                                put(target, kv.get(i), kv.get(i + 1));
                            }
                        }
                        case 'a' -> {                                           // APPEND
                            Object v = pop();
                            addAll(peek(), List.of(nullSafe(v)));
                        }
                        case 'e' -> {                                           // APPENDS
                            List<Object> items = popMark();
                            addAll(peek(), items);
                        }
                        case 'c' -> push(new Global(line(), line()));           // GLOBAL
                        case 0x93 -> {                                          // STACK_GLOBAL
                            String name = (String) pop();
                            String module = (String) pop();
                            push(new Global(module, name));
                        }
                        case 'R' -> {                                           // REDUCE
                            Object args = pop();
                            Object callable = pop();
                            push(reduce(callable, asList(args)));
                        }
                        case 0x81 -> {                                          // NEWOBJ
                            Object args = pop();
                            Object cls = pop();
                            push(reduce(cls, asList(args)));
                        }
                        case 0x92 -> {                                          // NEWOBJ_EX
                            pop();
                            Object args = pop();
                            Object cls = pop();
                            push(reduce(cls, asList(args)));
                        }
                        case 'b' -> {                                           // BUILD
                            Object state = pop();
                            Object target = peek();
                            if (target instanceof Obj o) {
                                o.state = state;
                            } else if (target instanceof Map<?, ?> && state instanceof Map<?, ?> s) {
                                s.forEach((k, v) -> put(target, k, v));
                            }
                        }
                        case 'Q' -> push(persistent(pop()));                    // BINPERSID
                        default -> throw new UserError(file + ": the pickle in this checkpoint uses opcode 0x"
                                + Integer.toHexString(op) + " at byte " + (in.position() - 1) + ", which pretext's "
                                + "reader does not know; convert the state dict to safetensors with Python");
                    }
                }
            } catch (java.nio.BufferUnderflowException e) {
                throw new UserError(file + ": the pickle (data.pkl) ends early: the checkpoint is truncated");
            } catch (ClassCastException | IndexOutOfBoundsException e) {
                throw new UserError(file + ": the pickle (data.pkl) is malformed at byte " + in.position()
                        + " (" + e.getMessage() + ")");
            }
        }

        private Object reduce(Object callable, List<Object> args) {
            if (callable instanceof Global g) {
                String q = g.qualified();
                if (q.equals("torch._utils._rebuild_tensor_v2") || q.equals("torch._utils._rebuild_tensor")) {
                    Storage s = (Storage) args.get(0);
                    return new TensorRef(s, ((Number) args.get(1)).longValue(), longs(args.get(2)), longs(args.get(3)));
                }
                if (q.equals("torch._utils._rebuild_parameter")) {
                    return args.get(0);
                }
                if (q.equals("collections.OrderedDict") || q.equals("builtins.dict")) {
                    return new LinkedHashMap<>();
                }
                if (q.equals("builtins.set") || q.equals("builtins.frozenset") || q.equals("builtins.list")) {
                    return args.isEmpty() ? new ArrayList<>() : new ArrayList<>(asList(args.get(0)));
                }
                if (q.equals("copy_reg._reconstructor") || q.equals("copyreg._reconstructor")) {
                    return new Obj(args.get(0) instanceof Global cls ? cls : g, args.subList(1, args.size()));
                }
                return new Obj(g, args);
            }
            if (callable instanceof Obj o) {
                return new Obj(o.type, args);
            }
            throw new UserError(file + ": the pickle calls something that is not a class or function ("
                    + callable + "); not a state dict checkpoint");
        }

        private Object persistent(Object pid) {
            List<Object> t = asList(pid);
            if (t.size() < 5 || !"storage".equals(t.get(0)) || !(t.get(1) instanceof Global type)) {
                throw new UserError(file + ": an unexpected persistent id in the pickle: " + pid);
            }
            String dtype = switch (type.name()) {
                case "FloatStorage" -> "F32";
                case "HalfStorage" -> "F16";
                case "BFloat16Storage" -> "BF16";
                case "DoubleStorage" -> "F64";
                default -> throw new UserError(file + ": a tensor stored as " + type.name() + "; pretext reads float "
                        + "weights (Float, Half, BFloat16, Double)");
            };
            return new Storage(String.valueOf(t.get(2)), dtype, ((Number) t.get(4)).longValue());
        }

        private static long[] longs(Object o) {
            List<Object> l = asList(o);
            long[] out = new long[l.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = ((Number) l.get(i)).longValue();
            }
            return out;
        }

        @SuppressWarnings("unchecked")
        private static List<Object> asList(Object o) {
            if (o instanceof List<?> l) {
                return (List<Object>) l;
            }
            throw new ClassCastException("expected a tuple, got " + o);
        }

        @SuppressWarnings("unchecked")
        private static void put(Object target, Object k, Object v) {
            if (target instanceof Map<?, ?> m) {
                ((Map<Object, Object>) m).put(k, v);
            } else if (target instanceof Obj o) {
                o.items.put(k, v);
            }
        }

        @SuppressWarnings("unchecked")
        private static void addAll(Object target, List<Object> items) {
            if (target instanceof List<?> l) {
                ((List<Object>) l).addAll(items);
            } else if (target instanceof Obj o) {
                for (Object i : items) {
                    o.items.put(o.items.size(), i);
                }
            }
        }

        private static Object nullSafe(Object o) {
            return o == null ? NONE : o;
        }

        private static List<Object> tuple(Object... items) {
            List<Object> l = new ArrayList<>();
            for (Object i : items) {
                l.add(i);
            }
            return l;
        }

        private long long1(int n) {
            long v = 0;
            for (int i = 0; i < n; i++) {
                v |= (long) (in.get() & 0xff) << (8 * i);
            }
            if (n > 0 && n < 8 && (v >>> (8 * n - 1) & 1) == 1) {
                v -= 1L << (8 * n);
            }
            return v;
        }

        private String string(int n) {
            byte[] b = new byte[n];
            in.get(b);
            return new String(b, StandardCharsets.UTF_8);
        }

        private byte[] bytes(int n) {
            byte[] b = new byte[n];
            in.get(b);
            return b;
        }

        private String line() {
            StringBuilder sb = new StringBuilder();
            byte b;
            while ((b = in.get()) != '\n') {
                sb.append((char) b);
            }
            return sb.toString();
        }

        private void push(Object o) {
            stack.add(o);
        }

        private Object pop() {
            return stack.remove(stack.size() - 1);
        }

        private Object peek() {
            return stack.get(stack.size() - 1);
        }

        private List<Object> popMark() {
            int at = stack.lastIndexOf(MARK);
            if (at < 0) {
                throw new IndexOutOfBoundsException("no MARK on the stack");
            }
            List<Object> items = new ArrayList<>(stack.subList(at + 1, stack.size()));
            while (stack.size() > at) {
                stack.remove(stack.size() - 1);
            }
            return items;
        }
    }

    /** A Python None inside a collection built by List.of (which refuses null). */
    static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };
}
