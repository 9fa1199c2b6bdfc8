package dev.pretext.launcher;

import dev.pretext.core.Console;
import dev.pretext.core.interop.Format;
import dev.pretext.core.interop.Importer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Make a run folder from a published wav2vec 2.0 or HuBERT checkpoint (any size): the matching "
                + "waveform-cnn frontend and transformer encoder with its weights, in the recipe RECIPE_FRAGMENT "
                + "(name, data, probes); `pretext probe` then probes it like a trained run.")
final class ImportCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(paramLabel = "FILE", description = "torchaudio: weights as .safetensors (arguments in FILE's name "
            + "with .json, or --config); huggingface: model.safetensors or pytorch_model.bin (config.json beside "
            + "it) or their folder; fairseq: the .pt checkpoint.")
    Path file;

    @Option(names = "--format", required = true, paramLabel = "FORMAT",
            description = "torchaudio, huggingface or fairseq.")
    String format;

    @Option(names = "--as", required = true, paramLabel = "RECIPE_FRAGMENT",
            description = "A recipe without frontend and encoder (they come from the checkpoint): name, data, probes.")
    Path fragment;

    @Option(names = "--config", paramLabel = "JSON", description = "The checkpoint's configuration, when not beside it.")
    Path config;

    @Option(names = "--out", paramLabel = "RUN_DIR", description = "The run folder to create (default: runs/NAME).")
    Path out;

    @Option(names = "--reference", paramLabel = "WAV", description = "A 16 kHz mono WAV: also write the imported "
            + "network's hidden states on it (reference.safetensors in the run folder).")
    Path reference;

    @Override
    public Integer call() {
        Format f = Format.parse(format, Format.all(), "--format");
        try (Host host = main.startHost()) {
            Importer.importModel(file.toAbsolutePath(), f, config, fragment, out, reference, host.registry(),
                    main.cacheDir(), Console.to(main.out()));
            main.out().flush();
            return 0;
        }
    }
}
