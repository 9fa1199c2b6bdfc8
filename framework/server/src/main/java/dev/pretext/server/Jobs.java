package dev.pretext.server;

import dev.pretext.core.UserError;
import dev.pretext.core.recipe.RecipeError;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The jobs of one server home: submission (checked, then written whole or not at all), their folders, and the
 * index kept beside them. A job folder appears under {@code jobs/} only once it is complete, by one rename.
 */
public final class Jobs {
    private final Path home;
    private final JobIndex index;
    private final Validator validator;
    private final BundleSource bundles;
    private final PathRules paths;
    private final AtomicLong lastId;
    private final JarHashes hashes = new JarHashes();

    public Jobs(Path home, JobIndex index, Validator validator, BundleSource bundles, PathRules paths) {
        this.home = home.toAbsolutePath().normalize();
        this.index = index;
        this.validator = validator;
        this.bundles = bundles;
        this.paths = paths;
        removeAbandonedSubmissions();
        List<JobFolder> folders = folders();
        index.rebuild(folders);
        this.lastId = new AtomicLong(folders.stream().mapToLong(f -> f.spec().id()).max().orElse(0));
    }

    /** A submission the server was writing when it died never became a job: its scratch folder goes. */
    private void removeAbandonedSubmissions() {
        if (!Files.isDirectory(jobsDir())) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(jobsDir(), ".submitting-*")) {
            ds.forEach(Jobs::deleteTree);
        } catch (IOException e) {
            // Left for the next start.
        }
    }

    public Path jobsDir() {
        return home.resolve("jobs");
    }

    Path bundleStore() {
        return home.resolve("bundles");
    }

    public JobIndex index() {
        return index;
    }

    /** Every complete job folder, by id. */
    public List<JobFolder> folders() {
        List<JobFolder> found = new ArrayList<>();
        if (!Files.isDirectory(jobsDir())) {
            return found;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(jobsDir(), "[0-9]*")) {
            for (Path d : ds) {
                JobFolder f = new JobFolder(d);
                if (f.complete()) {
                    found.add(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        found.sort(Comparator.comparingLong(f -> Long.parseLong(f.dir().getFileName().toString())));
        return found;
    }

    public Optional<JobFolder> folder(long id) {
        JobFolder f = new JobFolder(jobsDir().resolve(Long.toString(id)));
        return f.complete() ? Optional.of(f) : Optional.empty();
    }

    /** A running sweep finishes runs for hours: its runs are indexed again whenever the index is read. */
    public void indexRunningRuns() {
        for (JobIndex.Row r : index.jobs(JobState.RUNNING, null, 1_000, 0).rows()) {
            folder(r.id()).ifPresent(f -> index.putRuns(r.id(), RunSummary.of(f, f.spec())));
        }
    }

    /** Changes a job's state: its folder first (the truth), then the index. */
    public void update(JobFolder folder, JobSpec spec, JobStatus status) {
        folder.write(status);
        index.put(spec, status);
        if (status.state().ended()) {
            index.putRuns(spec.id(), RunSummary.of(folder, spec));
        }
    }

    /**
     * Checks a submission against the live plugins and the server's path rules, pins the bundles it will run on,
     * and queues it. Nothing is written when it is refused.
     */
    public JobSpec submit(String user, Submission submission) {
        try {
            paths.check(submission.files());
        } catch (RecipeError e) {
            // Not YAML, or nested past any recipe: refused before anything is written.
            throw invalid(e, Path.of(""));
        }
        Path scratch;
        try {
            Files.createDirectories(jobsDir());
            scratch = Files.createTempDirectory(jobsDir(), ".submitting-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write under " + jobsDir(), e);
        }
        try {
            Path files = scratch.resolve("files");
            Files.createDirectories(files);
            for (Map.Entry<String, String> f : submission.files().entrySet()) {
                Files.writeString(files.resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8);
            }
            Validator.Checked checked;
            try {
                checked = validator.check(files.resolve(submission.main()));
            } catch (RecipeError e) {
                throw invalid(e, files);
            } catch (UserError e) {
                throw new ApiError(400, "invalid", withoutFolder(e.getMessage(), files));
            }
            List<JobSpec.PinnedBundle> pinned = pin(scratch.resolve("plugins"));
            long id = lastId.incrementAndGet();
            JobSpec spec = new JobSpec(id, checked.kind(), checked.name(), user, submission.priority(), Instant.now(),
                    submission.main(), pinned);
            JobFolder staged = new JobFolder(scratch);
            staged.write(spec);
            JobStatus status = JobStatus.queued();
            staged.write(status);
            Path target = jobsDir().resolve(Long.toString(id));
            Files.move(scratch, target, StandardCopyOption.ATOMIC_MOVE);
            scratch = null;
            index.put(spec, status);
            return spec;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the job under " + jobsDir() + ": " + e.getMessage(), e);
        } finally {
            if (scratch != null) {
                deleteTree(scratch);
            }
        }
    }

    /** The live bundles, copied once into the content-addressed store and linked into the job's own folder. */
    private List<JobSpec.PinnedBundle> pin(Path pluginsDir) throws IOException {
        Files.createDirectories(pluginsDir);
        Files.createDirectories(bundleStore());
        List<JobSpec.PinnedBundle> pinned = new ArrayList<>();
        for (BundleSource.LiveBundle b : bundles.bundles()) {
            String sha = hashes.of(b.jar());
            Path stored = bundleStore().resolve(sha + ".jar");
            if (!Files.exists(stored)) {
                Path tmp = bundleStore().resolve("." + sha + ".tmp");
                Files.copy(b.jar(), tmp, StandardCopyOption.REPLACE_EXISTING);
                // The copy may differ from the hash if the jar was replaced meanwhile: check before keeping it.
                if (!sha256(tmp).equals(sha)) {
                    Files.delete(tmp);
                    throw new ApiError(409, "plugins_changing", "bundle " + b.jar().getFileName() + " changed while "
                            + "the job was being submitted; submit again");
                }
                Files.move(tmp, stored, StandardCopyOption.ATOMIC_MOVE);
            }
            String file = b.bundle() + "-" + b.version() + ".jar";
            Path link = pluginsDir.resolve(file);
            try {
                Files.createLink(link, stored);
            } catch (FileAlreadyExistsException e) {
                continue;
            } catch (UnsupportedOperationException | IOException e) {
                Files.copy(stored, link);
            }
            pinned.add(new JobSpec.PinnedBundle(file, b.bundle(), b.version(), sha));
        }
        return pinned;
    }

    /** Hashes of the live jars, kept while a jar's size and time are unchanged: submissions do not rehash them. */
    private static final class JarHashes {
        private record Seen(long size, long modified, String sha) {
        }

        private final Map<Path, Seen> seen = new java.util.concurrent.ConcurrentHashMap<>();

        String of(Path jar) throws IOException {
            long size = Files.size(jar);
            long modified = Files.getLastModifiedTime(jar).toMillis();
            Seen s = seen.get(jar);
            if (s != null && s.size() == size && s.modified() == modified) {
                return s.sha();
            }
            String sha = sha256(jar);
            seen.put(jar, new Seen(size, modified, sha));
            return sha;
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ApiError invalid(RecipeError e, Path files) {
        Map<String, Object> problem = new LinkedHashMap<>();
        Path file = e.file();
        problem.put("file", file == null ? null : (file.startsWith(files) ? files.relativize(file).toString()
                : file.getFileName().toString()));
        problem.put("line", e.line());
        problem.put("key", e.key());
        problem.put("problem", withoutFolder(e.problem(), files));
        problem.put("hint", e.hint() == null ? null : withoutFolder(e.hint(), files));
        return new ApiError(400, "invalid", withoutFolder(e.getMessage(), files), List.of(problem));
    }

    /** Messages name files by their submitted names, not the server's scratch folder. */
    static String withoutFolder(String message, Path files) {
        return message == null ? null : message.replace(files.toAbsolutePath() + "/", "").replace(files + "/", "");
    }

    static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // A leftover scratch folder is named .submitting-* and ignored.
        }
    }
}
