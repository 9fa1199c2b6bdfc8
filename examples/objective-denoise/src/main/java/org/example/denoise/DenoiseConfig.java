package org.example.denoise;

/**
 * Recipe keys: {@code noise}, the standard deviation of the Gaussian noise added to the features (default 0.5).
 * A record: pretext binds it from the recipe (snake_case keys, unknown keys rejected) and writes the filled-in
 * defaults into the run's resolved recipe.
 */
public record DenoiseConfig(Double noise) {
    public DenoiseConfig {
        noise = noise == null ? 0.5 : noise;
        if (!(noise > 0 && noise < 100)) {
            // Reported as a recipe error with file, line and key.
            throw new IllegalArgumentException("noise must be in (0, 100), got " + noise);
        }
    }
}
