package dev.pretext.launcher;

import dev.pretext.core.Console;
import dev.pretext.core.interop.Exporter;
import dev.pretext.core.interop.Format;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a run's latest checkpoint in another library's layout: torchaudio (safetensors named "
                + "as wav2vec2_model(...)'s state dict, plus its constructor arguments as JSON) or huggingface "
                + "(safetensors and config.json of transformers' Wav2Vec2Model/HubertModel). Encoders wav2vec 2.0 "
                + "cannot express are refused with the reason (docs/INTEROP.md).")
final class ExportCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(paramLabel = "RUN_DIR", description = "A run folder made by `pretext train`.")
    Path runDir;

    @Option(names = "--format", required = true, paramLabel = "FORMAT", description = "torchaudio or huggingface.")
    String format;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "A new (or empty) folder to write.")
    Path out;

    @Option(names = "--with-heads", description = "Also write the objective's own parameters (objective_heads"
            + ".safetensors, pretext's names); left out by default.")
    boolean withHeads;

    @Option(names = "--reference", paramLabel = "WAV", description = "A 16 kHz mono WAV: also write pretext's hidden "
            + "states on it (reference.safetensors) to check the export against in the other library.")
    Path reference;

    @Override
    public Integer call() {
        Format f = Format.parse(format, List.of(Format.TORCHAUDIO, Format.HUGGINGFACE), "--format");
        try (Host host = main.startHost()) {
            Exporter.export(runDir.toAbsolutePath(), f, out.toAbsolutePath(), withHeads, reference, host.registry(),
                    main.cacheDir(), Console.to(main.out()));
            main.out().flush();
            return 0;
        }
    }
}
