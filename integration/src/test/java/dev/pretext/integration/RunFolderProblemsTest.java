package dev.pretext.integration;

import dev.pretext.core.train.Checkpoints;
import dev.pretext.testkit.Mounts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
}
