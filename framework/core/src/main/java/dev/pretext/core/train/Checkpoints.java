package dev.pretext.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pretext.core.FileProblem;
import dev.pretext.core.Json;
import dev.pretext.core.UserError;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Atomic, verifiable checkpoints: each one is a folder {@code step-NNNNNNNN} written under a temporary name and
 * renamed into place, holding the parameters ({@code model.ndlist}: encoder then objective, in parameter order),
 * the optimizer state and {@code state.json} with the sha256 of both array files. {@code latest} names the
 * newest complete one. A crash leaves at worst a temporary folder, which the next save removes.
 */
public final class Checkpoints {
    public static final String MODEL = "model.ndlist";
    public static final String OPTIMIZER = "optimizer.ndlist";
    public static final String STATE = "state.json";

    private final Path dir;
    private final int keep;

    public Checkpoints(Path dir, int keep) {
        this.dir = dir;
        this.keep = keep;
    }

    public Path dir() {
        return dir;
    }

    public Path save(TrainingState state, List<Parameter> parameters, AdamW optimizer) {
        String name = String.format("step-%08d", state.step());
        Path tmp = dir.resolve(".tmp-" + name);
        try {
            Files.createDirectories(dir);
            deleteTree(tmp);
            Files.createDirectories(tmp);
            byte[] model = encode(parameters);
            byte[] optim = optimizer.state().encode();
            Files.write(tmp.resolve(MODEL), model);
            Files.write(tmp.resolve(OPTIMIZER), optim);
            ObjectNode json = Json.MAPPER.valueToTree(state);
            json.put("optimizer_step", optimizer.step());
            json.put("model_sha256", sha256(model));
            json.put("optimizer_sha256", sha256(optim));
            Files.writeString(tmp.resolve(STATE), Json.pretty(json));
            Path target = dir.resolve(name);
            deleteTree(target);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            Json.writeAtomically(dir.resolve("latest"), name + "\n");
            prune();
            return target;
        } catch (IOException | UncheckedIOException e) {
            throw notWritten(name, tmp, FileProblem.io(e));
        }
    }

    /**
     * A checkpoint that could not be written: its partial folder is removed (on a full disk it holds the space
     * the next attempt needs) and, when the cause is the machine's (a full or read-only disk), a user error
     * names the last good checkpoint, which is kept.
     */
    private RuntimeException notWritten(String name, Path tmp, IOException cause) {
        try {
            deleteTree(tmp);
        } catch (IOException | RuntimeException ignored) {
            // Nothing more to do: the next save deletes it first.
        }
        FileProblem problem = FileProblem.of(cause);
        if (problem == null) {
            return new UncheckedIOException("cannot write checkpoint " + name + " in " + dir, cause);
        }
        String kept = "there is no earlier checkpoint";
        try {
            Optional<Path> last = latest();
            if (last.isPresent()) {
                kept = "the last good checkpoint is " + last.get() + " (step "
                        + Long.parseLong(last.get().getFileName().toString().substring("step-".length())) + "), kept";
            }
        } catch (RuntimeException ignored) {
            // Say none rather than hide the cause.
        }
        return new UserError("cannot write checkpoint " + name + " in " + dir + ": " + problem.what() + "; " + kept
                + ".\n  " + problem.todo() + ", then continue with `pretext train RECIPE --resume "
                + dir.toAbsolutePath().getParent() + "`", cause);
    }

    private static byte[] encode(List<Parameter> parameters) {
        NDList list = new NDList();
        for (Parameter p : parameters) {
            list.add(p.getArray());
        }
        return list.encode();
    }

    /** The newest complete checkpoint, if any. */
    public Optional<Path> latest() {
        Path pointer = dir.resolve("latest");
        try {
            if (Files.exists(pointer)) {
                Path p = dir.resolve(Files.readString(pointer).trim());
                if (Files.isDirectory(p)) {
                    return Optional.of(p);
                }
            }
            List<Path> all = list();
            return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Path> list() throws IOException {
        List<Path> all = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return all;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "step-*")) {
            ds.forEach(all::add);
        }
        all.sort(null);
        return all;
    }

    private void prune() throws IOException {
        List<Path> all = list();
        for (int i = 0; i < all.size() - keep; i++) {
            deleteTree(all.get(i));
        }
    }

