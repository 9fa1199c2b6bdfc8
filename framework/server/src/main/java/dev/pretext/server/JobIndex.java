package dev.pretext.server;

import dev.pretext.core.UserError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The server's database (H2, one file under the home): its users, and an index of the jobs whose truth is in
 * their folders. The index is rebuilt from the folders at every start, so a lost or stale database loses no job;
 * users live only here (add them again if the database is lost).
 */
public final class JobIndex implements AutoCloseable {
    /** One row of the index: what lists and the scheduler need without reading every folder. */
    public record Row(long id, String kind, String name, String user, int priority, JobState state, int attempt,
                      Instant submitted, Instant started, Instant ended, String reason) {
    }

    public record User(String name, boolean admin) {
    }

    private final Connection db;

    private JobIndex(Connection db) {
        this.db = db;
    }

    public static JobIndex open(Path dbDir) {
        try {
            Files.createDirectories(dbDir);
            // FILE_LOCK=FILE (H2's default) makes a second server on the same home fail here, not corrupt it.
            Connection c = DriverManager.getConnection("jdbc:h2:file:" + dbDir.toAbsolutePath().resolve("pretext")
                    + ";DB_CLOSE_ON_EXIT=FALSE", "pretext", "");
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS users (name VARCHAR(64) PRIMARY KEY, token_sha256 CHAR(64) "
                        + "NOT NULL UNIQUE, admin BOOLEAN NOT NULL, created TIMESTAMP WITH TIME ZONE NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS jobs (id BIGINT PRIMARY KEY, kind VARCHAR(16) NOT NULL, "
                        + "name VARCHAR(200) NOT NULL, user_name VARCHAR(64) NOT NULL, priority INT NOT NULL, "
                        + "state VARCHAR(16) NOT NULL, attempt INT NOT NULL, submitted TIMESTAMP WITH TIME ZONE NOT NULL, "
                        + "started TIMESTAMP WITH TIME ZONE, ended TIMESTAMP WITH TIME ZONE, reason VARCHAR(2000))");
                s.execute("CREATE TABLE IF NOT EXISTS runs (job_id BIGINT NOT NULL, run VARCHAR(200) NOT NULL, "
                        + "folder VARCHAR(1000) NOT NULL, objective VARCHAR(100), encoder VARCHAR(100), parameters "
                        + "BIGINT, flops DOUBLE PRECISION, steps BIGINT, final_loss DOUBLE PRECISION, score DOUBLE "
                        + "PRECISION, score_std DOUBLE PRECISION, PRIMARY KEY (job_id, run))");
            }
            return new JobIndex(c);
        } catch (java.io.IOException e) {
            throw new UserError("cannot create the server's database folder " + dbDir + ": " + e.getMessage());
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().contains("already in use")) {
                throw new UserError("the server home's database " + dbDir + " is in use by another process: is a "
                        + "pretext server already running on this home? Stop it, or give another --home");
            }
            throw new UserError("cannot open the server's database in " + dbDir + ": " + firstLine(e)
                    + "; if it is damaged, move " + dbDir + " away: jobs are rebuilt from their folders (users must "
                    + "be added again)");
        }
    }

    /** Replaces the index of jobs and their runs with what the job folders say. */
    public synchronized void rebuild(List<JobFolder> folders) {
        try {
            db.setAutoCommit(false);
            try (Statement s = db.createStatement()) {
                s.execute("DELETE FROM jobs");
                s.execute("DELETE FROM runs");
            }
            for (JobFolder f : folders) {
                JobSpec spec = f.spec();
                put(spec, f.status());
                putRuns(spec.id(), RunSummary.of(f, spec));
            }
            db.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot rebuild the job index: " + firstLine(e), e);
        } finally {
            try {
                db.setAutoCommit(true);
            } catch (SQLException e) {
                // The next statement reports it.
            }
        }
    }

    public synchronized void put(JobSpec spec, JobStatus status) {
        try (PreparedStatement p = db.prepareStatement("MERGE INTO jobs (id, kind, name, user_name, priority, state, "
                + "attempt, submitted, started, ended, reason) KEY (id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            p.setLong(1, spec.id());
            p.setString(2, spec.kind());
            p.setString(3, spec.name());
            p.setString(4, spec.user());
            p.setInt(5, spec.priority());
            p.setString(6, status.state().id());
            p.setInt(7, status.attempt());
            p.setTimestamp(8, ts(spec.submitted()));
            p.setTimestamp(9, ts(status.started()));
            p.setTimestamp(10, ts(status.ended()));
            p.setString(11, status.reason() == null ? null : clip(status.reason(), 2000));
            p.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot index job " + spec.id() + ": " + firstLine(e), e);
        }
    }

    /** Replaces a job's runs in the index. */
    public synchronized void putRuns(long job, List<RunSummary> runs) {
        try (PreparedStatement del = db.prepareStatement("DELETE FROM runs WHERE job_id = ?");
             PreparedStatement ins = db.prepareStatement("INSERT INTO runs (job_id, run, folder, objective, encoder, "
                     + "parameters, flops, steps, final_loss, score, score_std) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            del.setLong(1, job);
            del.executeUpdate();
            for (RunSummary r : runs) {
                ins.setLong(1, job);
                ins.setString(2, clip(r.run(), 200));
                ins.setString(3, clip(r.folder(), 1000));
                ins.setString(4, r.objective() == null ? null : clip(r.objective(), 100));
                ins.setString(5, r.encoder() == null ? null : clip(r.encoder(), 100));
                ins.setObject(6, r.parameters());
                ins.setObject(7, r.flops());
                ins.setObject(8, r.steps());
                ins.setObject(9, r.finalLoss());
                ins.setObject(10, r.score());
                ins.setObject(11, r.scoreStd());
                ins.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot index the runs of job " + job + ": " + firstLine(e), e);
        }
    }

    /** How runs are listed: best score first, most compute first, or newest job first. */
    public enum RunOrder {
        SCORE("score DESC NULLS LAST, job_id DESC, run"), FLOPS("flops DESC NULLS LAST, job_id DESC, run"),
        NEWEST("job_id DESC, run");

        private final String sql;

        RunOrder(String sql) {
            this.sql = sql;
        }
    }

    /** One page of the run index, optionally of one objective or one job, and how many runs match. */
    public synchronized RunPage runs(String objective, Long job, RunOrder order, int limit, int offset) {
        StringBuilder where = new StringBuilder(" WHERE 1=1");
        if (objective != null) {
            where.append(" AND objective = ?");
        }
        if (job != null) {
            where.append(" AND job_id = ?");
        }
        try (PreparedStatement count = db.prepareStatement("SELECT COUNT(*) FROM runs" + where);
             PreparedStatement page = db.prepareStatement("SELECT * FROM runs" + where + " ORDER BY " + order.sql
                     + " LIMIT ? OFFSET ?")) {
            int i = 1;
            for (PreparedStatement p : List.of(count, page)) {
                i = 1;
                if (objective != null) {
                    p.setString(i++, objective);
                }
                if (job != null) {
                    p.setLong(i++, job);
                }
            }
            page.setInt(i, limit);
            page.setInt(i + 1, offset);
            int total;
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                total = rs.getInt(1);
            }
            List<RunSummary> rows = new ArrayList<>();
            try (ResultSet rs = page.executeQuery()) {
                while (rs.next()) {
                    rows.add(new RunSummary(rs.getLong("job_id"), rs.getString("run"), rs.getString("folder"),
                            rs.getString("objective"), rs.getString("encoder"), rs.getObject("parameters", Long.class),
                            rs.getObject("flops", Double.class), rs.getObject("steps", Long.class),
                            rs.getObject("final_loss", Double.class), rs.getObject("score", Double.class),
                            rs.getObject("score_std", Double.class)));
                }
            }
            return new RunPage(rows, total, offset, limit);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list runs: " + firstLine(e), e);
        }
    }

    /** One page of the run index. */
    public record RunPage(List<RunSummary> rows, int total, int offset, int limit) {
    }

    /** One page of a job listing, and how many jobs the whole listing has. */
    public record Page(List<Row> rows, int total, int offset, int limit) {
    }

    /** Jobs, newest first, optionally only those in one state or of one user; {@code offset} pages through. */
    public synchronized Page jobs(JobState state, String user, int limit, int offset) {
        StringBuilder where = new StringBuilder(" WHERE 1=1");
        List<String> args = new ArrayList<>();
        if (state != null) {
            where.append(" AND state = ?");
            args.add(state.id());
        }
        if (user != null) {
            where.append(" AND user_name = ?");
            args.add(user);
        }
        try (PreparedStatement count = db.prepareStatement("SELECT COUNT(*) FROM jobs" + where);
             PreparedStatement page = db.prepareStatement("SELECT * FROM jobs" + where
                     + " ORDER BY id DESC LIMIT ? OFFSET ?")) {
            for (int i = 0; i < args.size(); i++) {
                count.setString(i + 1, args.get(i));
                page.setString(i + 1, args.get(i));
            }
            page.setInt(args.size() + 1, limit);
            page.setInt(args.size() + 2, offset);
            int total;
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                total = rs.getInt(1);
            }
            return new Page(rows(page), total, offset, limit);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list jobs: " + firstLine(e), e);
        }
    }

    /** The queue in the order jobs start: higher priority first, then first submitted. */
    public synchronized List<Row> queue() {
        try (PreparedStatement p = db.prepareStatement(
                "SELECT * FROM jobs WHERE state = 'queued' ORDER BY priority DESC, id ASC")) {
            return rows(p);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the queue: " + firstLine(e), e);
        }
    }

    public synchronized long maxId() {
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT COALESCE(MAX(id), 0) FROM jobs")) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(firstLine(e), e);
        }
    }

    public synchronized void addUser(String name, String tokenSha256, boolean admin) {
        try (PreparedStatement p = db.prepareStatement(
                "INSERT INTO users (name, token_sha256, admin, created) VALUES (?, ?, ?, ?)")) {
            p.setString(1, name);
            p.setString(2, tokenSha256);
            p.setBoolean(3, admin);
            p.setTimestamp(4, ts(Instant.now()));
            p.executeUpdate();
        } catch (SQLException e) {
            if (e.getErrorCode() == org.h2.api.ErrorCode.DUPLICATE_KEY_1) {
                throw new UserError("user '" + name + "' exists already; pick another name (tokens are shown only "
                        + "once: a user who lost theirs gets a new user name, or remove " + "them with --remove-user)");
            }
            throw new IllegalStateException("cannot add user " + name + ": " + firstLine(e), e);
        }
    }

    public synchronized boolean removeUser(String name) {
        try (PreparedStatement p = db.prepareStatement("DELETE FROM users WHERE name = ?")) {
            p.setString(1, name);
            return p.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new IllegalStateException(firstLine(e), e);
        }
    }

    public synchronized Optional<User> userByToken(String tokenSha256) {
        try (PreparedStatement p = db.prepareStatement("SELECT name, admin FROM users WHERE token_sha256 = ?")) {
            p.setString(1, tokenSha256);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? Optional.of(new User(r.getString(1), r.getBoolean(2))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(firstLine(e), e);
        }
    }

    public synchronized int users() {
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM users")) {
            r.next();
            return r.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(firstLine(e), e);
        }
    }

    private static List<Row> rows(PreparedStatement p) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (ResultSet r = p.executeQuery()) {
            while (r.next()) {
                rows.add(new Row(r.getLong("id"), r.getString("kind"), r.getString("name"), r.getString("user_name"),
                        r.getInt("priority"), JobState.fromId(r.getString("state")), r.getInt("attempt"),
                        instant(r.getTimestamp("submitted")), instant(r.getTimestamp("started")),
                        instant(r.getTimestamp("ended")), r.getString("reason")));
            }
        }
        return rows;
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 3) + "...";
    }

    private static String firstLine(SQLException e) {
        String m = e.getMessage();
        return m == null ? e.toString() : m.lines().findFirst().orElse("");
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            // Closing anyway.
        }
    }
}
