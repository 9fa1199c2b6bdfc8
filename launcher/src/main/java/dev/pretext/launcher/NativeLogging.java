package dev.pretext.launcher;

import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * libtorch's own (c10) log level. On CPUs where NNPACK cannot start (e.g. an AMD EPYC Zen5 whose caches it
 * cannot read) libtorch logs "Could not initialize NNPACK! Reason: Unsupported hardware." as a warning on every
 * convolution with a batch of one: hundreds of lines while probing. PyTorch reads {@code TORCH_CPP_LOG_LEVEL}
 * only when Python starts it, so the host does the same after loading the engine: it calls
 * {@code c10::initLogging()} when the variable is set, and otherwise sets the level to ERROR itself.
 */
final class NativeLogging {
    static final String ENV = "TORCH_CPP_LOG_LEVEL";
    /** c10's levels: INFO 0, WARNING 1, ERROR 2, FATAL 3. */
    static final int ERROR = 2;

    private NativeLogging() {
    }

    /** Returns the level now in force, or -1 if libc10 could not be reached (then nothing changed). */
    static int apply() {
        try {
            Path c10 = Path.of(LibUtils.getLibtorchPath()).resolve("libc10.so");
            if (!Files.isRegularFile(c10)) {
                return -1;
            }
            NativeLibrary lib = NativeLibrary.getInstance(c10.toString());
            Pointer level = lib.getGlobalVariableAddress("FLAGS_caffe2_log_level");
            String env = System.getenv(ENV);
            if (env != null && !env.isBlank()) {
                // libtorch's own parser, as under Python: INFO, WARNING, ERROR, FATAL or a number.
                lib.getFunction("_ZN3c1011initLoggingEv").invokeVoid(new Object[0]);
            } else {
                level.setInt(0, ERROR);
            }
            return level.getInt(0);
        } catch (RuntimeException | LinkageError e) {
            return -1;   // another libtorch build without these symbols: its warnings stay, nothing breaks
        }
    }
}