    /**
     * Restores parameters (copied into the existing arrays, so gradient flags stay) and optimizer state.
     *
     * @throws UserError when a file is missing, altered or made for another model
     */
    public TrainingState load(Path checkpoint, List<Parameter> parameters, AdamW optimizer, NDManager manager) {
        try {
            JsonNode json = Json.MAPPER.readTree(checkpoint.resolve(STATE).toFile());
            byte[] model = Files.readAllBytes(checkpoint.resolve(MODEL));
            byte[] optim = Files.readAllBytes(checkpoint.resolve(OPTIMIZER));
            verify(checkpoint, MODEL, model, json.path("model_sha256").asText());
            verify(checkpoint, OPTIMIZER, optim, json.path("optimizer_sha256").asText());
            try (NDManager tmp = manager.newSubManager()) {
                NDList arrays = NDList.decode(tmp, model);
                if (arrays.size() != parameters.size()) {
                    throw new UserError("checkpoint " + checkpoint + " holds " + arrays.size() + " parameter arrays but "
                            + "the recipe's model has " + parameters.size() + "; resume with the recipe it was made with");
                }
                for (int i = 0; i < parameters.size(); i++) {
                    NDArray target = parameters.get(i).getArray();
                    NDArray source = arrays.get(i);
                    if (!target.getShape().equals(source.getShape())) {
                        throw new UserError("checkpoint " + checkpoint + ": parameter " + parameters.get(i).getName()
                                + " has shape " + source.getShape() + ", the model expects " + target.getShape());
                    }
                    target.set(source.toFloatArray());
                }
                optimizer.restore(NDList.decode(tmp, optim), json.path("optimizer_step").asLong());
            }
            ObjectNode stateJson = ((ObjectNode) json).deepCopy();
            stateJson.remove(List.of("optimizer_step", "model_sha256", "optimizer_sha256"));
            return Json.MAPPER.treeToValue(stateJson, TrainingState.class);
        } catch (IOException | RuntimeException e) {
            if (e instanceof UserError ue) {
                throw ue;
            }
            throw new UserError("checkpoint " + checkpoint + " is unreadable (" + e.getMessage() + "); "
                    + "delete that folder to resume from the one before it, or start the run again", e);
        }
    }

    /**
     * Copies a checkpoint's first {@code parameters.size()} arrays (the network, which comes first) into
     * {@code parameters}, for probing a finished run; optimiser and objective state are not read.
     *
     * @throws UserError when the files are missing, altered, or made for another network
     */
    public static void loadNetwork(Path checkpoint, List<Parameter> parameters, NDManager manager) {
        try {
            JsonNode json = Json.MAPPER.readTree(checkpoint.resolve(STATE).toFile());
            byte[] model = Files.readAllBytes(checkpoint.resolve(MODEL));
            verify(checkpoint, MODEL, model, json.path("model_sha256").asText());
            try (NDManager tmp = manager.newSubManager()) {
                NDList arrays = NDList.decode(tmp, model);
                if (arrays.size() < parameters.size()) {
                    throw new UserError("checkpoint " + checkpoint + " holds " + arrays.size() + " arrays, fewer than "
                            + "the " + parameters.size() + " of the run's network; was the recipe changed?");
                }
                for (int i = 0; i < parameters.size(); i++) {
                    NDArray target = parameters.get(i).getArray();
                    NDArray source = arrays.get(i);
                    if (!target.getShape().equals(source.getShape())) {
                        throw new UserError("checkpoint " + checkpoint + ": parameter " + parameters.get(i).getName()
                                + " has shape " + source.getShape() + ", the run's network expects "
                                + target.getShape() + "; was the recipe changed?");
                    }
                    target.set(source.toFloatArray());
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof UserError ue) {
                throw ue;
            }
            throw new UserError("checkpoint " + checkpoint + " is unreadable (" + e.getMessage() + "); "
                    + "delete that folder to use the one before it", e);
        }
    }

    private static void verify(Path checkpoint, String file, byte[] bytes, String expected) {
        if (!sha256(bytes).equals(expected)) {
            throw new UserError("checkpoint " + checkpoint + ": " + file + " does not match its recorded sha256 "
                    + "(the file was altered or cut short); delete that folder to resume from the one before it");
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
