package dev.pretext.integration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Broken audio and the core's data selection, through the CLI on the real bundles. */
class DataProblemsTest {
    @TempDir
    Path temp;

    /** A 16 kHz mono 16-bit WAV of a tone. */
    private static byte[] wav(double seconds, double hz) {
        int n = (int) (seconds * 16000);
        ByteBuffer data = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            data.putShort((short) (8000 * Math.sin(2 * Math.PI * hz * i / 16000)));
        }
        ByteBuffer header = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        header.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 2 * n).put("WAVE".getBytes(StandardCharsets.US_ASCII)).put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16)
                .putShort((short) 1).putShort((short) 1).putInt(16000).putInt(32000).putShort((short) 2)
                .putShort((short) 16).put("data".getBytes(StandardCharsets.US_ASCII)).putInt(2 * n);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header.array());
        out.writeBytes(data.array());
        return out.toByteArray();
    }

    private Path corpus() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("corpus/spk"));
        for (int i = 0; i < 12; i++) {
            Files.write(dir.resolve("good" + i + ".wav"), wav(1.0 + 0.1 * i, 200 + 40 * i));
        }
        byte[] whole = wav(1.0, 300);
        Files.write(dir.resolve("truncated.wav"), java.util.Arrays.copyOf(whole, 30));
        Files.write(dir.resolve("empty.wav"), new byte[0]);
        return temp.resolve("corpus");
    }

    private Path recipe(String policy, String selection) throws Exception {
        Path recipe = temp.resolve("data-" + policy + ".yaml");
        Files.writeString(recipe, """
                name: data-%s
                budget: {steps: 2}
                data:
                  train: {type: wavdir, root: %s, speaker_from: none, on_bad_audio: %s%s}
                frontend: {type: fbank, bins: 40}
                encoder: {type: transformer, layers: 1, dim: 16, heads: 2, ffn: 32}
                objective: mam
                batch: {seconds: 4, max_utterance_seconds: 2}
                """.formatted(policy, corpus(), policy, selection));
        return recipe;
    }

    @Test
    void failStopsBeforeTrainingWithTheReasonsAndNoStackTrace() throws Exception {
        Cli cli = Cli.run(temp.resolve("cache"), "train", recipe("fail", "").toString(), "--runs",
                temp.resolve("runs").toString());
        assertEquals(2, cli.exit(), cli.out() + cli.err());
        assertTrue(cli.err().contains("data.train (wavdir)"), cli.err());
        assertTrue(cli.err().contains("truncated.wav") && cli.err().contains("empty.wav"), cli.err());
        assertFalse(cli.err().contains("\tat "), "no stack trace: " + cli.err());
        assertFalse(Files.exists(temp.resolve("runs/data-fail/checkpoints")), "nothing was trained");
        // The refused run still records what it found.
        JsonNode manifest = new ObjectMapper().readTree(temp.resolve("runs/data-fail/manifest.json").toFile());
        JsonNode problems = manifest.at("/data_problems/data.train");
        assertEquals(2, problems.get("skipped").asInt(), manifest.toString());
        assertTrue(problems.get("files").toString().contains("spk/empty.wav: empty file (0 bytes)"),
                problems.toString());
        assertTrue(problems.get("files").toString().contains("spk/truncated.wav: truncated"), problems.toString());
    }

    /** A 16 kHz mono 32-bit float WAV of a tone with one NaN sample. */
    private static byte[] floatWavWithNaN(int nanAt) {
        int n = 16000;
        ByteBuffer b = ByteBuffer.allocate(44 + 4 * n).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 4 * n).put("WAVE".getBytes(StandardCharsets.US_ASCII)).put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16)
                .putShort((short) 3).putShort((short) 1).putInt(16000).putInt(64000).putShort((short) 4)
                .putShort((short) 32).put("data".getBytes(StandardCharsets.US_ASCII)).putInt(4 * n);
        for (int i = 0; i < n; i++) {
            b.putFloat(i == nanAt ? Float.NaN : (float) (0.3 * Math.sin(2 * Math.PI * 300 * i / 16000)));
        }
        return b.array();
    }

    /**
     * Bad audio that used to get through: a float WAV with a NaN sample, a one-sample WAV, a file too short for
     * the frontend's first frame, a link loop and a link out of the manifest's root. Each is refused with its
     * reason, nothing of the linked file is printed, the run trains on the rest, and report.md lists them as
     * manifest.json does.
     */
    @Test
    void badAudioThatUsedToGetThroughIsLeftOutWithItsReasonInTheManifestAndTheReport() throws Exception {
        Path audio = Files.createDirectories(temp.resolve("audio/spk"));
        StringBuilder tsv = new StringBuilder(temp.resolve("audio") + "\n");
        for (int i = 0; i < 8; i++) {
            Files.write(audio.resolve("good" + i + ".wav"), wav(1.0 + 0.1 * i, 200 + 40 * i));
            tsv.append("spk/good").append(i).append(".wav\t16000\n");
        }
        Files.write(audio.resolve("nan.wav"), floatWavWithNaN(1234));
        Files.write(audio.resolve("one.wav"), wav(1.0 / 16000, 300));
        // Long enough for a 25 ms window, too short for two (fbank's stack: 2 needs 35 ms): the core finds it.
        Files.write(audio.resolve("thirty-ms.wav"), wav(0.030, 300));
        Files.createSymbolicLink(audio.resolve("loop.wav"), Path.of("loop2.wav"));
        Files.createSymbolicLink(audio.resolve("loop2.wav"), Path.of("loop.wav"));
        Path secret = Files.writeString(temp.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        Files.createSymbolicLink(audio.resolve("secret.wav"), secret);
        tsv.append("spk/nan.wav\t16000\nspk/one.wav\t1\nspk/loop.wav\t1\nspk/secret.wav\t1\nspk/thirty-ms.wav\t480\n");
        Path manifestTsv = Files.writeString(temp.resolve("train.tsv"), tsv.toString());
        Path recipe = Files.writeString(temp.resolve("bad-audio.yaml"), """
                name: bad-audio
                budget: {steps: 2}
                data:
                  train: {type: manifest, tsv: %s, verify_audio: true}
                frontend: {type: fbank, bins: 40, stack: 2}
                encoder: {type: transformer, layers: 1, dim: 16, heads: 2, ffn: 32}
                objective: mam
                batch: {seconds: 4, max_utterance_seconds: 2}
                """.formatted(manifestTsv));
        Cli cli = Cli.run(temp.resolve("cache"), "train", recipe.toString(), "--runs", temp.resolve("runs").toString());
        assertEquals(0, cli.exit(), cli.out() + cli.err());
        assertTrue(cli.out().contains("5 file(s) left out"), cli.out());
        Path run = temp.resolve("runs/bad-audio");
        JsonNode manifest = new ObjectMapper().readTree(run.resolve("manifest.json").toFile());
        assertEquals(8, manifest.at("/data/train_utterances").asInt(), manifest.toString());
        JsonNode problems = manifest.at("/data_problems/data.train");
        assertEquals(5, problems.get("skipped").asInt(), manifest.toString());
        java.util.List<String> files = new java.util.ArrayList<>();
        problems.get("files").forEach(f -> files.add(f.asText()));
        assertEquals(5, files.size(), files.toString());
        assertTrue(files.get(0).startsWith("spk/loop.wav: a symbolic link loop"), files.toString());
        assertTrue(files.get(1).startsWith("spk/nan.wav: sample 1234 at 0.077 s is NaN"), files.toString());
        assertTrue(files.get(2).startsWith("spk/one.wav: too short: 1 sample"), files.toString());
        assertTrue(files.get(3).startsWith("spk/secret.wav: leads through a symbolic link to " + secret.toRealPath()
                + ", outside the root folder"), files.toString());
        assertEquals(audio.resolve("thirty-ms.wav") + ": too short for the frontend: 30.0 ms of audio (480 samples at "
                + "16 kHz), and fbank makes its first frame from 35.0 ms (560 samples); remove it or join it to a "
                + "longer recording", files.get(4));
        String report = Files.readString(run.resolve("report.md"));
        assertTrue(report.contains("## Files left out"), report);
        for (String f : files) {
            assertTrue(report.contains("- `" + f + "`"), "report.md lists " + f + ":\n" + report);
        }
        for (String text : new String[] {cli.out(), cli.err(), report, manifest.toString()}) {
            assertFalse(text.contains("root:x"), "no content of the linked file: " + text);
        }
        // The NaN never reached the feature statistics.
        assertFalse(Files.readString(run.resolve("feature_stats.json")).contains("NaN"));
    }

    @Test
    void skipTrainsOnTheRestAndRecordsWhatWasLeftOutAndWhatTheSelectionKept() throws Exception {
        Cli cli = Cli.run(temp.resolve("cache"), "train",
                recipe("skip", ", split: {by: utterance, part: train, shares: [0.5, 0.0, 0.5]}").toString(),
                "--runs", temp.resolve("runs").toString());
        assertEquals(0, cli.exit(), cli.out() + cli.err());
        assertTrue(cli.out().contains("2 file(s) left out"), cli.out());
        assertTrue(cli.out().contains("split train by utterance"), cli.out());
        JsonNode manifest = new ObjectMapper().readTree(temp.resolve("runs/data-skip/manifest.json").toFile());
        JsonNode problems = manifest.at("/data_problems/data.train");
        assertEquals(2, problems.get("skipped").asInt(), manifest.toString());
        assertTrue(problems.get("files").toString().contains("truncated.wav"), problems.toString());
        int kept = manifest.at("/data/train_utterances").asInt();
        assertTrue(kept > 0 && kept < 12, "the split keeps part of the 12 good files: " + kept);
    }
}
