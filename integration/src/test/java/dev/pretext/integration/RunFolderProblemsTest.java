package dev.pretext.integration;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import dev.pretext.core.UserError;
import dev.pretext.core.train.AdamW;
import dev.pretext.core.train.Checkpoints;
import dev.pretext.core.train.TrainingState;
import dev.pretext.testkit.Mounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The user's own situation (a read-only, missing or non-folder {@code --runs}, a disk that fills up while
 * checkpointing) ends with exit code 2 and a line or two saying what happened and what to do, never a stack
 * trace; a full disk keeps the last good checkpoint and names it. Real mounts: as root, permissions alone
 * do not stop writes.
 */
class RunFolderProblemsTest {
    /** A model whose checkpoint (parameters and both AdamW moments) is about 1.9 MB. */
    private static final String RECIPE = """
            name: tiny
            seed: 1
            budget: {steps: 4}
            data:
              train: {type: tts, minutes: 0.3, speakers: 2, seed: 1}
            frontend: {type: fbank, bins: 40}
            feature_norm: {mode: none}
            encoder: {type: transformer, layers: 1, dim: 128, heads: 2, ffn: 256}
            objective: {type: mam}
            batch: {seconds: 10, max_utterance_seconds: 5}
            checkpoint: {every_steps: 1, keep: 10}
            """;

    @TempDir
    Path temp;

    private Path recipe() throws Exception {
        return Files.writeString(temp.resolve("tiny.yaml"), RECIPE);
    }

    private static void assertShort(Cli cli) {
        assertEquals(2, cli.exit(), cli.out() + cli.err());
        assertFalse(cli.err().contains("\tat "), "no stack trace: " + cli.err());
        assertTrue(cli.err().strip().lines().count() <= 2, "a line or two: " + cli.err());
    }

    @Test
    void aReadOnlyRunsFolderIsSaidSo() throws Exception {
        Path runs = Files.createDirectory(temp.resolve("ro"));
        Mounts.tmpfs(runs, "ro,size=1m");
        try {
            Cli cli = Cli.run(temp.resolve("cache"), "train", recipe().toString(), "--runs", runs.toString());
            assertShort(cli);
            assertTrue(cli.err().contains("pretext: cannot make the run folder " + runs.resolve("tiny")
                    + ": the file system is read-only; choose a writable folder (--runs DIR)"), cli.err());

            Path missing = runs.resolve("missing").resolve("runs");
            Cli deeper = Cli.run(temp.resolve("cache"), "train", recipe().toString(), "--runs", missing.toString());
            assertShort(deeper);
            assertTrue(deeper.err().contains("the file system is read-only (at " + runs.resolve("missing") + ")"),
                    deeper.err());
        } finally {
            Mounts.unmount(runs);
        }
    }

