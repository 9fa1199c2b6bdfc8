package dev.pretext.architectures.fbank;

import dev.pretext.api.PluginFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FbankConfigTest {
    @Test
    void missingKeysGetTheDefaults() {
        FbankConfig c = new FbankConfig(null, null, null, null, null, null);
        assertEquals(80, c.bins());
        assertEquals(25.0, c.frameMs());
        assertEquals(10.0, c.shiftMs());
        assertEquals(false, c.cmvn());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "3;25;10;bins must be in [4, 256], got 3",
            "300;25;10;bins must be in [4, 256], got 300",
            "80;0.5;0.5;frame_ms must be in [1, 100] milliseconds, got 0.5",
            "80;25;30;shift_ms must be in [1, frame_ms] = [1, 25.0] milliseconds, got 30.0",
            "80;25;0;shift_ms must be in [1, frame_ms]",
            "200;25;10;bins = 200 is too many for frame_ms = 25.0 (512-point FFT)",
            "80;4;2;bins = 80 is too many for frame_ms = 4.0 (64-point FFT)",
    })
    void badValuesAreNamedWithTheirRange(int bins, double frameMs, double shiftMs, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FbankConfig(bins, frameMs, shiftMs, null, null, null));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void pluginNamesItsTypes() {
        PluginFactory<FbankConfig, ?> plugin = new FbankPlugin();
        assertEquals(FbankConfig.class, plugin.configType());
        assertEquals(FbankFrontend.class, plugin.implementationType());
        assertTrue(dev.pretext.api.PluginKind.FRONTEND.contract().isAssignableFrom(plugin.implementationType()));
    }
}
