package dev.pretext.integration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
        header.put("RIFF".getBytes()).putInt(36 + 2 * n).put("WAVE".getBytes()).put("fmt ".getBytes()).putInt(16)
                .putShort((short) 1).putShort((short) 1).putInt(16000).putInt(32000).putShort((short) 2)
                .putShort((short) 16).put("data".getBytes()).putInt(2 * n);
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