    @Test
    void resumingARunOnAReadOnlyDiskIsSaidSoAndChangesNothing() throws Exception {
        Path run = Files.createDirectories(temp.resolve("written").resolve("tiny"));
        Files.createDirectory(run.resolve("checkpoints"));
        Files.writeString(run.resolve("notes.txt"), "kept");
        Path view = Files.createDirectory(temp.resolve("view"));
        Mounts.readOnlyBind(run, view);
        try {
            Cli cli = Cli.run(temp.resolve("cache"), "train", recipe().toString(), "--resume", view.toString());
            assertShort(cli);
            assertTrue(cli.err().contains("pretext: cannot write to the run folder " + view
                    + ": the file system is read-only; copy the run folder somewhere writable and resume from the "
                    + "copy"), cli.err());
        } finally {
            Mounts.unmount(view);
        }
        try (var listing = Files.list(run)) {
            assertEquals(List.of("checkpoints", "notes.txt"),
                    listing.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    /** Elsewhere too (here a corpus written to a read-only disk), the machine's situation is a line, exit 2. */
    @Test
    void aReadOnlyDiskElsewhereIsALineToo() throws Exception {
        Path disk = Files.createDirectory(temp.resolve("ro-corpus"));
        Mounts.tmpfs(disk, "ro,size=1m");
        try {
            Cli cli = Cli.run(temp.resolve("cache"), "corpus", "synth", "--out", disk.resolve("corpus").toString(),
                    "--hours", "0.001", "--speakers", "2", "--engines", "freetts");
            assertShort(cli);
            assertTrue(cli.err().contains("the file system is read-only; choose a writable folder"), cli.err());
            assertEquals(1, cli.err().split("Read-only file system", -1).length, "said once: " + cli.err());
        } finally {
            Mounts.unmount(disk);
        }
    }

    @Test
    void aRunsThatIsAFileIsSaidSo() throws Exception {
        Path file = Files.writeString(temp.resolve("runs"), "not a folder");
        Cli cli = Cli.run(temp.resolve("cache"), "train", recipe().toString(), "--runs", file.toString());
        assertShort(cli);
        assertTrue(cli.err().contains(file + " is a file, not a folder; give a folder with --runs DIR"), cli.err());

        Cli below = Cli.run(temp.resolve("cache"), "train", recipe().toString(), "--runs",
                file.resolve("sub").toString());
        assertShort(below);
        assertTrue(below.err().contains("a file is in the way where a folder should be"), below.err());
        assertEquals("not a folder", Files.readString(file), "the file is left as it was");
    }

    /**
     * A 5 MB disk holds two checkpoints of about 1.9 MB beside the run's small files, not three: the third
     * save fails, the second is kept and named, and no partial checkpoint is left taking the space.
     */
    @Test
    void aDiskFullWhileCheckpointingKeepsAndNamesTheLastGoodOne() throws Exception {
        Path runs = Files.createDirectory(temp.resolve("small"));
        Mounts.tmpfs(runs, "size=5m");
        try {
            Cli cli = Cli.run(temp.resolve("cache"), "train", recipe().toString(), "--runs", runs.toString());
            Path checkpoints = runs.resolve("tiny").resolve("checkpoints");
            Path good = checkpoints.resolve("step-00000002");
            assertShort(cli);
            assertTrue(cli.err().contains("pretext: cannot write checkpoint step-00000003 in " + checkpoints
                    + ": the disk is full (No space left on device); the last good checkpoint is " + good
                    + " (step 2), kept"), cli.err());
            assertTrue(cli.err().contains("free some space, then continue with `pretext train RECIPE --resume "
                    + runs.resolve("tiny") + "`"), cli.err());
            try (var listing = Files.list(checkpoints)) {
                assertEquals(List.of("latest", "step-00000001", "step-00000002"),
                        listing.map(p -> p.getFileName().toString()).sorted().toList());
            }
            assertEquals("step-00000002", Files.readString(checkpoints.resolve("latest")).trim());
            String state = Files.readString(good.resolve(Checkpoints.STATE));
            assertTrue(state.contains(Checkpoints.sha256(good.resolve(Checkpoints.MODEL)))
                    && state.contains(Checkpoints.sha256(good.resolve(Checkpoints.OPTIMIZER))),
                    "the kept checkpoint is whole: " + state);
        } finally {
            Mounts.unmount(runs);
        }
    }

    /**
     * A full disk while checkpointing: the partial checkpoint is removed, the last good one is kept and named,
     * and once there is space again saving goes on. A real tmpfs of 1 MB, filled up.
     */
    @Test
    void aFullDiskWhileCheckpointingKeepsTheLastGoodOneAndSaysWhichItIs() throws Exception {
        Path disk = Files.createDirectory(temp.resolve("disk"));
        Mounts.tmpfs(disk, "size=1m");
        try (NDManager manager = NDManager.newBaseManager()) {
            List<Parameter> a = model(manager, 1);
            AdamW opt = new AdamW(a, manager, 0.9, 0.99, 1e-8, 0);
            Checkpoints ckpt = new Checkpoints(disk.resolve("run").resolve("checkpoints"), 2);
            Path good = ckpt.save(new TrainingState(1, 0, 0, 1, 0, Map.of(), 0, 0, 0, 1.0), a, opt);
            Path filler = disk.resolve("filler");
            fill(filler);

            UserError e = assertThrows(UserError.class,
                    () -> ckpt.save(new TrainingState(2, 0, 0, 1, 0, Map.of(), 0, 0, 0, 1.0), a, opt));
            assertTrue(e.getMessage().startsWith("cannot write checkpoint step-00000002 in " + ckpt.dir()
                    + ": the disk is full (No space left on device); the last good checkpoint is " + good
                    + " (step 1), kept"), e.getMessage());
            assertTrue(e.getMessage().contains("free some space, then continue with `pretext train RECIPE --resume "
                    + disk.resolve("run") + "`"), e.getMessage());
            assertEquals(good, ckpt.latest().orElseThrow());
            try (var listing = Files.list(ckpt.dir())) {
                assertEquals(List.of("latest", "step-00000001"),
                        listing.map(p -> p.getFileName().toString()).sorted().toList(), "no partial folder left");
            }
            List<Parameter> b = model(manager, 2);
            assertEquals(1, ckpt.load(good, b, new AdamW(b, manager, 0.9, 0.99, 1e-8, 0), manager).step(),
                    "the kept checkpoint loads");

            Files.delete(filler);
            Path next = ckpt.save(new TrainingState(2, 0, 0, 1, 0, Map.of(), 0, 0, 0, 1.0), a, opt);
            assertEquals(next, ckpt.latest().orElseThrow(), "with space again, saving goes on");
        } finally {
            Mounts.unmount(disk);
        }
    }

    /** A small model's parameters, from engine seed {@code seed}. */
    private static List<Parameter> model(NDManager manager, int seed) {
        Linear linear = Linear.builder().setUnits(3).build();
        Engine.getInstance().setRandomSeed(seed);
        linear.initialize(manager, DataType.FLOAT32, new Shape(1, 4));
        return new ArrayList<>(linear.getParameters().values());
    }

    /** Writes until the file system says it is full. */
    private static void fill(Path file) throws java.io.IOException {
        byte[] block = new byte[4096];
        try (var out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (java.io.IOException full) {
            assertTrue(String.valueOf(full.getMessage()).contains("No space left"), String.valueOf(full));
        }
    }
}
