package dev.pretext.datasets.tts;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real festival with kal_diphone, ked_diphone and the slt HTS voice; the shared checks are in the contract. */
class FestivalEngineTest extends FliteFestivalContract {
    /** Long enough that festival is surely still speaking it when the test kills it or gives up waiting. */
    private static final String LONG = String.join(" ", Collections.nCopies(30, SENTENCE));
    private Engine engine;

    @BeforeAll
    void installed() {
        assertEquals(Optional.empty(), FestivalEngine.missing(), "festival and its voices must be installed for these tests");
        engine = track(new FestivalEngine(2));
    }

    @Override
    Engine open(int threads) {
        return new FestivalEngine(threads);
    }

    @Override
    Engine engine() {
        return engine;
    }

    @Override
    boolean honoursPitch(EngineVoice voice) {
        return !voice.equals(FestivalEngine.SLT);
    }

    @Test
    void offersTheThreeVoicesAtTheirOwnRates() throws IOException {
        assertEquals(List.of("kal", "ked", "slt"), engine.voices().stream().map(EngineVoice::person).toList());
        assertEquals(16_000, engine.speak(FestivalEngine.KAL, PLAIN, "yes").sampleRate());
        assertEquals(16_000, engine.speak(FestivalEngine.KED, PLAIN, "yes").sampleRate());
        assertEquals(32_000, engine.speak(FestivalEngine.SLT, PLAIN, "yes").sampleRate());
    }

    @Test
    void kedsInsertedRIsFoldedBackIntoItsEr() throws IOException {
        // ked's waveform hook splits each er into er + r; a real r after er ("her river") must stay.
        for (EngineVoice v : engine.voices()) {
            assertEquals("sil hh er r ih v er sil", String.join(" ", labels(engine.speak(v, PLAIN, "her river"))), v.name());
        }
    }

    @Test
    void aProcessKilledWhileIdleIsReplacedAndSpeaksTheSame() throws Exception {
        FestivalEngine e = (FestivalEngine) track(new FestivalEngine(1));
        Synthesis before = e.speak(FestivalEngine.KED, PLAIN, "please open the window");
        List<ProcessHandle> running = e.processes();
        assertEquals(1, running.size());
        running.get(0).destroyForcibly();
        running.get(0).onExit().get(10, TimeUnit.SECONDS);
        Synthesis after = e.speak(FestivalEngine.KED, PLAIN, "please open the window");
        assertIdentical(before, after, "after the kill");
        assertFalse(e.processes().get(0).pid() == running.get(0).pid(), "a new process");
    }

    @Test
    void aProcessKilledMidCallFailsThatCallNamingVoiceAndTextAndTheNextCallWorks() throws Exception {
        FestivalEngine e = (FestivalEngine) track(new FestivalEngine(1));
        Synthesis before = e.speak(FestivalEngine.SLT, PLAIN, "stop");
        ProcessHandle victim = e.processes().get(0);
        Duration idle = cpu(victim);
        // Killed once it is busy with the long request (its CPU time grows), not after a guessed delay.
        Thread killer = new Thread(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (cpu(victim).minus(idle).toMillis() < 50 && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException stop) {
                    return;
                }
            }
            victim.destroyForcibly();
        });
        killer.start();
        IOException failure = assertThrows(IOException.class, () -> e.speak(FestivalEngine.SLT, PLAIN, LONG));
        killer.join();
        assertTrue(failure.getMessage().contains("cmu_us_slt_arctic_hts") && failure.getMessage().contains(SENTENCE)
                && failure.getMessage().contains("exited"), failure.getMessage());
        assertIdentical(before, e.speak(FestivalEngine.SLT, PLAIN, "stop"), "after the kill");
    }

    @Test
    void aHungProcessTimesOutIsKilledAndTheNextCallWorks() throws Exception {
        FestivalEngine e = (FestivalEngine) track(new FestivalEngine(1));
        Synthesis before = e.speak(FestivalEngine.KAL, PLAIN, "go");
        ProcessHandle slow = e.processes().get(0);
        e.timeout(Duration.ofMillis(100)); // festival needs seconds for LONG in the HTS voice: it seems hung
        IOException failure = assertThrows(IOException.class, () -> e.speak(FestivalEngine.SLT, PLAIN, LONG));
        assertTrue(failure.getMessage().contains("cmu_us_slt_arctic_hts") && failure.getMessage().contains("did not answer"),
                failure.getMessage());
        slow.onExit().get(10, TimeUnit.SECONDS);
        e.timeout(Duration.ofSeconds(60));
        assertIdentical(before, e.speak(FestivalEngine.KAL, PLAIN, "go"), "after the timeout");
    }

    @Test
    void aSchemeErrorIsReportedAndTheProcessKeepsServing() throws Exception {
        // With its audio folder gone, festival's utt.save.wave fails inside the request: no "ok", a clear message.
        FestivalEngine e = (FestivalEngine) track(new FestivalEngine(1));
        Synthesis before = e.speak(FestivalEngine.KAL, PLAIN, "go");
        long pid = e.processes().get(0).pid();
        Files.delete(e.folder());
        try {
            IOException failure = assertThrows(IOException.class, () -> e.speak(FestivalEngine.KAL, PLAIN, "go"));
            assertTrue(failure.getMessage().contains("kal_diphone") && failure.getMessage().contains("\"go\"")
                    && failure.getMessage().contains("festival failed"), failure.getMessage());
        } finally {
            Files.createDirectory(e.folder());
        }
        assertIdentical(before, e.speak(FestivalEngine.KAL, PLAIN, "go"), "after the error");
        assertEquals(pid, e.processes().get(0).pid(), "the same process");
    }

    /** CPU time the process has used so far (zero where the system does not say). */
    private static Duration cpu(ProcessHandle process) {
        return process.info().totalCpuDuration().orElse(Duration.ZERO);
    }
}
