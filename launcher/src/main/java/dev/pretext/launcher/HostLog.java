package dev.pretext.launcher;

import dev.pretext.core.UserError;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LogService;
import org.osgi.service.log.Logger;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The file the OSGi side of the host logs into: Felix itself, and SCR and FileInstall through the
 * {@link LogService} the host registers. Without it they print stack traces on the console, several times
 * per failing plugin and host start; pretext reports the cause in one line and names this file.
 *
 * <p>One file per cache ({@code <cache>/logs/host.log}), appended by every host start under a header line;
 * above {@link #ROTATE_BYTES} it is moved to {@code host.log.1} at start.
 */
final class HostLog implements LogService, AutoCloseable {
    static final long ROTATE_BYTES = 4L << 20;

    private final Path file;
    private final Writer out;

    private HostLog(Path file, Writer out) {
        this.file = file;
        this.out = out;
    }

    static HostLog open(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (Files.isRegularFile(file) && Files.size(file) > ROTATE_BYTES) {
                Files.move(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
            }
            Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            HostLog log = new HostLog(file, w);
            log.write("INFO", "host", "start, pid " + ProcessHandle.current().pid(), null);
            return log;
        } catch (IOException e) {
            throw new UserError("cannot write the host log " + file + " (" + e + "); pass --cache DIR with a folder "
                    + "you can write to");
        }
    }

    Path file() {
        return file;
    }

    synchronized void write(String level, String source, String message, Throwable error) {
        try {
            out.write(Instant.now() + " " + level + " [" + source + "] " + message + System.lineSeparator());
            if (error != null) {
                StringWriter trace = new StringWriter();
                error.printStackTrace(new PrintWriter(trace));
                out.write(trace.toString());
            }
            out.flush();
        } catch (IOException e) {
            // A log that cannot be written must not stop the host.
        }
    }

    /** Felix's own logger, set as {@code felix.log.logger}. */
    org.apache.felix.framework.Logger felixLogger() {
        return new org.apache.felix.framework.Logger() {
            @Override
            protected void doLog(Bundle bundle, ServiceReference sr, int level, String msg, Throwable throwable) {
                write(level(level), bundle == null ? "felix" : String.valueOf(bundle.getSymbolicName()), msg, throwable);
            }
        };
    }

    private static String level(int level) {
        return switch (level) {
            case LOG_ERROR -> "ERROR";
            case LOG_WARNING -> "WARN";
            case LOG_INFO -> "INFO";
            default -> "DEBUG";
        };
    }

    @Override
    public void log(int level, String message) {
        write(level(level), "osgi", message, null);
    }

    @Override
    public void log(int level, String message, Throwable exception) {
        write(level(level), "osgi", message, exception);
    }

    @Override
    public void log(ServiceReference<?> sr, int level, String message) {
        log(sr, level, message, null);
    }

    @Override
    public void log(ServiceReference<?> sr, int level, String message, Throwable exception) {
        Bundle b = sr == null ? null : sr.getBundle();
        write(level(level), b == null ? "osgi" : String.valueOf(b.getSymbolicName()), message, exception);
    }

    @Override
    public Logger getLogger(String name) {
        return logger(name, Logger.class);
    }

    @Override
    public Logger getLogger(Class<?> clazz) {
        return logger(clazz.getName(), Logger.class);
    }

    @Override
    public <L extends Logger> L getLogger(String name, Class<L> loggerType) {
        return logger(name, loggerType);
    }

    @Override
    public <L extends Logger> L getLogger(Class<?> clazz, Class<L> loggerType) {
        return logger(clazz.getName(), loggerType);
    }

    @Override
    public <L extends Logger> L getLogger(Bundle bundle, String name, Class<L> loggerType) {
        return logger(bundle == null ? name : bundle.getSymbolicName(), loggerType);
    }

    /**
     * An OSGi {@link Logger} (or {@code FormatterLogger}) writing here. It has some forty methods that differ only
     * in level and arguments, so one handler serves them all: debug and trace are off; a trailing throwable
     * argument is printed with its trace.
     */
    private <L extends Logger> L logger(String source, Class<L> type) {
        Object proxy = Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[]{type}, (p, method, args) -> {
            String name = method.getName();
            switch (name) {
                case "getName":
                    return source;
                case "isTraceEnabled", "isDebugEnabled":
                    return false;
                case "isInfoEnabled", "isWarnEnabled", "isErrorEnabled":
                    return true;
                case "toString":
                    return "HostLog logger " + source;
                case "hashCode":
                    return System.identityHashCode(p);
                case "equals":
                    return p == args[0];
                case "trace", "debug":
                    return null;
                default:
                    break;
            }
            if (args == null || args.length == 0 || !(args[0] instanceof String message)) {
                return null;   // the LoggerConsumer variants: nothing to write without running plugin code
            }
            Throwable error = args[args.length - 1] instanceof Throwable t ? t : null;
            if (args.length > 1 && args[1] instanceof Object[] varargs && varargs.length > 0
                    && varargs[varargs.length - 1] instanceof Throwable t) {
                error = t;
            }
            write(switch (name) {
                case "error" -> "ERROR";
                case "warn" -> "WARN";
                case "audit" -> "AUDIT";
                default -> "INFO";
            }, source, message, error);
            return null;
        });
        return type.cast(proxy);
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            // Nothing left to log to.
        }
    }
}
